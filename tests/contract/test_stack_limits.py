"""Every stack stays well under CloudFormation's 500 resources once SAM has expanded it (tools/stack_resources.py
translates template.yaml and each nested stack offline). The counts are printed: `pytest -s` shows them."""

from __future__ import annotations

from functools import cache

import yaml

from tools import ROOT
from tools.stack_resources import BUDGET, StackCount, count, report

# What one HTTP operation costs in a stack: its function, its role and the API's permission to invoke it. The
# README's projection (stack size per added operation) rests on it.
PER_HTTP_FUNCTION = 3


@cache
def _counts() -> list[StackCount]:
    counts = count()
    print(report(counts))
    return counts


def test_every_stack_is_within_the_resource_budget() -> None:
    counts = _counts()
    over = [f"{stack.name} ({stack.file}): {stack.total}" for stack in counts if stack.total > BUDGET]
    assert not over, f"over {BUDGET} resources: {over}; split the stack\n{report(counts)}"


def test_the_tree_is_one_root_and_a_stack_per_context() -> None:
    assert [(stack.name, stack.file) for stack in _counts()] == [
        ("root", "template.yaml"),
        ("SalesStack", "stacks/sales.yaml"),
        ("BillingStack", "stacks/billing.yaml"),
    ]
    root = _counts()[0]
    assert root.by_type["AWS::CloudFormation::Stack"] == 2
    assert not root.by_function, "functions belong to a context's stack"


def test_an_http_operation_costs_three_resources() -> None:
    for stack in _counts():
        for name in stack.http_functions:
            assert len(stack.by_function[name]) <= len(stack.events[name]) + PER_HTTP_FUNCTION - 1, (
                f"{name}: {sorted(stack.by_function[name])}\n{report(_counts())}"
            )


def test_every_stack_is_scanned_and_validated() -> None:
    """`make scan` runs checkov on .checkov.yaml's files, `make validate` on template.yaml and stacks/*.yaml:
    both must cover every template of the tree, and nothing else."""
    files = [stack.file for stack in _counts()]
    scanned = yaml.safe_load((ROOT / ".checkov.yaml").read_text(encoding="utf-8"))["file"]
    assert sorted(scanned) == sorted(files)
    assert sorted(files) == sorted(
        ["template.yaml", *(path.relative_to(ROOT).as_posix() for path in ROOT.glob("stacks/*.yaml"))]
    )
