"""Likely duplicates: the same E.164 phone, the same business domain (free mail ignored), the same casefolded
name; each with its reasons, most reasons first, deleted contacts never."""

from __future__ import annotations

from typing import Any

from tests.support.api import Api


def contact(api: Api, **body: Any) -> str:
    reply = api.post("/sales/contacts", {"kind": "organization", **body})
    assert reply.status == 201, reply.body
    return str(reply.data["id"])


def duplicates(api: Api, contact_id: str) -> list[tuple[str, list[str]]]:
    reply = api.get(f"/sales/contacts/{contact_id}/duplicates")
    assert reply.status == 200, reply.body
    return [(item["contact"]["id"], item["reasons"]) for item in reply.data["candidates"]]


def test_reasons_and_their_order(api: Api) -> None:
    acme = contact(api, display_name="Acme GmbH", emails=["sales@acme.example"], phones=["+49 30 1234567"])
    twin = contact(
        api, display_name="ACME  gmbh", phones=["030 1234567"], default_region="DE", website="www.acme.example"
    )
    branch = contact(api, display_name="Acme Berlin", emails=["berlin@acme.example"])
    namesake = contact(api, display_name="acme gmbh")
    contact(api, display_name="Unrelated", emails=["x@other.example"])
    # Most reasons first, then by name ("acme berlin" before "acme gmbh").
    assert duplicates(api, acme) == [
        (twin, ["same_domain", "same_name", "same_phone"]),
        (branch, ["same_domain"]),
        (namesake, ["same_name"]),
    ]


def test_free_mail_says_nothing_and_deleted_contacts_are_left_out(api: Api) -> None:
    first = contact(api, display_name="Ada One", emails=["ada.one@gmail.com"])
    contact(api, display_name="Bob Two", emails=["bob.two@gmail.com"])
    gone = contact(api, display_name="Ada One")
    assert duplicates(api, first) == [(gone, ["same_name"])]
    assert api.delete(f"/sales/contacts/{gone}").status == 204
    assert duplicates(api, first) == []
