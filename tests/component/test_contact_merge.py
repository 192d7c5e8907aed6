"""Merging contacts: POST .../merge absorbs the duplicate at once; the merge worker (the function bound in
functions/sales/contact_merge_worker, fed contact.merged in an SQS batch as Lambda does) then re-points every
record naming the duplicate, in batches, and finishes the survivor's merge_status, also after a crash."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from kernel.dynamodb.transaction import Transaction
from sales.repointers import REPOINTERS
from tests.support.api import Api, LambdaContext, function_module
from tests.support.streams import bus_event, events_of
from tests.support.table import scan
from tools import sample_events


def organization(api: Api, name: str, **fields: Any) -> dict[str, Any]:
    reply = api.post("/sales/contacts", {"kind": "organization", "display_name": name, **fields})
    assert reply.status == 201, reply.body
    return reply.data  # type: ignore[no-any-return]


def person(api: Api, name: str, **fields: Any) -> dict[str, Any]:
    return organization(api, name, kind="person", **fields)


def merge(api: Api, survivor: str, duplicate: str) -> Any:
    return api.post(f"/sales/contacts/{survivor}/merge", {"duplicate_id": duplicate})


def run_worker(survivor_id: str) -> dict[str, Any]:
    """Deliver the survivor's latest contact.merged to the worker, as its queue would (again, on a retry)."""
    row = events_of(survivor_id, "contact.merged")[-1]
    handler = function_module("sales/contact_merge_worker").lambda_handler
    return dict(handler(sample_events.sqs_batch([bus_event(row)], "sales-contact-merge"), LambdaContext()))


def naming(contact_id: str) -> list[dict[str, Any]]:
    """Every live record that still names `contact_id`, apart from its own items and the history of what
    happened (outbox rows, consumed-event claims, relationships deleted as duplicates, survivors' merge
    bookkeeping)."""
    found = []
    for item in scan():
        # Its own items, its (now empty) timeline counter.
        own = (f"CONTACT#{contact_id}", f"TIMELINE#contact#{contact_id}")
        if item["PK"].startswith(own) or item.get("type") in ("OutboxEvent", "ConsumedEvent"):
            continue
        if item.get("type") == "Relationship" and item.get("deleted_at"):
            continue
        kept = {name: value for name, value in item.items() if name not in ("merged_from", "pending_merges")}
        if contact_id in json.dumps(kept, default=str):
            found.append(item)
    return found


def test_the_survivor_absorbs_the_duplicate_and_the_duplicate_answers_merged(api: Api) -> None:
    survivor = organization(api, "Acme Devices GmbH", emails=["sales@acme.example"], tags=["key-account"])
    duplicate = organization(
        api,
        "ACME Devices",
        emails=["info@acme.example"],
        phones=["+49 30 1234567"],
        tags=["key-account", "dach"],
        website="acme.example",
        country="DE",
    )
    merged = merge(api, survivor["id"], duplicate["id"])
    assert merged.status == 200, merged.body
    body = merged.data
    assert body["emails"] == ["sales@acme.example", "info@acme.example"]
    assert body["phones"] == ["+49301234567"] and body["tags"] == ["key-account", "dach"]
    assert (body["website"], body["country"], body["merge_status"]) == ("https://acme.example", "DE", "pending")

    gone = api.get(f"/sales/contacts/{duplicate['id']}")
    assert gone.status == 404 and gone.error_code == "CONTACT_MERGED"
    assert gone.body["error"]["details"] == [{"field": "merged_into", "message": survivor["id"]}]
    for refused in (
        api.patch(f"/sales/contacts/{duplicate['id']}", {"lifecycle": "active"}),
        api.delete(f"/sales/contacts/{duplicate['id']}"),
        api.post(f"/sales/contacts/{duplicate['id']}/restore"),
        api.get(f"/sales/contacts/{duplicate['id']}/deals"),
    ):
        assert (refused.status, refused.error_code) == (404, "CONTACT_MERGED")

    # The address changed hands: it finds the survivor, and no one else may take it.
    found = api.get("/sales/contacts", query={"email": "info@acme.example"}).data
    assert [contact["id"] for contact in found] == [survivor["id"]]
    taken = api.post("/sales/contacts", {"kind": "person", "display_name": "X", "emails": ["info@acme.example"]})
    assert taken.status == 409 and taken.error_code == "DUPLICATE_CONTACT"
    listed = api.get("/sales/contacts", query={"tag": "dach"}).data
    assert [contact["id"] for contact in listed] == [survivor["id"]]
    [event] = events_of(survivor["id"], "contact.merged")
    assert json.loads(event["data"])["duplicate_id"] == duplicate["id"]
    # A repeat answers as the first merge did and emits nothing more.
    again = merge(api, survivor["id"], duplicate["id"])
    assert again.status == 200 and again.data["version"] == body["version"]
    assert len(events_of(survivor["id"], "contact.merged")) == 1


@pytest.mark.parametrize(
    ("survivor_fields", "duplicate_fields", "code", "status"),
    [
        ({}, {"kind": "person"}, "KIND_MISMATCH", 409),
        ({"emails": [f"s{i}@a.example" for i in range(6)]}, {"emails": [f"d{i}@a.example" for i in range(5)]},
         "MERGE_TOO_LARGE", 409),
        ({"tags": [f"s{i}" for i in range(15)]}, {"tags": [f"d{i}" for i in range(6)]}, "MERGE_TOO_LARGE", 409),
    ],
)  # fmt: skip
def test_a_merge_that_does_not_fit_is_refused_and_changes_nothing(
    api: Api, survivor_fields: dict[str, Any], duplicate_fields: dict[str, Any], code: str, status: int
) -> None:
    survivor = organization(api, "Keep", **survivor_fields)
    duplicate = organization(api, "Drop", **duplicate_fields)
    refused = merge(api, survivor["id"], duplicate["id"])
    assert (refused.status, refused.error_code) == (status, code), refused.body
    assert api.get(f"/sales/contacts/{survivor['id']}").data["version"] == survivor["version"]
    assert api.get(f"/sales/contacts/{duplicate['id']}").data["version"] == duplicate["version"]


def test_two_conversions_and_pending_merges_are_refused(api: Api) -> None:
    one, two, three = (organization(api, name) for name in ("One", "Two", "Three"))
    for contact in (one, two):
        assert api.post(f"/sales/contacts/{contact['id']}/convert", {"target": "tenant"}).status == 202
    assert merge(api, one["id"], two["id"]).error_code == "CONVERSION_CONFLICT"
    assert merge(api, one["id"], three["id"]).status == 200
    four = organization(api, "Four")
    assert merge(api, four["id"], one["id"]).error_code == "MERGE_PENDING"  # one is still absorbing three
    assert merge(api, one["id"], four["id"]).error_code == "MERGE_PENDING"
    assert merge(api, one["id"], one["id"]).status == 400
    unknown = merge(api, one["id"], "01a1d539-d6e0-7b41-8a2f-000000000000")
    assert (unknown.status, unknown.error_code) == (422, "INVALID_REFERENCE")
    assert run_worker(one["id"]) == {"batchItemFailures": []}
    assert api.get(f"/sales/contacts/{one['id']}").data["merge_status"] == "done"
    assert merge(api, four["id"], one["id"]).status == 200  # done: it may be merged in turn


def test_this_file_covers_every_registered_re_pointer() -> None:
    """An aggregate joining sales.repointers adds its records to the merge test below, then its name here."""
    assert [repointer.name for repointer in REPOINTERS] == [
        "hierarchy_links",
        "relationships",
        "leads",
        "opportunities",
        "deals",
        "conversations",
        "activities",
    ]


def test_the_worker_re_points_deals_relationships_and_linked_contacts(api: Api, future: str) -> None:
    survivor = organization(api, "Acme Devices GmbH")
    group = organization(api, "Acme Group")
    duplicate = organization(api, "ACME Devices", parent_id=group["id"])
    subsidiary = organization(api, "Acme Austria", parent_id=duplicate["id"])
    employee = person(api, "Ada", employer_id=duplicate["id"])
    gone = person(api, "Gone", employer_id=duplicate["id"])
    assert api.delete(f"/sales/contacts/{gone['id']}").status == 204
    partner = organization(api, "Bolt Partners")
    deal_body = {"name": "Fleet", "value": 1000, "currency": "EUR", "expected_close_date": future}
    deals = [api.post("/sales/deals", {**deal_body, "customer_id": duplicate["id"]}).data for _ in range(3)]
    assert api.post(f"/sales/deals/{deals[1]['id']}/win").status == 200
    assert api.delete(f"/sales/deals/{deals[2]['id']}").status == 204
    own = api.post("/sales/deals", {**deal_body, "customer_id": survivor["id"]}).data

    def relate(from_id: str, to_id: str, type_: str) -> str:
        reply = api.post(f"/sales/contacts/{from_id}/relationships", {"to_id": to_id, "type": type_})
        assert reply.status == 201, reply.body
        return str(reply.data["id"])

    moved = relate(duplicate["id"], partner["id"], "partner_of")
    incoming = relate(employee["id"], duplicate["id"], "decision_maker_for")
    between = relate(duplicate["id"], survivor["id"], "supplier_of")
    relate(survivor["id"], partner["id"], "customer_of")
    twin = relate(duplicate["id"], partner["id"], "customer_of")  # the survivor has this one already
    launch = api.post("/sales/campaigns", {"name": "Launch", "type": "email"}).data
    assert api.post(f"/sales/campaigns/{launch['id']}/activate").status == 200
    lead_body = {"contact_id": duplicate["id"], "source": "campaign", "campaign_id": launch["id"], "title": "Fleet"}
    lead = api.post("/sales/leads", lead_body).data
    offer = api.post("/sales/opportunities", {"customer_id": duplicate["id"], "name": "Offer"}).data
    thread = {"contact_id": duplicate["id"], "channel": "email", "address": "buyer@acme.example"}
    conversation = api.post("/sales/conversations", thread).data
    archived = api.post("/sales/conversations", {**thread, "channel": "line", "address": "U" + "0" * 32}).data
    assert api.put(f"/sales/conversations/{archived['id']}/folder", {"folder": "archived"}).status == 200
    message = api.post(f"/sales/conversations/{conversation['id']}/messages", {"direction": "in", "body": "Hi"}).data
    call = {"type": "call", "subject": "Call", "links": {"contact_id": duplicate["id"], "lead_id": lead["id"]}}
    logged = api.post("/sales/activities", call).data
    api.post("/sales/activities", {**call, "links": {"contact_id": survivor["id"]}})

    assert merge(api, survivor["id"], duplicate["id"]).status == 200
    assert api.get(f"/sales/contacts/{survivor['id']}").data["parent_id"] == group["id"]
    assert run_worker(survivor["id"]) == {"batchItemFailures": []}

    after = api.get(f"/sales/contacts/{survivor['id']}").data
    assert after["merge_status"] == "done"
    listed = api.get(f"/sales/contacts/{survivor['id']}/deals").data
    assert {deal["id"] for deal in listed} == {deals[0]["id"], deals[1]["id"], own["id"]}
    for deal in deals[:2]:
        assert api.get(f"/sales/deals/{deal['id']}").data["customer_id"] == survivor["id"]
    assert api.get("/sales/deals", query={"customer_id": survivor["id"]}).body["pagination"]["total"] == 3
    assert api.post(f"/sales/deals/{deals[2]['id']}/restore").data["customer_id"] == survivor["id"]
    assert api.get(f"/sales/contacts/{subsidiary['id']}").data["parent_id"] == survivor["id"]
    assert api.get(f"/sales/contacts/{employee['id']}").data["employer_id"] == survivor["id"]
    assert api.post(f"/sales/contacts/{gone['id']}/restore").data["employer_id"] == survivor["id"]
    under = api.get("/sales/contacts", query={"employer_id": survivor["id"]}).data
    assert {contact["id"] for contact in under} == {employee["id"], gone["id"]}

    relationships = api.get(f"/sales/contacts/{survivor['id']}/relationships").data
    by_id = {relationship["id"]: relationship for relationship in relationships}
    assert set(by_id) >= {moved, incoming} and not {between, twin} & set(by_id)
    assert (by_id[moved]["from_id"], by_id[moved]["to_id"]) == (survivor["id"], partner["id"])
    assert (by_id[incoming]["from_id"], by_id[incoming]["to_id"]) == (employee["id"], survivor["id"])
    assert {event["aggregate_id"] for event in events_of_type("relationship.deleted")} >= {between, twin}
    again = api.post(f"/sales/contacts/{survivor['id']}/relationships", {"to_id": partner["id"], "type": "partner_of"})
    assert again.status == 409 and again.error_code == "DUPLICATE_RELATIONSHIP"
    assert api.get(f"/sales/leads/{lead['id']}").data["contact_id"] == survivor["id"]
    leads = api.get(f"/sales/contacts/{survivor['id']}/leads").data
    assert [item["id"] for item in leads] == [lead["id"]]
    by_campaign = api.get("/sales/leads", query={"campaign_id": launch["id"], "contact_id": survivor["id"]}).data
    assert [item["id"] for item in by_campaign] == [lead["id"]]
    assert api.get(f"/sales/opportunities/{offer['id']}").data["customer_id"] == survivor["id"]
    for thread_id in (conversation["id"], archived["id"]):
        assert api.get(f"/sales/conversations/{thread_id}").data["contact_id"] == survivor["id"]
    listed = api.get("/sales/conversations", query={"contact_id": survivor["id"], "folder": "archived"}).data
    assert [item["id"] for item in listed] == [archived["id"]]
    timeline = api.get(f"/sales/contacts/{survivor['id']}/activities")
    assert {item["id"] for item in timeline.data} >= {logged["id"], message["activity_id"]}
    assert timeline.body["pagination"]["total"] == 3
    assert api.get(f"/sales/activities/{logged['id']}").data["links"]["contact_id"] == survivor["id"]
    assert [item["id"] for item in api.get(f"/sales/leads/{lead['id']}/activities").data] == [logged["id"]]
    assert naming(duplicate["id"]) == []
    # Delivered again after it finished: acknowledged as a duplicate, nothing changes.
    assert run_worker(survivor["id"]) == {"batchItemFailures": []}
    assert api.get(f"/sales/contacts/{survivor['id']}").data["version"] == after["version"]


def events_of_type(event_type: str) -> list[dict[str, Any]]:
    from tests.support.streams import outbox_rows

    return [row for row in outbox_rows() if row["event_type"] == event_type]


@pytest.fixture
def crash_after() -> Iterator[Callable[[int], None]]:
    """crash_after(n): the n-th transaction committed from now on fails as if the process died first."""
    original = Transaction.commit
    state = {"left": -1}

    def commit(self: Transaction) -> None:
        if state["left"] == 0:
            state["left"] = -1
            raise RuntimeError("worker killed")
        state["left"] -= 1 if state["left"] > 0 else 0
        original(self)

    def arm(commits: int) -> None:
        state["left"] = commits

    Transaction.commit = commit  # type: ignore[method-assign]
    try:
        yield arm
    finally:
        Transaction.commit = original  # type: ignore[method-assign]


def test_a_big_merge_killed_midway_finishes_on_redelivery(
    api: Api, future: str, crash_after: Callable[[int], None]
) -> None:
    survivor = organization(api, "Acme Devices GmbH")
    duplicate = organization(api, "ACME Devices")
    body = {"customer_id": duplicate["id"], "name": "Line", "value": 100, "currency": "EUR"}
    for number in range(250):
        reply = api.post("/sales/deals", {**body, "name": f"Line {number}", "expected_close_date": future})
        assert reply.status == 201
    for number in range(100):
        other = person(api, f"Buyer {number:03d}")
        link = {"to_id": duplicate["id"], "type": "influences"}
        assert api.post(f"/sales/contacts/{other['id']}/relationships", link).status == 201
    assert merge(api, survivor["id"], duplicate["id"]).status == 200

    crash_after(8)  # the link batch (none), 8 relationship batches of 12, then the process dies
    assert run_worker(survivor["id"])["batchItemFailures"], "the unfinished merge is left for redelivery"
    half = api.get(f"/sales/contacts/{survivor['id']}").data
    assert half["merge_status"] == "pending"
    assert 0 < len(naming(duplicate["id"])) < 350
    crash_after(3)  # redelivered: the last relationships and two batches of deals, then it dies again
    assert run_worker(survivor["id"])["batchItemFailures"]
    assert 0 < len(naming(duplicate["id"])) < 250
    assert run_worker(survivor["id"]) == {"batchItemFailures": []}

    assert api.get(f"/sales/contacts/{survivor['id']}").data["merge_status"] == "done"
    assert naming(duplicate["id"]) == []
    deals = api.get("/sales/deals", query={"customer_id": survivor["id"], "page_size": 1}).body
    assert deals["pagination"]["total"] == 250
    relationships = api.get(f"/sales/contacts/{survivor['id']}/relationships", query={"page_size": 100}).body
    assert relationships["pagination"]["total"] == 100
    assert api.get("/sales/deals", query={"customer_id": duplicate["id"]}).body["pagination"]["total"] == 0
