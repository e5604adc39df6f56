"""The report opens in headless Chromium with no console errors and its plots render."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "Debian's chromium is required: apt-get install chromium"
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield b
        b.close()


def test_report_renders_without_errors(browser, sma_report_dir, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    console_errors: list[str] = []
    external: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: console_errors.append(str(e)))
    page.on(
        "request",
        lambda r: external.append(r.url) if not r.url.startswith(("file:", "data:")) else None,
    )
    page.goto((sma_report_dir / "report.html").as_uri())
    page.wait_for_load_state("load")
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 20_000
    assert console_errors == []
    assert external == []  # opens offline: nothing fetched from the network

    figures = page.locator("figure.plot")
    n = figures.count()
    assert n >= 4
    for i in range(n):
        fig = figures.nth(i)
        svg = fig.locator("svg").first
        box = svg.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 150
        assert svg.locator("path").count() > 20  # axes, ticks, glyphs and data
        # The rendered pixels are not blank: several distinct colours, real contrast.
        pixels = np.asarray(Image.open(io.BytesIO(svg.screenshot())).convert("RGB"))
        assert pixels.std() > 10
        assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 10
    page.close()


def test_the_first_screen_shows_the_bottom_line(browser, sma_report_dir, tmp_path):
    """At 1400×900 the reader sees the answer before scrolling: the likeliest outcome with its
    probability, P(ratified deal) by each date, and the deal's terms with their intervals."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto((sma_report_dir / "report.html").as_uri())
    page.wait_for_load_state("load")
    first = page.locator("section").first
    assert first.locator("h2").inner_text() == "Bottom line"
    for selector in (".answer .headline", "table.milestones", ".answer p:has-text('The deal')"):
        box = page.locator(selector).first.bounding_box()
        assert box is not None, selector
        assert box["y"] >= 0 and box["y"] + box["height"] <= 900, selector  # fully in view
    headline = page.locator(".answer .headline").inner_text()
    assert "ratified deal by 31 Dec 2021" in headline and "% of draws" in headline
    rows = page.locator("table.milestones tr").count()
    assert rows >= 5  # a header and a row per dated event and the horizon
    # the "why" starts on the first screen too
    why = page.locator("h3:has-text('Why')").bounding_box()
    assert why is not None and why["y"] < 900
    shot = tmp_path / "first-screen.png"
    page.screenshot(path=str(shot))
    pixels = np.asarray(Image.open(shot).convert("RGB"))
    assert pixels.shape[:2] == (900, 1400) and pixels.std() > 10
    page.close()
