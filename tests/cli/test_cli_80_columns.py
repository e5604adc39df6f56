"""Every command's tables at 80 columns: no line wider, no cell cut short with "…", headers on one
line, one unit per column (issue 9, defect 5.5: `1.174e…`, `aspirati…`, a wrapped `data sma`
header, `ledger --currency USD` led by KRW and mixing "1.0 bn" with "965.5 M")."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from burdenshare import data
from burdenshare.cli import app, console
from burdenshare.forecast.registry import load_models

DATA = Path(__file__).parents[1] / "data"
RULE = re.compile(r"^\s*─{5,}")
UNIT_IN_CELL = re.compile(r"\d (bn|M|trn)\b")


@pytest.fixture(autouse=True)
def _eighty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "width", 80)


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A sweep with deals (terms and costs to show) and a 0.1.0 file with an analysis."""
    root = tmp_path_factory.mktemp("stores")
    db = root / "sweep.duckdb"
    result = CliRunner().invoke(
        app,
        ["sweep", "sma-2019", "--draws", "2000", "--no-ratify", "--db", str(db), "--json"],
    )
    assert result.exit_code == 0, result.output
    old = root / "old.duckdb"
    old.write_bytes(gzip.decompress((DATA / "store" / "results-0.1.0.duckdb.gz").read_bytes()))
    return {"db": db, "run": json.loads(result.stdout)["run_id"], "old": old}


def _commands(stores: dict[str, Any] | None = None) -> Iterator[list[str]]:
    for name in data.REGISTRY:
        yield ["data", name]
    yield ["ledger", "sma-2019"]
    yield ["ledger", "sma-2021-signed"]
    yield ["ledger", "sma-2021-signed", "--currency", "USD"]
    yield ["ledger", "sma-2021-signed", "--currency", "JPY", "--currency", "KRW"]
    yield ["compare", "sma-2019:us_demand", "sma-2021-signed"]
    yield ["compare", "sma-2019:us_demand", "sma-2019:rok_offer", "--currency", "KRW"]
    for model in load_models():
        yield ["forecast", "sma-2019", "--model", model]
    yield ["forecast", str(DATA / "bdm" / "emission_standards_bdm1994_s01.csv")]
    yield ["tournament", "sma-2019", "--seeds", "2", "--strategies", "boulware,aspiration"]
    yield ["bargain", "sma-2019", "--strategy", "us=boulware", "--strategy", "rok=conceder"]
    yield ["validate", "sma-2019"]
    if stores is not None:
        yield ["runs", "--db", str(stores["db"])]
        yield ["show", stores["run"], "--db", str(stores["db"])]
        yield ["runs", "--db", str(stores["old"])]
        yield ["show", "fd14d64bd17b", "--db", str(stores["old"])]


ALL = [" ".join(c) for c in _commands()] + ["runs", "show sweep", "runs old", "show analysis"]


def _table_rows(text: str) -> list[str]:
    """Rows of every table: the lines after a header rule that start with a space."""
    rows, inside = [], False
    for line in text.splitlines():
        if RULE.match(line):
            inside = True
        elif inside and line.startswith(" ") and line.strip():
            rows.append(line)
        else:
            inside = False
    return rows


@pytest.mark.parametrize("index", range(len(ALL)), ids=ALL)
def test_every_table_fits_80_columns_uncut(stores: dict[str, Any], index: int) -> None:
    args = list(_commands(stores))[index]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, (args, result.output, result.exception)
    text = result.stdout
    assert text.strip(), args
    assert "…" not in text, text
    assert max(cell_len(line) for line in text.splitlines()) <= 80, text
    if args[:2] != ["data", "timeline"]:  # (its `figure` column is text: "536.8 bn KRW")
        for line in _table_rows(text):  # units belong in the headers, not in the cells
            assert not UNIT_IN_CELL.search(line), (args, line)
    for i, line in enumerate(text.splitlines()):  # a header is one line: a rule follows it
        if RULE.match(line):
            header = text.splitlines()[i - 1]
            assert header.strip() and not RULE.match(header), (args, header)


def test_headers_are_whole_words() -> None:
    """`data sma` once wrapped `first_year_amount_krw` into `first_year_a` / `mount_krw`."""
    for name, entry in data.REGISTRY.items():
        text = CliRunner().invoke(app, ["data", name]).stdout
        flat = " ".join(text.split())
        hidden = re.search(r"hidden to fit: ([^;]*);", flat)
        gone = set(hidden.group(1).split(", ")) if hidden else set()
        for column in entry.columns:
            assert column in gone or f" {column} " in f" {text} ", (name, column)


def test_ledger_in_dollars_leads_with_dollars_in_one_unit() -> None:
    text = CliRunner().invoke(app, ["ledger", "sma-2021-signed", "-s", "agreement", "-c", "USD"])
    header = next(x for x in text.stdout.splitlines() if x.lstrip().startswith("year"))
    assert header.split()[1:3] == ["USD", "M"] and "KRW" not in header
    rows = _table_rows(text.stdout)
    # every USD cell in millions: 880.0 and 1,033.5, never "1.0 bn" next to "965.5 M"
    assert [r.split()[1] for r in rows][:3] == ["880.0", "1,033.5", "965.5"]


def test_a_real_terminal_of_80_columns() -> None:
    """The same through the installed entry point, with COLUMNS=80 as a terminal sets it."""
    env = {**os.environ, "COLUMNS": "80"}
    for args in (["data", "sma"], ["tournament", "sma-2019", "--seeds", "1",
                                   "--strategies", "aspiration,boulware"]):  # fmt: skip
        out = subprocess.run(
            [sys.executable, "-m", "burdenshare", *args],
            capture_output=True, text=True, env=env, check=True,
        ).stdout  # fmt: skip
        assert "…" not in out and max(cell_len(x) for x in out.splitlines()) <= 80, out
        assert ("aspiration" if args[0] == "tournament" else "first_year_amount_krw") in out
