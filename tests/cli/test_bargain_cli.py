"""`burdenshare bargain`: GENIUS domains and scenarios, with and without ratification."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import burdenshare
from burdenshare.bargaining.domain import domain_from_scenario
from burdenshare.bargaining.engine import negotiate
from burdenshare.bargaining.genius import load_genius
from burdenshare.bargaining.talks import bargain_scenario, ratifier_mask, reservation_mask
from burdenshare.cli import app

LAPTOP = Path(__file__).parents[1] / "data" / "genius" / "Laptop"


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["bargain", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("compat", [None, "negmas"])
def test_domain_json_agrees_with_the_engine(compat: str | None) -> None:
    args = ["--domain", str(LAPTOP), "--opener", "boulware", "--responder", "linear",
            "--steps", "40", "--json"]  # fmt: skip
    code, out, err = _run(*args, *(["--compat", compat] if compat else []))
    assert code == 0, err
    got = json.loads(out)
    domain = load_genius(LAPTOP)
    ref = negotiate(domain.utilities[0], domain.utilities[1], "boulware", "linear", 40,
                    reserved=tuple(float(r) for r in domain.reserved),
                    discount=None if compat else tuple(float(d) for d in domain.discount),
                    compat=compat)  # fmt: skip
    assert got["step"] == ref.step and got["timedout"] == ref.timedout
    expected = None if ref.agreement is None else domain.space.outcome(ref.agreement)
    assert got["agreement"] == expected
    assert set(got) >= {"agreement", "step", "timedout"}


def test_red_lines_hold_and_the_president_vetoes_until_a_new_one_takes_office() -> None:
    sc = burdenshare.load_scenario("sma-2019")
    pair = {"us": "boulware", "rok": "conceder"}
    red_line = 1_142_800_000_000  # Seoul's (and the Assembly's)
    # The negotiators alone never go beyond Seoul's red lines (amount, new category).
    free = bargain_scenario(sc, pair, ratification=False)
    assert free.agreement() is not None
    assert free.agreement()["contribution"] <= red_line
    assert free.agreement()["new_category"] is False
    # If the incumbent stays, his floor (1,200 bn) is above Seoul's red line: the tentative
    # deal is voted down, his floor is then known, and talks stall with no deal.
    stay = bargain_scenario(sc, pair, events={"us_election": False})
    assert stay.agreement() is None and stay.result.voided
    assert stay.result.reason.label == "exhausted"
    first_segment = stay.runs[0][0].scenario
    floor = ratifier_mask(sc, stay.domain, "us")
    assert all(not floor[o] for o in stay.result.voided)  # each voided deal was under his floor
    assert first_segment.parties["us"].ratifier.limits["contribution"] == 1_200_000_000_000
    # If he loses, the new president takes office on 20 Jan 2021 and a deal follows within the
    # red lines, above the 2019 level.
    lost = bargain_scenario(sc, pair, events={"us_election": True})
    assert lost.agreement() is not None
    assert 1_038_900_000_000 <= lost.agreement()["contribution"] <= red_line
    assert lost.end_date is not None and lost.end_date >= dt.date(2021, 1, 20)
    ceiling = reservation_mask(sc, lost.domain, "rok")
    contributions = lost.domain.space.values[:, 0]
    assert np.all(contributions[ceiling] <= red_line)


def test_scenario_cli_json() -> None:
    code, out, err = _run("sma-2019", "-s", "us=boulware", "-s", "rok=conceder", "--no-ratify",
                          "--json")  # fmt: skip
    assert code == 0, err
    got = json.loads(out)
    assert got["parties"] == ["us", "rok"] and got["ratification"] is False
    assert got["agreement"]["new_category"] is False and got["step"] <= 100


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sma-2019", "-s", "us=bould", "-s", "rok=linear"], "unknown strategy 'bould'"),
        (["sma-2019", "-s", "us=boulware"], "no strategy for party 'rok'"),
        (["sma-2019", "-s", "usboulware"], "bad --strategy"),
        (["--domain", str(LAPTOP), "--opener", "boulware"], "--domain needs --opener"),
        (["--domain", str(LAPTOP), "--opener", "boulware", "--responder", "linear",
          "--steps", "0"], "steps"),
        (["--domain", "/nonexistent", "--opener", "boulware", "--responder", "linear"],
         "not a folder"),
        ([], "give a scenario or --domain"),
    ],
)  # fmt: skip
def test_user_errors_exit_2(args: list[str], message: str) -> None:
    code, out, err = _run(*args)
    assert code == 2, out + err
    assert message in err and "Traceback" not in out + err


def test_report_bargaining_section(sma_report_dir: Path) -> None:
    import duckdb

    page = (sma_report_dir / "report.html").read_text(encoding="utf-8")
    assert "<h2>Bargaining</h2>" in page
    for fig in ("utility-space", "offer-traces", "tournament"):
        assert f'id="fig-{fig}"' in page
    con = duckdb.connect(str(sma_report_dir / "results.duckdb"), read_only=True)
    try:
        rates = dict(
            con.execute(
                "SELECT ratified, avg(agreed::INT) FROM bargaining_tournament GROUP BY ratified"
            ).fetchall()
        )
        n = con.execute("SELECT count(*) FROM bargaining_tournament").fetchone()[0]
    finally:
        con.close()
    sc = burdenshare.load_scenario("sma-2019")
    k = len(sc.bargaining.strategies)
    assert n == 2 * k * k * sc.bargaining.seeds
    # The National Assembly's ceiling (1,174 bn won) is below the US reservation (1,200 bn):
    # no outcome both negotiators accept survives ratification, so no run ends in a deal.
    assert rates[True] == 0 and rates[False] > 0.3
    assert "no deal both sides' negotiators would accept" in page


def test_tournament_cli_csv_and_plot(tmp_path: Path) -> None:
    svg = tmp_path / "t.svg"
    result = CliRunner().invoke(
        app,
        ["tournament", "sma-2019", "--strategies", "boulware,conceder,walk-out", "--seeds", "2",
         "--steps", "30", "--csv", "--plot", str(svg)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    import io

    import pandas as pd

    games = pd.read_csv(io.StringIO(result.stdout))
    assert len(games) == 2 * 3 * 3 * 2  # ratified x pairs x seeds
    assert set(games["opener"]) == {"boulware", "conceder", "walk-out"}
    assert not games.loc[games["ratified"], "agreed"].any()
    assert svg.read_text().startswith("<svg")
    bad = CliRunner().invoke(app, ["tournament", "sma-2019", "--strategies", "boulwar"])
    assert bad.exit_code == 2 and "unknown strategy 'boulwar'" in bad.stderr


def test_troop_floor_counterfactual_is_reported(sma_report_dir: Path) -> None:
    page = (sma_report_dir / "report.html").read_text(encoding="utf-8")
    assert "The troop floor: the law keeps US forces at 22,000" in page
    assert "If it were 0.25 (no floor: the threat is credible)" in page


def test_no_floor_runs_use_the_counterfactual_outside_option() -> None:
    from burdenshare.bargaining.talks import reserved_path, scenario_bargaining

    sc = burdenshare.load_scenario("sma-2019")
    b = scenario_bargaining(sc)
    assert set(b.no_floor) == {tuple(p) for p in sc.bargaining.pairs}
    for (a, c), res in b.no_floor.items():
        i, j = (b.domain.parties.index(p) for p in ("us", "rok"))
        rok = reserved_path(sc, b.domain, "rok", sc.bargaining.steps)
        ref = negotiate(b.domain.utilities[i], b.domain.utilities[j], a, c, sc.bargaining.steps,
                        reserved=(np.full(sc.bargaining.steps, 0.25), rok),
                        ratify=lambda o: bool(b.win_set[o]))  # fmt: skip
        assert (res.agreement, res.step, res.voided) == (ref.agreement, ref.step, ref.voided)


@pytest.mark.parametrize(("us", "rok"), [("boulware", "conceder"), ("conceder", "linear")])
def test_tied_hands_host_never_offers_outside_its_win_set(us: str, rok: str) -> None:
    sc = burdenshare.load_scenario("sma-2019")
    run = bargain_scenario(sc, {"us": us, "rok": rok}, n_steps=40, tied_hands=True)
    own = reservation_mask(sc, run.domain, "rok")
    rok_offers = [o for _, side, o in run.result.offers if side == 1]
    assert rok_offers and all(own[o] for o in rok_offers)
    if run.result.agreement is not None:
        assert run.win_set[run.result.agreement]


def test_malformed_genius_domain_exits_2(tmp_path: Path) -> None:
    folder = tmp_path / "dom"
    folder.mkdir()
    for f in LAPTOP.iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    profile = sorted(p for p in folder.iterdir() if "prof" in p.name)[0]
    profile.write_text(profile.read_text()[:200])  # truncated XML
    code, out, err = _run("--domain", str(folder), "--opener", "boulware", "--responder",
                          "linear")  # fmt: skip
    assert code == 2 and profile.name in err and "Traceback" not in out + err


def test_events_cut_the_talks_into_segments() -> None:
    from burdenshare.bargaining.talks import reserved_path, round_dates, segments

    sc = burdenshare.load_scenario("sma-2019")
    dates = round_dates(sc, 100)
    assert dates[0] == dt.date(2019, 11, 19) and dates[-1] == dt.date(2021, 12, 31)
    parts = segments(sc, 100)  # the likelier branch: the incumbent loses (p = 0.55)
    furlough = next(s for s, d in enumerate(dates) if d >= dt.date(2020, 4, 1))
    handover = next(s for s, d in enumerate(dates) if d >= dt.date(2021, 1, 20))
    assert [(p.first, p.stop) for p in parts] == [(0, furlough), (furlough, handover),
                                                   (handover, 100)]  # fmt: skip
    assert [p.events for p in parts] == [(), ("furlough",), ("furlough", "us_election")]
    # Seoul's no-deal value drops at the furlough; the US floor falls with a new president
    for part, value in ((parts[0], 0.10), (parts[1], 0.02)):
        domain = domain_from_scenario(part.scenario, grid={"contribution": 1e11})
        assert np.all(reserved_path(part.scenario, domain, "rok", 100) == value)
    assert parts[2].scenario.parties["us"].ratifier.limits["contribution"] == 1_038_900_000_000
    assert len(segments(sc, 100, {"furlough"})) == 2  # without the election branch
    code, out, err = _run("sma-2019", "-s", "us=boulware", "-s", "rok=conceder", "--json",
                          "--event", "us_election=no")  # fmt: skip
    assert code == 0, err
    got = json.loads(out)
    assert got["agreement"] is None and got["reason"] == "exhausted"
    assert [s["events"] for s in got["segments"]] == [[], ["furlough"]]
    code, out, err = _run("sma-2019", "-s", "us=boulware", "-s", "rok=conceder",
                          "--event", "us_elektion=no")  # fmt: skip
    assert code == 2 and "unknown event 'us_elektion'" in err
