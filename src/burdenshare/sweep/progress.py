"""Progress display for sweeps: a rich bar with draws/s and ETA on a terminal, silent otherwise."""

from __future__ import annotations

import os
import sys
from types import TracebackType

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text


class _DrawsPerSecond(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("-- draws/s" if speed is None else f"{speed:,.0f} draws/s")


def progress_enabled() -> bool:
    """True on an interactive terminal outside CI (CI logs would fill with redraws)."""
    return sys.stderr.isatty() and os.environ.get("CI", "").lower() not in {"1", "true"}


class SweepProgress:
    """Counts stored draws; renders only when ``enabled`` (default: :func:`progress_enabled`)."""

    def __init__(self, total: int, done: int = 0, enabled: bool | None = None) -> None:
        self.enabled = progress_enabled() if enabled is None else enabled
        self._progress: Progress | None = None
        self._task = None
        self.total, self.done = total, done

    def __enter__(self) -> SweepProgress:
        if self.enabled:
            self._progress = Progress(
                TextColumn("sweep"),
                BarColumn(),
                MofNCompleteColumn(),
                _DrawsPerSecond(),
                TimeRemainingColumn(),
                transient=False,
            )
            self._progress.start()
            self._task = self._progress.add_task("sweep", total=self.total, completed=self.done)
        return self

    def advance(self, draws: int) -> None:
        self.done += draws
        if self._progress is not None and self._task is not None:
            self._progress.advance(self._task, draws)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()
