"""Loading a scenario: file or bundled name -> bytes -> text -> TOML -> validated :class:`Scenario`.

Every user mistake on the way raises :class:`~burdenshare.errors.ScenarioError` with one
:class:`~burdenshare.errors.Problem` per thing wrong (file, line, dotted path, expected, found):
a missing or unreadable file, an empty or binary file, text that is not UTF-8, malformed TOML (with
tomllib's line and column), and every validation error (see :mod:`.translate`). No other exception
leaves :func:`load_scenario` or :func:`load_scenario_text`, whatever the input.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from burdenshare.errors import Problem, ScenarioError, display_path
from burdenshare.scenario.bundled import bundled_names, bundled_path
from burdenshare.scenario.findings import one_of, suggest
from burdenshare.scenario.raw import merge_schedules
from burdenshare.scenario.schema import Scenario
from burdenshare.scenario.translate import problems_from_validation_error

__all__ = ["MAX_BYTES", "load_scenario", "load_scenario_text", "parse_toml", "resolve_source"]

#: Larger files are refused: a scenario is a few kilobytes of hand-written text.
MAX_BYTES = 5_000_000

_SECTIONS_HINT = "a TOML scenario with at least [meta], [parties], [issues] and [agreement]"
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_TOML_END = re.compile(r"\s*\(at end of document\)\s*$")


def _fail(message: str, filename: str | None, **where: Any) -> ScenarioError:
    one_line = " ".join(message.split("\n"))
    return ScenarioError([Problem(one_line, file=filename, **where)])


def resolve_source(source: str | Path) -> Path:
    """The file behind ``source``: an existing path, else a bundled scenario's name."""
    path = Path(source)
    if path.exists() or isinstance(source, Path):
        return path
    names = bundled_names()
    if source in names:
        return bundled_path(source)
    looks_like_name = not path.suffix and "/" not in source and "\\" not in source
    if looks_like_name:
        raise _fail(
            f"no scenario file or bundled scenario named '{source}'" + suggest(source, names),
            source,
            expected="a path to a .toml file or a bundled name: "
            + one_of(names).removeprefix("one of "),
            found=source,
        )
    raise _fail("file not found", display_path(path), expected="an existing scenario file")


def _read(path: Path) -> bytes:
    name = display_path(path)
    try:
        if path.is_dir():
            raise _fail("is a directory, not a file", name, expected="a .toml file")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise _fail(
                "file too large",
                name,
                expected=f"at most {MAX_BYTES:,} bytes",
                found=f"{size:,} bytes",
            )
        return path.read_bytes()
    except ScenarioError:
        raise
    except FileNotFoundError:
        raise _fail("file not found", name, expected="an existing scenario file") from None
    except IsADirectoryError:
        raise _fail("is a directory, not a file", name, expected="a .toml file") from None
    except PermissionError:
        raise _fail("cannot read the file (permission denied)", name) from None
    except OSError as exc:
        raise _fail(f"cannot read the file ({exc.strerror or exc})", name) from None


def _decode(content: str | bytes, filename: str | None) -> str:
    if isinstance(content, str):
        text = content
    else:
        if b"\x00" in content:
            line = content[: content.index(b"\x00")].count(b"\n") + 1
            raise _fail(
                "binary file, not TOML text",
                filename,
                line=line,
                expected="UTF-8 text",
                found="a NUL byte",
            )
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = content[: exc.start].count(b"\n") + 1
            bad = content[exc.start : exc.start + 1].hex()
            raise _fail(
                "not UTF-8 text",
                filename,
                line=line,
                expected="UTF-8 text",
                found=f"byte 0x{bad} at offset {exc.start}",
            ) from None
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise _fail(
            "binary file, not TOML text",
            filename,
            line=line,
            expected="UTF-8 text",
            found="a NUL character",
        )
    if not text.strip():
        raise _fail("empty file", filename, expected=_SECTIONS_HINT)
    return text


def parse_toml(text: str, filename: str | None = None) -> dict[str, Any]:
    """``tomllib.loads`` with its errors as :class:`ScenarioError` (line and column kept)."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        line: int | None = None
        match = _TOML_POSITION.search(message)
        if match:
            line = int(match.group(1))
            message = f"{message[: match.start()]} at column {match.group(2)}"
        elif _TOML_END.search(message):
            line = text.count("\n") + (0 if text.endswith("\n") else 1)
            message = _TOML_END.sub(" at end of file", message)
        raise _fail(
            f"malformed TOML: {message}",
            filename,
            line=line,
            expected="valid TOML (https://toml.io)",
        ) from None
    except RecursionError:
        raise _fail(
            "malformed TOML: nested too deeply", filename, expected="valid TOML with modest nesting"
        ) from None
    except (ValueError, OverflowError, ArithmeticError, TypeError) as exc:
        # e.g. an integer literal longer than Python converts (ValueError from int())
        raise _fail(f"malformed TOML: {exc}", filename, expected="valid TOML") from None


def load_scenario_text(content: str | bytes, filename: str | None = "<string>") -> Scenario:
    """Validate scenario ``content`` (TOML text or its bytes); ``filename`` labels problems."""
    text = _decode(content, filename)
    raw = parse_toml(text, filename)
    try:
        return Scenario.model_validate(raw)
    except ValidationError as exc:
        error = exc
    except RecursionError:
        raise _fail(
            "nested too deeply to validate", filename, expected="a scenario with modest nesting"
        ) from None
    except (
        ValueError,
        TypeError,
        OverflowError,
        ArithmeticError,
        LookupError,
        AttributeError,
    ) as exc:  # safety net: a validator that raised something unexpected
        raise _fail(f"internal validation error: {type(exc).__name__}: {exc}", filename) from None
    try:
        problems = problems_from_validation_error(error, merge_schedules(raw), text, filename)
    except Exception as exc:  # safety net for the translation itself: keep pydantic's words
        problems = [
            Problem(f"{e.get('msg')} (at {'.'.join(map(str, e.get('loc', ())))})", file=filename)
            for e in error.errors(include_url=False)
        ] or [Problem(f"invalid scenario ({type(exc).__name__})", file=filename)]
    if not problems:  # every error was a duplicate of another; never raise an empty error
        problems = [Problem("invalid scenario", file=filename)]
    raise ScenarioError(problems)


def load_scenario(source: str | Path) -> Scenario:
    """Load and validate a scenario from a TOML file path or a bundled name (``"sma-2019"``)."""
    path = resolve_source(source)
    content = _read(path)
    scenario = load_scenario_text(content, display_path(path))
    scenario._source_path = path
    return scenario
