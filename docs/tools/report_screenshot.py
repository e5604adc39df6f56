"""Screenshot the first screen of the sma-2019 report for docs/img (run after `make demo`).

    .venv/bin/python docs/tools/report_screenshot.py [REPORT] [PNG]

Defaults: out/sma-2019/report.html and docs/img/report-first-screen.png, at 1400×900.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def main(
    report: str = "out/sma-2019/report.html",
    out: str = "docs/img/report-first-screen.png",
    width: int = 1400,
    height: int = 900,
) -> None:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(Path(report).resolve().as_uri())
        page.wait_for_load_state("load")
        page.screenshot(path=out)
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:3])
