"""Line numbers for field paths in a TOML text.

``tomllib`` reports a line only for malformed files; for a valid file whose content fails
validation we need the line where a field is written. :func:`line_index` scans the text once (a
lenient structural scan, not a parser) and maps every key, table header, array-of-tables entry and
array element it meets to the line where it starts:

* ``[a.b]`` headers and dotted keys ``x.y = 1`` give ``("a", "b")`` and ``("a", "b", "x", "y")``;
* ``[[a]]`` entries are numbered: the second ``[[events]]`` is ``("events", 1)``;
* inline tables and arrays (also across lines) give their keys and element indices.

:func:`line_of` looks a path up, falling back to the nearest enclosing key that is written (a
missing field is reported at its table's header). The scan never raises; on text it cannot follow
it returns what it found so far.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["LineIndex", "line_index", "line_of"]

Key = str | int
LineIndex = dict[tuple[Key, ...], int]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR = re.compile(r"[^,\]}\n#]*")
#: The four TOML string forms (multi-line first); group 1 is the body. An unterminated string
#: matches to the end of its line (basic, literal) or of the text (multi-line).
_STRINGS = (
    re.compile(r'"""((?:[^"\\]|\\.|"(?!""))*)(?:"""(?:"{0,2}))?', re.DOTALL),
    re.compile(r"'''(.*?)(?:''''{0,2}|\Z)", re.DOTALL),
    re.compile(r'"((?:[^"\\\n]|\\.)*)"?'),
    re.compile(r"'([^'\n]*)'?"),
)
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


class _Scan:
    def __init__(self, text: str) -> None:
        self.s = text
        self.n = len(text)
        self.i = 0
        self.line = 1
        self.index: LineIndex = {}
        self.aot: dict[tuple[Key, ...], int] = {}  # array-of-tables path -> entries seen

    # -- characters -------------------------------------------------------------------------
    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.s[j] if j < self.n else ""

    def advance(self, k: int = 1) -> None:
        end = min(self.i + k, self.n)
        self.line += self.s.count("\n", self.i, end)
        self.i = end

    def skip_blank(self) -> None:
        while self.peek() in (" ", "\t"):
            self.i += 1

    def skip_comment(self) -> None:
        if self.peek() == "#":
            end = self.s.find("\n", self.i)
            self.i = self.n if end < 0 else end

    def skip_space(self) -> None:
        """Blanks, newlines and comments."""
        while self.i < self.n:
            c = self.peek()
            if c in (" ", "\t", "\r"):
                self.i += 1
            elif c == "\n":
                self.advance()
            elif c == "#":
                self.skip_comment()
            else:
                return

    def skip_line(self) -> None:
        end = self.s.find("\n", self.i)
        self.i = self.n if end < 0 else end

    # -- tokens ------------------------------------------------------------------------------
    def string(self) -> str:
        """Read a string at the cursor (any of the four TOML forms); returns its text."""
        for pattern in _STRINGS:
            match = pattern.match(self.s, self.i)
            if match:
                self.advance(match.end() - self.i)
                body = match.group(1)
                if match.group(0).startswith('"') and "\\" in body:
                    body = _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)), body)
                return body
        self.i += 1  # a lone quote: step over it
        return ""

    def key(self) -> list[str]:
        """A dotted key (possibly quoted parts); empty if there is none at the cursor."""
        parts: list[str] = []
        while True:
            self.skip_blank()
            c = self.peek()
            if c in ('"', "'"):
                parts.append(self.string())
            else:
                match = _BARE_KEY.match(self.s, self.i)
                if not match:
                    return parts
                parts.append(match.group(0))
                self.i = match.end()
            self.skip_blank()
            if self.peek() != ".":
                return parts
            self.i += 1

    # -- structure ---------------------------------------------------------------------------
    def record(self, path: tuple[Key, ...], line: int) -> None:
        for k in range(1, len(path) + 1):
            self.index.setdefault(path[:k], line)

    def resolve(self, keys: Sequence[str]) -> tuple[Key, ...]:
        """A header's key path with the current entry of each array of tables inserted."""
        out: list[Key] = []
        for k in keys:
            out.append(k)
            count = self.aot.get(tuple(out))
            if count:
                out.append(count - 1)
        return tuple(out)

    def value(self, path: tuple[Key, ...]) -> None:
        self.skip_blank()
        c = self.peek()
        if c == "{":
            self.i += 1
            while self.i < self.n:
                self.skip_space()
                if self.peek() == "}":
                    self.i += 1
                    return
                if self.peek() == ",":
                    self.i += 1
                    continue
                line = self.line
                keys = self.key()
                if not keys:
                    self.i += 1  # not something we understand: step over it
                    continue
                self.record((*path, *keys), line)
                self.skip_blank()
                if self.peek() == "=":
                    self.i += 1
                self.value((*path, *keys))
        elif c == "[":
            self.i += 1
            k = 0
            while self.i < self.n:
                self.skip_space()
                c = self.peek()
                if c == "]":
                    self.i += 1
                    return
                if c == ",":
                    self.i += 1
                    k += 1
                    continue
                start = self.i
                self.record((*path, k), self.line)
                self.value((*path, k))
                if self.i == start:
                    self.i += 1
        elif c in ('"', "'"):
            self.string()
        else:
            match = _SCALAR.match(self.s, self.i)
            self.i = match.end() if match else self.i

    def run(self) -> LineIndex:
        prefix: tuple[Key, ...] = ()
        while True:
            self.skip_space()
            if self.i >= self.n:
                return self.index
            line = self.line
            if self.s.startswith("[[", self.i):
                self.i += 2
                keys = self.key()
                path = (*self.resolve(keys[:-1]), *keys[-1:])
                count = self.aot.get(path, 0) + 1
                self.aot[path] = count
                prefix = (*path, count - 1)
                self.record(prefix, line)
            elif self.peek() == "[":
                self.i += 1
                prefix = self.resolve(self.key())
                self.record(prefix, line)
            else:
                keys = self.key()
                if keys:
                    self.record((*prefix, *keys), line)
                    self.skip_blank()
                    if self.peek() == "=":
                        self.i += 1
                        self.value((*prefix, *keys))
            self.skip_line()


def line_index(text: str) -> LineIndex:
    """Map each path written in ``text`` to its 1-based line (best effort; never raises)."""
    scan = _Scan(text)
    try:
        return scan.run()
    except Exception:  # a locator must not turn a user error into a crash
        return scan.index


def line_of(index: LineIndex, path: Sequence[Key]) -> int | None:
    """Line of ``path``, or of its nearest written ancestor; ``None`` if none is written."""
    for k in range(len(path), 0, -1):
        line = index.get(tuple(path[:k]))
        if line is not None:
            return line
    return None
