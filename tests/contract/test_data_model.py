"""docs/data-model.md: every HTTP operation has its access pattern documented, its route named in the example
column of an access-pattern table (`| pattern | index | key condition | example |`), Sales' or Billing's."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from kernel.contract import Contract
from tools.registry import ALL

ROOT = Path(__file__).resolve().parents[2]
DATA_MODEL = ROOT / "docs" / "data-model.md"
ACCESS_PATTERN_HEADER = "| pattern | index | key condition | example |"


def _is_separator(line: str) -> bool:
    return set(line.strip()) <= set("|-: ")


@cache
def examples() -> tuple[str, ...]:
    """The example cell of every row of the page's access-pattern tables. It is the last cell: taken from the
    right, so a `|` in an earlier cell cannot shift it."""
    cells: list[str] = []
    in_table = False
    for line in DATA_MODEL.read_text(encoding="utf-8").splitlines():
        if line.strip() == ACCESS_PATTERN_HEADER:
            in_table = True
        elif in_table and not line.startswith("|"):
            in_table = False
        elif in_table and not _is_separator(line):
            cells.append(line.rstrip().removesuffix("|").rsplit("|", 1)[-1].strip())
    return tuple(cells)


def route_of(contract: Contract) -> str:
    """The route as the example column names it: "`GET /sales/deals/{id}`"."""
    return f"`{contract.http.method} {contract.http.path}`"


def test_the_page_has_access_pattern_tables() -> None:
    assert examples(), f"docs/data-model.md has no table headed {ACCESS_PATTERN_HEADER!r}"


@pytest.mark.parametrize("contract", ALL, ids=lambda contract: contract.key)
def test_every_operation_has_its_access_pattern(contract: Contract) -> None:
    route = route_of(contract)
    assert any(route in cell for cell in examples()), (
        f"{contract.key}: add an access-pattern row to docs/data-model.md for {route} (pattern | index | "
        f"key condition | example, with {route} in the example column), or name it in the example column of the "
        "row whose reads and writes it shares"
    )
