"""Plausibility warnings: what a scenario may validly say but probably does not mean.

A schema error stops the run (exit 2); a plausibility problem only earns a ``warning:`` line, since
the author may mean it (a won amount of 1,038.9 is legal, but it looks like billions of won). Each
check is a function ``Scenario -> Iterable[Finding]`` registered with :func:`plausibility`;
:func:`scenario_warnings` runs them all and locates each finding in the file (file, line, dotted
path), like the schema's problems. Checks read only the validated scenario and the bundled data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from burdenshare.errors import Problem, display_path
from burdenshare.scenario.findings import Finding
from burdenshare.scenario.locate import line_index, line_of
from burdenshare.scenario.render import format_path

if TYPE_CHECKING:
    from burdenshare.scenario.schema import Scenario

__all__ = ["WARNING_CHECKS", "plausibility", "scenario_warnings"]

WarningCheck = Callable[["Scenario"], Iterable[Finding]]

#: Registered plausibility checks, in order.
WARNING_CHECKS: list[WarningCheck] = []


def plausibility(fn: WarningCheck) -> WarningCheck:
    """Register a plausibility check (a function ``Scenario -> Iterable[Finding]``)."""
    WARNING_CHECKS.append(fn)
    return fn


def scenario_warnings(scenario: Scenario, text: str | None = None) -> list[Problem]:
    """Every plausibility finding as a located :class:`~burdenshare.errors.Problem`.

    ``text`` is the scenario's TOML (for line numbers); by default the file it was loaded from is
    read again, and without a file the problems carry no line.
    """
    _load_builtin_checks()
    findings = [f for fn in WARNING_CHECKS for f in fn(scenario)]
    if not findings:
        return []
    path = scenario.source_path
    if text is None and path is not None:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError:
            text = None
    index = line_index(text) if text is not None else None
    file = display_path(path) if path is not None else None
    return [
        Problem(
            f.message,
            file=file,
            line=None if index is None else line_of(index, f.loc),
            path=format_path(f.loc) or None,
            expected=f.expected,
            found=f.found,
        )
        for f in findings
    ]


def _load_builtin_checks() -> None:
    # Importing the module registers its checks (kept apart so that this module stays small).
    from burdenshare.scenario import plausibility_checks  # noqa: F401
