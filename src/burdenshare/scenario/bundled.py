"""Scenarios shipped with the package (``burdenshare/scenarios/*.toml``), by name."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from burdenshare.errors import Problem, ScenarioError
from burdenshare.scenario.findings import one_of, suggest

__all__ = ["bundled_names", "bundled_path"]

_PACKAGE = "burdenshare"
_FOLDER = "scenarios"
_SUFFIX = ".toml"


def _folder() -> Path:
    return Path(str(resources.files(_PACKAGE).joinpath(_FOLDER)))


def bundled_names() -> list[str]:
    """Names of the bundled scenarios, sorted (``["sma-2019", "sma-2021-signed"]``)."""
    folder = _folder()
    if not folder.is_dir():
        return []
    return sorted(p.name.removesuffix(_SUFFIX) for p in folder.glob(f"*{_SUFFIX}") if p.is_file())


def bundled_path(name: str) -> Path:
    """The file of the bundled scenario ``name``; a :class:`ScenarioError` if there is none."""
    names = bundled_names()
    if name not in names:
        raise ScenarioError(
            [
                Problem(
                    f"no bundled scenario '{name}'" + suggest(name, names),
                    expected=one_of(names),
                    found=name,
                )
            ]
        )
    return _folder() / f"{name}{_SUFFIX}"
