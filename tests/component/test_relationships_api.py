"""Relationships through the handlers under moto: both directions, hidden with a deleted contact and back with
its restore, paging with signed cursors, the per-pair uniqueness and the per-contact bound."""

from __future__ import annotations

from typing import Any

import pytest

from sales.relationship import model
from tests.support.api import Api


def contact(api: Api, name: str, kind: str = "person") -> str:
    reply = api.post("/sales/contacts", {"kind": kind, "display_name": name})
    assert reply.status == 201, reply.body
    return str(reply.data["id"])


def relate(api: Api, from_id: str, to_id: str, type_: str = "colleague", **extra: Any) -> Any:
    return api.post(f"/sales/contacts/{from_id}/relationships", {"to_id": to_id, "type": type_, **extra})


def listed(api: Api, contact_id: str, **query: Any) -> Any:
    reply = api.get(f"/sales/contacts/{contact_id}/relationships", query=query or None)
    assert reply.status == 200, reply.body
    return reply


def test_a_relationship_is_seen_from_both_ends(api: Api) -> None:
    ada, acme = contact(api, "Ada"), contact(api, "Acme", "organization")
    created = relate(api, ada, acme, "decision_maker_for")
    assert created.status == 201, created.body
    assert (created.data["from_id"], created.data["to_id"], created.data["label"]) == (ada, acme, None)
    [outgoing] = listed(api, ada).data
    [incoming] = listed(api, acme).data
    assert (outgoing["direction"], incoming["direction"]) == ("outgoing", "incoming")
    assert outgoing["id"] == incoming["id"] == created.data["id"]


def test_the_same_pair_and_type_once_but_other_types_and_the_reverse_freely(api: Api) -> None:
    ada, bob = contact(api, "Ada"), contact(api, "Bob")
    assert relate(api, ada, bob).status == 201
    again = relate(api, ada, bob)
    assert again.status == 409 and again.error_code == "DUPLICATE_RELATIONSHIP"
    assert relate(api, ada, bob, "influences").status == 201
    assert relate(api, bob, ada).status == 201  # the reverse direction is another relationship
    assert listed(api, ada).body["pagination"]["total"] == 3


def test_a_deleted_contact_hides_its_relationships_and_its_restore_brings_them_back(api: Api) -> None:
    ada, bob, eve = contact(api, "Ada"), contact(api, "Bob"), contact(api, "Eve")
    relate(api, ada, bob)
    relate(api, eve, ada, "influences")
    assert api.delete(f"/sales/contacts/{bob}").status == 204
    [left] = listed(api, ada).data
    assert left["from_id"] == eve and listed(api, ada).body["pagination"]["total"] == 1
    assert api.get(f"/sales/contacts/{bob}/relationships").error_code == "CONTACT_NOT_FOUND"
    assert api.post(f"/sales/contacts/{bob}/restore").status == 200
    assert len(listed(api, ada).data) == 2


def test_deleting_frees_the_pair_for_a_new_relationship(api: Api) -> None:
    ada, bob = contact(api, "Ada"), contact(api, "Bob")
    first = relate(api, ada, bob).data
    assert api.delete(f"/sales/contacts/{bob}/relationships/{first['id']}").status == 204  # from the other end
    assert listed(api, ada).data == []
    again = api.delete(f"/sales/contacts/{ada}/relationships/{first['id']}")
    assert again.status == 404 and again.error_code == "RELATIONSHIP_NOT_FOUND"
    assert relate(api, ada, bob).status == 201


def test_pages_follow_signed_cursors_oldest_first(api: Api) -> None:
    hub = contact(api, "Hub", "organization")
    others = [contact(api, f"Member {n}") for n in range(5)]
    made = [relate(api, other, hub, "customer_of").data["id"] for other in others]
    first = listed(api, hub, page_size=2)
    assert [item["id"] for item in first.data] == made[:2]
    cursor = first.body["pagination"]["next_cursor"]
    second = listed(api, hub, page_size=2, cursor=cursor)
    assert [item["id"] for item in second.data] == made[2:4]
    last = listed(api, hub, page_size=2, cursor=second.body["pagination"]["next_cursor"])
    assert [item["id"] for item in last.data] == made[4:] and last.body["pagination"]["next_cursor"] is None
    foreign = api.get(f"/sales/contacts/{others[0]}/relationships", query={"cursor": cursor})
    assert foreign.status == 400 and foreign.error_code == "VALIDATION_ERROR"  # another contact's list


def test_a_contact_has_at_most_the_bound_of_relationships(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    from sales.relationship import store

    monkeypatch.setattr(store, "MAX_PER_CONTACT", 2)
    hub = contact(api, "Busy hub", "organization")
    assert relate(api, contact(api, "One"), hub).status == 201
    assert relate(api, contact(api, "Two"), hub).status == 201
    full = relate(api, contact(api, "Three"), hub)
    assert full.status == 409 and full.error_code == "TOO_MANY_RELATIONSHIPS", full.body
    assert listed(api, hub).body["pagination"]["total"] == 2
    assert model.MAX_PER_CONTACT == 200
