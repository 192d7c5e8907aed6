"""The conversion: POST .../convert asks once; Federation's creation events, through the bridge consumer (the
function bound in functions/sales/conversion_bridge, fed an SQS batch as Lambda does), set the contact's bridge
once, however often an event is delivered; events the bridge cannot use are acknowledged, never retried."""

from __future__ import annotations

import copy
import json
from typing import Any

from tests.support.api import Api, LambdaContext, function_module
from tests.support.streams import events_of
from tools import sample_events


def bridge(*events: dict[str, Any]) -> dict[str, Any]:
    handler = function_module("sales/conversion_bridge").lambda_handler
    batch = sample_events.sqs_batch(list(events), "sales-conversion-bridge")
    return dict(handler(batch, LambdaContext()))


def created(contact_id: str, detail_type: str = "tenant.created", reference: str = "tenant-1", **data: Any) -> Any:
    field_name = "tenant_id" if detail_type == "tenant.created" else "application_user_id"
    event = sample_events.federation_event(detail_type, field_name, reference)
    event["detail"]["data"]["requested_by"]["contact_id"] = contact_id
    event["detail"]["data"].update(data)
    return event


def organization(api: Api) -> str:
    return str(api.post("/sales/contacts", {"kind": "organization", "display_name": "Convert Me AG"}).data["id"])


def test_convert_asks_once_and_a_second_request_is_refused(api: Api) -> None:
    contact_id = organization(api)
    asked = api.post(f"/sales/contacts/{contact_id}/convert", {"target": "tenant"})
    assert asked.status == 202, asked.body
    assert asked.data["conversion"]["status"] == "pending" and asked.data["bridge"] is None
    again = api.post(f"/sales/contacts/{contact_id}/convert", {"target": "application_user"})
    assert again.status == 409 and again.error_code == "CONVERSION_ALREADY_REQUESTED"
    [requested] = events_of(contact_id, "contact.conversion_requested")
    assert json.loads(requested["data"])["target"] == "tenant"


def test_an_event_delivered_three_times_bridges_once_and_emits_once(api: Api) -> None:
    contact_id = organization(api)
    assert api.post(f"/sales/contacts/{contact_id}/convert", {"target": "tenant"}).status == 202
    event = created(contact_id, reference="tenant-7f3c2a")
    assert bridge(event, copy.deepcopy(event)) == {"batchItemFailures": []}  # twice in one batch
    assert bridge(copy.deepcopy(event)) == {"batchItemFailures": []}  # and once more later
    contact = api.get(f"/sales/contacts/{contact_id}").data
    assert (contact["bridge"]["kind"], contact["bridge"]["id"]) == ("tenant", "tenant-7f3c2a")
    assert contact["conversion"]["status"] == "done"
    [bridged] = events_of(contact_id, "contact.bridged")
    assert json.loads(bridged["data"])["bridge"]["id"] == "tenant-7f3c2a"
    again = api.post(f"/sales/contacts/{contact_id}/convert", {"target": "tenant"})
    assert again.status == 409 and again.error_code == "CONVERSION_ALREADY_REQUESTED"


def test_a_bridged_contact_is_never_re_pointed(api: Api) -> None:
    contact_id = organization(api)
    assert bridge(created(contact_id, reference="tenant-a")) == {"batchItemFailures": []}
    assert bridge(created(contact_id, reference="tenant-b")) == {"batchItemFailures": []}
    assert api.get(f"/sales/contacts/{contact_id}").data["bridge"]["id"] == "tenant-a"
    assert len(events_of(contact_id, "contact.bridged")) == 1


def test_events_the_bridge_cannot_use_are_acknowledged_and_change_nothing(api: Api) -> None:
    contact_id = organization(api)
    unusable = [
        created("019b72b7-339c-73ca-850c-8459913f2cde"),  # no such contact
        created(contact_id, requested_by={"context": "billing", "contact_id": contact_id}),  # not asked by Sales
        created(contact_id, requested_by="sales"),
        created(contact_id, tenant_id=""),
        created(contact_id, tenant_id=None),
        created(contact_id, requested_by={"context": "sales", "contact_id": "not-an-id"}),
    ]
    assert bridge(*unusable) == {"batchItemFailures": []}
    assert api.get(f"/sales/contacts/{contact_id}").data["bridge"] is None
    assert events_of(contact_id, "contact.bridged") == []


def test_an_application_user_bridges_a_person(api: Api) -> None:
    person = str(api.post("/sales/contacts", {"kind": "person", "display_name": "Ada"}).data["id"])
    event = created(person, "application_user.created", "user-41b9e0")
    assert bridge(event) == {"batchItemFailures": []}
    assert api.get(f"/sales/contacts/{person}").data["bridge"]["kind"] == "application_user"


def test_a_body_that_is_no_event_fails_alone(api: Api) -> None:
    contact_id = organization(api)
    handler = function_module("sales/conversion_bridge").lambda_handler
    batch = sample_events.sqs_batch([created(contact_id)], "sales-conversion-bridge")
    poison = dict(batch["Records"][0], messageId="poison", body=json.dumps({"not": "an event"}))
    reply = handler({"Records": [poison, *batch["Records"]]}, LambdaContext())
    assert reply == {"batchItemFailures": [{"itemIdentifier": "poison"}]}
    assert api.get(f"/sales/contacts/{contact_id}").data["bridge"]["id"] == "tenant-1"


def test_deal_won_carries_the_bridge_of_a_customer_bridged_after_the_deal_opened(api: Api, future: str) -> None:
    contact_id = organization(api)
    deal = api.post(
        "/sales/deals",
        {
            "customer_id": contact_id,
            "name": "Later bridged",
            "value": 100,
            "currency": "EUR",
            "expected_close_date": future,
        },
    ).data
    assert bridge(created(contact_id, reference="tenant-late")) == {"batchItemFailures": []}
    assert api.post(f"/sales/deals/{deal['id']}/win", {}).status == 200
    [won] = events_of(deal["id"], "deal.won")
    assert json.loads(won["data"])["bridge"]["id"] == "tenant-late"
