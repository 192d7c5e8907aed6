"""The generated Markdown pages: one per operation and per event, every section there, every link alive."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from kernel.contract import Contract
from kernel.events import EventSpec
from tools import event_pages, operation_pages
from tools.registry import ALL
from tools.registry import EVENTS as CATALOGUE

ROOT = Path(__file__).resolve().parents[2]
OPERATION_SECTIONS = (
    "## Goal",
    "## Context",
    "## Route",
    "## Input",
    "## Output",
    "## Emitted events",
    "## Errors",
    "## Acceptance scenarios",
    "## Examples",
)
EVENT_SECTIONS = ("## Metadata", "## Data", "## Emitted by", "## Routed by", "## Sample")
_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("contract", ALL, ids=lambda c: c.key)
def test_operation_page(contract: Contract):
    text = operation_pages.operation_page(contract)
    assert text.splitlines()[2] == f"# {contract.key}"
    for section in OPERATION_SECTIONS:
        assert f"\n{section}\n" in text, f"{contract.key}: {section} missing"
    assert f"- Type: operation ({contract.kind})" in text
    assert f"`{contract.http.method} {contract.http.path}` → `{contract.http.status}`" in text
    for scenario in contract.scenarios:
        assert f"### {scenario.key}" in text
    for example in contract.examples:
        assert f"### {example.key}" in text
        if example.error_code:
            assert f"`{example.error_code}`" in text
    for event in contract.emits:
        assert f"(../events/{event.key}.md)" in text


@cache
def event_page_files() -> dict[Path, str]:
    """Every event page, generated once for the module (generating them renders every schema)."""
    return dict(event_pages.generate())


@pytest.mark.parametrize("spec", CATALOGUE, ids=lambda spec: spec.key)
def test_event_page(spec: EventSpec):
    text = event_page_files()[event_pages.DIR / f"{spec.key}.md"]
    for section in EVENT_SECTIONS:
        assert f"\n{section}" in text, f"{spec.key}: {section} missing"
    for contract in ALL:
        if any(event.key == spec.key for event in contract.emits):
            assert f"(../operations/{contract.key}.md)" in text


def test_indexes_list_every_page():
    operations = operation_pages.index_page()
    for contract in ALL:
        assert f"]({contract.key}.md)" in operations
    assert operations.index("## deal") < operations.index("## contact")
    events = event_page_files()[event_pages.DIR / "README.md"]
    for spec in CATALOGUE:
        assert f"]({spec.key}.md)" in events


def test_relative_links_of_generated_pages_resolve():
    pages = {**operation_pages.generate(), **event_page_files()}
    for path, text in pages.items():
        for target in _LINK.findall(text):
            if "://" in target:
                continue
            assert (path.parent / target).resolve().exists(), f"{path.relative_to(ROOT)} links to missing {target}"
