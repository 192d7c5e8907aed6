"""docs/reliability.md: every guarantee names a test that proves it, and every test it names exists."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

from tests.support.aws import ROOT

DOC = ROOT / "docs" / "reliability.md"
NODE = re.compile(r"`(tests/[\w/]+\.py)(?:::(\w+)(?:\[[^\]]*\])?)?")


@cache
def _functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef | ast.ClassDef)}


def _rows() -> list[str]:
    """The body rows of every table in the document (header and separator rows left out)."""
    rows = []
    for block in DOC.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if line.startswith("|")]
        rows.extend(lines[2:])
    return rows


def test_every_guarantee_names_a_test() -> None:
    rows = _rows()
    assert len(rows) >= 30
    unproved = [row for row in rows if not NODE.search(row) and "make " not in row]
    assert not unproved, unproved


def test_every_named_test_exists() -> None:
    named = NODE.findall(DOC.read_text(encoding="utf-8"))
    assert named
    for file, function in named:
        path = ROOT / file
        assert path.is_file(), file
        if function:
            assert function in _functions(path), f"{file}::{function} does not exist"


def test_every_reliability_test_module_is_cited() -> None:
    cited = {file for file, _function in NODE.findall(DOC.read_text(encoding="utf-8"))}
    modules = {
        str(path.relative_to(ROOT))
        for path in (ROOT / "tests" / "reliability").glob("test_*.py")
        if path.name != Path(__file__).name
    }
    assert modules <= cited, sorted(modules - cited)
