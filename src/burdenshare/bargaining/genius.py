"""Import GENIUS negotiation domains (the XML format of the ANAC competitions).

A GENIUS domain is a folder with one *domain file* (the issues and their values) and one *profile*
per party (a utility function). ``load_genius(folder)`` returns a
:class:`~burdenshare.bargaining.domain.Domain` whose parties are the profiles sorted by file name.

Semantics (GENIUS ``genius.core.utility``; not NegMAS 0.16.0's importer, which departs from them):

- **Discrete issues** (``EvaluatorDiscrete``): each ``<item value=… evaluation=e>`` is divided by
  the issue's largest evaluation, ``v(x) = e(x) / max_x' e(x')`` (all 0 when that maximum is below
  1e-5, as GENIUS does). Evaluations must be numbers ``>= 0``.
- **Integer issues** (``EvaluatorInteger``): from ``<evaluator slope=… offset=…>``,
  ``v(x) = clip(offset + slope · (x − lowerbound), 0, 1)``.
- **Real issues** (``EvaluatorReal``): ``ftype="linear"``:
  ``v(x) = clip(parameter0 + parameter1 · x, 0, 1)``; ``"constant"``: ``parameter0``;
  ``"triangular"``: a peak at ``parameter2`` falling to 0 at ``parameter0`` and ``parameter1``.
  Real issues are discretised on a grid (``grid=`` or the default rule of
  :func:`~burdenshare.bargaining.outcomes.default_steps`, < 0.5% utility).
- **Utility** (``AdditiveUtilitySpace.getUtility``): ``u(ω) = min(1, Σ_j w_j · v_j(ω_j))`` with the
  ``<weight>`` values as written (GENIUS does not rescale them when loading a file). GENIUS's own
  normalisation check (``checkTreeNormalization``, applied when weights are edited) accepts
  ``0.98 < Σ w < 1.02``; we refuse a profile outside that band, and a weight < 0.
- **Reservation value**: ``<reservation value=r>``, on the same normalised scale (0 when absent).
- **Discount**: ``<discount_factor value=d>``; utilities and the reservation value are multiplied by
  ``d^t`` at normalised time ``t ∈ [0, 1]``. A missing or zero factor means no discount (d = 1), as
  in GENIUS; a factor below 0 or above 1 (which GENIUS discards with a warning) is refused.

Which file is the domain: the one XML file with no ``<weight>`` element (every profile weighs its
issues; a domain file never does). Issues of a profile are matched to the domain's by ``index``
(and must carry the same ``name`` when they give one), items by ``value``.

Every mistake raises :class:`GeniusError` with one :class:`~burdenshare.errors.Problem` per
mistake, naming the file, the line, the element (an XPath-like path such as
``utility_space/objective/issue[@name="Laptop"]/item[@value="Dell"]``) and what is wrong.
"""

from __future__ import annotations

import math
import xml.parsers.expat
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from burdenshare.bargaining.domain import Domain, GridSpec, continuous_issue
from burdenshare.bargaining.outcomes import DomainError, Issue, OutcomeSpace
from burdenshare.bargaining.utility import (
    LinearAdditiveUtility,
    LinearValue,
    TableValue,
    TriangularValue,
    ValueFunction,
)
from burdenshare.errors import Problem, display_path

__all__ = ["WEIGHT_TOLERANCE", "GeniusError", "load_genius"]

#: GENIUS's own check: weights are normalised when 0.98 < Σ w < 1.02.
WEIGHT_TOLERANCE = 0.02
#: Below this, an issue's largest evaluation counts as 0 (``EvaluatorDiscrete.normalize``).
_EVAL_MAX_FLOOR = 1e-5


class GeniusError(DomainError):
    """A GENIUS domain folder cannot be read: malformed or inconsistent XML."""


# --------------------------------------------------------------------------- a small XML tree
@dataclass(eq=False)
class _Node:
    tag: str
    attrib: dict[str, str]
    line: int
    path: str
    children: list[_Node] = field(default_factory=list)

    def kids(self, tag: str) -> list[_Node]:
        return [c for c in self.children if c.tag == tag]

    def first(self, tag: str) -> _Node | None:
        return next(self.iter(tag), None)

    def iter(self, tag: str) -> Iterator[_Node]:
        if self.tag == tag:
            yield self
        for child in self.children:
            yield from child.iter(tag)


def _label(tag: str, attrs: Mapping[str, str]) -> str:
    """``issue[@name="Price"]``, ``item[@value="Dell"]``, ``weight[@index="2"]``, or the tag."""
    keys = ("value",) if tag == "item" else ("name", "index")
    for key in keys:
        if key in attrs:
            return f'{tag}[@{key}="{attrs[key]}"]'
    return tag


@dataclass
class _File:
    path: Path
    root: _Node

    @property
    def shown(self) -> str:
        return display_path(self.path)


class _Problems:
    """Collects problems so one run reports every mistake it can find."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(
        self,
        file: _File | Path,
        node: _Node | None,
        message: str,
        *,
        attr: str | None = None,
        expected: str | None = None,
        found: str | None = None,
    ) -> None:
        shown = file.shown if isinstance(file, _File) else display_path(file)
        path = None if node is None else node.path + (f"/@{attr}" if attr else "")
        self.items.append(
            Problem(
                message,
                file=shown,
                line=None if node is None else node.line,
                path=path,
                expected=expected,
                found=found,
            )
        )

    def raise_if_any(self) -> None:
        if self.items:
            raise GeniusError(list(self.items))


def _parse(path: Path, problems: _Problems) -> _File | None:
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.add(path, None, f"cannot read file: {exc.strerror or exc}")
        return None
    parser = xml.parsers.expat.ParserCreate()
    stack: list[_Node] = []
    roots: list[_Node] = []

    def start(tag: str, attrs: dict[str, str]) -> None:
        parent = stack[-1].path + "/" if stack else ""
        node = _Node(tag, dict(attrs), parser.CurrentLineNumber, parent + _label(tag, attrs))
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)

    def end(tag: str) -> None:
        stack.pop()

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        problems.items.append(
            Problem(
                "malformed XML: " + xml.parsers.expat.ErrorString(exc.code),
                file=display_path(path),
                line=exc.lineno,
                found=f"column {exc.offset + 1}",
            )
        )
        return None
    return _File(path, roots[0])


# --------------------------------------------------------------------------- attribute readers
def _float(
    f: _File, node: _Node, attr: str, problems: _Problems, *, default: float | None = None
) -> float | None:
    text = node.attrib.get(attr)
    if text is None:
        if default is None:
            problems.add(f, node, f"missing attribute '{attr}'", attr=attr, expected="a number")
        return default
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        problems.add(f, node, "not a number", attr=attr, expected="a finite number", found=text)
        return None
    return value


def _int(f: _File, node: _Node, attr: str, problems: _Problems) -> int | None:
    text = node.attrib.get(attr)
    if text is None:
        problems.add(f, node, f"missing attribute '{attr}'", attr=attr, expected="an integer")
        return None
    try:
        return int(text.strip())
    except ValueError:
        problems.add(f, node, "not an integer", attr=attr, expected="an integer", found=text)
        return None


def _kind(node: _Node) -> str:
    for attr in ("type", "etype", "vtype"):
        if attr in node.attrib:
            return node.attrib[attr].strip().lower()
    return "discrete"


def _bounds(f: _File, node: _Node, problems: _Problems, *, integer: bool) -> tuple[Any, Any] | None:
    """``lowerbound``/``upperbound`` from the issue's attributes or its ``<range>`` child."""
    holder = node if "lowerbound" in node.attrib else (node.kids("range") or [node])[0]
    read = _int if integer else _float
    low = read(f, holder, "lowerbound", problems)
    high = read(f, holder, "upperbound", problems)
    if low is None or high is None:
        return None
    if not high > low:
        problems.add(
            f, holder, "range is empty or reversed", expected=f"upperbound > {low}", found=str(high)
        )
        return None
    return low, high


def _issue_nodes(objective: _Node) -> Iterator[_Node]:
    """Issues in GENIUS's preorder: an objective's issues and sub-objectives, in file order."""
    for child in objective.children:
        if child.tag == "issue":
            yield child
        elif child.tag == "objective":
            yield from _issue_nodes(child)


# --------------------------------------------------------------------------- the domain file
@dataclass
class _DomainIssue:
    index: int
    name: str
    kind: str  # discrete | integer | real
    values: list[str] = field(default_factory=list)
    low: float = 0.0
    high: float = 0.0


def _read_domain(f: _File, problems: _Problems) -> list[_DomainIssue]:
    objective = f.root.first("objective")
    if objective is None:
        problems.add(f, f.root, "no <objective> element", expected="<objective> with <issue>s")
        return []
    issues: list[_DomainIssue] = []
    seen_index: dict[int, _Node] = {}
    seen_name: dict[str, _Node] = {}
    for node in _issue_nodes(objective):
        index = _int(f, node, "index", problems)
        name = node.attrib.get("name")
        if not name:
            problems.add(f, node, "issue has no name", attr="name")
        if index is None or not name:
            continue
        if index in seen_index:
            problems.add(f, node, f"issue index {index} repeats", attr="index")
            continue
        if name in seen_name:
            problems.add(f, node, f"issue name '{name}' repeats", attr="name")
            continue
        seen_index[index], seen_name[name] = node, node
        kind = _kind(node)
        issue = _DomainIssue(index, name, kind)
        if kind == "discrete":
            for item in node.kids("item"):
                value = item.attrib.get("value")
                if value is None:
                    problems.add(f, item, "item has no value", attr="value")
                elif value in issue.values:
                    problems.add(f, item, f"value '{value}' repeats", attr="value")
                else:
                    issue.values.append(value)
            if not node.kids("item"):
                problems.add(f, node, "discrete issue has no <item>", expected="at least one")
                continue
        elif kind in ("integer", "real"):
            bounds = _bounds(f, node, problems, integer=kind == "integer")
            if bounds is None:
                continue
            issue.low, issue.high = bounds
        else:
            problems.add(
                f,
                node,
                "unsupported issue type",
                attr="type",
                expected="discrete, integer or real",
                found=kind,
            )
            continue
        issues.append(issue)
    if not issues and not problems.items:
        problems.add(f, objective, "the domain has no issues", expected="at least one <issue>")
    return issues


# --------------------------------------------------------------------------- a profile
@dataclass
class _Profile:
    weights: dict[str, float]
    values: dict[str, ValueFunction]
    reservation: float
    discount: float


def _evaluator(f: _File, node: _Node, problems: _Problems) -> _Node | None:
    found = node.kids("evaluator")
    if not found:
        problems.add(f, node, "issue has no <evaluator>", expected="an <evaluator> element")
        return None
    return found[0]


def _value_function(
    f: _File, node: _Node, issue: _DomainIssue, problems: _Problems
) -> ValueFunction | None:
    if issue.kind == "discrete":
        evaluations: dict[str, float] = {}
        for item in node.kids("item"):
            value = item.attrib.get("value")
            if value is None:
                problems.add(f, item, "item has no value", attr="value")
                continue
            if value not in issue.values:
                problems.add(
                    f,
                    item,
                    f"unknown value for issue '{issue.name}'",
                    attr="value",
                    expected="one of " + ", ".join(f"'{v}'" for v in issue.values),
                    found=value,
                )
                continue
            if value in evaluations:
                problems.add(f, item, f"value '{value}' repeats", attr="value")
                continue
            if "evaluation" not in item.attrib:
                problems.add(
                    f, item, "item has no evaluation", attr="evaluation", expected="a number >= 0"
                )
                continue
            e = _float(f, item, "evaluation", problems)
            if e is None:
                continue
            if e < 0:
                problems.add(
                    f,
                    item,
                    "negative evaluation",
                    attr="evaluation",
                    expected="a number >= 0",
                    found=item.attrib["evaluation"],
                )
                continue
            evaluations[value] = e
        missing = [v for v in issue.values if v not in evaluations]
        reported = {i.attrib.get("value") for i in node.kids("item")}
        absent = [v for v in missing if v not in reported]
        if absent:
            problems.add(
                f,
                node,
                f"no evaluation for value{'s' if len(absent) > 1 else ''} of issue '{issue.name}'",
                expected="an <item> for every value in the domain",
                found="missing " + ", ".join(f"'{v}'" for v in absent),
            )
        if missing:
            return None
        top = max(evaluations.values())
        scale = 0.0 if top < _EVAL_MAX_FLOOR else 1.0 / top
        return TableValue({v: e * scale for v, e in evaluations.items()})

    ev = _evaluator(f, node, problems)
    if ev is None:
        return None
    if issue.kind == "integer":
        slope = _float(f, ev, "slope", problems)
        offset = _float(f, ev, "offset", problems)
        low = issue.low
        if "lowerbound" in node.attrib or node.kids("range"):
            bounds = _bounds(f, node, problems, integer=True)
            low = bounds[0] if bounds else low
        if slope is None or offset is None:
            return None
        return LinearValue(slope=slope, offset=offset, origin=low)
    ftype = ev.attrib.get("ftype", "").strip().lower()
    params = {
        "linear": ("parameter0", "parameter1"),
        "constant": ("parameter0",),
        "triangular": ("parameter0", "parameter1", "parameter2"),
    }
    if ftype not in params:
        problems.add(
            f,
            ev,
            "unsupported evaluator for a real issue",
            attr="ftype",
            expected="linear, constant or triangular",
            found=ftype or "nothing",
        )
        return None
    p = [_float(f, ev, name, problems) for name in params[ftype]]
    if any(x is None for x in p):
        return None
    if ftype == "linear":
        return LinearValue(slope=p[1], offset=p[0])  # type: ignore[arg-type]
    if ftype == "constant":
        return LinearValue(slope=0.0, offset=p[0], low=-math.inf, high=math.inf)  # type: ignore[arg-type]
    lower, upper, top = p
    try:
        return TriangularValue(lower=lower, top=top, upper=upper)  # type: ignore[arg-type]
    except DomainError as exc:
        problems.add(f, ev, exc.problems[0].message, found=exc.problems[0].found)
        return None


def _read_profile(f: _File, issues: Sequence[_DomainIssue], problems: _Problems) -> _Profile | None:
    start = len(problems.items)
    by_index = {i.index: i for i in issues}
    objective = f.root.first("objective")
    if objective is None:
        problems.add(f, f.root, "no <objective> element", expected="<objective> with <issue>s")
        return None

    values: dict[str, ValueFunction] = {}
    seen: set[int] = set()
    for node in _issue_nodes(objective):
        name = node.attrib.get("name")
        if "index" in node.attrib:
            index = _int(f, node, "index", problems)
            if index is None:
                continue
        else:
            index = next((i.index for i in issues if i.name == name), None)
        issue = by_index.get(index) if index is not None else None
        if issue is None:
            problems.add(
                f,
                node,
                "unknown issue",
                expected="an issue of the domain: "
                + ", ".join(f"{i.index} ({i.name})" for i in issues),
                found=f"index {node.attrib.get('index')}, name {name!r}",
            )
            continue
        if name is not None and name != issue.name:
            problems.add(
                f,
                node,
                f"issue {index} is named differently in the domain",
                attr="name",
                expected=issue.name,
                found=name,
            )
            seen.add(issue.index)  # present, misnamed: no second "missing issue" problem
            continue
        if index in seen:
            problems.add(f, node, f"issue '{issue.name}' repeats")
            continue
        seen.add(issue.index)
        vf = _value_function(f, node, issue, problems)
        if vf is not None:
            values[issue.name] = vf
    for issue in issues:
        if issue.index not in seen:
            problems.add(
                f,
                objective,
                f"no evaluation for issue '{issue.name}'",
                expected=f'an <issue index="{issue.index}"> with its evaluations',
            )

    weights: dict[str, float] = {}
    weight_nodes: dict[int, _Node] = {}
    for node in objective.iter("weight"):
        index = _int(f, node, "index", problems)
        w = _float(f, node, "value", problems)
        if index is None or w is None:
            continue
        if index not in by_index:
            problems.add(
                f,
                node,
                "weight for an unknown issue",
                attr="index",
                expected="one of " + ", ".join(str(i) for i in by_index),
                found=str(index),
            )
            continue
        if index in weight_nodes:
            problems.add(f, node, f"weight for issue {index} repeats", attr="index")
            continue
        if w < 0:
            problems.add(
                f, node, "negative weight", attr="value", expected="a number >= 0", found=str(w)
            )
            continue
        weight_nodes[index] = node
        weights[by_index[index].name] = w
    unweighted = [i for i in issues if i.index not in weight_nodes]
    if unweighted:
        problems.add(
            f,
            objective,
            "no weight for issue"
            + ("s " if len(unweighted) > 1 else " ")
            + ", ".join(f"{i.index} ({i.name})" for i in unweighted),
            expected="a <weight index=… value=…> per issue",
        )
    elif len(problems.items) == start:
        total = math.fsum(weights.values())
        if not abs(total - 1.0) < WEIGHT_TOLERANCE:
            problems.add(
                f,
                objective,
                "weights do not sum to 1",
                expected=f"a sum within {WEIGHT_TOLERANCE} of 1 (GENIUS: 0.98 < sum < 1.02)",
                found=f"{total:.6g}",
            )

    reservation = 0.0
    node = f.root.first("reservation")
    if node is not None:
        reservation = _float(f, node, "value", problems) or 0.0
    discount = 1.0
    node = f.root.first("discount_factor")
    if node is not None:
        d = _float(f, node, "value", problems)
        if d is not None and not 0.0 <= d <= 1.0:
            problems.add(
                f,
                node,
                "discount factor out of range",
                attr="value",
                expected="a number in [0, 1] (0 or 1: no discount)",
                found=node.attrib["value"],
            )
        elif d is not None and d > 0:
            discount = d
    if len(problems.items) > start:
        return None
    return _Profile(weights, values, reservation, discount)


# --------------------------------------------------------------------------- the folder
def _knots(vf: ValueFunction, low: float, high: float) -> list[float]:
    """Points where a real issue's value function bends (so its peak lies on the grid)."""
    if isinstance(vf, TriangularValue):
        pts = [vf.lower, vf.top, vf.upper]
    elif isinstance(vf, LinearValue) and vf.slope != 0:
        pts = [vf.origin + (level - vf.offset) / vf.slope for level in (vf.low, vf.high)]
    else:
        pts = []
    return [x for x in pts if math.isfinite(x) and low <= x <= high]


def load_genius(folder: str | Path, *, grid: Mapping[str, GridSpec] | None = None) -> Domain:
    """Read a GENIUS domain folder: one domain file and one profile per party.

    The parties are the profiles sorted by file name (Python string order), named by file stem.
    ``grid`` sets the grid of real issues by issue name (a step or explicit points); without it
    the default rule keeps discretisation below 0.5% utility. See the module docstring for the
    semantics; mistakes raise :class:`GeniusError`.
    """
    folder = Path(folder)
    problems = _Problems()
    if not folder.is_dir():
        problems.add(folder, None, "not a folder", expected="a folder of GENIUS XML files")
        problems.raise_if_any()
    paths = sorted(
        (p for p in folder.iterdir() if p.suffix.lower() == ".xml"), key=lambda p: p.name
    )
    if not paths:
        problems.add(
            folder, None, "no XML files in the folder", expected="a domain file and profile files"
        )
        problems.raise_if_any()
    files = [f for f in (_parse(p, problems) for p in paths) if f is not None]
    problems.raise_if_any()

    domains = [f for f in files if f.root.first("weight") is None]
    if len(domains) != 1:
        problems.add(
            folder,
            None,
            "cannot tell the domain file" if domains else "no domain file",
            expected="exactly one XML file without <weight> elements (the domain)",
            found=", ".join(f.path.name for f in domains) or "every file has <weight>s",
        )
        problems.raise_if_any()
    domain_file = domains[0]
    profile_files = [f for f in files if f is not domain_file]
    if not profile_files:
        problems.add(
            folder,
            None,
            "no profiles",
            expected="at least one profile XML file next to the domain file",
            found=domain_file.path.name + " only",
        )
    issues = _read_domain(domain_file, problems)
    problems.raise_if_any()

    profiles = [_read_profile(f, issues, problems) for f in profile_files]
    problems.raise_if_any()
    ready = [p for p in profiles if p is not None]

    space_issues: list[Issue] = []
    grid = dict(grid or {})
    unknown = [k for k in grid if k not in {i.name for i in issues if i.kind == "real"}]
    if unknown:
        raise GeniusError(
            [
                Problem(
                    f"grid for '{k}', which is not a real issue of the domain",
                    file=domain_file.shown,
                    path=f"grid.{k}",
                    expected="a real issue: "
                    + (", ".join(i.name for i in issues if i.kind == "real") or "(none)"),
                )
                for k in unknown
            ]
        )
    real = {
        i.name: (
            i.low,
            i.high,
            max(p.weights[i.name] * p.values[i.name].lipschitz() for p in ready),
        )
        for i in issues
        if i.kind == "real"
    }
    for issue in issues:
        if issue.kind == "discrete":
            space_issues.append(Issue.categorical(issue.name, issue.values))
        elif issue.kind == "integer":
            space_issues.append(Issue.integer(issue.name, int(issue.low), int(issue.high)))
        else:
            knots = [x for p in ready for x in _knots(p.values[issue.name], issue.low, issue.high)]
            space_issues.append(
                continuous_issue(
                    issue.name, issue.low, issue.high, grid.get(issue.name), real, knots
                )
            )
    try:
        space = OutcomeSpace(space_issues)
        utilities = [
            LinearAdditiveUtility(
                weights=p.weights,
                values=p.values,
                reservation=p.reservation,
                discount=p.discount,
                cap=1.0,
            )
            for p in ready
        ]
        return Domain(
            space,
            tuple(utilities),
            parties=tuple(f.path.stem for f in profile_files),
            name=folder.name,
        )
    except DomainError as exc:
        raise GeniusError(
            [
                Problem(
                    p.message,
                    file=p.file or display_path(folder),
                    line=p.line,
                    path=p.path,
                    expected=p.expected,
                    found=p.found,
                )
                for p in exc.problems
            ]
        ) from None
