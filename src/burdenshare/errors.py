"""User-facing errors.

A user mistake (a bad scenario file, an unknown dataset name, a missing index value) is reported as
one :class:`Problem` per thing that is wrong, each naming the file, the line where known, the dotted
field path, what was expected and what was found. The CLI prints them one per line and exits 2;
nothing else in the package raises for user input.

The one way to raise for bad input is ``SomeError.single(message, path=..., expected=...,
found=...)`` (or ``SomeError([Problem(...), ...])`` for several at once). A caller that breaks an
engine's contract in a way no user input reaches (wrong shapes, a section the caller should have
checked for) is a bug, raised as :class:`ProgrammerError`, a ``ValueError``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Self


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the user's input."""

    message: str
    file: str | None = None
    line: int | None = None
    path: str | None = None  # dotted field path, e.g. "agreements.us_demand.escalation.cap_percent"
    expected: str | None = None
    found: str | None = None

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        field_ = f"{self.path}: " if self.path else ""
        detail = self.message
        if self.expected is not None:
            detail += f" (expected {self.expected}"
            detail += f", found {self.found})" if self.found is not None else ")"
        elif self.found is not None:
            detail += f" (found {self.found})"
        return f"{where}{field_}{detail}"


@dataclass
class BurdenshareError(Exception):
    """Base class for errors caused by user input; carries one or more problems."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)

    @classmethod
    def single(cls, message: str, **where: object) -> Self:
        """The error with one problem: ``message`` and where (``file``, ``line``, ``path``)
        and what (``expected``, ``found``)."""
        return cls([Problem(message, **where)])  # type: ignore[arg-type]


class ProgrammerError(ValueError):
    """An engine called against its contract in a way no user input reaches: a bug in the
    caller, not a user's mistake (those are :class:`BurdenshareError` problems)."""


class ScenarioError(BurdenshareError):
    """A scenario file cannot be read or does not validate."""


class DataError(BurdenshareError):
    """A bundled or user-supplied data series lacks what a computation needs."""


def display_path(path: str | Path) -> str:
    """The path as the user would recognise it (relative to the cwd when possible)."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)
