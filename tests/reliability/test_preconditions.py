"""If-Match on every mutation: a stale version is refused with 412 PRECONDITION_FAILED and nothing is written.

Runs in one shared moto account (module scope): every request here must leave both tables unchanged.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.api import Api
from tests.support.table import Snapshot
from tools.registry import ALL

_LINE = {"description": "Device", "quantity": 1, "unit_price": 100}
# Every command on an existing record, the record it targets in `seeded`, and a body it would accept.
MUTATIONS: dict[str, tuple[str, dict[str, Any] | None]] = {
    "sales.deal.update_basic_info": ("deal", {"name": "Renamed again"}),
    "sales.deal.update_value": ("deal", {"value": 99, "currency": "USD"}),
    "sales.deal.move_stage": ("deal", {"stage": "proposal"}),
    "sales.deal.win": ("deal", {"note": "signed"}),
    "sales.deal.lose": ("deal", {"reason": "budget"}),
    "sales.deal.delete": ("deal", None),
    "sales.deal.restore": ("deleted_deal", {}),
    "sales.contact.update": ("contact", {"lifecycle": "dormant"}),
    "sales.contact.delete": ("contact", None),
    "sales.contact.restore": ("deleted_contact", {}),
    # A relationship is created under its `from` contact: If-Match names that contact's version.
    "sales.relationship.create": ("contact", {"to_id": "{person}", "type": "influences"}),
    "sales.relationship.delete": ("relationship", None),
    "sales.contact.convert": ("contact", {"target": "tenant"}),
    "sales.contact.merge": ("contact", {"duplicate_id": "{subsidiary}"}),
    "sales.partner.change_tier": ("partner", {"tier": "platinum", "reason": "Stale"}),
    "sales.partner.suspend": ("partner", {}),
    "sales.partner.reinstate": ("suspended_partner", {}),
    "sales.partner.convert_to_distributor": ("partner", {}),
    # A quote is made of the deal as the caller read it: If-Match names the deal's version.
    "sales.deal.register": (
        "partner",
        {
            "customer_id": "{contact}",
            "name": "N",
            "value": 1,
            "currency": "EUR",
            "expected_close_date": "2099-01-31",
            "route": "direct",
        },
    ),
    "sales.deal.decide_direct_exception": ("direct_deal", {"decision": "granted"}),
    "sales.deal.reallocate_distributor": ("direct_deal", {"distributor_id": "{distributor}", "reason": "R"}),
    "sales.lead.share": ("lead", {"partner_id": "{partner}"}),
    "sales.agreement.activate": ("agreement", {}),
    "sales.agreement.terminate": ("agreement", {}),
    "sales.quote.create": ("deal", {}),
    "sales.activity.void": ("activity", {"reason": "Stale"}),
    "sales.conversation.move_folder": ("conversation", {"folder": "archived"}),
    "sales.conversation.post_message": ("conversation", {"direction": "in", "body": "Stale"}),
    "sales.conversation.set_delivery": ("conversation", {"delivery": "read"}),
    "sales.conversation.forward": ("conversation", {"scope": "thread", "to": ["a@b.example"]}),
    "sales.quote.send": ("quote", {}),
    "sales.quote.accept": ("sent_quote", {}),
    "sales.quote.reject": ("sent_quote", {}),
    "sales.campaign.update": ("campaign", {"name": "Renamed launch"}),
    "sales.campaign.activate": ("campaign", {}),
    "sales.campaign.complete": ("campaign", {}),
    "sales.campaign.cancel": ("campaign", {}),
    "sales.lead.update": ("lead", {"title": "Renamed lead"}),
    "sales.lead.start": ("lead", {}),
    "sales.lead.qualify": ("lead", {}),
    "sales.lead.disqualify": ("lead", {"reason": "No budget"}),
    "sales.lead.reopen": ("lead", {}),
    "sales.lead.convert": ("lead", {}),
    "sales.opportunity.update": ("opportunity", {"name": "Renamed offer"}),
    "sales.opportunity.add_variant": ("opportunity", {"name": "Plus", "currency": "EUR", "lines": [_LINE]}),
    "sales.opportunity.replace_variant": ("opportunity", {"name": "Plus", "currency": "EUR", "lines": [_LINE]}),
    "sales.opportunity.remove_variant": ("opportunity", None),
    "sales.opportunity.validate": ("opportunity", {"variant_id": "{variant}"}),
    "sales.opportunity.confirm": ("opportunity", {"expected_close_date": "2099-01-31"}),
    "sales.opportunity.decline": ("opportunity", {"reason": "No"}),
    "billing.job.complete": ("completed_job", {}),
    "billing.invoice.void": ("partly_paid_invoice", {"reason": "Stale"}),
}
# The version an If-Match names that is no longer current: seeded records are at version 2, except these.
STALE: dict[str, str] = {
    "relationship": '"2"',
    "quote": '"2"',
    "agreement": '"2"',
    "direct_deal": '"2"',
    "activity": '"2"',
}
MUTATING = [contract for contract in ALL if contract.kind == "command" and contract.http.path_params]


def test_every_mutation_has_a_precondition_case() -> None:
    assert {contract.key for contract in MUTATING} == set(MUTATIONS)


@pytest.mark.parametrize("contract", MUTATING, ids=[contract.key for contract in MUTATING])
def test_a_stale_if_match_is_refused_with_412_and_writes_nothing(
    shared_api: Api, seeded: dict[str, Any], contract: Any
) -> None:
    target, body = MUTATIONS[contract.key]
    record = seeded[target]
    path = contract.http.path.replace("{id}", record.get("from_id", record["id"]))
    path = path.replace("{relationship_id}", record["id"])
    if "{message_id}" in path:
        path = path.replace("{message_id}", seeded["message"]["id"])
    if "{variant_id}" in path:
        path = path.replace("{variant_id}", seeded["variant"]["id"])
    if body is not None:
        # "{name}": the id of that seeded record.
        body = {
            name: seeded[value[1:-1]]["id"] if isinstance(value, str) and value.startswith("{") else value
            for name, value in body.items()
        }
    before = Snapshot.take()
    reply = shared_api.call(contract.http.method, path, body, headers={"If-Match": STALE.get(target, '"1"')})
    assert reply.status == 412 and reply.error_code == "PRECONDITION_FAILED", reply.body
    assert reply.body["status"] == "error" and reply.body["error"]["message"]
    assert Snapshot.take() == before
