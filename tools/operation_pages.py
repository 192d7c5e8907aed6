"""docs/operations/<key>.md per contract (goal, context, io, policy, events, errors, examples) and the index."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kernel.contract import Contract, Example, Scenario
from kernel.types import Pagination
from tools import ROOT
from tools.binding import (
    errors,
    has_body,
    input_fields,
    request_of,
    returns_etag,
    takes_idempotency_key,
    takes_if_match,
)
from tools.markdown import GENERATED, code, json_block, page, table
from tools.registry import ALL
from tools.schemas import defs_resolver, field_rows

DIR = ROOT / "docs" / "operations"


def _source(contract: Contract) -> str:
    """Where the contract is declared: `layers/sales/sales/deal/contracts.py` (`WIN`)."""
    for name, module in sorted(sys.modules.items()):
        if not name.endswith(".contracts") or contract not in getattr(module, "CONTRACTS", ()):
            continue
        variable = next(var for var, value in vars(module).items() if value is contract and var.isupper())
        path = Path(str(module.__file__)).resolve().relative_to(ROOT)
        return f"`{path.as_posix()}` (`{variable}`)"
    raise LookupError(f"{contract.key} is in no <aggregate>.contracts module's CONTRACTS")


def _route(contract: Contract) -> str:
    return f"`{contract.http.method} {contract.http.path}`"


def _event_link(key: str, prefix: str = "../events/") -> str:
    return f"[`{key}`]({prefix}{key}.md)"


def _header(contract: Contract) -> list[str]:
    roles = ", ".join(sorted(role.value for role in contract.policy.roles))
    return [
        GENERATED,
        "",
        f"# {contract.key}",
        "",
        contract.description,
        "",
        f"- Type: operation ({contract.kind})",
        f"- Version: {contract.version}",
        f"- Stability: {contract.stability}",
        f"- Owners: {', '.join(contract.owners)}",
        f"- Tags: {', '.join(contract.tags)}",
        f"- Roles: {roles} (Cognito groups; every route needs an authenticated principal)",
        f"- File: {_source(contract)}",
        f"- Function: `functions/{contract.function_folder}/app.py` (`{contract.logical_id}` in `template.yaml`)",
        "",
        "## Goal",
        "",
        contract.goal,
        "",
        "## Context",
        "",
        contract.context,
        "",
    ]


def _route_section(contract: Contract) -> list[str]:
    lines = ["## Route", "", f"{_route(contract)} → `{contract.http.status}` (stage `v1`)", ""]
    notes = []
    if takes_idempotency_key(contract):
        notes.append(
            "`Idempotency-Key` request header: a retry with the same key and body replays the first response; "
            "the key with another body is refused (422 `IDEMPOTENCY_KEY_REUSED`)."
        )
    if takes_if_match(contract):
        notes.append(
            '`If-Match: "<version>"` request header: refused with 412 `PRECONDITION_FAILED` when the record has '
            "changed since."
        )
    if returns_etag(contract):
        notes.append('`ETag: "<version>"` response header: the version to send back as `If-Match`.')
    notes.append("`X-Correlation-Id`: sent back on success, carried into logs and event metadata.")
    if has_body(contract) and any(field.location == "body" for field in input_fields(contract)):
        notes.append("Request body: a JSON object, snake_case or camelCase keys; unknown keys are refused.")
    lines += [f"- {note}" for note in notes]
    lines += ["", f"OpenAPI: operation `{contract.key}` in [openapi.json](../openapi.json).", ""]
    return lines


def _input_section(contract: Contract) -> list[str]:
    lines = ["## Input", ""]
    if contract.input is None or not contract.input.model_fields:
        return [*lines, "None.", ""]
    schema = contract.input.model_json_schema(by_alias=False)
    resolve = defs_resolver(schema)
    rows = {row.name: row for row in field_rows(schema, resolve)}
    fields = {field.field: field for field in input_fields(contract)}
    body = []
    for name, row in rows.items():
        field = fields.get(name.split(".")[0].removesuffix("[]"))
        if field is None:
            continue
        wire = field.field if field.location == "path" else field.name
        shown = code(wire if "." not in name else name)
        if field.camel and "." not in name:
            shown += f" ({code(field.camel)})"
        where = "path " + code("{" + field.name + "}") if field.location == "path" else field.location
        body.append((shown, where, row.type, "yes" if row.required else "no", row.notes))
    lines += [f"`{contract.input.__name__}`", ""]
    lines += table(("field", "in", "type", "required", "description"), body)
    return [*lines, ""]


def _output_section(contract: Contract) -> list[str]:
    lines = ["## Output", ""]
    status = contract.http.status
    if contract.output is None or status == 204:
        return [*lines, f"`{status}` with no body.", ""]
    name = contract.output.__name__
    if contract.paginated:
        lines += [
            f'`{status}`: `{{"status": "success", "data": [{name}, ...], "pagination": Pagination}}`',
            "",
        ]
    else:
        lines += [f'`{status}`: `{{"status": "success", "data": {name}}}`', ""]
    schema = contract.output.model_json_schema(mode="serialization", by_alias=True)
    rows = field_rows(schema, defs_resolver(schema))
    lines += [f"`{name}`", ""]
    lines += table(("field", "type", "description"), ((code(row.name), row.type, row.notes) for row in rows))
    if contract.paginated:
        pagination = Pagination.model_json_schema(mode="serialization")
        lines += ["", "`Pagination`", ""]
        lines += table(
            ("field", "type", "description"),
            ((code(row.name), row.type, row.notes) for row in field_rows(pagination, defs_resolver(pagination))),
        )
    return [*lines, ""]


def _events_section(contract: Contract) -> list[str]:
    lines = ["## Emitted events", ""]
    if not contract.emits:
        return [*lines, "None.", ""]
    rows = [(_event_link(event.key), event.version, event.when) for event in contract.emits]
    return [*lines, *table(("event", "version", "when"), rows), ""]


def _errors_section(contract: Contract) -> list[str]:
    rows = [
        (code(entry.case.code), entry.case.status, entry.case.when, entry.origin)
        for entry in sorted(errors(contract), key=lambda entry: entry.case.status)
    ]
    lines = [
        "## Errors",
        "",
        'Every error is the envelope `{"status": "error", "error": {code, message, details?}}`.',
        "",
    ]
    return [*lines, *table(("code", "HTTP", "when", "declared by"), rows), ""]


def _scenario(scenario: Scenario) -> list[str]:
    lines = [f"### {scenario.key}", ""]
    for word, steps in (("Given", scenario.given), ("When", scenario.when), ("Then", scenario.then)):
        for index, step in enumerate(steps):
            lines.append(f"- **{word if index == 0 else 'And'}** {step}")
    return [*lines, ""]


def _expected(example: Example) -> list[str]:
    if example.error_code:
        return [f"Expected: `{example.status}` with error code `{example.error_code}`.", ""]
    if example.status == 204 or not example.output:
        return [f"Expected: `{example.status}`.", ""]
    expected: dict[str, Any] = dict(example.output)
    lines = [f"Expected: `{example.status}`, and"]
    items = expected.pop("__items__", None)
    pagination = expected.pop("__pagination__", None)
    if expected:
        lines += ["", "`data` contains:", "", *json_block(expected)]
    if items is not None:
        lines += ["", "`data` starts with items containing:", "", *json_block(items)]
    if pagination is not None:
        lines += ["", "`pagination` contains:", "", *json_block(pagination)]
    return [*lines, ""]


def _example(contract: Contract, example: Example) -> list[str]:
    lines = [f"### {example.key}", ""]
    if example.setup:
        lines += ["Given: " + ", ".join(name.replace("_", " ") for name in example.setup) + ".", ""]
    request = request_of(contract, example.input)
    target = request.path
    if request.query:
        target += "?" + "&".join(f"{key}={value}" for key, value in request.query.items())
    lines += [f"Request: `{request.method} {target}`", ""]
    if request.body:
        lines += [*json_block(request.body), ""]
    return lines + _expected(example)


def _acceptance_section(contract: Contract) -> list[str]:
    lines = ["## Acceptance scenarios", ""]
    for scenario in contract.scenarios:
        lines += _scenario(scenario)
    lines += [
        "## Examples",
        "",
        "Executed against the real handlers by `tests/contract/test_acceptance_examples.py`. `{deal.id}` and the "
        "like stand for what the example's setup created; `{future_date}` for a date 45 days ahead.",
        "",
    ]
    for example in contract.examples:
        lines += _example(contract, example)
    return lines


def operation_page(contract: Contract) -> str:
    return page(
        [
            *_header(contract),
            *_route_section(contract),
            *_input_section(contract),
            *_output_section(contract),
            *_events_section(contract),
            *_errors_section(contract),
            *_acceptance_section(contract),
        ]
    )


def index_page(contracts: tuple[Contract, ...] = ALL) -> str:
    groups: dict[str, list[Contract]] = {}
    for contract in contracts:
        groups.setdefault(contract.aggregate, []).append(contract)
    lines = [
        GENERATED,
        "",
        "# Operations",
        "",
        "Every operation of the Sales service, declared once as a contract in `layers/sales/sales/contracts/`. "
        "The same contracts generate [openapi.json](../openapi.json), these pages and the "
        "[event catalogue](../events/README.md); `tests/contract/` fails when any of them drifts.",
        "",
    ]
    for aggregate, members in groups.items():
        lines += [f"## {aggregate}", ""]
        rows = [
            (
                f"[`{contract.key}`]({contract.key}.md)",
                f"{_route(contract)} → {contract.http.status}",
                contract.kind,
                contract.description,
                ", ".join(_event_link(event.key) for event in contract.emits),
            )
            for contract in members
        ]
        lines += [*table(("operation", "route", "type", "description", "emits"), rows), ""]
    return page(lines)


def generate() -> Mapping[Path, str]:
    files = {DIR / f"{contract.key}.md": operation_page(contract) for contract in ALL}
    files[DIR / "README.md"] = index_page()
    return files
