"""Reader of the DEU III benchmark file (EU legislative decisions; Arregui & Perarnaud 2021).

Format (tab-separated; ``/work/shared/reference/deu/README.md`` in the project's notes,
``tests/data/deu/PROVENANCE.md`` in the repository): a header row; then **one capability row**
(only the ``p<actor>`` columns filled: the actor's capability); then one row per issue with
``prnr`` (proposal), ``isnr`` (issue id), ``counvte`` (Council voting rule), ``proc``
(procedure), ``p<actor>`` (position on 0–100; blank = the actor is absent), ``s<actor>``
(salience 0–100; blank = 50 when the position is present), ``rp`` (reference point; blank =
unknown) and ``out`` (the outcome; blank = no outcome: the issue is skipped).

Every problem with the file becomes a :class:`~burdenshare.errors.Problem` naming the file, the
line and the field, raised together as one :class:`~burdenshare.errors.DataError` (the CLI
prints them and exits 2).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from burdenshare.errors import DataError, Problem, display_path
from burdenshare.forecast.actors import ActorTable, read_text

__all__ = ["DEFAULT_SALIENCE", "DeuData", "DeuIssue", "parse_deu", "read_deu"]

#: salience of an actor whose position is present and salience blank (the benchmark convention)
DEFAULT_SALIENCE = 50.0

_REQUIRED = ("prnr", "isnr", "counvte", "proc", "rp", "out")
_NOT_ACTORS = {"prnr", "prname", "proc", "proccde", "prnrnmc"}


@dataclass(frozen=True, eq=False)
class DeuIssue:
    """One issue with an outcome: who took part, where they stood, what happened.

    ``table`` holds the actors present (position given), their capability from the capability
    row, their position on 0–100 and their salience on [0, 1] (file value / 100; blank = 0.5).
    ``reference`` is the reference point ``rp`` (None when blank); ``line`` the file line.
    """

    issue: str
    proposal: str
    name: str
    voting_rule: str
    procedure: str
    reference: float | None
    outcome: float
    table: ActorTable
    line: int
    default_saliences: int = 0

    @property
    def context(self) -> dict[str, object]:
        """What a model may know about the issue besides the actor table (never the outcome)."""
        return {
            "voting_rule": self.voting_rule,
            "procedure": self.procedure,
            "reference_point": self.reference,
        }


@dataclass(frozen=True, eq=False)
class DeuData:
    """The issues with an outcome, in file order, and what was left out and why."""

    source: str
    actors: tuple[str, ...]
    capability: dict[str, float]
    issues: tuple[DeuIssue, ...]
    skipped: tuple[tuple[str, str], ...] = field(default=())  # (issue id, reason)

    @property
    def proposals(self) -> tuple[str, ...]:
        """Proposal ids in order of first appearance."""
        return tuple(dict.fromkeys(i.proposal for i in self.issues))

    def notes(self) -> list[str]:
        """Plain-words notes on the conventions applied."""
        blanks = sum(i.default_saliences for i in self.issues)
        out = [
            f"{len(self.issues)} issues with an outcome from {len(self.proposals)} proposals",
            f"{blanks} blank saliences of present actors set to {DEFAULT_SALIENCE:g}",
        ]
        if self.skipped:
            out.append(f"{len(self.skipped)} issues skipped (no outcome or no weight)")
        return out


def read_deu(path: str | Path) -> DeuData:
    """Read a DEU III TSV file (see module); a :class:`DataError` lists every problem."""
    where = display_path(path)
    return parse_deu(read_text(path, where), source=where)


def parse_deu(text: str, *, source: str = "<text>") -> DeuData:
    """Parse the content of a DEU III TSV file; ``source`` names it in problems."""
    rows = [
        (i + 1, row)
        for i, row in enumerate(csv.reader(io.StringIO(text), delimiter="\t"))
        if any(cell.strip() for cell in row)
    ]
    if not rows:
        raise DataError.single(
            "the file is empty", file=source, expected="a header row, a capability row, issues"
        )
    header_line, header = rows[0]
    names = [h.strip() for h in header]
    col = {h: j for j, h in enumerate(names) if h}
    problems = [
        Problem(
            f"missing column {need}",
            file=source,
            line=header_line,
            path=need,
            expected=f"a column named {need}",
            found="columns " + ", ".join(names[:8]) + (", ..." if len(names) > 8 else ""),
        )
        for need in _REQUIRED
        if need not in col
    ]
    actors = tuple(
        h[1:] for h in names if h.startswith("p") and len(h) > 1 and h not in _NOT_ACTORS
    )
    for a in actors:
        if "s" + a not in col:
            problems.append(
                Problem(
                    f"missing salience column s{a} for position column p{a}",
                    file=source,
                    line=header_line,
                    path="s" + a,
                    expected=f"a column named s{a}",
                    found="none",
                )
            )
    if not actors:
        problems.append(
            Problem(
                "no actor columns",
                file=source,
                line=header_line,
                expected="position columns p<actor> (pcom, pep, pde, ...)",
                found="none",
            )
        )
    if problems:
        raise DataError(problems)
    if len(rows) < 2:
        raise DataError.single(
            "no capability row",
            file=source,
            line=header_line,
            expected="a row of capabilities after the header",
            found="end of file",
        )

    def cell(row: Sequence[str], name: str) -> str:
        j = col[name]
        return row[j].strip() if j < len(row) else ""

    cap_line, cap_row = rows[1]
    capability: dict[str, float] = {}
    for a in actors:
        value = _number(cell(cap_row, "p" + a), source, cap_line, "p" + a, problems, low=0.0)
        if value is not None:
            capability[a] = value
    if cell(cap_row, "isnr"):
        problems.append(
            Problem(
                "the row after the header must be the capability row",
                file=source,
                line=cap_line,
                path="isnr",
                expected="an empty issue id and one capability per actor",
                found=repr(cell(cap_row, "isnr")),
            )
        )
    if problems:
        raise DataError(problems)

    issues: list[DeuIssue] = []
    skipped: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    for line, row in rows[2:]:
        issue = cell(row, "isnr")
        if not issue:
            problems.append(
                Problem("issue id is empty", file=source, line=line, path="isnr", found="''")
            )
            continue
        if issue in seen:
            problems.append(
                Problem(
                    "duplicate issue id",
                    file=source,
                    line=line,
                    path="isnr",
                    expected="unique ids",
                    found=f"{issue!r}, also on line {seen[issue]}",
                )
            )
            continue
        seen[issue] = line
        n_before = len(problems)
        out_text = cell(row, "out")
        outcome = _number(out_text, source, line, "out", problems, 0.0, 100.0) if out_text else None
        rp_text = cell(row, "rp")
        reference = _number(rp_text, source, line, "rp", problems, 0.0, 100.0) if rp_text else None
        present: list[str] = []
        pos: list[float] = []
        sal: list[float] = []
        defaulted = 0
        for a in actors:
            p_text = cell(row, "p" + a)
            s_text = cell(row, "s" + a)
            if not p_text:
                continue  # absent actor (its salience, if any, is ignored)
            p = _number(p_text, source, line, "p" + a, problems, 0.0, 100.0)
            if s_text:
                s = _number(s_text, source, line, "s" + a, problems, 0.0, 100.0)
            else:
                s, defaulted = DEFAULT_SALIENCE, defaulted + 1
            if p is not None and s is not None:
                present.append(a)
                pos.append(p)
                sal.append(s)
        if len(problems) > n_before:
            continue
        if outcome is None:
            skipped.append((issue, "no outcome recorded"))
            continue
        weights = np.array([capability[a] for a in present]) * np.array(sal)
        if not present or not weights.sum() > 0:
            skipped.append((issue, "no actor has both capability and salience"))
            continue
        # a DEU issue with one present actor is still an issue (every model forecasts that
        # actor's position), so the table may have a single actor
        try:
            table = ActorTable.from_arrays(
                names=present,
                capability=[capability[a] for a in present],
                position=pos,
                salience=sal,
                dimensions=[issue],
                salience_scale=100.0,
                scenario=issue,
                description=cell(row, "prname") if "prname" in col else "",
                source=f"{source}:{line}",
                min_actors=1,
            )
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        issues.append(
            DeuIssue(
                issue=issue,
                proposal=cell(row, "prnr"),
                name=cell(row, "prname") if "prname" in col else "",
                voting_rule=cell(row, "counvte"),
                procedure=cell(row, "proc"),
                reference=reference,
                outcome=float(outcome),
                table=table,
                line=line,
                default_saliences=defaulted,
            )
        )
    if problems:
        raise DataError(problems)
    if not issues:
        raise DataError.single(
            "no issue with an outcome",
            file=source,
            expected="at least one issue row with a value in column out",
            found=f"{len(skipped)} issues without one",
        )
    return DeuData(
        source=source,
        actors=actors,
        capability=capability,
        issues=tuple(issues),
        skipped=tuple(skipped),
    )


def _number(
    text: str,
    source: str,
    line: int,
    column: str,
    problems: list[Problem],
    low: float | None = None,
    high: float | None = None,
) -> float | None:
    """``text`` as a finite float within [low, high]; otherwise a Problem and None."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        problems.append(
            Problem(
                f"{column} is not a number",
                file=source,
                line=line,
                path=column,
                expected="a finite number",
                found=repr(text) if text else "an empty cell",
            )
        )
        return None
    if (low is not None and value < low) or (high is not None and value > high):
        rng = f"{low:g} to {high:g}" if high is not None else f"≥ {low:g}"
        problems.append(
            Problem(
                f"{column} out of range",
                file=source,
                line=line,
                path=column,
                expected=rng,
                found=text,
            )
        )
        return None
    return value
