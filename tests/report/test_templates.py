"""The report's markup lives in its Jinja2 templates: Python formats numbers and words, the
templates escape them."""

from __future__ import annotations

import re
from importlib import resources

from burdenshare.report.templates import render

#: an HTML tag opening a Python string literal, e.g. "<p>" or f'<ul class="note">'
_TAG_IN_LITERAL = re.compile(r"""[fr]?["']</?(?:p|ul|li|h\d|table|tr|td|th|div|b|code|details)\b""")


def test_report_modules_build_no_markup() -> None:
    package = resources.files("burdenshare.report")
    for module in package.iterdir():
        if not module.name.endswith(".py"):
            continue
        source = module.read_text(encoding="utf-8")
        assert "html.escape(" not in source, module.name
        assert not _TAG_IN_LITERAL.search(source), module.name


def test_section_templates_escape_text() -> None:
    text = render("backtest_deu_notes.html.j2", notes=["a <b> & c"])
    assert text == '<ul class="note"><li>a &lt;b&gt; &amp; c</li></ul>'
