"""How many CloudFormation resources each stack of the tree deploys, once SAM has expanded it.

    python -m tools.stack_resources    # one line per stack, then what each function costs

CloudFormation refuses a stack of more than 500 resources, and SAM turns one `AWS::Serverless::Function` into
several (the function, its role, one permission per API event, one mapping per stream or queue event...). Each
template (template.yaml and every nested stack under it) is translated offline by the SAM translator, the one
`sam validate` and CloudFormation's transform run, with its local code locations replaced by S3 URLs (as
`sam package` does) and placeholders for parameters without a Default. Each generated resource is counted for
the function whose logical id prefixes its own (SalesDealGetFunctionRole), the rest as the stack's shared part
(tables, queues, policies, the API, its deployment and stage).
"""

from __future__ import annotations

import copy
import logging
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from local.template import NESTED_STACK_TYPES, nested_stacks
from tools import ROOT

# Above this, a stack is one context's growth away from CloudFormation's 500: split it (one stack per context,
# or a context into several) before it gets there.
BUDGET = 400
CLOUDFORMATION_LIMIT = 500
FUNCTION_TYPE = "AWS::Serverless::Function"
CODE_LOCATIONS = {FUNCTION_TYPE: "CodeUri", "AWS::Serverless::LayerVersion": "ContentUri"}
PLACEHOLDERS = {"CognitoUserPoolArn": "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_example"}


@dataclass(frozen=True)
class StackCount:
    name: str  # root, SalesStack, ...
    file: str  # relative to the repository
    total: int
    by_type: Counter[str]
    by_function: dict[str, list[str]]  # function logical id -> the resources SAM generated for it
    events: dict[str, list[str]] = field(default_factory=dict)  # function logical id -> its event types

    @property
    def shared(self) -> int:
        return self.total - sum(len(resources) for resources in self.by_function.values())

    @property
    def http_functions(self) -> list[str]:
        return [name for name, types in self.events.items() if types and set(types) == {"Api"}]


class _NoManagedPolicies:
    """The translator looks AWS managed policies up by name; the templates name none."""

    def load(self) -> dict[str, str]:
        return {}


def _packaged(document: dict[str, Any]) -> dict[str, Any]:
    """The template as `sam package` leaves it: code and nested templates in S3."""
    packaged = copy.deepcopy(document)
    for resource in packaged["Resources"].values():
        properties = resource.get("Properties") or {}
        key = CODE_LOCATIONS.get(resource.get("Type"))
        if key and key in properties:
            properties[key] = "s3://bucket/key.zip"
        template_key = NESTED_STACK_TYPES.get(resource.get("Type"))
        if template_key and isinstance(properties.get(template_key), str):
            properties[template_key] = "https://bucket.s3.eu-west-1.amazonaws.com/nested.template"
    return packaged


def count(template: Path = ROOT / "template.yaml") -> list[StackCount]:
    from samtranslator.translator.transform import transform

    os.environ.setdefault("AWS_DEFAULT_REGION", "eu-west-1")
    # The translator logs its feature toggles and metrics at WARNING; none of it is about the templates.
    logging.getLogger("samtranslator").setLevel(logging.ERROR)
    counts = []
    for stack in nested_stacks(template):
        document = _packaged(stack.document)
        parameters = {
            name: PLACEHOLDERS.get(name, "placeholder")
            for name, spec in (document.get("Parameters") or {}).items()
            if "Default" not in spec
        }
        translated = transform(document, parameters, _NoManagedPolicies())["Resources"]
        functions = [name for name, res in stack.document["Resources"].items() if res.get("Type") == FUNCTION_TYPE]
        by_function: dict[str, list[str]] = {name: [] for name in functions}
        for logical_id in translated:
            owner = max((name for name in functions if logical_id.startswith(name)), key=len, default=None)
            if owner is not None:
                by_function[owner].append(logical_id)
        events = {
            name: [
                event.get("Type")
                for event in (stack.document["Resources"][name]["Properties"].get("Events") or {}).values()
            ]
            for name in functions
        }
        counts.append(
            StackCount(
                name=stack.name,
                file=stack.file.relative_to(ROOT).as_posix(),
                total=len(translated),
                by_type=Counter(resource["Type"] for resource in translated.values()),
                by_function=by_function,
                events=events,
            )
        )
    return counts


def report(counts: list[StackCount]) -> str:
    lines = [
        f"{'stack':14} {'template':22} {'resources':>9}  (budget {BUDGET}, CloudFormation limit {CLOUDFORMATION_LIMIT})"
    ]
    for stack in counts:
        lines.append(f"{stack.name:14} {stack.file:22} {stack.total:9d}")
    for stack in counts:
        if not stack.by_function and not stack.shared:
            continue
        lines += ["", f"{stack.name}: {stack.shared} shared, {len(stack.by_function)} function(s)"]
        for name, resources in stack.by_function.items():
            kinds = ", ".join(sorted(resource.removeprefix(name) or "(function)" for resource in resources))
            lines.append(f"  {name:40} {len(resources):2d}  {kinds}")
    return "\n".join(lines)


def main() -> int:
    counts = count()
    print(report(counts))
    return 1 if any(stack.total > BUDGET for stack in counts) else 0


if __name__ == "__main__":
    raise SystemExit(main())
