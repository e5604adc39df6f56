"""burdenshare: simulate, analyse and forecast alliance cost-sharing negotiations."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("burdenshare")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0+unknown"
