"""The report's one extension point: a section is a function from results to HTML and figures.

Register a section with :func:`register_section`; :func:`build_sections` calls every registered
section in order and skips those that return ``None`` (nothing to show for this scenario). Later
analyses (bargaining, forecasting, sweeps) add their sections the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from burdenshare.errors import ProgrammerError
from burdenshare.report.figures import FigureSVG

if TYPE_CHECKING:
    from burdenshare.app.analyze import AnalysisResults


@dataclass(frozen=True)
class Section:
    """Rendered content of one report section."""

    title: str
    html: str
    figures: tuple[FigureSVG, ...] = field(default_factory=tuple)
    #: HTML shown after the figures (detailed tables)
    after: str = ""

    @property
    def id(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-")


SectionFn = Callable[["AnalysisResults"], Section | None]

#: (order, name, function); lower order comes first in the report.
_REGISTRY: list[tuple[int, str, SectionFn]] = []


def register_section(order: int, name: str | None = None) -> Callable[[SectionFn], SectionFn]:
    """Decorator adding a section function to the report."""

    def decorate(fn: SectionFn) -> SectionFn:
        key = name or fn.__name__
        if any(existing == key for _, existing, _ in _REGISTRY):
            raise ProgrammerError(f"report section {key!r} registered twice")
        _REGISTRY.append((order, key, fn))
        _REGISTRY.sort(key=lambda item: item[0])
        return fn

    return decorate


def registered_sections() -> list[tuple[str, SectionFn]]:
    """Names and functions of all sections, in report order."""
    _load_builtin_sections()
    return [(name, fn) for _, name, fn in _REGISTRY]


def build_sections(results: AnalysisResults) -> list[Section]:
    """Every applicable section for ``results``, in order."""
    built = []
    for _name, fn in registered_sections():
        section = fn(results)
        if section is not None:
            built.append(section)
    return built


def _load_builtin_sections() -> None:
    # Importing the modules registers their sections.
    from burdenshare.report import (  # noqa: F401
        bargaining_section,
        bottom_line_section,
        forecast_section,
        ledger_section,
        summary,
        sweep_section,
    )
