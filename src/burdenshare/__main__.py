"""`python -m burdenshare` runs the command line."""

from burdenshare.cli import app

app(prog_name="burdenshare")
