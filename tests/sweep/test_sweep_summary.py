"""Sweep summaries on a hand-built results table whose answers are worked out here, and on the
real sma-2019 workload."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from burdenshare.agreement import ledger
from burdenshare.bargaining.strategies.base import Reason
from burdenshare.sweep.summary import summarise
from burdenshare.sweep.workload import BargainingWorkload

US_VALUE = "preferences.us.reservation_value"  # drawn in sma-2019's [uncertainty]
US_FLOOR = "parties.us.ratifier.limits.contribution"  # drawn in sma-2019's [uncertainty]
ROK_CEILING = "preferences.rok.reservation.contribution"  # the Assembly's ceiling
EXTRA = "preferences.rok.weights.duration"  # a drawn number sma-2019 does not draw
BN = 1_000_000_000
LAPSE = dt.date(2019, 12, 31)  # the `lapse` deadline of sma-2019
NEW_PRESIDENT = dt.date(2021, 1, 20)  # when the us_election event takes effect


def _frame(rows: list[dict]) -> pd.DataFrame:
    """A results table with the workload's columns and dtypes (deal columns empty without a
    deal)."""
    agreed = [r["agreement"] for r in rows]
    return pd.DataFrame(
        {
            "draw": np.arange(len(rows), dtype=np.int64),
            US_VALUE: [r["x1"] for r in rows],
            US_FLOOR: np.array([r["x2"] for r in rows], dtype=np.int64),
            EXTRA: [r["x3"] for r in rows],
            "strategy.rok": [r["rok"] for r in rows],
            "agreement": np.array(agreed, dtype=bool),
            "step": np.array([r["step"] for r in rows], dtype=np.int32),
            "date": np.array([r["date"] for r in rows], dtype="datetime64[s]"),
            "reason": pd.Categorical(
                ["agreed" if a else "timedout" for a in agreed],
                categories=[r.label for r in Reason],
            ),
            "ended_by": pd.Categorical(
                ["us" if a else None for a in agreed], categories=["us", "rok"]
            ),
            "n_voided": np.array([r["voided"] for r in rows], dtype=np.int32),
            "deal.contribution": [float(r["amount"]) for r in rows],
            "deal.duration": [float(r["years"]) for r in rows],
            "deal.new_category": pd.array([False if a else pd.NA for a in agreed], dtype="boolean"),
            "u.us": [0.4 if a else np.nan for a in agreed],
            "u.rok": [0.5 if a else np.nan for a in agreed],
            # the workload's per-deal costs: here made up (the summary only aggregates them)
            "cost.nominal": [r["amount"] * r["years"] for r in rows],
            "cost.real": [0.99 * r["amount"] * r["years"] for r in rows],
            "cost.usd": [r["amount"] * r["years"] / 1170 for r in rows],
        }
    )


def _row(
    x1: float,
    x2_bn: int,
    x3: float,
    rok: str,
    step: int,
    date: str,
    voided: int,
    deal: tuple[int, int] | None = None,
) -> dict:
    """One draw; ``deal`` is (amount in bn KRW, years) of a ratified deal, None without one."""
    amount, years = (deal[0] * BN, deal[1]) if deal else (np.nan, np.nan)
    return dict(x1=x1, x2=x2_bn * BN, x3=x3, rok=rok, step=step, date=date, voided=voided,
                agreement=deal is not None, amount=amount, years=years)  # fmt: skip


# Ten draws, four deals: two before the lapse, one on it, one after; a no-deal draw whose talks
# ended before the lapse; five draws with a tentative deal voted down (two of them then agreed).
ROWS = [
    _row(0.05, 1100, 0.1, "linear", 20, "2019-11-30", 0, (1100, 2)),
    _row(0.30, 1050, 0.2, "conceder", 99, "2020-12-31", 3),
    _row(0.10, 1300, 0.3, "linear", 40, "2019-12-31", 1, (1150, 1)),
    _row(0.25, 1120, 0.4, "linear", 99, "2020-12-31", 0),
    _row(0.02, 1450, 0.5, "conceder", 60, "2020-03-10", 2, (1100, 2)),
    _row(0.33, 1150, 0.6, "conceder", 10, "2019-11-15", 0),
    _row(0.15, 1200, 0.7, "linear", 99, "2020-12-31", 4),
    _row(0.08, 1250, 0.8, "conceder", 20, "2019-11-30", 0, (1200, 3)),
    _row(0.20, 1350, 0.9, "linear", 99, "2020-12-31", 1),
    _row(0.28, 1400, 1.0, "linear", 99, "2020-12-31", 0),
]


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return _frame(ROWS)


def test_headline_probabilities(sma, table: pd.DataFrame) -> None:
    s = summarise(sma, table)
    assert s.n_draws == 10
    assert s.p_agreement == pytest.approx(4 / 10)
    assert s.lapse == LAPSE
    # draws 0 and 7 (30 Nov) and 2 (on the day) count; 4 (March 2020) is late; 5 has no deal
    assert s.p_agreement_by_lapse == pytest.approx(3 / 10)
    assert s.p_rejected_once == pytest.approx(5 / 10)  # draws 1, 2, 4, 6, 8
    # tentative deals: the 4 ratified ones and the 3 no-deal draws with a deal voted down
    assert s.p_ratified_given_deal == pytest.approx(4 / 7)


def test_terms_are_quantiles_over_the_deals(sma, table: pd.DataFrame) -> None:
    terms = summarise(sma, table).terms.set_index("issue")
    assert list(terms.index) == ["contribution", "duration"]  # booleans have no quantiles
    for issue, values in [
        ("contribution", np.array([1100, 1150, 1100, 1200]) * float(BN)),
        ("duration", np.array([2.0, 1.0, 2.0, 3.0])),
    ]:
        row = terms.loc[issue]
        assert row["n_deals"] == 4
        assert row["mean"] == pytest.approx(values.mean())
        for q in (0.05, 0.25, 0.5, 0.75, 0.95):
            assert row[f"q{round(q * 100):02d}"] == pytest.approx(np.quantile(values, q))


def test_timeline_is_the_cumulative_share_of_deals_by_round(sma, table: pd.DataFrame) -> None:
    timeline = summarise(sma, table).timeline
    assert timeline["step"].tolist() == [20, 40, 60]
    np.testing.assert_allclose(timeline["p_agreement"], [2 / 10, 3 / 10, 4 / 10])
    assert list(timeline["date"].dt.date) == [
        dt.date(2019, 11, 30), dt.date(2019, 12, 31), dt.date(2020, 3, 10)
    ]  # fmt: skip


def _fifths(x: np.ndarray, deal: np.ndarray) -> tuple[float, float]:
    """P(deal) among the two lowest and the two highest of ten distinct values."""
    order = np.argsort(x)
    return float(deal[order[:2]].mean()), float(deal[order[-2:]].mean())


def test_sensitivity_fifths_and_rank_correlations(sma, table: pd.DataFrame) -> None:
    sens = summarise(sma, table).sensitivity
    # Only sma-2019's drawn fields count as inputs, sorted by swing: the US no-deal value
    # separates deals perfectly (swing 1), the US floor not at all (0.5 in both fifths).
    assert sens["input"].tolist() == [US_VALUE, US_FLOOR]
    deal = table["agreement"].to_numpy(dtype=float)
    has = deal > 0
    amount = table["deal.contribution"].to_numpy()
    for row in sens.itertuples(index=False):
        x = table[row.input].to_numpy(dtype=float)
        low, high = _fifths(x, deal)
        assert (row.p_agreement_low, row.p_agreement_high) == pytest.approx((low, high))
        assert row.spearman_agreement == pytest.approx(spearmanr(x, deal).statistic)
        assert row.spearman_amount == pytest.approx(spearmanr(x[has], amount[has]).statistic)
    fifths = sens.set_index("input")[["p_agreement_low", "p_agreement_high"]]
    assert fifths.loc[US_VALUE].tolist() == [1.0, 0.0]
    assert fifths.loc[US_FLOOR].tolist() == [0.5, 0.5]


def test_strategy_mixes(sma, table: pd.DataFrame) -> None:
    mixes = summarise(sma, table).strategies.set_index("strategy")
    assert set(mixes["party"]) == {"rok"}
    assert mixes.loc["linear", "share"] == pytest.approx(6 / 10)
    assert mixes.loc["linear", "p_agreement"] == pytest.approx(2 / 6)  # draws 0 and 2
    assert mixes.loc["conceder", "share"] == pytest.approx(4 / 10)
    assert mixes.loc["conceder", "p_agreement"] == pytest.approx(2 / 4)  # draws 4 and 7


def _life_cost(sma, amount_bn: Decimal | int, years: int) -> tuple[float, float, float]:
    """Nominal, real (at the ledger's base year) and USD cost of [agreement] with these terms."""
    spec = sma.agreement.model_copy(
        update={"first_year_total": Decimal(amount_bn) * BN, "duration": years}
    )
    sheet = ledger(spec, base_year=sma.ledger.base_year, currencies=("USD",))
    return (
        float(sheet["nominal"].sum()),
        float(sheet["real"].sum()),
        float(sheet["nominal_usd"].sum()),
    )


def test_cost_summary_aggregates_the_deals_costs(sma, table: pd.DataFrame) -> None:
    cost = summarise(sma, table).cost.set_index("measure")
    assert cost["currency"].to_dict() == {"nominal": "KRW", "real": "KRW", "usd": "USD"}
    terms = [(1100, 2), (1150, 1), (1100, 2), (1200, 3)]  # draws 0, 2, 4, 7
    nominal = np.array([amount * BN * years for amount, years in terms], dtype=float)
    for measure, values in [("nominal", nominal), ("real", 0.99 * nominal),
                            ("usd", nominal / 1170)]:  # fmt: skip
        assert cost.loc[measure, "mean"] == pytest.approx(values.mean(), rel=1e-12)
        for q in (0.05, 0.25, 0.5, 0.75, 0.95):
            column = f"q{round(q * 100):02d}"
            assert cost.loc[measure, column] == pytest.approx(np.quantile(values, q), rel=1e-12)


def test_workload_costs_each_deal_through_the_ledger(sma) -> None:
    # negotiators alone: plenty of deals of many amounts and terms
    results = BargainingWorkload(sma, seed=0, ratification=False)(0, 300)
    deals = results[results["agreement"]]
    assert len(deals) > 50 and deals["deal.duration"].nunique() > 2
    for _, row in deals.head(25).iterrows():
        amount_bn = Decimal(repr(row["deal.contribution"])) / BN
        nominal, real, usd = _life_cost(sma, amount_bn, int(row["deal.duration"]))
        assert (row["cost.nominal"], row["cost.real"], row["cost.usd"]) == (nominal, real, usd)
    assert results.loc[~results["agreement"], ["cost.nominal", "cost.usd"]].isna().all().all()


def test_drawn_cpi_changes_the_real_cost(sma) -> None:
    """A drawn CPI path (a structural field) reaches each deal's real cost."""
    from burdenshare.scenario import load_scenario_text

    text = (Path(__file__).resolve().parents[2] / "scenarios" / "sma-2019.toml").read_text()
    text = text.replace(
        "[uncertainty.params]\n",
        "[uncertainty.params]\n"
        '"indices.rok_cpi.values.2021" = { dist = "choice", values = [0.5, 10.0] }\n',
    )
    text += '\n[indices.rok_cpi]\nvalues = { 2021 = 2.5 }\nsource = ["kbs-2019-08-21"]\n'
    drawn = load_scenario_text(text, "cpi.toml")
    results = BargainingWorkload(drawn, seed=0, ratification=False)(0, 400)
    long = results[results["agreement"] & (results["deal.duration"] >= 3)]
    by_cpi = long.groupby("indices.rok_cpi.values.2021")
    ratio = (
        (long["cost.real"] / long["cost.nominal"])
        .groupby(long["indices.rok_cpi.values.2021"])
        .mean()
    )
    assert set(by_cpi.groups) == {0.5, 10.0}
    assert ratio[10.0] < ratio[0.5]  # more inflation: the same won are worth less in 2019 prices


def test_without_the_scenario(sma, table: pd.DataFrame) -> None:
    alone, full = summarise(None, table), summarise(sma, table)
    assert alone.lapse is None and alone.p_agreement_by_lapse is None
    assert alone.cost is not None and set(alone.cost["currency"]) == {"", "USD"}  # no scenario
    assert (alone.p_agreement, alone.p_rejected_once, alone.p_ratified_given_deal) == (
        full.p_agreement,
        full.p_rejected_once,
        full.p_ratified_given_deal,
    )
    pd.testing.assert_frame_equal(alone.terms, full.terms)
    pd.testing.assert_frame_equal(alone.timeline, full.timeline)
    # Every drawn number before `agreement` is an input (not the strategy column), by swing.
    sens = alone.sensitivity.set_index("input")
    assert list(sens.index) == [US_VALUE, EXTRA, US_FLOOR]
    deal = table["agreement"].to_numpy(dtype=float)
    assert (sens.loc[EXTRA, "p_agreement_low"], sens.loc[EXTRA, "p_agreement_high"]) == (
        _fifths(table[EXTRA].to_numpy(), deal)
    )
    pd.testing.assert_frame_equal(
        alone.sensitivity[alone.sensitivity["input"] != EXTRA].reset_index(drop=True),
        full.sensitivity,
    )


def test_no_deal_at_all(sma, table: pd.DataFrame) -> None:
    none = _frame([r for r in ROWS if not r["agreement"]])
    s = summarise(sma, none)
    assert (s.n_draws, s.p_agreement, s.p_agreement_by_lapse) == (6, 0.0, 0.0)
    assert s.p_rejected_once == pytest.approx(3 / 6)
    assert s.p_ratified_given_deal == 0.0  # three tentative deals, all voted down
    assert s.cost is None
    assert len(s.timeline) == 0
    # no deal: each numeric issue is listed with no deals and no made-up numbers
    assert s.terms["n_deals"].tolist() == [0, 0]
    assert s.terms.drop(columns=["issue", "n_deals"]).isna().all().all()
    assert (s.sensitivity["p_agreement_low"] == 0).all()
    assert (s.sensitivity["p_agreement_high"] == 0).all()
    assert summarise(sma, none[none["n_voided"] == 0]).p_ratified_given_deal is None


def test_real_workload_deals_lie_between_the_drawn_ratifier_limits(sma) -> None:
    results = BargainingWorkload(sma, seed=0)(0, 5000)
    deals = results[results["agreement"]]
    assert len(deals) > 0  # the check below must not be vacuous
    amount = deals["deal.contribution"].to_numpy()
    # the President's floor holds until the inauguration, whoever is president then
    before = ~deals["event.us_election"].to_numpy() | (deals["date"].dt.date < NEW_PRESIDENT)
    assert before.any() and (~before).any()
    assert (amount[before] >= deals[US_FLOOR].to_numpy()[before]).all()
    assert (amount >= 1_038_900_000_000).all()  # the new president's floor, the 2019 level
    assert (amount <= deals[ROK_CEILING].to_numpy()).all()  # the Assembly's ceiling
    s = summarise(sma, results)
    assert s.p_agreement == pytest.approx(len(deals) / 5000)
    assert s.p_agreement_by_lapse is not None
    assert 0.0 <= s.p_agreement_by_lapse <= s.p_agreement
    on_time = deals["date"].dt.date <= LAPSE
    assert s.p_agreement_by_lapse == pytest.approx(on_time.sum() / 5000)
    terms = s.terms.set_index("issue")
    assert terms.loc["contribution", "n_deals"] == len(deals)
    assert terms.loc["contribution", "q50"] == pytest.approx(np.median(amount))
