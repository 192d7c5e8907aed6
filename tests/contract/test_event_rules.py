"""Every EventBridge rule in template.yaml routes some catalogue event, and only the events it should.

The rules' patterns run against one sample EventBridge event per catalogue event (source, detail-type and a
schema-valid detail), through moto's matcher, the one moto's put_events routes with.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from kernel.events import EventSpec
from tools import samples
from tools.registry import EVENTS as CATALOGUE
from tools.registry import EVENTS_BY_KEY as BY_KEY
from tools.rules import Rule, matches, rules

ROOT = Path(__file__).resolve().parents[2]
RULES = rules()


# Events of other contexts this service consumes, as they arrive on the bus (events/<context>/<detail-type>.json).
FOREIGN = {
    path.stem: json.loads(path.read_text(encoding="utf-8"))
    for source in ("federation", "provisioning")
    for path in (ROOT / "events").glob(f"{source}/*.json")
}


def _matched(rule: Rule) -> set[str]:
    ours = {spec.key for spec in CATALOGUE if matches(rule.pattern, samples.sample_event(spec))}
    return ours | {detail_type for detail_type, event in FOREIGN.items() if matches(rule.pattern, event)}


def test_the_conversion_bridge_hears_federation_creations_only() -> None:
    rule = next(rule for rule in RULES if rule.name == "FederationToConversionBridgeRule")
    assert _matched(rule) == {"tenant.created", "application_user.created"}
    assert [(target.resource, target.dead_letter) for target in rule.targets] == [
        ("ConversionBridgeQueue", "ConversionBridgeDeadLetterQueue")
    ]


@pytest.mark.parametrize("spec", CATALOGUE, ids=lambda spec: spec.key)
def test_sample_events_are_valid_against_the_committed_schemas(spec: EventSpec):
    schema = json.loads((ROOT / "docs" / "events" / spec.schema_file).read_text(encoding="utf-8"))
    event = samples.sample_event(spec)
    assert (event["source"], event["detail-type"]) == (spec.source, spec.key)
    problems = [
        error.message
        for error in Draft202012Validator(schema, format_checker=FormatChecker()).iter_errors(event["detail"])
    ]
    assert not problems


def test_the_template_declares_rules():
    assert RULES, "template.yaml has no EventBridge rule: this suite would check nothing"


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_every_rule_matches_some_catalogue_event(rule: Rule):
    assert _matched(rule), f"{rule.name} matches no event of the catalogue: {json.dumps(rule.pattern)}"


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_every_rule_has_a_target_declared_in_the_template(rule: Rule):
    assert rule.targets
    for target in rule.targets:
        assert target.type != "external", f"{rule.name} targets {target.resource}, which template.yaml lacks"


def test_deal_won_reaches_provisioning_and_nothing_else_does():
    rule = next(rule for rule in RULES if rule.name == "DealWonToProvisioningRule")
    assert _matched(rule) == {"deal.won"}
    assert [(target.resource, target.dead_letter) for target in rule.targets] == [
        ("ProvisioningQueue", "ProvisioningDeadLetterQueue")
    ]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ({"source": ["sales"]}, True),
        ({"source": ["billing"]}, False),
        ({"detail-type": [{"prefix": "deal."}]}, True),
        ({"detail-type": [{"anything-but": ["deal.won"]}]}, False),
        ({"detail": {"data": {"channel": {"route": ["direct"]}}}}, True),
        ({"detail": {"data": {"deal_id": [{"exists": True}]}}}, True),
        ({"detail": {"data": {"missing": [{"exists": True}]}}}, False),
        ({"detail": {"data": {"value": [{"numeric": [">", 100000000]}]}}}, False),
        ({"detail": {"data": {"value": [{"numeric": [">=", 1]}]}}}, True),
    ],
)
def test_the_matcher_tells_matching_from_not_matching(pattern: dict, expected: bool):
    """Guards the guard: the matcher is not vacuous on the filters rules use."""
    assert matches(pattern, samples.sample_event(BY_KEY["deal.won"])) is expected
