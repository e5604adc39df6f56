"""Schema checks that pydantic's field constraints cannot express, reported as pydantic errors.

A check (a range whose ``max`` is below its ``min``, a preference for an issue that does not exist)
produces :class:`Finding` objects: where (a location inside the model being validated), what is
wrong, what was expected and what was found. :func:`raise_findings` raises them as one
:class:`pydantic.ValidationError` with one entry per finding, of type :data:`CHECK_ERROR`, so the
Python API sees an ordinary validation error and the loader turns each entry into a
:class:`~burdenshare.errors.Problem` at the right path and line.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pydantic import ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

__all__ = ["CHECK_ERROR", "Finding", "check_error", "one_of", "raise_findings", "suggest"]

#: pydantic error type of every finding; its context holds ``message``, ``expected``, ``found``.
CHECK_ERROR = "scenario_check"

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Finding:
    """One problem found by a check, at ``loc`` relative to the model being validated."""

    loc: Loc
    message: str
    expected: str | None = None
    found: str | None = None
    value: object = None


def _detail(message: str, expected: str | None, found: str | None) -> str:
    if expected is not None:
        return f"{message} (expected {expected}" + (f", found {found})" if found else ")")
    return message


def check_error(
    message: str, expected: str | None = None, found: str | None = None, tail: int = 0
) -> PydanticCustomError:
    """A pydantic error for a field validator to raise (the location is the field's).

    ``tail`` is how many trailing elements of the error's location are a finding's own path
    (written as the user wrote it, with no union member names in it).
    """
    return PydanticCustomError(
        CHECK_ERROR,
        "{detail}",
        {
            "detail": _detail(message, expected, found),
            "message": message,
            "expected": expected,
            "found": found,
            "tail": tail,
        },
    )


def raise_findings(title: str, findings: Sequence[Finding]) -> None:
    """Raise every finding as one ValidationError (nothing when ``findings`` is empty)."""
    if not findings:
        return
    details = [
        InitErrorDetails(
            type=check_error(f.message, f.expected, f.found, tail=len(f.loc)),
            loc=f.loc,
            input=f.value,
        )
        for f in findings
    ]
    raise ValidationError.from_exception_data(title, details)


def suggest(word: str, candidates: Iterable[str]) -> str:
    """``"; did you mean 'weights'?"`` when a candidate is close to ``word``, else ``""``."""
    close = difflib.get_close_matches(str(word), [str(c) for c in candidates], n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def one_of(candidates: Iterable[str], limit: int = 8) -> str:
    """``"one of a, b, c"``, shortened when there are many."""
    names = [str(c) for c in candidates]
    if not names:
        return "none defined"
    shown = ", ".join(names[:limit])
    if len(names) > limit:
        shown += f", … ({len(names) - limit} more)"
    return "one of " + shown
