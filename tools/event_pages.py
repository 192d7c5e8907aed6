"""docs/events/<key>.md per catalogue event, and the catalogue index docs/events/README.md."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kernel.events import EventSpec
from tools import ROOT, samples
from tools.markdown import GENERATED, code, json_block, page, table
from tools.registry import ALL
from tools.registry import EVENTS as CATALOGUE
from tools.rules import Rule, matches, rules
from tools.schemas import Resolver, defs_resolver, field_rows

DIR = ROOT / "docs" / "events"


def _emitters(spec: EventSpec) -> list[tuple[str, str]]:
    return [(contract.key, event.when) for contract in ALL for event in contract.emits if event.key == spec.key]


def _routes(spec: EventSpec, all_rules: list[Rule]) -> list[Rule]:
    event = samples.sample_event(spec)
    return [rule for rule in all_rules if matches(rule.pattern, event)]


def _delivery(rule: Rule) -> list[tuple[str, str, str, str]]:
    rows = []
    for target in rule.targets:
        retry = target.retry
        parts = []
        if retry:
            parts.append(
                f"retried up to {retry.get('MaximumRetryAttempts', 185)} times within "
                f"{retry.get('MaximumEventAgeInSeconds', 86400)} s"
            )
        if target.dead_letter:
            parts.append(f"then {code(target.dead_letter)}")
        rows.append(
            (code(rule.name), code(rule.bus or "default"), f"{code(target.resource)} ({target.type})", ", ".join(parts))
        )
    return rows


def _fields(schema: Mapping[str, Any], resolve: Resolver) -> list[str]:
    """One field table (metadata or data) of an event page."""
    return table(
        ("field", "type", "required", "description"),
        ((code(row.name), row.type, "yes" if row.required else "no", row.notes) for row in field_rows(schema, resolve)),
    )


def event_page(spec: EventSpec, all_rules: list[Rule]) -> str:
    schema = spec.json_schema()
    resolve = defs_resolver(schema)
    metadata = resolve(schema["properties"]["metadata"]["$ref"])[1]
    data = resolve(schema["properties"]["data"]["$ref"])[1]
    lines = [
        GENERATED,
        "",
        f"# {spec.key}",
        "",
        spec.description,
        "",
        f"- Version: {spec.version}",
        f"- Source: {code(spec.source)}",
        f"- Detail type: {code(spec.key)}",
        f"- Schema: [{spec.schema_file}]({spec.schema_file}) (JSON Schema 2020-12 of the whole `detail`)",
        f"- AsyncAPI: message {code(spec.key)} in [asyncapi.yaml](../asyncapi.yaml)",
        "- Delivery: at least once; deduplicate on `metadata.event_id`, order per aggregate by "
        "`metadata.aggregate_version`",
        "",
        "## Metadata (`detail.metadata`)",
        "",
        *_fields(metadata, resolve),
        "",
        "## Data (`detail.data`)",
        "",
        *_fields(data, resolve),
        "",
        "## Emitted by",
        "",
        *table(
            ("operation", "when"),
            ((f"[{code(key)}](../operations/{key}.md)", when) for key, when in _emitters(spec)),
        ),
        "",
        "## Routed by",
        "",
    ]
    routes = _routes(spec, all_rules)
    if routes:
        rows = [row for rule in routes for row in _delivery(rule)]
        lines += table(("rule (template.yaml)", "bus", "target", "delivery"), rows)
    else:
        lines.append("No rule in `template.yaml` routes it yet: it is on the bus for any subscriber.")
    lines += [
        "",
        "## Sample",
        "",
        "As a rule target receives it (the `detail` is what the schema describes):",
        "",
        *json_block(samples.sample_event(spec)),
    ]
    return page(lines)


def index_page(all_rules: list[Rule]) -> str:
    rows = []
    for spec in CATALOGUE:
        emitters = ", ".join(f"[{code(key)}](../operations/{key}.md)" for key, _ in _emitters(spec))
        targets = ", ".join(
            f"{code(target.resource)} via {code(rule.name)}"
            for rule in _routes(spec, all_rules)
            for target in rule.targets
        )
        rows.append((f"[{code(spec.key)}]({spec.key}.md)", spec.version, spec.description, emitters, targets or "-"))
    lines = [
        GENERATED,
        "",
        "# Event catalogue",
        "",
        "Every domain event the Sales service puts on its EventBridge bus, generated from "
        "`layers/sales/sales/contracts/events.py` by `make docs`. An entry has `Source` (`sales`), "
        '`DetailType` (the event key) and `Detail` = `{"metadata": {...}, "data": {...}}`, snake_case '
        "throughout. Each event has a versioned JSON Schema (`<key>.v<major>.schema.json`) beside its page; "
        "the whole bus is described in [asyncapi.yaml](../asyncapi.yaml).",
        "",
        "Commands write their events in the same DynamoDB transaction as the state change (outbox); the "
        "`SalesOutboxRelayFunction` publishes them. Delivery is at least once: consumers deduplicate on "
        "`metadata.event_id`.",
        "",
        *table(("event", "version", "description", "emitted by", "routed to"), rows),
    ]
    return page(lines)


def generate() -> Mapping[Path, str]:
    all_rules = rules()
    files = {DIR / f"{spec.key}.md": event_page(spec, all_rules) for spec in CATALOGUE}
    files[DIR / "README.md"] = index_page(all_rules)
    return files
