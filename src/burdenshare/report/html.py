"""Assemble report sections into one self-contained HTML page (inline CSS and SVG, no network):
the page is the template ``templates/page.html.j2``; :func:`table_html` renders a DataFrame."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources

import pandas as pd

from burdenshare.report.sections import Section
from burdenshare.report.templates import render

#: the page's style sheet (``templates/report.css``), for pages that assemble their own HTML
_CSS = (resources.files("burdenshare.report") / "templates" / "report.css").read_text(
    encoding="utf-8"
)


def table_html(
    frame: pd.DataFrame, *, formats: dict[str, str] | None = None, index: bool = False
) -> str:
    """A DataFrame as an HTML table with per-column number formats (e.g. ``{"x": "{:,.1f}"}``)."""
    formatters = {
        col: (lambda v, f=fmt: "" if pd.isna(v) else f.format(v))
        for col, fmt in (formats or {}).items()
        if col in frame.columns
    }
    return frame.to_html(
        index=index, escape=True, border=0, formatters=formatters, na_rep="", classes="data"
    )


def render_page(*, title: str, subtitle: str, sections: Iterable[Section], footer: str) -> str:
    """The whole report page (``templates/page.html.j2``)."""
    return render(
        "page.html.j2", title=title, subtitle=subtitle, sections=list(sections), footer=footer
    )
