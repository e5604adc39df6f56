"""The web app reaches the library only through ``web/services.py``, which calls the
application layer (``burdenshare.app``) and the role-play package; the import-linter contract
in pyproject.toml keeps it off the engines."""

from __future__ import annotations

import ast
from pathlib import Path

import burdenshare.web

WEB = Path(burdenshare.web.__file__).parent


def _imports(path: Path) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
    return out


def test_only_services_imports_the_library():
    outside = {}
    for path in sorted(WEB.glob("*.py")):
        library = {
            m
            for m in _imports(path)
            if m.startswith("burdenshare") and not m.startswith("burdenshare.web")
        }
        if library:
            outside[path.name] = library
    assert set(outside) == {"services.py"}, outside
