"""Idempotency-Key on every POST command: replay without a second write or event, refusal of a reused key,
one effect under concurrent duplicates, a bounded window (Powertools idempotency, DynamoDB persistence)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from kernel import clients
from kernel.contract import Contract
from kernel.http.idempotency import WINDOW_SECONDS
from tests.support import billing
from tests.support.api import Api, fresh_handler, invoke
from tests.support.aws import BILLING_TABLE, IDEMPOTENCY_TABLE, TABLE, template
from tests.support.events import claims
from tests.support.examples import example_request, fill, setup_records
from tests.support.faults import client_error, inject
from tests.support.streams import events_of, outbox_rows, stream_records
from tests.support.table import Snapshot, own_dynamodb, scan
from tools.registry import ALL

POST_COMMANDS = [contract for contract in ALL if contract.http.method == "POST"]


def _deleted_deal(api: Api, made: dict[str, Any]) -> str:
    body = {"customer_id": _customer(api, made), "name": "Another", "value": 7, "currency": "USD"}
    deal = api.post("/sales/deals", {**body, "expected_close_date": made["future_date"]}).data
    assert api.delete(f"/sales/deals/{deal['id']}").status == 204
    return str(deal["id"])


def _customer(api: Api, made: dict[str, Any]) -> str:
    if "contact" not in made:
        made["contact"] = api.post("/sales/contacts", {"kind": "person", "display_name": "Customer"}).data
    return str(made["contact"]["id"])


def _deleted_contact(api: Api) -> str:
    contact = api.post("/sales/contacts", {"kind": "person", "display_name": "Another"}).data
    assert api.delete(f"/sales/contacts/{contact['id']}").status == 204
    return str(contact["id"])


def _organization(api: Api) -> str:
    return str(api.post("/sales/contacts", {"kind": "organization", "display_name": "Other Org"}).data["id"])


def _campaign(api: Api, *steps: str) -> str:
    campaign = api.post("/sales/campaigns", {"name": "Other launch", "type": "email"}).data
    for step in steps:
        assert api.post(f"/sales/campaigns/{campaign['id']}/{step}").status == 200
    return str(campaign["id"])


def _partner(api: Api, *steps: str) -> str:
    partner = api.post("/sales/partners", {"contact_id": _organization(api), "subtype": "reseller"}).data
    for step in steps:
        assert api.post(f"/sales/partners/{partner['id']}/{step}").status == 200
    return str(partner["id"])


def _quote(api: Api, made: dict[str, Any], *steps: str) -> str:
    body = {"customer_id": _customer(api, made), "name": "Quoted", "value": 7, "currency": "USD"}
    deal = api.post("/sales/deals", {**body, "expected_close_date": made["future_date"]}).data
    quote = api.post(f"/sales/deals/{deal['id']}/quotes", {}).data
    for step in steps:
        assert api.post(f"/sales/quotes/{quote['id']}/{step}").status == 200
    return str(quote["id"])


def _agreement(api: Api, made: dict[str, Any]) -> str:
    reseller = _partner(api)
    distributor = api.post("/sales/partners", {"contact_id": _organization(api), "subtype": "distributor"}).data
    body = {
        "reseller_id": reseller,
        "distributor_id": distributor["id"],
        "territory": ["IT"],
        "starts_on": "2026-02-01",
    }
    return str(api.post("/sales/distribution-agreements", body).data["id"])


OTHER_REP = "0192f1c4-7d3e-7a10-8b55-00000000a0a0"


def _lead(api: Api, made: dict[str, Any], *steps: str) -> str:
    body = {"contact_id": made["contact"]["id"], "source": "phone", "title": "Other lead"}
    lead = api.post("/sales/leads", body).data
    for step in steps:
        step_body = {"reason": "No budget"} if step == "disqualify" else {}
        assert api.post(f"/sales/leads/{lead['id']}/{step}", step_body).status == 200
    return str(lead["id"])


def _opportunity(api: Api, made: dict[str, Any]) -> str:
    opportunity = api.post("/sales/opportunities", {"customer_id": made["contact"]["id"], "name": "Other"}).data
    line = {"description": "Device", "quantity": 1, "unit_price": 100}
    variant = {"name": "Only", "currency": "EUR", "lines": [line]}
    opportunity = api.post(f"/sales/opportunities/{opportunity['id']}/variants", variant).data
    made["_variant"] = opportunity["variants"][0]["id"]
    return str(opportunity["id"])


# For each POST contract: another request for the same key (same operation, different input).
Variant = Callable[[Api, dict[str, Any], str, dict[str, Any]], tuple[str, dict[str, Any]]]
OTHER_REQUEST: dict[str, Variant] = {
    "sales.deal.create": lambda api, made, path, body: (path, {**body, "name": "Another name"}),
    "sales.deal.win": lambda api, made, path, body: (path, {**body, "note": "another note"}),
    "sales.deal.lose": lambda api, made, path, body: (path, {**body, "reason": "another reason"}),
    "sales.deal.restore": lambda api, made, path, body: (f"/sales/deals/{_deleted_deal(api, made)}/restore", body),
    "sales.contact.create": lambda api, made, path, body: (path, {**body, "display_name": "Another name"}),
    "sales.contact.restore": lambda api, made, path, body: (f"/sales/contacts/{_deleted_contact(api)}/restore", body),
    "sales.relationship.create": lambda api, made, path, body: (path, {**body, "type": "influences"}),
    "sales.contact.convert": lambda api, made, path, body: (path, {**body, "target": "application_user"}),
    "sales.contact.merge": lambda api, made, path, body: (path, {"duplicate_id": _organization(api)}),
    "sales.partner.create": lambda api, made, path, body: (path, {**body, "tier": "platinum"}),
    "sales.partner.suspend": lambda api, made, path, body: (f"/sales/partners/{_partner(api)}/suspend", body),
    "sales.partner.reinstate": lambda api, made, path, body: (
        f"/sales/partners/{_partner(api, 'suspend')}/reinstate",
        body,
    ),
    "sales.partner.convert_to_distributor": lambda api, made, path, body: (
        f"/sales/partners/{_partner(api)}/convert-to-distributor",
        body,
    ),
    "sales.deal.register": lambda api, made, path, body: (path, {**body, "name": "Another registration"}),
    "sales.deal.decide_direct_exception": lambda api, made, path, body: (path, {**body, "decision": "denied"}),
    "sales.lead.share": lambda api, made, path, body: (f"/sales/leads/{_lead(api, made)}/share", body),
    "sales.agreement.create": lambda api, made, path, body: (path, {**body, "territory": ["FR"]}),
    "sales.agreement.activate": lambda api, made, path, body: (
        f"/sales/distribution-agreements/{_agreement(api, made)}/activate",
        body,
    ),
    "sales.agreement.terminate": lambda api, made, path, body: (
        f"/sales/distribution-agreements/{_agreement(api, made)}/terminate",
        body,
    ),
    "sales.quote.create": lambda api, made, path, body: (path, {**body, "notes": "Other notes"}),
    "sales.activity.log": lambda api, made, path, body: (path, {**body, "subject": "Another call"}),
    "sales.activity.void": lambda api, made, path, body: (path, {"reason": "Another reason"}),
    "sales.conversation.create": lambda api, made, path, body: (path, {**body, "subject": "Another subject"}),
    "sales.conversation.post_message": lambda api, made, path, body: (path, {**body, "body": "Another body"}),
    "sales.conversation.forward": lambda api, made, path, body: (path, {**body, "comment": "Another comment"}),
    "sales.quote.send": lambda api, made, path, body: (f"/sales/quotes/{_quote(api, made)}/send", body),
    "sales.quote.accept": lambda api, made, path, body: (f"/sales/quotes/{_quote(api, made, 'send')}/accept", body),
    "sales.quote.reject": lambda api, made, path, body: (path, {"reason": "Another reason"}),
    "sales.campaign.create": lambda api, made, path, body: (path, {**body, "name": "Another launch"}),
    # The same key on another campaign's transition: a different request.
    "sales.campaign.activate": lambda api, made, path, body: (f"/sales/campaigns/{_campaign(api)}/activate", body),
    "sales.campaign.complete": lambda api, made, path, body: (
        f"/sales/campaigns/{_campaign(api, 'activate')}/complete",
        body,
    ),
    "sales.campaign.cancel": lambda api, made, path, body: (f"/sales/campaigns/{_campaign(api)}/cancel", body),
    "sales.lead.create": lambda api, made, path, body: (path, {**body, "title": "Another lead"}),
    "sales.lead.start": lambda api, made, path, body: (f"/sales/leads/{_lead(api, made)}/start", body),
    "sales.lead.qualify": lambda api, made, path, body: (f"/sales/leads/{_lead(api, made)}/qualify", body),
    "sales.lead.disqualify": lambda api, made, path, body: (path, {"reason": "Another reason"}),
    "sales.lead.reopen": lambda api, made, path, body: (f"/sales/leads/{_lead(api, made, 'disqualify')}/reopen", body),
    "sales.lead.convert": lambda api, made, path, body: (path, {"opportunity_name": "Another name"}),
    "sales.opportunity.create": lambda api, made, path, body: (path, {**body, "name": "Another offer"}),
    "sales.opportunity.add_variant": lambda api, made, path, body: (path, {**body, "name": "Another variant"}),
    "sales.opportunity.validate": lambda api, made, path, body: (
        f"/sales/opportunities/{_opportunity(api, made)}/validate",
        {"variant_id": made["_variant"]},
    ),
    "sales.opportunity.confirm": lambda api, made, path, body: (path, {**body, "assigned_to": OTHER_REP}),
    "sales.opportunity.decline": lambda api, made, path, body: (path, {"reason": "Another reason"}),
    "billing.job.complete": lambda api, made, path, body: (
        f"/billing/jobs/{billing.open_job(api)['id']}/complete",
        body,
    ),
    "billing.invoice.issue": lambda api, made, path, body: (
        path,
        {**body, "items": [{"description": "Another service", "amount": 100}]},
    ),
    "billing.invoice.void": lambda api, made, path, body: (path, {"reason": "Another reason"}),
    "billing.payment.record": lambda api, made, path, body: (path, {**body, "method": "cash"}),
}


def test_every_post_command_has_an_idempotency_case() -> None:
    assert {contract.key for contract in POST_COMMANDS} == set(OTHER_REQUEST)
    assert all(contract.kind == "command" for contract in POST_COMMANDS)


def _stream_length() -> int:
    """Records on every context's table stream so far."""
    return len(stream_records(TABLE)) + len(stream_records(BILLING_TABLE))


def _first_success(contract: Contract) -> Any:
    return next(example for example in contract.examples if example.status < 300)


@pytest.mark.parametrize("contract", POST_COMMANDS, ids=[contract.key for contract in POST_COMMANDS])
def test_post_command_replays_and_refuses_a_reused_key(api: Api, contract: Contract) -> None:
    example = _first_success(contract)
    made = setup_records(api, example.setup)
    path, body = example_request(contract, fill(example.input, made))
    headers = {"Idempotency-Key": f"retry-{contract.key}"}

    first = api.post(path, body, headers=headers)
    assert first.status == example.status, first.body
    state, records = Snapshot.take(), _stream_length()

    replay = api.post(path, body, headers=headers)
    assert (replay.status, replay.body) == (first.status, first.body), "the first response, replayed"
    assert replay.headers.get("ETag") == first.headers.get("ETag")
    assert Snapshot.take() == state, "a replay writes nothing"
    assert _stream_length() == records, "a replay emits no event"

    other_path, other_body = OTHER_REQUEST[contract.key](api, made, path, body)
    state, records = Snapshot.take(), _stream_length()
    reused = api.post(other_path, other_body, headers=headers)
    assert reused.status == 422 and reused.error_code == "IDEMPOTENCY_KEY_REUSED", reused.body
    assert reused.body["status"] == "error" and reused.body["error"]["message"]
    assert Snapshot.take() == state, "a refused reuse writes nothing"
    assert _stream_length() == records


def test_the_record_has_the_operation_prefix_and_the_24_hour_window(api: Api, contact: dict, future: str) -> None:
    body = {"customer_id": contact["id"], "name": "Windowed", "value": 5, "currency": "EUR"}
    before = time.time()
    created = api.post("/sales/deals", {**body, "expected_close_date": future}, headers={"Idempotency-Key": "w-1"})
    after = time.time()
    assert created.status == 201
    (record,) = scan(IDEMPOTENCY_TABLE)
    assert record["id"].startswith("sales.deal.create#"), "explicit key prefix: the operation"
    assert record["status"] == "COMPLETED"
    assert int(before) + WINDOW_SECONDS <= record["expiration"] <= int(after) + WINDOW_SECONDS + 1
    assert WINDOW_SECONDS == 24 * 60 * 60
    # DynamoDB's TTL reaps records on the attribute Powertools writes the expiry to.
    ttl = template()["Resources"]["IdempotencyTable"]["Properties"]["TimeToLiveSpecification"]
    assert ttl == {"AttributeName": "expiration", "Enabled": True}


def test_after_the_window_the_key_is_forgotten(api: Api, contact: dict, future: str) -> None:
    """The window is bounded: expired records no longer deduplicate (documented, not a bug). Both records
    of a keyed command expire: Powertools' response record and the command record in the sales table."""
    body = {"customer_id": contact["id"], "name": "Twice", "value": 5, "currency": "EUR", "expected_close_date": future}
    first = api.post("/sales/deals", body, headers={"Idempotency-Key": "w-2"})
    (record,) = scan(IDEMPOTENCY_TABLE)
    past = {":past": {"N": str(int(time.time()) - 1)}}
    own_dynamodb().update_item(
        TableName=IDEMPOTENCY_TABLE,
        Key={"id": {"S": record["id"]}},
        UpdateExpression="SET expiration = :past",
        ExpressionAttributeValues=past,
    )
    (command,) = [item for item in scan(TABLE) if item.get("type") == "AppliedCommand"]
    own_dynamodb().update_item(
        TableName=TABLE,
        Key={"PK": {"S": command["PK"]}, "SK": {"S": command["SK"]}},
        UpdateExpression="SET expires_at = :past",
        ExpressionAttributeValues=past,
    )
    second = api.post("/sales/deals", body, headers={"Idempotency-Key": "w-2"})
    assert first.status == second.status == 201 and first.data["id"] != second.data["id"]


def test_a_duplicate_arriving_while_the_first_runs_gets_409_in_progress(
    api: Api, contact: dict, future: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deterministic interleaving: the duplicate is sent from inside the first request's write."""
    body = {"customer_id": contact["id"], "name": "Once", "value": 5, "currency": "USD", "expected_close_date": future}
    headers = {"Idempotency-Key": "dup-1"}
    second_lambda = fresh_handler("sales/deal_create")
    seen: list[Any] = []

    def duplicate_during_write(**_kwargs: Any) -> None:
        if not seen:
            seen.append(
                invoke(
                    second_lambda, "POST", "/sales/deals", resource="/sales/deals", body=body, headers=headers,
                    principal=claims(),
                )
            )  # fmt: skip

    events = clients.dynamodb().meta.events
    events.register("before-call.dynamodb.TransactWriteItems", duplicate_during_write, unique_id="dup")
    try:
        first = api.post("/sales/deals", body, headers=headers)
    finally:
        events.unregister("before-call.dynamodb.TransactWriteItems", unique_id="dup")
    (during,) = seen
    assert first.status == 201
    assert during.status == 409 and during.error_code == "IDEMPOTENCY_IN_PROGRESS", during.body
    after = api.post("/sales/deals", body, headers=headers)
    assert (after.status, after.body) == (first.status, first.body)
    deals = api.get("/sales/deals").body
    assert deals["pagination"]["total"] == 1
    assert len(events_of(first.data["id"], "deal.created")) == 1


def test_concurrent_duplicates_have_one_effect(atomic_calls: None, api: Api, contact: dict, future: str) -> None:
    """Four Lambda environments receive the same keyed create at once: one deal, one event."""
    body = {"customer_id": contact["id"], "name": "Race", "value": 5, "currency": "USD", "expected_close_date": future}
    lambdas = [fresh_handler("sales/deal_create") for _ in range(4)]
    start = threading.Barrier(len(lambdas))
    replies: list[Any] = [None] * len(lambdas)

    def send(index: int) -> None:
        start.wait()
        replies[index] = invoke(
            lambdas[index], "POST", "/sales/deals", resource="/sales/deals", body=body,
            headers={"Idempotency-Key": "race-1"}, principal=claims(),
        )  # fmt: skip

    threads = [threading.Thread(target=send, args=(index,)) for index in range(len(lambdas))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(reply is not None for reply in replies), "a request never returned"

    created = [reply for reply in replies if reply.status == 201]
    refused = [reply for reply in replies if reply.status != 201]
    assert created, [reply.body for reply in replies]
    assert len({reply.body["data"]["id"] for reply in created}) == 1, "every 201 is the same, replayed deal"
    assert all(reply.status == 409 and reply.error_code == "IDEMPOTENCY_IN_PROGRESS" for reply in refused)
    deal_id = created[0].body["data"]["id"]
    assert api.get("/sales/deals").body["pagination"]["total"] == 1, "one deal"
    assert [row["event_type"] for row in outbox_rows() if row["aggregate_id"] == deal_id] == ["deal.created"]


def test_a_create_whose_completion_was_not_recorded_is_not_applied_twice(api: Api, contact: dict, future: str) -> None:
    """The command commits, then saving the idempotency record as COMPLETED fails (the idempotency table
    throttles past botocore's retries, or the function times out right after the commit). The client retries
    with the same key once the in-progress marker has expired (the Lambda timeout): the deal must not be
    created a second time, nor deal.created emitted twice."""
    body = {"customer_id": contact["id"], "name": "Once", "value": 5, "currency": "USD", "expected_close_date": future}
    headers = {"Idempotency-Key": "completion-lost"}
    throttled = lambda: client_error("ThrottlingException", "UpdateItem", "Rate exceeded")  # noqa: E731
    with inject("dynamodb", "UpdateItem", throttled, times=1):
        api.post("/sales/deals", body, headers=headers)
    (record,) = scan(IDEMPOTENCY_TABLE)
    assert record["status"] == "INPROGRESS"
    own_dynamodb().update_item(  # the in-progress marker expires with the invocation that set it
        TableName=IDEMPOTENCY_TABLE,
        Key={"id": {"S": record["id"]}},
        UpdateExpression="SET in_progress_expiration = :past",
        ExpressionAttributeValues={":past": {"N": str(int(time.time() * 1000) - 1)}},
    )
    retry = api.post("/sales/deals", body, headers=headers)
    assert retry.status < 500, retry.body
    deals = api.get("/sales/deals").body
    assert deals["pagination"]["total"] == 1, "the retried create ran a second time: two deals"
    assert len([row for row in outbox_rows() if row["event_type"] == "deal.created"]) == 1
