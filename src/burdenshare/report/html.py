"""Assemble report sections into one self-contained HTML page (inline CSS and SVG, no network)."""

from __future__ import annotations

import html
from collections.abc import Iterable

import pandas as pd

from burdenshare.report.sections import Section

_CSS = """
body{font-family:-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;margin:0;
color:#1d1d1f;background:#fafafa;line-height:1.45}
header{background:#1f4e79;color:#fff;padding:1.2rem 2rem}
header h1{margin:0;font-size:1.6rem} header p{margin:.3rem 0 0;opacity:.9}
nav{background:#fff;border-bottom:1px solid #ddd;padding:.5rem 2rem;position:sticky;top:0}
nav a{margin-right:1.2rem;color:#1f4e79;text-decoration:none;font-size:.95rem}
main{max-width:1100px;margin:0 auto;padding:1rem 2rem 3rem}
section{background:#fff;border:1px solid #e3e3e3;border-radius:6px;padding:1rem 1.5rem;
margin:1.2rem 0}
h2{color:#1f4e79;margin-top:.2rem} h3{margin-bottom:.3rem}
figure{margin:1rem 0} figure svg{max-width:100%;height:auto}
figcaption{font-size:.85rem;color:#555}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0 1rem}
th,td{border-bottom:1px solid #e3e3e3;padding:.25rem .6rem;text-align:right}
th{background:#f2f5f9} td:first-child,th:first-child{text-align:left}
.note{font-size:.85rem;color:#555} .est{color:#c55a11}
footer{font-size:.8rem;color:#777;text-align:center;padding:1rem}
.answer{border-left:5px solid #1f4e79;padding:.2rem 1rem;background:#f2f5f9}
.answer .headline{font-size:1.35rem;font-weight:600;margin:.4rem 0}
table.milestones td:last-child{font-weight:600}
.warn{color:#a40000;font-size:.8rem;font-weight:normal}
ul.why li{margin:.25rem 0}
.hindsight{border:2px dashed #7f6000;background:#fff8e5;padding:.4rem 1rem;border-radius:4px}
.hindsight .label{font-weight:700;color:#7f6000;text-transform:uppercase;font-size:.8rem;
letter-spacing:.05em}
details summary{cursor:pointer;color:#1f4e79}
"""


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
    """The whole report page."""
    sections = list(sections)
    nav = "".join(f'<a href="#{s.id}">{html.escape(s.title)}</a>' for s in sections)
    body = []
    for s in sections:
        parts = [f'<section id="{s.id}"><h2>{html.escape(s.title)}</h2>', s.html]
        for fig in s.figures:
            parts.append(
                f'<figure id="fig-{fig.id}" class="plot">{fig.svg}'
                f"<figcaption>{html.escape(fig.caption)}</figcaption></figure>"
            )
        parts.append(s.after)
        parts.append("</section>")
        body.append("".join(parts))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
        f"<header><h1>{html.escape(title)}</h1><p>{html.escape(subtitle)}</p></header>"
        f"<nav>{nav}</nav><main>{''.join(body)}</main>"
        f"<footer>{html.escape(footer)}</footer></body></html>\n"
    )
