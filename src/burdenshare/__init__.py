"""burdenshare: simulate, analyse and forecast alliance cost-sharing negotiations."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("burdenshare")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0+unknown"


def __getattr__(name: str) -> object:
    """``burdenshare.load_scenario``, imported on first use (keeps ``import burdenshare`` light)."""
    if name == "load_scenario":
        from burdenshare.scenario import load_scenario

        return load_scenario
    raise AttributeError(f"module 'burdenshare' has no attribute {name!r}")
