"""The report of the main job: self-contained, complete, stored."""

from __future__ import annotations

import re

import duckdb

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
    for title in ("Scenario", "Payments and costs"):
        assert f"<h2>{title}</h2>" in page
    # Plots come with captions that name units and a source note inside the figure.
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", page)
    assert len(captions) >= 4
    assert all(captions)
    # The 2019 demand and the signed amounts appear in the tables.
    assert "1,038.9" in page
    assert registered_sections()  # the registry is populated


def test_report_answers_the_analysts_question(sma_report_dir):
    """The uncertainty section states P(ratified deal before the lapse) and the 2020 amount,
    with the numbers of the stored sweep (the same draws)."""
    page = (sma_report_dir / "report.html").read_text(encoding="utf-8")
    assert "<h2>Uncertainty: the chance of a ratified deal</h2>" in page
    con = duckdb.connect(str(sma_report_dir / "results.duckdb"), read_only=True)
    try:
        n, deals, by_lapse, median = con.execute(
            """SELECT count(*), count(*) FILTER (WHERE agreement),
                      count(*) FILTER (WHERE agreement AND date <= DATE '2019-12-31'),
                      median("deal.contribution") FILTER (WHERE agreement)
               FROM sweep_draws"""
        ).fetchone()
        free_deals, free_median = con.execute(
            "SELECT n_deals, q50 FROM sweep_free_terms WHERE issue = 'contribution'"
        ).fetchone()
    finally:
        con.close()
    assert n == 20_000 and 0 < deals < n  # the bundled [uncertainty] draws
    text = re.sub(r"<[^>]+>", "", page)
    assert (
        "before the old agreement lapses (31 Dec 2019) in "
        + ("0.0%" if by_lapse == 0 else f"{100 * by_lapse / n:.2g}%")
        in text
    )
    assert f"by the last round in {100 * deals / n:.2g}%" in text
    assert f"median {median / 1e9:,.1f} bn KRW" in text
    assert free_deals > deals and f"median of {free_median / 1e9:,.1f} bn KRW" in text
    for figure in ("sweep-amount", "sweep-timeline", "sweep-tornado"):
        assert f'<figure id="fig-{figure}"' in page
