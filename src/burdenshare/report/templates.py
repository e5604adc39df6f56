"""The report's Jinja2 templates (``report/templates/``), autoescaped: a value is text unless a
template marks it ``|safe`` (markup a section built) — no ``html.escape`` call by call."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

__all__ = ["render"]


@cache
def environment() -> Environment:
    """One environment for every report page and section."""
    return Environment(
        loader=PackageLoader("burdenshare.report", "templates"),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def render(name: str, **context: Any) -> str:
    """The template ``name`` (e.g. ``"page.html.j2"``) filled with ``context``."""
    return environment().get_template(name).render(**context)
