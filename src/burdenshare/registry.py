"""One small registry type for strategies and models: register by name, iterate, look up.

The CLI's choices, the docs tables and the tests all iterate a registry, so adding a strategy or
a model is one decorated class.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from burdenshare.errors import BurdenshareError, Problem, ProgrammerError

T = TypeVar("T")


class Registry(Generic[T]):
    """Name → class (or factory), in registration order."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}

    def register(self, name: str) -> Callable[[T], T]:
        """Decorator: ``@STRATEGIES.register("boulware")``."""

        def decorate(item: T) -> T:
            if name in self._items:
                raise ProgrammerError(f"{self.kind} {name!r} registered twice")
            self._items[name] = item
            return item

        return decorate

    def add(self, name: str, item: T) -> None:
        self.register(name)(item)

    def get(self, name: str) -> T:
        """The item called ``name``; a user-facing error listing the valid names otherwise."""
        try:
            return self._items[name]
        except KeyError:
            raise BurdenshareError(
                [
                    Problem(
                        f"unknown {self.kind} '{name}'",
                        expected="one of " + ", ".join(self),
                        found=name,
                    )
                ]
            ) from None

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def items(self) -> list[tuple[str, T]]:
        return list(self._items.items())
