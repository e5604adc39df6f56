"""The actor table every forecasting model runs on, and its loaders.

An actor table lists, for N actors, a name, a capability ``c_i ≥ 0`` (power, clout) and, per
issue dimension k, a position ``x_ik`` (any real scale: years, dollars, 0–100) and a salience
``s_ik`` on [0, 1]. Loaders:

- :func:`read_bdm_csv` — the CSV of the public BDM replications, ``Actor,Capability,Position,
  Salience`` (one dimension, salience on 0–1);
- :func:`read_ktab_csv` — KTAB's SMP CSV: line 1 ``scenario name, description, actor count,
  dimension count``; line 2 ``Actor,Description,Power,<Pos 1>,<Sal 1>,...``; saliences on
  0–100 (rescaled to 0–1, and the table says so in :attr:`ActorTable.notes`);
- :meth:`ActorTable.from_frame` — a pandas DataFrame with the same columns;
- :meth:`ActorTable.from_arrays` — plain arrays (what the scenario's ``[actors]`` section gives).

Every loader checks the table and raises :class:`~burdenshare.errors.DataError` listing each
problem with its file, line (CSV) or row label (DataFrame) and column: missing columns, a
non-number or NaN, a negative capability, a salience outside its scale, fewer than two actors,
duplicate or empty names, no weight on a dimension. Models never read files; they take a table.

:meth:`ActorTable.problems` is the one validator of every table, for every model: the BDM, the
baselines, the DEU models and the loaders use its general rules; the spatial model (SMP) passes
its ``position_range`` and gets KTAB's rules instead (at least 3 actors, positive capability,
positions on the range, each actor's saliences adding up to more than 0 and at most 1).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from burdenshare.errors import DataError, Problem, display_path

__all__ = ["ActorTable", "checked_range", "read_bdm_csv", "read_ktab_csv"]

BDM_COLUMNS = ("Actor", "Capability", "Position", "Salience")


@dataclass(frozen=True, eq=False)
class ActorTable:
    """N actors, D issue dimensions: names, capability (N,), position and salience (N, D).

    Positions are on the user's scale; saliences are on [0, 1] (``salience_scale`` records what
    the input was divided by, and ``notes`` says so in words for the output).
    """

    names: tuple[str, ...]
    capability: np.ndarray
    position: np.ndarray
    salience: np.ndarray
    dimensions: tuple[str, ...]
    descriptions: tuple[str, ...] = ()
    scenario: str = ""
    description: str = ""
    source: str | None = None
    salience_scale: float = 1.0
    notes: tuple[str, ...] = field(default=())

    # -- construction ---------------------------------------------------------------------

    @classmethod
    def from_arrays(
        cls,
        names: Sequence[str],
        capability: Sequence[float] | np.ndarray,
        position: Sequence[float] | Sequence[Sequence[float]] | np.ndarray,
        salience: Sequence[float] | Sequence[Sequence[float]] | np.ndarray,
        *,
        dimensions: Sequence[str] | None = None,
        salience_scale: float = 1.0,
        descriptions: Sequence[str] = (),
        scenario: str = "",
        description: str = "",
        source: str | None = None,
        lines: Sequence[int | None] | None = None,
        rows: Sequence[str] | None = None,
        min_actors: int = 2,
        position_range: tuple[float, float] | None = None,
    ) -> ActorTable:
        """A checked table from arrays on the user's scales (1-D position = one dimension).

        Saliences are divided by ``salience_scale`` (100 for 0–100 data). ``lines`` (file line
        of each actor) or ``rows`` (row label of each actor) locate problems in the input.
        ``min_actors`` (2) is the fewest actors a table may have (a DEU issue with one actor
        present passes 1); with ``position_range`` the table is checked by the spatial model's
        (KTAB's) rules (:meth:`problems`).
        """
        pos = np.array(position, dtype=np.float64)
        sal = np.array(salience, dtype=np.float64)
        if pos.ndim == 1:
            pos = pos[:, None]
        if sal.ndim == 1:
            sal = sal[:, None]
        n_dim = pos.shape[1]
        dims = (
            tuple(str(d) for d in dimensions)
            if dimensions is not None
            else (("position",) if n_dim == 1 else tuple(f"dim{k + 1}" for k in range(n_dim)))
        )
        notes: tuple[str, ...] = ()
        if salience_scale != 1.0:
            notes = (f"salience given on 0–{salience_scale:g}, divided by {salience_scale:g}",)
        table = cls(
            names=tuple(str(n) for n in names),
            capability=np.array(capability, dtype=np.float64).reshape(-1),
            position=pos,
            salience=sal / salience_scale,
            dimensions=dims,
            descriptions=tuple(descriptions),
            scenario=scenario,
            description=description,
            source=source,
            salience_scale=float(salience_scale),
            notes=notes,
        )
        table.check(lines=lines, rows=rows, min_actors=min_actors, position_range=position_range)
        return table

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        *,
        salience_scale: float = 1.0,
        source: str | None = None,
    ) -> ActorTable:
        """A table from a DataFrame with columns ``Actor, Capability`` and, for one dimension,
        ``Position, Salience``, or, for several, ``Position <dim>, Salience <dim>`` pairs
        (names matched case-insensitively; extra columns ignored). ``Description`` is kept."""
        where = source or "DataFrame"
        cols = {str(c).strip().lower(): c for c in frame.columns}
        problems: list[Problem] = []
        for need in ("Actor", "Capability"):
            if need.lower() not in cols:
                problems.append(_missing_column(need, list(frame.columns), where))
        dims: list[str] = []
        pos_cols: list[object] = []
        sal_cols: list[object] = []
        if "position" in cols or "salience" in cols:
            for need in ("Position", "Salience"):
                if need.lower() not in cols:
                    problems.append(_missing_column(need, list(frame.columns), where))
            dims, pos_cols, sal_cols = ["position"], [cols.get("position")], [cols.get("salience")]
        else:
            for key, col in cols.items():
                if key.startswith("position ") or key.startswith("position_"):
                    dim = str(col).strip()[len("position ") :].strip()
                    sal_key = "salience" + key[len("position") :]
                    if sal_key not in cols:
                        problems.append(
                            _missing_column(f"Salience {dim}", list(frame.columns), where)
                        )
                        continue
                    dims.append(dim)
                    pos_cols.append(col)
                    sal_cols.append(cols[sal_key])
            if not dims:
                problems.append(_missing_column("Position", list(frame.columns), where))
        if problems:
            raise DataError(problems)
        rows = [str(label) for label in frame.index]
        numbers: dict[object, np.ndarray] = {}
        for col in [cols["capability"], *pos_cols, *sal_cols]:
            numbers[col] = _numbers(frame[col].tolist(), str(col), rows, None, where, problems)
        if problems:
            raise DataError(problems)
        desc_col = cols.get("description")
        return cls.from_arrays(
            names=[_name(v) for v in frame[cols["actor"]].tolist()],
            capability=numbers[cols["capability"]],
            position=np.column_stack([numbers[c] for c in pos_cols]),
            salience=np.column_stack([numbers[c] for c in sal_cols]),
            dimensions=dims,
            salience_scale=salience_scale,
            descriptions=[str(v) for v in frame[desc_col].tolist()] if desc_col is not None else (),
            source=where,
            rows=rows,
        )

    # -- views ----------------------------------------------------------------------------

    @property
    def n_actors(self) -> int:
        return len(self.names)

    @property
    def n_dims(self) -> int:
        return len(self.dimensions)

    def weights(self) -> np.ndarray:
        """(N, D) effective power ``c_i · s_ik``: the weight of actor i's vote on dimension k."""
        return self.capability[:, None] * self.salience

    def dimension_index(self, dimension: int | str) -> int:
        """Index of a dimension given by index or name (a user error when unknown)."""
        if isinstance(dimension, str):
            if dimension in self.dimensions:
                return self.dimensions.index(dimension)
        elif -self.n_dims <= dimension < self.n_dims:
            return dimension % self.n_dims
        raise DataError.single(
            "unknown dimension",
            file=self.source,
            expected="one of " + ", ".join(self.dimensions),
            found=str(dimension),
        )

    def actor_index(self, actor: int | str) -> int:
        """Index of an actor given by index or name (a user error when unknown)."""
        if isinstance(actor, str):
            if actor in self.names:
                return self.names.index(actor)
        elif -self.n_actors <= actor < self.n_actors:
            return actor % self.n_actors
        raise DataError.single(
            "unknown actor", file=self.source, expected="an actor of the table", found=str(actor)
        )

    def replace(
        self,
        *,
        capability: np.ndarray | None = None,
        position: np.ndarray | None = None,
        salience: np.ndarray | None = None,
    ) -> ActorTable:
        """The same actors with some arrays replaced (saliences on 0–1); checked."""
        table = ActorTable(
            names=self.names,
            capability=self.capability if capability is None else np.asarray(capability, float),
            position=self.position if position is None else np.asarray(position, float),
            salience=self.salience if salience is None else np.asarray(salience, float),
            dimensions=self.dimensions,
            descriptions=self.descriptions,
            scenario=self.scenario,
            description=self.description,
            source=self.source,
            salience_scale=self.salience_scale,
            notes=self.notes,
        )
        table.check()
        return table

    def permuted(self, order: Sequence[int]) -> ActorTable:
        """The same table with the actors in another order."""
        idx = np.asarray(order, dtype=int)
        return ActorTable(
            names=tuple(self.names[i] for i in idx),
            capability=self.capability[idx],
            position=self.position[idx],
            salience=self.salience[idx],
            dimensions=self.dimensions,
            descriptions=tuple(self.descriptions[i] for i in idx) if self.descriptions else (),
            scenario=self.scenario,
            description=self.description,
            source=self.source,
            salience_scale=self.salience_scale,
            notes=self.notes,
        )

    def frame(self) -> pd.DataFrame:
        """Wide DataFrame: actor, capability, then ``position <dim>``/``salience <dim>`` pairs."""
        data: dict[str, object] = {"actor": list(self.names), "capability": self.capability}
        for k, dim in enumerate(self.dimensions):
            data[f"position {dim}"] = self.position[:, k]
            data[f"salience {dim}"] = self.salience[:, k]
        return pd.DataFrame(data)

    # -- checks ---------------------------------------------------------------------------

    def check(
        self,
        *,
        lines: Sequence[int | None] | None = None,
        rows: Sequence[str] | None = None,
        min_actors: int = 2,
        position_range: tuple[float, float] | None = None,
    ) -> None:
        """Raise :class:`~burdenshare.errors.DataError` listing :meth:`problems`, if any."""
        problems = self.problems(
            lines=lines, rows=rows, min_actors=min_actors, position_range=position_range
        )
        if problems:
            raise DataError(problems)

    def problems(
        self,
        *,
        lines: Sequence[int | None] | None = None,
        rows: Sequence[str] | None = None,
        min_actors: int = 2,
        position_range: tuple[float, float] | None = None,
    ) -> list[Problem]:
        """Everything that makes this table unusable, one :class:`Problem` each.

        Every table needs ``min_actors`` (2) or more actors with unique, non-empty names,
        arrays of matching shapes, one or more uniquely named dimensions, and finite numbers.
        Without ``position_range`` (every model but the SMP): capability ≥ 0, salience on
        [0, 1], and some capability × salience on each dimension. With ``position_range``
        (lo, hi), the spatial model's rules, as KTAB checks its input: at least 3 actors,
        capability > 0, positions on lo–hi, salience on [0, 1] and each actor's saliences
        adding up to more than 0 and at most 1; problems then name the actor
        (``<actor>.capability``, ``<actor>.<dimension>``, ``<actor>.<dimension>.salience``,
        ``<actor>.salience``).
        """
        src = self.source
        n = len(self.names)
        out: list[Problem] = []
        if position_range is not None:
            bad_range = _range_problem(position_range, src)
            if bad_range is not None:
                return [bad_range]

        def at(i: int, column: str) -> dict[str, object]:
            line = lines[i] if lines is not None and i < len(lines) else None
            row = rows[i] if rows is not None and i < len(rows) else None
            if row is not None:
                path = f"{column}[{row}]"
            elif line is None and i < n and self.names[i]:
                path = f"{column}[{self.names[i]}]"
            else:
                path = column
            return {"file": src, "line": line, "path": path}

        def where_is(i: int) -> str:
            if lines is not None and i < len(lines) and lines[i] is not None:
                return f"line {lines[i]}"
            if rows is not None and i < len(rows):
                return f"row {rows[i]}"
            return f"actor {i + 1}"

        if position_range is not None and n < 3:
            out.append(
                Problem(
                    "the spatial model needs at least 3 actors (as KTAB)",
                    file=src,
                    expected=">= 3",
                    found=str(n),
                )
            )
        elif n < min_actors:
            out.append(
                Problem(
                    "an actor table needs at least two actors"
                    if min_actors == 2
                    else f"an actor table needs at least {min_actors} actor(s)",
                    file=src,
                    expected=f"{min_actors} or more actors",
                    found=str(n),
                )
            )
        seen: dict[str, int] = {}
        for i, name in enumerate(self.names):
            if not name.strip():
                out.append(Problem("actor name is empty", **at(i, "Actor")))  # type: ignore[arg-type]
            elif name in seen:
                out.append(
                    Problem(
                        "duplicate actor name",
                        expected="unique names",
                        found=f"{name!r}, also on {where_is(seen[name])}",
                        **at(i, "Actor"),
                    )  # type: ignore[arg-type]
                )
            else:
                seen[name] = i
        shape = (n, len(self.dimensions))
        bad_shape = False
        for label, arr in (("position", self.position), ("salience", self.salience)):
            if arr.shape != shape:
                bad_shape = True
                out.append(
                    Problem(
                        f"{label} table has the wrong shape",
                        file=src,
                        path=label,
                        expected=f"{shape[0]} actors × {shape[1]} dimensions",
                        found=" × ".join(map(str, arr.shape)),
                    )
                )
        if self.capability.shape != (n,):
            bad_shape = True
            out.append(
                Problem(
                    "capability needs one value per actor",
                    file=src,
                    path="capability",
                    expected=str(n),
                    found=str(self.capability.size),
                )
            )
        if not self.dimensions:
            out.append(Problem("an actor table needs at least one dimension", file=src))
        if bad_shape or not self.dimensions:
            return out
        if len(set(self.dimensions)) != len(self.dimensions):
            out.append(
                Problem("duplicate dimension name", file=src, found=", ".join(self.dimensions))
            )
        if position_range is not None:
            out.extend(self._ktab_problems(position_range))
            return out
        one = len(self.dimensions) == 1
        for i in range(n):
            c = self.capability[i]
            if not math.isfinite(c):
                out.append(
                    Problem(
                        "capability is not a number",
                        expected="a number ≥ 0",
                        found=str(c),
                        **at(i, "Capability"),
                    )
                )  # type: ignore[arg-type]
            elif c < 0:
                out.append(
                    Problem(
                        "capability is negative",
                        expected="a number ≥ 0",
                        found=f"{c:g}",
                        **at(i, "Capability"),
                    )
                )  # type: ignore[arg-type]
            for k, dim in enumerate(self.dimensions):
                pcol = "Position" if one else f"Position {dim}"
                scol = "Salience" if one else f"Salience {dim}"
                x = self.position[i, k]
                s = self.salience[i, k]
                if not math.isfinite(x):
                    out.append(
                        Problem(
                            "position is not a number",
                            expected="a finite number",
                            found=str(x),
                            **at(i, pcol),
                        )
                    )  # type: ignore[arg-type]
                if not math.isfinite(s):
                    out.append(
                        Problem(
                            "salience is not a number",
                            expected=f"0 to {self.salience_scale:g}",
                            found=str(s),
                            **at(i, scol),
                        )
                    )  # type: ignore[arg-type]
                elif not 0.0 <= s <= 1.0:
                    out.append(
                        Problem(
                            "salience out of range",
                            expected=f"0 to {self.salience_scale:g}",
                            found=f"{s * self.salience_scale:g}",
                            **at(i, scol),
                        )  # type: ignore[arg-type]
                    )
        if not out:
            w = self.weights()
            for k, dim in enumerate(self.dimensions):
                if not w[:, k].sum() > 0:
                    out.append(
                        Problem(
                            "no actor has both capability and salience on this dimension",
                            file=src,
                            path=dim,
                            expected="some capability × salience > 0",
                            found="0",
                        )
                    )
        return out

    def _ktab_problems(self, position_range: tuple[float, float]) -> list[Problem]:
        """The spatial model's per-actor rules (KTAB's): see :meth:`problems`."""
        src = self.source
        lo, hi = (float(v) for v in position_range)
        out: list[Problem] = []
        for i, name in enumerate(self.names):
            c = self.capability[i]
            if not (math.isfinite(c) and c > 0):
                out.append(
                    Problem(
                        "capability must be a positive number (KTAB rejects a zero voting weight)",
                        file=src,
                        path=f"{name}.capability",
                        expected="> 0",
                        found=str(c),
                    )
                )
            for k, dim in enumerate(self.dimensions):
                x = (float(self.position[i, k]) - lo) / (hi - lo)  # the model's [0, 1] scale
                s = self.salience[i, k]
                if not (math.isfinite(x) and 0.0 <= x <= 1.0):
                    out.append(
                        Problem(
                            "position outside the model's range",
                            file=src,
                            path=f"{name}.{dim}",
                            expected=f"{lo:g} to {hi:g}",
                            found=f"{x * (hi - lo) + lo:g}",
                        )
                    )
                if not (math.isfinite(s) and 0.0 <= s <= 1.0):
                    out.append(
                        Problem(
                            "salience out of range",
                            file=src,
                            path=f"{name}.{dim}.salience",
                            expected="0 to 1 (0 to 100 in a KTAB CSV)",
                            found=f"{s:g}",
                        )
                    )
            # summed left to right, as KTAB adds (smp_kernels.seq_sum)
            total = float(np.add.accumulate(self.salience[i].astype(np.float64))[-1])
            if math.isfinite(total) and not 0.0 < total <= 1.0 + 1e-12:
                out.append(
                    Problem(
                        "total salience must be above 0 and at most 1 (100 in a KTAB CSV)",
                        file=src,
                        path=f"{name}.salience",
                        expected="0 < Σ salience <= 1",
                        found=f"{total:g}",
                    )
                )
        return out


def checked_range(position_range: tuple[float, float], source: str | None) -> tuple[float, float]:
    """``position_range`` as two floats, lo < hi (a :class:`DataError` otherwise)."""
    problem = _range_problem(position_range, source)
    if problem is not None:
        raise DataError([problem])
    lo, hi = (float(v) for v in position_range)
    return lo, hi


def _range_problem(position_range: tuple[float, float], source: str | None) -> Problem | None:
    lo, hi = (float(v) for v in position_range)
    if math.isfinite(lo) and math.isfinite(hi) and lo < hi:
        return None
    return Problem(
        "position range must be two finite numbers, low < high",
        file=source,
        path="position_range",
        expected="(low, high)",
        found=f"({lo:g}, {hi:g})",
    )


# ---------------------------------------------------------------------------------------------
# loaders


def read_bdm_csv(
    path: str | Path, *, salience_scale: float = 1.0, text: str | None = None
) -> ActorTable:
    """Read the BDM replication CSV ``Actor,Capability,Position,Salience`` (one dimension).

    Salience is on 0–1 in this format; pass ``salience_scale=100`` for 0–100 data. Extra
    columns are ignored. ``text`` gives the content directly (``path`` then only names it).
    """
    where = display_path(path)
    content = read_text(path, where) if text is None else text
    reader = csv.reader(io.StringIO(content))
    records = [(i + 1, row) for i, row in enumerate(reader)]
    records = [(ln, row) for ln, row in records if any(cell.strip() for cell in row)]
    if not records:
        raise DataError.single(
            "the file is empty", file=where, expected="a header " + ",".join(BDM_COLUMNS)
        )
    header_line, header = records[0]
    names = [h.strip() for h in header]
    lower = {h.lower(): i for i, h in enumerate(names)}
    problems = [
        _missing_column(col, names, where, header_line)
        for col in BDM_COLUMNS
        if col.lower() not in lower
    ]
    if problems:
        raise DataError(problems)
    idx = {col: lower[col.lower()] for col in BDM_COLUMNS}
    body = records[1:]
    lines = [ln for ln, _ in body]

    def column(col: str) -> list[str]:
        j = idx[col]
        return [row[j] if j < len(row) else "" for _, row in body]

    for ln, row in body:
        if len(row) < len(names):
            problems.append(
                Problem(
                    "row has fewer cells than the header",
                    file=where,
                    line=ln,
                    expected=f"{len(names)} cells",
                    found=str(len(row)),
                )
            )
    values = {
        col: _numbers(column(col), col, None, lines, where, problems)
        for col in ("Capability", "Position", "Salience")
    }
    if problems:
        raise DataError(problems)
    return ActorTable.from_arrays(
        names=[_name(v) for v in column("Actor")],
        capability=values["Capability"],
        position=values["Position"],
        salience=values["Salience"],
        dimensions=["position"],
        salience_scale=salience_scale,
        source=where,
        lines=lines,
    )


def read_ktab_csv(path: str | Path, *, text: str | None = None) -> ActorTable:
    """Read KTAB's SMP CSV (``smpc --csv``).

    Line 1: scenario name, description, number of actors, number of dimensions (trailing empty
    cells allowed). Line 2: headers ``Actor, Description, Power`` (any label; KTAB's own files
    also say ``Influence``), then one position and one salience column per dimension. Then one
    line per actor. Positions stay on the file's 0–100 scale; saliences (0–100) are divided by
    100. The dimension's name is its position header without a trailing "Position".
    """
    where = display_path(path)
    content = read_text(path, where) if text is None else text
    records = [
        (i + 1, [cell.strip() for cell in row])
        for i, row in enumerate(csv.reader(io.StringIO(content)))
    ]
    records = [(ln, _trim(row)) for ln, row in records if any(row)]
    if len(records) < 2:
        raise DataError.single(
            "a KTAB CSV needs a scenario line and a header line",
            file=where,
            expected="scenario, description, actors, dimensions / Actor,Description,Power,...",
            found=f"{len(records)} non-empty lines",
        )
    (l1, first), (l2, header) = records[0], records[1]
    problems: list[Problem] = []
    counts: list[int] = []
    for j, label in ((2, "number of actors"), (3, "number of dimensions")):
        cell = first[j] if j < len(first) else ""
        try:
            value = int(cell)
            if value < 0:
                raise ValueError
            counts.append(value)
        except ValueError:
            problems.append(
                Problem(
                    f"line 1 must give the {label} in column {j + 1}",
                    file=where,
                    line=l1,
                    expected="a whole number",
                    found=repr(cell),
                )
            )
    if problems:
        raise DataError(problems)
    n_act, n_dim = counts
    want = 3 + 2 * n_dim
    if len(header) < want:
        raise DataError.single(
            "header line has too few columns for the number of dimensions",
            file=where,
            line=l2,
            expected=f"{want} columns (Actor, Description, Power, then position and salience "
            f"for {n_dim} dimensions)",
            found=f"{len(header)}: " + ",".join(header),
        )
    body = records[2:]
    if len(body) != n_act:
        problems.append(
            Problem(
                "number of actor lines differs from line 1",
                file=where,
                line=body[-1][0] if body else l2,
                expected=str(n_act),
                found=str(len(body)),
            )
        )
    for ln, row in body:
        if len(row) < want:
            problems.append(
                Problem(
                    "actor line has too few cells",
                    file=where,
                    line=ln,
                    expected=f"{want} cells",
                    found=str(len(row)),
                )
            )
    if problems:
        raise DataError(problems)
    lines = [ln for ln, _ in body]
    cells = [row for _, row in body]
    cap = _numbers([r[2] for r in cells], header[2] or "Power", None, lines, where, problems)
    pos = [
        _numbers([r[3 + 2 * k] for r in cells], header[3 + 2 * k], None, lines, where, problems)
        for k in range(n_dim)
    ]
    sal = [
        _numbers([r[4 + 2 * k] for r in cells], header[4 + 2 * k], None, lines, where, problems)
        for k in range(n_dim)
    ]
    if problems:
        raise DataError(problems)
    dims = []
    for k in range(n_dim):
        label = header[3 + 2 * k]
        if label.lower().endswith("position") and len(label) > len("position"):
            label = label[: -len("position")].strip()
        dims.append(label or f"dim{k + 1}")
    return ActorTable.from_arrays(
        names=[_name(r[0]) for r in cells],
        capability=cap,
        position=np.column_stack(pos) if n_dim else np.empty((len(cells), 0)),
        salience=np.column_stack(sal) if n_dim else np.empty((len(cells), 0)),
        dimensions=dims,
        salience_scale=100.0,
        descriptions=[r[1] for r in cells],
        scenario=first[0],
        description=first[1] if len(first) > 1 else "",
        source=where,
        lines=lines,
    )


# ---------------------------------------------------------------------------------------------
# helpers


def read_text(path: str | Path, where: str) -> str:
    """The text of a UTF-8 data file (a BOM is dropped); unreadable files raise a
    :class:`DataError` naming ``where``."""
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataError.single("file not found", file=where) from None
    except UnicodeDecodeError as exc:
        raise DataError.single("file is not UTF-8 text", file=where, found=str(exc)) from None
    except OSError as exc:
        raise DataError.single("file cannot be read", file=where, found=str(exc)) from None


def _trim(row: list[str]) -> list[str]:
    """KTAB's lines end with a comma (and sometimes a space): drop empty trailing cells."""
    while row and not row[-1]:
        row = row[:-1]
    return row


def _name(value: object) -> str:
    return (
        ""
        if value is None or (isinstance(value, float) and math.isnan(value))
        else str(value).strip()
    )


def _missing_column(
    column: str, found: Sequence[object], where: str, line: int | None = None
) -> Problem:
    return Problem(
        f"missing column {column}",
        file=where,
        line=line,
        path=column,
        expected=f"a column named {column}",
        found="columns " + ", ".join(str(c) for c in found) if found else "no columns",
    )


def _numbers(
    cells: Sequence[object],
    column: str,
    rows: Sequence[str] | None,
    lines: Sequence[int] | None,
    where: str,
    problems: list[Problem],
) -> np.ndarray:
    """Cells as floats; a Problem per cell that is empty, not a number, or NaN."""
    out = np.full(len(cells), np.nan)
    for i, cell in enumerate(cells):
        text = "" if cell is None else str(cell).strip()
        try:
            value = float(text) if isinstance(cell, str) or cell is None else float(cell)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            value = None
        if value is None or not math.isfinite(value):
            path = f"{column}[{rows[i]}]" if rows is not None else column
            problems.append(
                Problem(
                    f"{column} is not a number",
                    file=where,
                    line=lines[i] if lines is not None else None,
                    path=path,
                    expected="a finite number",
                    found=repr(text) if text else "an empty cell",
                )
            )
        else:
            out[i] = value
    return out
