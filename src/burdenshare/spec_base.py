"""Base classes shared by every section of the scenario schema.

Every model forbids unknown keys (a typo is an error, not a silently ignored field). Models that
carry figures inherit :class:`Sourced`: a figure cites one or more ids from the scenario's
``[sources]`` table, or says ``estimate = true`` (an analyst's estimate).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    """A schema model: unknown keys are errors, values are not coerced across types."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Sourced(Strict):
    """Mixin for anything holding figures: where they come from."""

    source: list[str] = Field(
        default_factory=list,
        description="Ids of entries in the scenario's [sources] table backing these figures.",
        examples=[["mofa-2019-03-08"]],
    )
    estimate: bool = Field(
        default=False,
        description="True when the figures are an analyst's estimate rather than a sourced fact.",
    )
    note: str = Field(default="", description="Free-form reasoning or caveats.")
