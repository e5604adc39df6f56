"""The report of the main job: self-contained, complete, stored."""

from __future__ import annotations

import re

import duckdb
import numpy as np

from burdenshare.report.sections import registered_sections


def test_report_and_database_written(sma_report_dir):
    assert (sma_report_dir / "report.html").stat().st_size > 10_000
    con = duckdb.connect(str(sma_report_dir / "results.duckdb"), read_only=True)
    try:
        runs = con.execute("SELECT run_id, scenario_hash, seed, version FROM runs").fetchall()
        assert len(runs) == 1
        run_id, scenario_hash, seed, version = runs[0]
        assert len(scenario_hash) == 64 and seed == 0 and version
        n_ledger = con.execute("SELECT count(*) FROM ledger WHERE run_id = ?", [run_id]).fetchone()[
            0
        ]
        n_history = con.execute(
            "SELECT count(*) FROM sma_history WHERE run_id = ?", [run_id]
        ).fetchone()[0]
    finally:
        con.close()
    assert n_ledger > 0
    assert n_history == 2030 - 1991 + 1


def test_report_is_self_contained(sma_report_dir):
    page = (sma_report_dir / "report.html").read_text(encoding="utf-8")
    # Nothing is loaded from elsewhere: no external scripts, styles, images or fonts.
    assert not re.search(r"<script[^>]+src=", page)
    assert not re.search(r"<link[^>]+href=", page)
    assert not re.search(r"<img[^>]+src=[\"']?(https?:)?//", page)
    assert "@import" not in page and "url(http" not in page
    assert page.count("<svg") >= 4


def test_report_has_every_section_and_labelled_plots(sma_report_dir):
    page = (sma_report_dir / "report.html").read_text(encoding="utf-8")
    titles = re.findall(r"<h2>(.*?)</h2>", page)
    # the answer first, what happened apart, the detail after, raw tables last
    assert titles == [
        "Bottom line",
        "What happened",
        "Bargaining",
        "Forecast",
        "Uncertainty in detail",
        "Payments and costs",
        "Appendix: the scenario and its sources",
    ]
    # Plots come with captions that name units and a source note inside the figure.
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", page)
    assert len(captions) >= 4
    assert all(captions)
    # The 2019 level appears in the tables.
    assert "1,038.9" in page
    # the raw tournament table is in the appendix, not in the bargaining section
    assert page.index("Bargaining tournament (raw)") > page.index("<h2>Appendix")
    assert registered_sections()  # the registry is populated


def _section(page: str, title: str) -> str:
    start = page.index(f"<h2>{title}</h2>")
    end = page.find("</section>", start)
    return page[start:end]


def test_report_answers_the_analysts_question(sma_report_dir):
    """The bottom line states P(ratified deal) by each date and the first-year amount with the
    numbers of the stored sweep (the same draws), flags thin statistics, and explains why."""
    page = (sma_report_dir / "report.html").read_text(encoding="utf-8")
    con = duckdb.connect(str(sma_report_dir / "results.duckdb"), read_only=True)
    try:
        n, deals, by_lapse, by_furlough = con.execute(
            """SELECT count(*), count(*) FILTER (WHERE agreement),
                      count(*) FILTER (WHERE agreement AND date <= DATE '2019-12-31'),
                      count(*) FILTER (WHERE agreement AND date <= DATE '2020-04-01')
               FROM sweep_draws"""
        ).fetchone()
        amounts = con.execute(
            'SELECT "deal.contribution" FROM sweep_draws WHERE agreement'
        ).fetchnumpy()["deal.contribution"]
        free_deals, free_median = con.execute(
            "SELECT n_deals, q50 FROM sweep_free_terms WHERE issue = 'contribution'"
        ).fetchone()
    finally:
        con.close()
    assert n == 20_000 and 200 <= deals < n  # several hundred events behind the headline
    answer = re.sub(r"<[^>]+>", "", _section(page, "Bottom line"))
    share = f"{100 * deals / n:.1f}%"
    verdict = "likelier than not" if deals >= n / 2 else "the likelier outcome"
    assert f"by 31 Dec 2021 is {verdict}: {share} of draws" in answer or (
        f"No ratified deal by 31 Dec 2021 is {verdict}" in answer
    )
    assert f"lapse of the 10th SMA (31 Dec 2019){100 * by_lapse / n:.1f}%" in answer
    assert f"furlough of Korean base workers (1 Apr 2020){100 * by_furlough / n:.1f}%" in answer
    if by_lapse < 200:  # a thin statistic is shown with its warning
        assert f"small sample: {by_lapse:,} deal" in answer
    assert f"first-year contribution {np.median(amounts) / 1e9:,.1f}" in answer
    assert "Why" in answer and "If the incumbent loses" in answer
    # what happened is apart, labelled, and set beside the forecast
    happened = re.sub(r"<[^>]+>", "", _section(page, "What happened"))
    assert "so no model used it" in happened and "1,183.3 bn KRW (+13.9%)" in happened
    assert free_deals > deals and f"median of {free_median / 1e9:,.1f} bn KRW" in page
    for figure in ("bottom-timeline", "bottom-curve"):
        assert f'<figure id="fig-{figure}"' in page
    for figure in ("sweep-amount", "sweep-tornado"):
        assert f'<figure id="fig-{figure}"' in page
