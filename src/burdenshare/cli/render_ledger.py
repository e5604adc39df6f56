"""Rendering of the money commands (``data``, ``ledger``, ``compare``): tables with one unit per
amount column that fit the terminal, and the comparison's answer first."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
from rich.markup import escape

from burdenshare import data
from burdenshare.app.ledger import cpi_label, missing_cpi_error
from burdenshare.cli.main import console
from burdenshare.cli.tables import amount_column, fit_table, number_column

__all__ = ["print_comparison", "print_dataset", "print_ledgers"]


def print_dataset(name: str) -> None:
    """A bundled dataset's main columns, amounts in one unit each, sources as their sites."""
    entry = data.dataset(name)
    frame = entry.loader()
    frame["source"] = [urlsplit(u).netloc.removeprefix("www.") for u in frame["source_url"]]
    columns = [*entry.columns, "status", "as_of", "source"]
    shown: dict[str, list[str]] = {}
    right: set[str] = set()
    units: list[str] = []  # one unit per amount column, named in the caption
    mixed = "currency" in frame.columns  # an amount column in each row's own currency
    for c in columns:
        values = frame[c]
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            money = "amount" in c or c.startswith(("annual_", "total_", "budget_"))
            if money and "trn" not in c:
                unit, cells = amount_column(list(values), every=mixed and c == "amount")
                head = c
                if unit:
                    units.append(f"{c} in {unit}")
            elif all(float(v).is_integer() for v in values.dropna()):
                head, cells = c, ["–" if pd.isna(v) else f"{int(v)}" for v in values]
            else:
                head, cells = c, number_column(list(values))
            shown[head] = [x or "–" for x in cells]
            right.add(head)
        else:
            shown[c] = [
                "–"
                if v is None or (not isinstance(v, str) and pd.isna(v))
                else v.date().isoformat()
                if isinstance(v, pd.Timestamp)
                else str(v)
                for v in values
            ]
    heads = list(shown)
    text = {h for h in heads if h not in right and h not in ("status", "as_of")}
    # Fit the terminal without cutting a cell: text wraps (down to 16 characters), then the
    # source, the as_of date and the last main columns are hidden, and the caption says so.
    hide = [heads[-1], heads[-2], *reversed(heads[2 : len(entry.columns)])]
    caption = f"full text and exact numbers: burdenshare data {name} --csv"
    table, hidden = fit_table(shown, right=right, wrap=text, hide=hide, wrap_width=16)
    units = [u for u in units if u.split(" in ")[0] not in hidden]
    if units:
        caption = f"amounts: {', '.join(units)}; {caption}"
    table, _ = fit_table(
        shown, right=right, wrap=text, hide=hide, wrap_width=16, title=entry.title,
        caption=caption,
    )  # fmt: skip
    console.print(table)


def print_ledgers(result: Any) -> None:
    """One table per schedule of a ledger (:class:`burdenshare.app.ledger.LedgerResult`)."""
    curs = result.currencies
    for n, (sid, frame) in enumerate(result.frames.items()):
        if n:
            console.print()
        table, _ = fit_table(
            **_ledger_columns(frame, curs),
            title=f"{sid}: {result.specs[sid].name}",
            caption=_ledger_caption(frame, curs),
        )
        console.print(table)


def _ledger_columns(frame: Any, curs: tuple[str, ...]) -> dict[str, Any]:
    """The ledger's table, led by the first requested currency: year, nominal, change, basis,
    real (that currency's own CPI), the other currencies, per troop, cumulative; one unit per
    column (bn, M or units, in the header)."""
    own = frame.attrs["currency"]
    lead = curs[0]
    missing = frame.attrs.get("missing_cpi", {}).get(lead)
    if missing:  # the table's real column is in the lead currency: its CPI must cover every year
        raise missing_cpi_error(lead, missing, data.cpi_series(lead), frame.attrs["base_year"])
    nominal = frame["nominal"] if lead == own else frame[f"nominal_{lead.lower()}"]
    real = frame["real"] if lead == own else frame[f"real_{lead.lower()}"]
    change = frame["change_percent"] if lead == own else nominal.pct_change() * 100

    def money(header: str, values: Any) -> tuple[str, list[str]]:
        unit, cells = amount_column(list(values))
        return (f"{header} {unit}".rstrip(), cells)

    columns: dict[str, list[str]] = {"year": [str(y) for y in frame["year"]]}
    head, cells = money(lead, nominal)
    columns[head] = cells
    columns["change"] = ["" if pd.isna(v) else f"{v:+.1f}%" for v in change]
    flags = zip(frame["basis"], frame["fx_basis"], frame["real_basis"], strict=True)
    columns["basis"] = [
        b
        + (" (fx held)" if fb == "assumed" else "")
        + (" (CPI assumed)" if rb == "assumed" else "")
        for b, fb, rb in flags
    ]
    real_head, cells = money(f"real {lead}", real)
    columns[real_head] = cells
    others = []
    for cur in curs[1:]:
        head, cells = money(
            cur, frame["nominal"] if cur == own else frame[f"nominal_{cur.lower()}"]
        )
        columns[head] = cells
        others.append(head)
    troops = frame["troops"].to_numpy(dtype=float)
    per_troop = np.divide(
        nominal.to_numpy(), troops, out=np.full(len(frame), np.nan), where=troops > 0
    )
    troop_head, cells = money(f"{lead}/troop", per_troop)
    columns[troop_head] = cells
    cum_head, cells = money(f"cum. {lead}", nominal.cumsum())
    columns[cum_head] = cells
    money_heads = [h for h in columns if h not in ("year", "change", "basis")]
    return {
        "columns": columns,
        "right": {"year", "change", *money_heads},
        "hide": [cum_head, troop_head, *reversed(others), real_head],
    }


def _ledger_caption(frame: Any, curs: tuple[str, ...]) -> str:
    lead = curs[0]
    parts = [f"real: {frame.attrs['base_year']} prices ({cpi_label(lead)})"]
    own = frame.attrs["currency"]
    if lead != own:
        parts.append(f"change: of the {lead} amounts (the agreement is set in {own})")
    assumed = [
        f"{cpi_label(cur)} +{rate}% a year in "
        + (f"{years[0]}" if len(years) == 1 else f"{years[0]}-{years[-1]}")
        for cur, (rate, years) in frame.attrs.get("assumed_cpi", {}).items()
        if cur in curs
    ]
    if assumed:
        parts.append(f"CPI assumed ([ledger] assumed_inflation): {', '.join(assumed)}")
    parts.append("exact numbers: --csv")
    return "; ".join(parts)


def _money_words(x: float, currency: str) -> str:
    """An amount in words with the same units as the tables: 5,902.8 bn KRW, 973.4 M USD."""
    mag = abs(x)
    if mag >= 1e9:
        return f"{x / 1e9:,.{2 if mag < 1e11 else 1}f} bn {currency}"
    if mag >= 1e6:
        return f"{x / 1e6:,.1f} M {currency}"
    return f"{x:,.0f} {currency}"


def print_comparison(frame: Any, label_a: str, label_b: str, currency: str) -> None:
    """The answer first (per year, then over the common horizon, with the extension rule in
    words), then the table of years, extended amounts marked with *."""

    def money(x: float) -> str:
        return _money_words(x, currency)

    def years(first: int, last: int) -> str:
        n = last - first + 1
        return f"{first}" + ("" if n == 1 else f"-{last}") + f", {n} year" + ("s" if n > 1 else "")

    attrs = frame.attrs
    lines = [f"{label_a} (A) vs {label_b} (B), in {currency} at yearly average rates"]
    stated = attrs.get("stated")
    if stated:
        avg = {}
        for side in ("a", "b"):
            first, last = stated[side]
            rows = frame[(frame["year"] >= first) & (frame["year"] <= last)]
            avg[side] = float(rows[side].mean())
        lines.append(
            f"Per year: A {money(avg['a'])} ({years(*stated['a'])}), B {money(avg['b'])} "
            f"({years(*stated['b'])}), averages of their own years; B / A = "
            f"{avg['b'] / avg['a']:.3f}"
        )
        first, last = attrs["horizon"]
        inside = frame[frame["in_horizon"]]
        total_a, total_b = float(inside["a"].sum()), float(inside["b"].sum())
        lines.append(
            f"Over the common horizon {years(first, last)}: A {money(total_a)}, "
            f"B {money(total_b)}, B - A {money(total_b - total_a)}"
        )
        for side, rule in attrs["extended"].items():
            name = "A" if side == "a" else "B"
            lines.append(
                f"{name} states {years(*stated[side])} and is extended to {last} by {rule}; "
                "extended years are marked *"
            )
    else:
        lines.append("Not extended (--extend none): totals and the cumulative difference compare "
                     "agreements of different lengths")  # fmt: skip
    for line in lines:
        console.print(escape(line), highlight=False)

    marks = {
        side: [b == "extended" for b in frame[f"{side}_basis"]] if f"{side}_basis" in frame
        else [False] * len(frame)
        for side in ("a", "b")
    }  # fmt: skip
    columns: dict[str, list[str]] = {"year": [str(y) for y in frame["year"]]}
    for side, name in (("a", "A"), ("b", "B")):
        unit, cells = amount_column(list(frame[side]))
        columns[f"{name} {currency} {unit}".rstrip()] = [
            c + ("*" if m else "") for c, m in zip(cells, marks[side], strict=True)
        ]
    unit, cells = amount_column(list(frame["difference"]), signed=True)
    columns[f"B - A {unit}".rstrip()] = cells
    columns["B / A"] = ["" if pd.isna(r) else f"{r:.3f}" for r in frame["ratio"]]
    unit, cells = amount_column(list(frame["cum_difference"]), signed=True)
    columns[f"cum. B - A {unit}".rstrip()] = cells
    table, _ = fit_table(columns, right=set(columns))
    console.print(table)
