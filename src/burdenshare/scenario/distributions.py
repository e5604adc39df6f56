"""Distributions an ``[uncertainty]`` entry can give a numeric scenario field, and their registry.

Each distribution is one small pydantic model (its keys are the TOML keys, ``dist`` names it) with
``sample(rng, n) -> np.ndarray``. :data:`DISTRIBUTIONS` maps names to classes; the ``[uncertainty]``
schema is the union of everything registered. ``grid`` is not random: a sweep enumerates its values
(:meth:`Grid.at`); its ``sample`` draws them uniformly for completeness.

Only ``scenario.findings`` errors are raised in validators, imported lazily because the scenario
schema imports this module.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, ClassVar, Literal

import numpy as np
from pydantic import BeforeValidator, Field, model_validator

from burdenshare.registry import Registry
from burdenshare.spec_base import Strict

__all__ = [
    "DISTRIBUTIONS",
    "Choice",
    "Distribution",
    "Grid",
    "LogNormal",
    "Normal",
    "Pert",
    "Triangular",
    "Uniform",
]


def _number_only(value: Any) -> Any:
    # As in the scenario schema: text and booleans are mistakes where a number is wanted.
    if isinstance(value, bool) or not isinstance(value, int | float):
        from pydantic_core import PydanticCustomError

        raise PydanticCustomError("number_type", "Input should be a number")
    return value


Num = Annotated[float, BeforeValidator(_number_only), Field(allow_inf_nan=False)]

#: Distribution name → class.
DISTRIBUTIONS: Registry[type[Distribution]] = Registry("distribution")


def _fail(loc: tuple[str, ...], message: str, expected: str, found: str) -> None:
    from burdenshare.scenario.findings import Finding, raise_findings

    raise_findings("Distribution", [Finding(loc, message, expected=expected, found=found)])


class Distribution(Strict):
    """Base of every distribution: a name (``dist``) and ``sample``."""

    #: True for distributions whose values a sweep enumerates rather than samples.
    enumerated: ClassVar[bool] = False

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` independent draws."""
        raise NotImplementedError

    def support(self) -> tuple[float, float]:
        """Smallest and largest value a draw can take (``inf`` when unbounded)."""
        raise NotImplementedError


def _ordered(low: float, high: float, strict: bool = False) -> None:
    if low > high or (strict and low == high):
        _fail(
            ("high",),
            "low > high" if low > high else "low = high",
            "low < high" if strict else "low <= high",
            f"low = {low:g}, high = {high:g}",
        )


@DISTRIBUTIONS.register("uniform")
class Uniform(Distribution):
    """Uniform on [low, high]: density 1 / (high - low)."""

    dist: Literal["uniform"]
    low: Num
    high: Num

    @model_validator(mode="after")
    def _check(self) -> Uniform:
        _ordered(self.low, self.high)
        return self

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.uniform(self.low, self.high, n)

    def support(self) -> tuple[float, float]:
        return self.low, self.high


def _phi(z: float) -> float:
    """Standard normal CDF, Φ(z) = (1 + erf(z / √2)) / 2."""
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


@DISTRIBUTIONS.register("normal")
class Normal(Distribution):
    """Normal N(mean, std²), truncated to [low, high] when given.

    Truncation is by rejection: density φ((x - mean)/std) / (std · (Φ(b) - Φ(a))) on [low, high],
    with a = (low - mean)/std, b = (high - mean)/std. The interval must hold probability
    Φ(b) - Φ(a) >= 1e-6 so that rejection terminates quickly.
    """

    dist: Literal["normal"]
    mean: Num
    std: Num
    low: Num | None = None
    high: Num | None = None

    @model_validator(mode="after")
    def _check(self) -> Normal:
        if self.std < 0:
            _fail(("std",), "negative std", "std >= 0", f"{self.std:g}")
        lo = -math.inf if self.low is None else self.low
        hi = math.inf if self.high is None else self.high
        _ordered(lo, hi)
        if self.std == 0:
            if not lo <= self.mean <= hi:
                _fail(
                    ("mean",),
                    "mean outside [low, high] with std = 0",
                    "low <= mean <= high",
                    f"{self.mean:g}",
                )
        elif _phi((hi - self.mean) / self.std) - _phi((lo - self.mean) / self.std) < 1e-6:
            _fail(
                ("low",),
                "[low, high] lies in the far tail of the normal",
                "an interval holding probability >= 1e-6",
                f"[{lo:g}, {hi:g}]",
            )
        return self

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self.std == 0:
            return np.full(n, self.mean)
        lo = -np.inf if self.low is None else self.low
        hi = np.inf if self.high is None else self.high
        out = np.empty(n)
        filled = 0
        while filled < n:
            batch = rng.normal(self.mean, self.std, max(2 * (n - filled), 64))
            keep = batch[(batch >= lo) & (batch <= hi)][: n - filled]
            out[filled : filled + keep.size] = keep
            filled += keep.size
        return out

    def support(self) -> tuple[float, float]:
        return (
            -math.inf if self.low is None else self.low,
            math.inf if self.high is None else self.high,
        )


@DISTRIBUTIONS.register("triangular")
class Triangular(Distribution):
    """Triangular on [low, high] with peak at mode; mean (low + mode + high) / 3."""

    dist: Literal["triangular"]
    low: Num
    mode: Num
    high: Num

    @model_validator(mode="after")
    def _check(self) -> Triangular:
        _ordered(self.low, self.high, strict=True)
        if not self.low <= self.mode <= self.high:
            _fail(("mode",), "mode outside [low, high]", "low <= mode <= high", f"{self.mode:g}")
        return self

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.triangular(self.low, self.mode, self.high, n)

    def support(self) -> tuple[float, float]:
        return self.low, self.high


@DISTRIBUTIONS.register("pert")
class Pert(Distribution):
    """Beta-PERT on [low, high] with most likely value ``mode`` and shape ``lamb`` (default 4).

    X = low + (high - low) · B, B ~ Beta(α, β), α = 1 + λ (mode - low)/(high - low),
    β = 1 + λ (high - mode)/(high - low); mean (low + λ·mode + high) / (λ + 2)
    (Vose, *Risk Analysis*, 3rd ed., 2008, §9.1.3).
    """

    dist: Literal["pert"]
    low: Num
    mode: Num
    high: Num
    lamb: Num = Field(default=4.0, gt=0)

    @model_validator(mode="after")
    def _check(self) -> Pert:
        _ordered(self.low, self.high, strict=True)
        if not self.low <= self.mode <= self.high:
            _fail(("mode",), "mode outside [low, high]", "low <= mode <= high", f"{self.mode:g}")
        return self

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        width = self.high - self.low
        a = 1 + self.lamb * (self.mode - self.low) / width
        b = 1 + self.lamb * (self.high - self.mode) / width
        return self.low + width * rng.beta(a, b, n)

    def support(self) -> tuple[float, float]:
        return self.low, self.high


@DISTRIBUTIONS.register("lognormal")
class LogNormal(Distribution):
    """Lognormal: X = exp(mu + sigma · Z), Z ~ N(0, 1); mean exp(mu + sigma²/2)."""

    dist: Literal["lognormal"]
    mu: Num
    sigma: Num

    @model_validator(mode="after")
    def _check(self) -> LogNormal:
        if self.sigma < 0:
            _fail(("sigma",), "negative sigma", "sigma >= 0", f"{self.sigma:g}")
        return self

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.lognormal(self.mu, self.sigma, n)

    def support(self) -> tuple[float, float]:
        return 0.0, math.inf


def _weights_sum_to_one(weights: list[float], loc: tuple[str, ...]) -> None:
    if any(w < 0 for w in weights):
        _fail(loc, "negative weight", "weights >= 0", ", ".join(f"{w:g}" for w in weights))
    total = math.fsum(weights)
    if abs(total - 1.0) > 1e-9:
        _fail(loc, f"weights sum to {total:g}", "weights summing to 1", f"{total:g}")


@DISTRIBUTIONS.register("choice")
class Choice(Distribution):
    """Discrete choice: P(X = values[k]) = weights[k] (uniform when no weights are given)."""

    dist: Literal["choice"]
    values: list[Num] = Field(min_length=1)
    weights: list[Num] | None = None

    @model_validator(mode="after")
    def _check(self) -> Choice:
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                _fail(
                    ("weights",),
                    "one weight per value needed",
                    f"{len(self.values)} weights",
                    str(len(self.weights)),
                )
            _weights_sum_to_one(self.weights, ("weights",))
        return self

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        p = None if self.weights is None else np.asarray(self.weights) / sum(self.weights)
        return np.asarray(self.values, dtype=float)[rng.choice(len(self.values), n, p=p)]

    def support(self) -> tuple[float, float]:
        return min(self.values), max(self.values)


@DISTRIBUTIONS.register("grid")
class Grid(Distribution):
    """A parameter sweep: the values in turn. Several grids form their full factorial."""

    enumerated: ClassVar[bool] = True

    dist: Literal["grid"]
    values: list[Num] = Field(min_length=1)

    def at(self, index: np.ndarray) -> np.ndarray:
        """The value at each grid position (positions taken modulo the number of values)."""
        return np.asarray(self.values, dtype=float)[np.asarray(index) % len(self.values)]

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.at(rng.integers(0, len(self.values), n))

    def support(self) -> tuple[float, float]:
        return min(self.values), max(self.values)


def distribution_union() -> Any:
    """The registered distributions as one pydantic union discriminated on ``dist``."""
    members = tuple(cls for _, cls in DISTRIBUTIONS.items())
    from typing import Union

    return Annotated[Union[members], Field(discriminator="dist")]  # noqa: UP007
