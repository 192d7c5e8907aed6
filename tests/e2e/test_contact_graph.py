"""The contact graph over HTTP under the local runtime (`make dev`): fuller contacts, hierarchy links, cycles
refused, and the list filters."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.harness import LocalServer, wait_for

pytestmark = pytest.mark.e2e


def created(server: LocalServer, body: dict[str, Any]) -> dict[str, Any]:
    reply = server.request("POST", "/sales/contacts", body)
    assert reply.status == 201, reply.body
    return dict(reply.json["data"])


def listed(server: LocalServer, query: str) -> list[str]:
    reply = server.request("GET", f"/sales/contacts?{query}")
    assert reply.status == 200, reply.body
    return [item["display_name"] for item in reply.json["data"]]


def test_a_company_its_people_and_its_group_over_http(sales_server: LocalServer) -> None:
    group = created(sales_server, {"kind": "organization", "display_name": "Graph Group AG", "country": "de"})
    company = created(
        sales_server,
        {
            "kind": "organization",
            "display_name": "Graph Devices GmbH",
            "parent_id": group["id"],
            "website": "graph-devices.example",
            "address": {"line1": "Hauptstr. 1", "city": "Berlin", "country": "DE"},
            "tags": ["graph-e2e"],
        },
    )
    assert (company["website"], company["address"]["city"]) == ("https://graph-devices.example", "Berlin")
    boss = created(
        sales_server,
        {
            "kind": "person",
            "display_name": "Graph Boss",
            "employer_id": company["id"],
            "phones": ["030 9876543"],
            "default_region": "DE",
            "tags": ["graph-e2e"],
        },
    )
    assert boss["phones"] == ["+49309876543"]
    worker = created(
        sales_server,
        {"kind": "person", "display_name": "Graph Worker", "employer_id": company["id"], "manager_id": boss["id"]},
    )

    assert listed(sales_server, f"employer_id={company['id']}") == ["Graph Boss", "Graph Worker"]
    assert listed(sales_server, f"parent_id={group['id']}") == ["Graph Devices GmbH"]
    assert listed(sales_server, "tag=graph-e2e&kind=person") == ["Graph Boss"]
    assert listed(sales_server, "phone=%2B49%2030%209876543") == ["Graph Boss"]

    cycle = sales_server.request("PATCH", f"/sales/contacts/{group['id']}", {"parent_id": company["id"]})
    assert cycle.status == 409 and cycle.json["error"]["code"] == "CYCLE", cycle.body
    loop = sales_server.request("PATCH", f"/sales/contacts/{boss['id']}", {"manager_id": worker["id"]})
    assert loop.status == 409 and loop.json["error"]["code"] == "CYCLE", loop.body
    wrong = sales_server.request("PATCH", f"/sales/contacts/{worker['id']}", {"manager_id": company["id"]})
    assert wrong.status == 422 and wrong.json["error"]["code"] == "INVALID_REFERENCE", wrong.body

    cleared = sales_server.request("PATCH", f"/sales/contacts/{worker['id']}", {"manager_id": None})
    assert cleared.status == 200 and cleared.json["data"]["manager_id"] is None
    assert sales_server.request("DELETE", f"/sales/contacts/{boss['id']}").status == 204
    assert listed(sales_server, f"employer_id={company['id']}") == ["Graph Worker"]
    assert listed(sales_server, "tag=graph-e2e") == ["Graph Devices GmbH"]


def test_relationships_over_http(sales_server: LocalServer) -> None:
    ada = created(sales_server, {"kind": "person", "display_name": "Rel Ada"})
    acme = created(sales_server, {"kind": "organization", "display_name": "Rel Acme"})
    path = f"/sales/contacts/{ada['id']}/relationships"
    made = sales_server.request("POST", path, {"to_id": acme["id"], "type": "decision_maker_for"})
    assert made.status == 201, made.body
    twice = sales_server.request("POST", path, {"to_id": acme["id"], "type": "decision_maker_for"})
    assert twice.status == 409 and twice.json["error"]["code"] == "DUPLICATE_RELATIONSHIP"
    seen = sales_server.request("GET", f"/sales/contacts/{acme['id']}/relationships")
    assert [(item["id"], item["direction"]) for item in seen.json["data"]] == [(made.json["data"]["id"], "incoming")]
    gone = sales_server.request("DELETE", f"{path}/{made.json['data']['id']}")
    assert gone.status == 204
    assert sales_server.request("GET", path).json["data"] == []
    # The outbox relay publishes it; /_local/events shows it as EventBridge delivers it.
    wanted = made.json["data"]["id"]
    wait_for(
        lambda: [
            e for e in sales_server.events("relationship.deleted") if e["detail"]["data"]["relationship_id"] == wanted
        ]
    )


def test_the_network_over_http(sales_server: LocalServer) -> None:
    group = created(sales_server, {"kind": "organization", "display_name": "Net Group"})
    company = created(sales_server, {"kind": "organization", "display_name": "Net Co", "parent_id": group["id"]})
    person = created(sales_server, {"kind": "person", "display_name": "Net Person", "employer_id": company["id"]})
    advisor = created(sales_server, {"kind": "person", "display_name": "Net Advisor"})
    link = {"to_id": person["id"], "type": "influences"}
    assert sales_server.request("POST", f"/sales/contacts/{advisor['id']}/relationships", link).status == 201
    reply = sales_server.request("GET", f"/sales/contacts/{person['id']}/network?depth=3")
    assert reply.status == 200, reply.body
    data = reply.json["data"]
    distances = {node["display_name"]: node["distance"] for node in data["nodes"]}
    assert distances == {"Net Person": 0, "Net Co": 1, "Net Advisor": 1, "Net Group": 2}
    assert data["truncated"] is False
    capped = sales_server.request("GET", f"/sales/contacts/{person['id']}/network?depth=3&limit=2").json["data"]
    assert len(capped["nodes"]) == 2 and capped["truncated"] is True


def test_the_conversion_round_trip_over_http(sales_server: LocalServer) -> None:
    """Sales asks, Federation (played through /_local/events) creates the tenant, the bridge links the contact."""
    contact = created(sales_server, {"kind": "organization", "display_name": "Round Trip AG"})
    asked = sales_server.request("POST", f"/sales/contacts/{contact['id']}/convert", {"target": "tenant"})
    assert asked.status == 202, asked.body
    wait_for(
        lambda: [
            e
            for e in sales_server.events("contact.conversion_requested")
            if e["detail"]["data"]["contact_id"] == contact["id"]
        ]
    )
    federation = {
        "source": "federation",
        "detail_type": "tenant.created",
        "detail": {
            "metadata": {"event_id": f"fed-{contact['id']}"},
            "data": {"tenant_id": "tenant-e2e", "requested_by": {"context": "sales", "contact_id": contact["id"]}},
        },
    }
    for _delivery in range(3):  # at least once: the bridge applies it once
        assert sales_server.request("POST", "/_local/events", federation).status in (200, 201, 202)
    bridged = wait_for(
        lambda: [
            e for e in sales_server.events("contact.bridged") if e["detail"]["data"]["contact_id"] == contact["id"]
        ]
    )
    assert bridged[0]["detail"]["data"]["bridge"]["id"] == "tenant-e2e"
    shown = sales_server.request("GET", f"/sales/contacts/{contact['id']}").json["data"]
    assert (shown["bridge"]["id"], shown["conversion"]["status"]) == ("tenant-e2e", "done")
    assert (
        len([e for e in sales_server.events("contact.bridged") if e["detail"]["data"]["contact_id"] == contact["id"]])
        == 1
    )


def test_duplicates_over_http(sales_server: LocalServer) -> None:
    first = created(sales_server, {"kind": "organization", "display_name": "Dup Devices", "emails": ["a@dup.example"]})
    second = created(sales_server, {"kind": "organization", "display_name": "dup devices", "website": "dup.example"})
    reply = sales_server.request("GET", f"/sales/contacts/{first['id']}/duplicates")
    assert reply.status == 200, reply.body
    [candidate] = reply.json["data"]["candidates"]
    assert (candidate["contact"]["id"], candidate["reasons"]) == (second["id"], ["same_domain", "same_name"])


def test_a_merge_over_http_re_points_the_duplicate_records_in_the_background(sales_server: LocalServer) -> None:
    """The merge answers at once; the worker, fed contact.merged through its rule and queue, moves the deal."""
    survivor = created(sales_server, {"kind": "organization", "display_name": "Merge Keep AG"})
    duplicate = created(
        sales_server, {"kind": "organization", "display_name": "Merge Keep", "emails": ["hello@merge-keep.example"]}
    )
    deal = {"customer_id": duplicate["id"], "name": "Moving deal", "value": 1000, "currency": "EUR"}
    reply = sales_server.request("POST", "/sales/deals", {**deal, "expected_close_date": "2099-01-31"})
    assert reply.status == 201, reply.body
    deal_id = reply.json["data"]["id"]
    merged = sales_server.request("POST", f"/sales/contacts/{survivor['id']}/merge", {"duplicate_id": duplicate["id"]})
    assert merged.status == 200, merged.body
    assert merged.json["data"]["emails"] == ["hello@merge-keep.example"]
    gone = sales_server.request("GET", f"/sales/contacts/{duplicate['id']}")
    assert gone.status == 404 and gone.json["error"]["code"] == "CONTACT_MERGED"
    assert gone.json["error"]["details"] == [{"field": "merged_into", "message": survivor["id"]}]

    def done() -> bool:
        shown = sales_server.request("GET", f"/sales/contacts/{survivor['id']}").json["data"]
        return bool(shown["merge_status"] == "done")

    wait_for(done)
    moved = sales_server.request("GET", f"/sales/deals/{deal_id}").json["data"]
    assert moved["customer_id"] == survivor["id"]
    deals = sales_server.request("GET", f"/sales/contacts/{survivor['id']}/deals").json["data"]
    assert [item["id"] for item in deals] == [deal_id]
