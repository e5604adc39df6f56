"""The ``burdenshare`` command line: one module per command group, each command a thin adapter
over the application layer (:mod:`burdenshare.app`): parse, call, render.

- :mod:`.main` — the Typer ``app``, the consoles, user errors (one line each, exit status 2),
  plausibility warnings, loading a scenario
- :mod:`.options` — options and arguments several commands share (``Annotated`` aliases)
- :mod:`.render`, :mod:`.render_ledger`, :mod:`.render_sweep`, :mod:`.tables` — everything
  printed (rich tables, JSON)
- :mod:`.help` — help text with rich markup escaped

**Adding a command group** = one module here and one import line below. The module's commands
decorate ``app`` (``@app.command("name")``), or the module builds its own ``typer.Typer()``
group and ends with ``app.add_typer(group, name="name")``. ``escape_help(app)`` stays last.
"""

# One line per command group, in the order of `burdenshare --help`.
# isort: off
from burdenshare.cli import data  # noqa: F401
from burdenshare.cli import analyze  # noqa: F401
from burdenshare.cli import compare  # noqa: F401
from burdenshare.cli import forecast  # noqa: F401
from burdenshare.cli import bargain  # noqa: F401
from burdenshare.cli import sweep  # noqa: F401
from burdenshare.cli import runs  # noqa: F401
from burdenshare.cli import backtest  # noqa: F401
from burdenshare.cli import serve  # noqa: F401

# isort: on
from burdenshare.cli.help import escape_help
from burdenshare.cli.main import app, console, err_console

escape_help(app)  # keep last: after every command and command group is added

__all__ = ["app", "console", "err_console"]
