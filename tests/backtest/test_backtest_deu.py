"""DEU III backtest: the reader, the runner, the scores, the split, the CLI (issue 10)."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import duckdb
import numpy as np
import pytest
from typer.testing import CliRunner

from burdenshare.backtest.bootstrap import mae_difference
from burdenshare.backtest.deu import read_deu
from burdenshare.backtest.deu_backtest import backtest_deu
from burdenshare.backtest.fit import fit_compromise, repeated_splits
from burdenshare.backtest.runner import model_specs, run_models
from burdenshare.backtest.split import SPLIT_SEED, split_proposals
from burdenshare.backtest.summary import summarise
from burdenshare.cli import app
from burdenshare.errors import DataError
from burdenshare.forecast import compromise
from burdenshare.forecast.registry import load_models

DATA = Path(__file__).parents[1] / "data" / "deu"
FULL = DATA / "deu3-public.tsv"
SMALL = DATA / "deu3-small.tsv"


@pytest.fixture(scope="module")
def full():
    return read_deu(FULL)


@pytest.fixture(scope="module")
def full_run(full):
    """Every model on every issue of the public file (the slowest part: about 15 s)."""
    return run_models(full)


# -- reader ------------------------------------------------------------------------------------


def test_reader_follows_the_benchmark_conventions(full) -> None:
    assert len(full.issues) == 243 and len(full.proposals) == 96
    first = full.issues[0]
    assert first.issue == "d00032i1" and first.voting_rule == "QMV" and first.procedure == "COD"
    assert first.outcome == 100.0 and first.reference == 0.0
    t = first.table
    # absent actors (blank position) are not in the table; the capability row gives capability
    assert "bu" not in t.names and t.names[:3] == ("com", "ep", "at")
    assert t.capability[t.names.index("at")] == 0.48
    # blank salience of a present actor counts as 50
    assert sum(i.default_saliences for i in full.issues) == 28
    blank = next(i for i in full.issues if i.default_saliences)
    assert 0.5 in blank.table.salience[:, 0]
    assert ("d00032i2" in {s for s, _ in full.skipped}) is False
    assert sum(1 for _, why in full.skipped if why == "no outcome recorded") == 9


@pytest.mark.parametrize(
    ("name", "where"),
    [
        ("bad-position.tsv", "bad-position.tsv:4: pde: pde is not a number"),
        ("bad-salience.tsv", "bad-salience.tsv:5: sfr: sfr out of range (expected 0 to 100"),
        ("bad-missing-column.tsv", "bad-missing-column.tsv:1: out: missing column out"),
        ("bad-capability.tsv", "bad-capability.tsv:2: pit: pit out of range"),
        ("bad-duplicate-issue.tsv", "bad-duplicate-issue.tsv:6: isnr: duplicate issue id"),
    ],
)
def test_malformed_files_name_file_line_and_field(name: str, where: str) -> None:
    with pytest.raises(DataError) as info:
        read_deu(DATA / name)
    assert where in str(info.value)
    result = CliRunner().invoke(app, ["backtest", "deu", str(DATA / name), "--json"])
    assert result.exit_code == 2
    assert where.split(":", 1)[1] in result.output and "Traceback" not in result.output


def test_missing_and_empty_files_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="file not found"):
        read_deu(tmp_path / "nope.tsv")
    (tmp_path / "empty.tsv").write_text("")
    with pytest.raises(DataError, match="empty"):
        read_deu(tmp_path / "empty.tsv")


# -- reproduction and coverage -------------------------------------------------------------------


def test_reproduces_the_published_baselines(full) -> None:
    run = run_models(full, model_specs(["mean", "median"]))
    s = summarise(run.rows, run.models).set_index("model")
    assert s.loc["mean", "mae"] == pytest.approx(23.68, abs=0.005)
    assert s.loc["median", "mae"] == pytest.approx(28.98, abs=0.005)
    assert s.loc["mean", "n"] == s.loc["median", "n"] == 243


def test_every_model_covers_every_issue(full_run) -> None:
    names = set(load_models())
    assert {"mean", "median", "bdm", "smp", "compromise", "procedural", "nash"} <= names
    assert set(full_run.models) >= names
    counts = full_run.rows.groupby("model")["issue"].nunique()
    assert (counts == 243).all(), counts
    assert np.isfinite(full_run.rows["forecast"]).all()
    # SMP used to refuse the 37 issues with a salience-0 actor; now it says what it did
    smp = full_run.rows[full_run.rows["model"] == "smp"]
    assert smp["notes"].str.contains("take no part").sum() == 37


def test_full_scores_are_pinned(full_run) -> None:
    s = summarise(full_run.rows, full_run.models).set_index("model")["mae"]
    assert s["smp"] == pytest.approx(26.16, abs=0.01)
    assert s["bdm"] == pytest.approx(27.76, abs=0.01)
    assert s["bdm-paper"] == pytest.approx(27.60, abs=0.01)
    assert s["nash"] == pytest.approx(23.20, abs=0.01)
    assert s["compromise-fitted"] == pytest.approx(23.13, abs=0.01)


def test_a_lone_actor_issue_is_forecast_by_every_model() -> None:
    data = read_deu(SMALL)
    lone = next(i for i in data.issues if i.issue == "lone1")
    assert lone.table.names == ("com",)
    run = run_models(replace(data, issues=(lone,)))
    np.testing.assert_allclose(run.rows["forecast"], lone.table.position[0, 0], atol=1e-5)


# -- split and fit -----------------------------------------------------------------------------


def test_the_split_is_declared_and_fixed(full) -> None:
    split = split_proposals([i.proposal for i in full.issues])
    assert SPLIT_SEED == 20210 and split.seed == 20210
    assert (len(split.train), len(split.test)) == (67, 29)
    assert split.test[:5] == ("d97359", "d98195", "d99083", "d99127", "d99238")
    # the file's row order does not matter
    again = split_proposals([i.proposal for i in reversed(full.issues)])
    assert set(again.test) == set(split.test)


def test_registered_exponents_are_the_training_fit(full) -> None:
    split = split_proposals([i.proposal for i in full.issues])
    train = [i for i in full.issues if split.of(i.proposal) == "train"]
    fit = fit_compromise(train)
    assert (fit.alpha, fit.beta) == (compromise.FITTED_ALPHA, compromise.FITTED_BETA)
    assert fit.n_train == 178


def test_repeated_splits_repeat_the_protocol(full) -> None:
    (declared,) = repeated_splits(full.issues, [SPLIT_SEED])
    assert (declared["alpha"], declared["beta"]) == (0.3, 0.5)
    assert declared["test_mae"] == pytest.approx(23.654, abs=1e-3)
    assert declared["test_mae_mean"] == pytest.approx(22.992, abs=1e-3)


# -- bootstrap ---------------------------------------------------------------------------------


def test_bootstrap_is_paired_clustered_and_seeded(full) -> None:
    run = run_models(full, model_specs(["mean", "median"]))
    a = mae_difference(run.rows, "median", "mean", seed=3, resamples=500)
    b = mae_difference(run.rows, "median", "mean", seed=3, resamples=500)
    assert a == b and a.n_proposals == 96
    assert a.estimate == pytest.approx(28.979424 - 23.676570, abs=1e-5)
    assert a.low < a.estimate < a.high
    same = mae_difference(run.rows, "mean", "mean", seed=3, resamples=200)
    assert (same.estimate, same.low, same.high) == (0.0, 0.0, 0.0)


# -- the whole backtest ------------------------------------------------------------------------


def test_whole_backtest_is_deterministic() -> None:
    data = read_deu(SMALL)
    a = backtest_deu(data, seed=5, resamples=300).to_json()
    b = backtest_deu(data, seed=5, resamples=300).to_json()
    for m in a["models"].values():
        m.pop("seconds")
    for m in b["models"].values():
        m.pop("seconds")
    assert a == b


def test_cli_json_schema_store_and_report(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["backtest", "deu", str(SMALL), "--json", "--out", str(out), "--resamples", "200"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert set(doc) == {"models", "issues"}
    assert set(doc["models"]) >= set(load_models())
    for scores in doc["models"].values():
        assert {"mae", "rmse", "median_ae", "within_10", "n"} <= set(scores)
        assert scores["n"] == 24  # 23 issues with an outcome and lone1
    assert len(doc["issues"]) == 24
    first = doc["issues"][0]
    assert {"issue", "proposal", "voting_rule", "outcome", "forecasts", "errors"} <= set(first)
    assert set(first["forecasts"]) == set(doc["models"])
    assert doc["models"]["compromise-fitted"]["fitted"]["split_seed"] == 20210
    con = duckdb.connect(str(out / "results.duckdb"), read_only=True)
    try:
        kinds = con.execute("SELECT kind, seed FROM runs").fetchall()
        n_rows = con.execute("SELECT count(*) FROM backtest_deu_issues").fetchone()[0]
    finally:
        con.close()
    assert kinds == [("backtest", 0)]
    assert n_rows == 24 * len(doc["models"])
    page = (out / "report.html").read_text()
    assert "doi:10.34810/data53" in page and page.count("<svg") >= 2
    assert 'src="http' not in page and "<link" not in page  # self-contained: no network


def test_cli_tables_fit_80_columns(tmp_path: Path) -> None:
    env_cmd = [
        sys.executable, "-m", "burdenshare", "backtest", "deu", str(SMALL), "--issues",
        "--resamples", "200", "--out", str(tmp_path),
    ]  # fmt: skip
    done = subprocess.run(
        env_cmd, capture_output=True, text=True, env={"COLUMNS": "80", "PATH": ""}, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "No model beats" in done.stdout or "beat the weighted mean" in done.stdout
    assert max(len(line) for line in done.stdout.splitlines()) <= 80
