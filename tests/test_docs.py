"""Every Python snippet in the README and the tutorial runs, in order, in one namespace per file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _python_blocks(path: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), flags=re.S)


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_snippets_run(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocks = _python_blocks(path)
    if path.name in ("README.md", "tutorial.md"):
        assert blocks, f"{path.name} has no python snippets"
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, str(path), "exec"), namespace)


def test_readme_starts_with_the_two_commands() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    head = "\n".join(lines[:6])
    assert "make demo" in head and "make test" in head
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "analyze scenarios/sma-2019.toml --out out/sma-2019" in makefile
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
