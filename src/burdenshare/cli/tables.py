"""Terminal tables for every command, in one style, that fit the terminal without cutting a cell.

:func:`fit_table` takes the cells as strings, column by column. Headers stay on one line; a
number is never cut: columns of text named ``wrap`` wrap onto more lines instead, and when even
that is too wide, the columns named in ``hide`` are left out, in that order, and listed (the
caller says so in the caption, with the option that shows everything).

:func:`amount_column` formats a column of money amounts in one unit (bn, M or plain units),
chosen from the column's own values, so that a column never mixes "1.0 bn" with "965.5 M"; the
unit goes into the header.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rich import box
from rich.cells import cell_len
from rich.console import Group
from rich.table import Table
from rich.text import Text

__all__ = ["amount_column", "fit_table", "number_column"]

#: narrowest a wrapping text column gets (unless its header is wider)
WRAP_FLOOR = 12
_SCALES = ((1e9, "bn"), (1e6, "M"), (1.0, ""))


def _natural(header: str, cells: Sequence[str]) -> int:
    return max([cell_len(header), *(cell_len(line) for c in cells for line in c.split("\n"))])


def _floor(header: str, cells: Sequence[str], least: int) -> int:
    """Width a wrapping column needs: its header, its longest word up to 20 characters, and
    ``least`` (or its natural width when narrower)."""
    words = [cell_len(w) for c in cells for w in c.split()]
    longest = max(words, default=0)
    return max(cell_len(header), min(longest, 20), min(least, _natural(header, cells)))


def fit_table(
    columns: Mapping[str, Sequence[str]],
    *,
    right: Iterable[str] = (),
    wrap: Iterable[str] = (),
    hide: Sequence[str] = (),
    width: int | None = None,
    title: str | None = None,
    caption: str | None = None,
    wrap_width: int = WRAP_FLOOR,
) -> tuple[Group, list[str]]:
    """A table of ``columns`` (header → cells) no wider than ``width`` (the console's).

    Columns in ``right`` are right-aligned (numbers); columns in ``wrap`` may wrap onto more
    lines at spaces, down to ``wrap_width`` characters (a column that would need to be narrower
    is hidden instead when named in ``hide``); every other cell keeps its one line. The title
    goes above the table and
    the caption below it, each on lines of their own (never squeezed to the table's width);
    the caption starts with "hidden to fit: ..." when columns were hidden. Returns the
    renderable and the headers hidden to fit, in the order of ``hide``.
    """
    if width is None:
        from burdenshare.cli.main import console

        width = console.width
    right, wrap = set(right), set(wrap)
    need = {
        h: _floor(h, cells, wrap_width) if h in wrap else _natural(h, cells)
        for h, cells in columns.items()
    }
    shown = list(columns)
    hidden: list[str] = []

    def total() -> int:
        return sum(need[h] for h in shown) + 3 * len(shown) - 1

    for h in hide:
        if total() <= width:
            break
        if h in shown and len(shown) > 1:
            shown.remove(h)
            hidden.append(h)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, padding=(0, 1))
    for h in shown:
        if h in wrap:
            table.add_column(h, justify="left", min_width=need[h], overflow="fold", max_width=None)
        else:
            table.add_column(
                h, justify="right" if h in right else "left", no_wrap=True, min_width=need[h]
            )
    n_rows = max((len(c) for c in columns.values()), default=0)
    for i in range(n_rows):
        table.add_row(*(columns[h][i] for h in shown))
    parts: list[Any] = []
    if title:
        parts.append(Text(title, style="bold"))
    parts.append(table)
    note = "; ".join(
        x for x in (f"hidden to fit: {', '.join(hidden)}" if hidden else "", caption or "") if x
    )
    if note:
        parts.append(Text(note, style="dim"))
    return Group(*parts), hidden


def _finite(values: Iterable[float | None]) -> list[float]:
    out = []
    for v in values:
        if v is None:
            continue
        x = float(v)
        if math.isfinite(x):
            out.append(x)
    return out


def amount_column(
    values: Sequence[float | None], *, signed: bool = False, every: bool = False
) -> tuple[str, list[str]]:
    """Money amounts in one unit for the whole column: ``(unit, cells)``, unit "bn", "M" or "".

    The unit is the largest in which the column's smaller amounts (ignoring those below a
    thousandth of the largest) are still at least 1; bn and M show one decimal (an SMA total
    is set to 0.1 bn won), or two when the smaller amounts have a single digit before the
    point (1.58 bn); plain units none (two below 1,000). Missing values are blank;
    ``signed`` puts a + on positive numbers (differences); ``every`` takes the unit from the
    smallest amount of all (a column mixing currencies, where none may lose its digits).
    """
    nums = _finite(values)
    mags = [abs(x) for x in nums if x != 0]
    top = max(mags, default=0.0)
    small = min((m for m in mags if every or m >= top / 1000), default=0.0)
    divisor, unit = next(((d, u) for d, u in _SCALES if small >= d), (1.0, ""))
    if unit:  # at least three significant digits: 1,038.9 bn, 880.0 M, 1.58 bn
        digits = len(str(int(small / divisor))) if small else 1
        decimals = max(1, 3 - digits)
    else:
        decimals = 0 if top >= 1000 else 2
    sign = "+" if signed else ""
    cells = []
    for v in values:
        if v is None or not math.isfinite(float(v)):
            cells.append("")
        else:
            cells.append(f"{float(v) / divisor:{sign},.{decimals}f}")
    return unit, cells


def number_column(values: Sequence[float | None], *, digits: int | None = None) -> list[str]:
    """Plain numbers with one number of decimals for the whole column.

    With ``digits``, enough decimals for ``digits`` significant digits of the column's smallest
    non-zero magnitude (computed numbers); without, the fewest decimals that show every value
    exactly (data as published: 2.1, 710.6440), at most 4."""
    nums = _finite(values)
    if digits is None:
        decimals = next((d for d in range(5) if all(abs(round(x, d) - x) < 1e-9 for x in nums)), 4)
    elif nums and all(float(x).is_integer() for x in nums):
        decimals = 0
    else:
        mags = [abs(x) for x in nums if x != 0]
        small = min(mags, default=1.0)
        decimals = max(0, min(4, digits - 1 - math.floor(math.log10(small))))
    return [
        "" if v is None or not math.isfinite(float(v)) else f"{float(v):,.{decimals}f}"
        for v in values
    ]
