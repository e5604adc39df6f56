"""HTML reports: one self-contained page built from registered sections."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from burdenshare import __version__
from burdenshare.report.html import render_page
from burdenshare.report.sections import Section, build_sections, register_section

if TYPE_CHECKING:
    from burdenshare.app.analyze import AnalysisResults

__all__ = ["Section", "build_report", "register_section", "write_report"]


def build_report(results: AnalysisResults) -> str:
    """The report for ``results`` as one HTML string (figures inline, nothing fetched)."""
    sc = results.scenario
    return render_page(
        title=sc.meta.title,
        subtitle=f"burdenshare report · scenario {sc.meta.id} · as of {sc.meta.as_of}",
        sections=build_sections(results),
        footer=(
            f"burdenshare {__version__} · scenario hash {sc.content_hash[:12]} · seed "
            f"{results.seed} · generated {results.started_at:%Y-%m-%d %H:%M} UTC"
        ),
    )


def write_report(results: AnalysisResults, path: Path) -> Path:
    """Write the report for ``results`` to ``path`` (see :func:`write_page`); returns ``path``."""
    return write_page(build_report(results), path)


def write_page(page: str, path: Path) -> Path:
    """Write an HTML ``page`` to ``path`` (its folder made if missing), through a temporary
    name so that an interrupted run never leaves half a page; returns ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(path)
    return path
