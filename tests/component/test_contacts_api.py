"""The contact slice deals rely on: CRUD, search, unique emails, soft delete, the contact's deals."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from tests.support import table
from tests.support.api import Api
from tests.support.assertions import RFC3339_UTC, assert_error
from tests.support.events import DEFAULT_USER
from tests.support.samples import OTHER_USER, UNKNOWN_CONTACT, seed_body

NewContact = Callable[..., dict[str, Any]]
NewDeal = Callable[..., dict[str, Any]]


def names(reply: Any) -> list[str]:
    return [item["display_name"] for item in reply.data]


# -- create -----------------------------------------------------------------------------------------
def test_create_with_defaults(api: Api) -> None:
    reply = api.post(
        "/sales/contacts",
        {
            "kind": "organization",
            "display_name": "  Acme Devices GmbH ",
            "emails": ["Sales@ACME.example", "sales@acme.example"],
            "phones": ["+49 30 1234567"],
        },
    )
    assert reply.status == 201, reply.body
    data = reply.data
    assert uuid.UUID(data["id"]).version == 7
    assert data["kind"] == "organization"
    assert data["display_name"] == "Acme Devices GmbH"
    assert data["emails"] == ["sales@acme.example"]
    assert data["phones"] == ["+49301234567"]  # E.164
    assert data["owner_id"] == DEFAULT_USER
    assert data["lifecycle"] == "prospect"
    assert data["tags"] == []
    assert data["bridge"] is None
    assert data["version"] == 1
    assert RFC3339_UTC.match(data["created_at"])
    assert reply.headers["ETag"] == '"1"'
    [row] = table.contact_outbox(data["id"])
    assert row["event_type"] == "contact.created"
    assert row["payload"]["emails"] == ["sales@acme.example"]


def test_create_accepts_camel_case(api: Api) -> None:
    reply = api.post(
        "/sales/contacts",
        {"kind": "person", "displayName": "Ada Lovelace", "emails": ["Ada@Example.org"], "ownerId": OTHER_USER},
    )
    assert reply.status == 201, reply.body
    assert reply.data["display_name"] == "Ada Lovelace"
    assert reply.data["emails"] == ["ada@example.org"]
    assert reply.data["owner_id"] == OTHER_USER


def test_create_rejects_bad_input(api: Api, subtests: Any) -> None:
    base = {"kind": "person", "display_name": "Ada"}
    cases = [
        ({"kind": "robot"}, "kind"),
        ({"display_name": ""}, "display_name"),
        ({"display_name": "   "}, "display_name"),
        ({"display_name": "x" * 201}, "display_name"),
        ({"emails": ["not-an-email"]}, "emails[0]"),
        ({"emails": "ada@example.org"}, "emails"),
        ({"phones": ["call me"]}, "phones[0]"),
        ({"lifecycle": "customer"}, "lifecycle"),
        ({"owner_id": "me"}, "owner_id"),
        ({"unknown": True}, "unknown"),
    ]
    for change, field in cases:
        with subtests.test(change=change):
            with table.nothing_written():
                reply = api.post("/sales/contacts", {**base, **change})
            assert_error(reply, 400, "VALIDATION_ERROR", field)
    with subtests.test(change="kind missing"):
        assert_error(api.post("/sales/contacts", {"display_name": "Ada"}), 400, "VALIDATION_ERROR", "kind")


def test_duplicate_email_is_409_naming_the_existing_contact(api: Api, contact: dict) -> None:
    with table.nothing_written():
        reply = api.post(
            "/sales/contacts", {"kind": "person", "display_name": "Twin", "emails": ["SALES@acme.example"]}
        )
    assert_error(reply, 409, "DUPLICATE_CONTACT", "emails")
    assert contact["id"] in reply.body["error"]["message"]
    assert any(contact["id"] in issue["message"] for issue in reply.body["error"]["details"])


def test_only_the_clashing_email_blocks(api: Api, contact: dict) -> None:
    reply = api.post(
        "/sales/contacts",
        {"kind": "person", "display_name": "Twin", "emails": ["twin@example.org", "sales@acme.example"]},
    )
    assert_error(reply, 409, "DUPLICATE_CONTACT")
    # Nothing of the refused contact was claimed: its other address is still free.
    free = api.post("/sales/contacts", {"kind": "person", "display_name": "Other", "emails": ["twin@example.org"]})
    assert free.status == 201, free.body


# Spellings of the `contact` fixture's sales@acme.example that a person reads as the same address.
LOOKALIKES = {
    "uppercase": "SALES@ACME.EXAMPLE",
    "zero-width-space": "sales\u200b@acme.example",
    "soft-hyphen": "sa\u00adles@acme.example",
    "right-to-left-mark": "\u200fsales@acme.example",
    "byte-order-mark": "\ufeffsales@acme.example",
    "trailing-dot": "sales@acme.example.",
}
# One accented address, composed (one code point) and decomposed (letter + combining accent).
COMPOSED, DECOMPOSED = "ren\u00e9@acme.example", "rene\u0301@acme.example"


@pytest.mark.parametrize("spelling", LOOKALIKES.values(), ids=LOOKALIKES.keys())
def test_a_lookalike_of_a_taken_email_is_409_naming_the_holder_on_create_and_patch(
    api: Api, contact: dict, new_contact: NewContact, spelling: str
) -> None:
    other = new_contact("Other", emails=["other@example.org"])
    with table.nothing_written():
        created = api.post("/sales/contacts", {"kind": "person", "display_name": "Twin", "emails": [spelling]})
        patched = api.patch(f"/sales/contacts/{other['id']}", {"emails": [spelling]})
    for reply in (created, patched):
        assert_error(reply, 409, "DUPLICATE_CONTACT", "emails")
        assert contact["id"] in reply.body["error"]["message"]
        assert any(contact["id"] in issue["message"] for issue in reply.body["error"]["details"])


@pytest.mark.parametrize("spelling", LOOKALIKES.values(), ids=LOOKALIKES.keys())
def test_search_by_a_lookalike_email_finds_the_contact(api: Api, contact: dict, spelling: str) -> None:
    reply = api.get("/sales/contacts", query={"email": spelling})
    assert reply.status == 200, reply.body
    assert [item["id"] for item in reply.data] == [contact["id"]]


@pytest.mark.parametrize(("stored", "other"), [(COMPOSED, DECOMPOSED), (DECOMPOSED, COMPOSED)], ids=["nfc", "nfd"])
def test_an_accent_in_one_code_point_or_two_is_one_address(
    api: Api, new_contact: NewContact, stored: str, other: str
) -> None:
    first = new_contact("Ren\u00e9", emails=[stored])
    assert first["emails"] == [COMPOSED], "stored composed"
    with table.nothing_written():
        reply = api.post("/sales/contacts", {"kind": "person", "display_name": "Twin", "emails": [other]})
    assert_error(reply, 409, "DUPLICATE_CONTACT", "emails")
    assert first["id"] in reply.body["error"]["message"]
    for spelling in (stored, other):
        assert [item["id"] for item in api.get("/sales/contacts", query={"email": spelling}).data] == [first["id"]]


def test_a_lookalike_is_stored_normalized(api: Api) -> None:
    reply = api.post(
        "/sales/contacts",
        {"kind": "person", "display_name": "Ada", "emails": ["\u200fAda\u200b@Example.ORG.", "ada@example.org"]},
    )
    assert reply.status == 201, reply.body
    assert reply.data["emails"] == ["ada@example.org"]
    [row] = table.contact_outbox(reply.data["id"])
    assert row["payload"]["emails"] == ["ada@example.org"]


def test_invalid_emails_are_400_naming_the_position_without_echoing(api: Api, contact: dict, subtests: Any) -> None:
    for email in ("a@@b.example", "a@b", "ada@example", "a b@example.org", "ada@exam ple.org", "ada@printer.local"):
        with subtests.test(email=email):
            with table.nothing_written():
                created = api.post("/sales/contacts", {"kind": "person", "display_name": "A", "emails": [email]})
                patched = api.patch(f"/sales/contacts/{contact['id']}", {"emails": ["ok@example.org", email]})
            assert_error(created, 400, "VALIDATION_ERROR", "emails[0]")
            assert_error(patched, 400, "VALIDATION_ERROR", "emails[1]")
            assert email not in str(created.body) and email not in str(patched.body)


def test_search_by_something_that_is_no_email_is_400_on_email(api: Api, contact: dict) -> None:
    for email in ("a@@b.example", "a@b", "sales @acme.example"):
        reply = api.get("/sales/contacts", query={"email": email})
        assert_error(reply, 400, "VALIDATION_ERROR", "email")
        assert email not in str(reply.body)


# -- get --------------------------------------------------------------------------------------------
def test_get(api: Api, contact: dict) -> None:
    reply = api.get(f"/sales/contacts/{contact['id']}")
    assert reply.status == 200
    assert reply.data == contact
    assert reply.headers["ETag"] == '"1"'


def test_get_errors(api: Api) -> None:
    assert_error(api.get(f"/sales/contacts/{UNKNOWN_CONTACT}"), 404, "CONTACT_NOT_FOUND")
    assert_error(api.get("/sales/contacts/not-a-uuid"), 400, "VALIDATION_ERROR", "contact_id")


# -- list and search --------------------------------------------------------------------------------
def test_list_is_sorted_by_name_with_totals(api: Api, new_contact: NewContact) -> None:
    for name in ("Zeta Corp", "acme labs", "Bolt AG", "Acme Devices"):
        new_contact(name)
    reply = api.get("/sales/contacts")
    assert reply.status == 200
    assert names(reply) == ["Acme Devices", "acme labs", "Bolt AG", "Zeta Corp"]
    assert reply.body["pagination"]["total"] == 4
    first = api.get("/sales/contacts", query={"page_size": 3})
    assert names(first) == ["Acme Devices", "acme labs", "Bolt AG"]
    assert first.body["pagination"]["total"] == 4
    rest = api.get("/sales/contacts", query={"page_size": 3, "cursor": first.body["pagination"]["next_cursor"]})
    assert names(rest) == ["Zeta Corp"]
    assert rest.body["pagination"]["next_cursor"] is None


def test_search_by_name_prefix_is_case_insensitive(api: Api, new_contact: NewContact) -> None:
    for name in ("Acme Devices", "ACME Labs", "Acmeline", "Bolt AG", "The Acme"):
        new_contact(name)
    for query in ("acme", "ACME", "Acme", "ac"):
        reply = api.get("/sales/contacts", query={"q": query})
        assert reply.status == 200, reply.body
        assert names(reply) == ["Acme Devices", "ACME Labs", "Acmeline"], query
        assert reply.body["pagination"]["total"] == 3
    assert names(api.get("/sales/contacts", query={"q": "acme l"})) == ["ACME Labs"]
    assert names(api.get("/sales/contacts", query={"q": "bolt"})) == ["Bolt AG"]
    nothing = api.get("/sales/contacts", query={"q": "zzz"})
    assert (names(nothing), nothing.body["pagination"]["total"]) == ([], 0)


def test_search_by_email(api: Api, contact: dict, new_contact: NewContact) -> None:
    new_contact("Other", emails=["other@example.org"])
    for email in ("sales@acme.example", "SALES@Acme.Example"):
        reply = api.get("/sales/contacts", query={"email": email})
        assert reply.status == 200
        assert [item["id"] for item in reply.data] == [contact["id"]], email
        assert reply.body["pagination"]["total"] == 1
    assert api.get("/sales/contacts", query={"email": "nobody@example.org"}).data == []
    assert [
        item["id"] for item in api.get("/sales/contacts", query={"email": "sales@acme.example", "q": "acme"}).data
    ] == [contact["id"]]
    assert api.get("/sales/contacts", query={"email": "sales@acme.example", "q": "bolt"}).data == []


# -- update -----------------------------------------------------------------------------------------
def test_patch_changes_only_given_fields(api: Api, contact: dict) -> None:
    reply = api.patch(f"/sales/contacts/{contact['id']}", {"lifecycle": "active", "tags": ["key account"]})
    assert reply.status == 200, reply.body
    assert reply.data["lifecycle"] == "active"
    assert reply.data["tags"] == ["key account"]
    assert reply.data["display_name"] == contact["display_name"]
    assert reply.data["emails"] == contact["emails"]
    assert reply.data["version"] == 2
    assert reply.headers["ETag"] == '"2"'
    assert table.event_types(table.contact_outbox(contact["id"])) == ["contact.created", "contact.updated"]


def test_patch_renames_and_search_follows(api: Api, contact: dict) -> None:
    reply = api.patch(f"/sales/contacts/{contact['id']}", {"displayName": "Bolt Industries"})
    assert reply.status == 200, reply.body
    assert names(api.get("/sales/contacts", query={"q": "bolt"})) == ["Bolt Industries"]
    assert api.get("/sales/contacts", query={"q": "acme"}).data == []


def test_patch_emails_moves_the_claims(api: Api, contact: dict, new_contact: NewContact) -> None:
    reply = api.patch(f"/sales/contacts/{contact['id']}", {"emails": ["Info@acme.example"]})
    assert reply.status == 200, reply.body
    assert reply.data["emails"] == ["info@acme.example"]
    # The old address is free again, the new one is taken.
    assert new_contact("Reuses old", emails=["sales@acme.example"])["emails"] == ["sales@acme.example"]
    clash = api.post("/sales/contacts", {"kind": "person", "display_name": "X", "emails": ["info@acme.example"]})
    assert_error(clash, 409, "DUPLICATE_CONTACT")
    assert [item["id"] for item in api.get("/sales/contacts", query={"email": "info@acme.example"}).data] == [
        contact["id"]
    ]


def test_patch_to_an_email_of_another_contact_is_409(api: Api, contact: dict, new_contact: NewContact) -> None:
    other = new_contact("Other", emails=["other@example.org"])
    with table.nothing_written():
        reply = api.patch(f"/sales/contacts/{other['id']}", {"emails": ["Sales@acme.example"]})
    assert_error(reply, 409, "DUPLICATE_CONTACT")
    assert contact["id"] in reply.body["error"]["message"]


def test_patch_errors(api: Api, contact: dict) -> None:
    assert_error(api.patch(f"/sales/contacts/{UNKNOWN_CONTACT}", {"lifecycle": "active"}), 404, "CONTACT_NOT_FOUND")
    with table.nothing_written():
        assert_error(
            api.patch(f"/sales/contacts/{contact['id']}", {"display_name": ""}), 400, "VALIDATION_ERROR", "display_name"
        )
        assert_error(api.patch(f"/sales/contacts/{contact['id']}", {"kind": "person"}), 400, "VALIDATION_ERROR", "kind")
        stale = api.patch(f"/sales/contacts/{contact['id']}", {"lifecycle": "active"}, headers={"If-Match": '"9"'})
        assert_error(stale, 412, "PRECONDITION_FAILED")
    current = api.patch(f"/sales/contacts/{contact['id']}", {"lifecycle": "active"}, headers={"If-Match": '"1"'})
    assert current.status == 200


# -- delete and restore -----------------------------------------------------------------------------
def test_delete_then_get_404_and_email_freed(api: Api, contact: dict, new_contact: NewContact) -> None:
    reply = api.delete(f"/sales/contacts/{contact['id']}")
    assert reply.status == 204
    assert reply.body is None
    assert_error(api.get(f"/sales/contacts/{contact['id']}"), 404, "CONTACT_NOT_FOUND")
    assert_error(api.delete(f"/sales/contacts/{contact['id']}"), 404, "CONTACT_NOT_FOUND")
    listed = api.get("/sales/contacts")
    assert (listed.data, listed.body["pagination"]["total"]) == ([], 0)
    assert api.get("/sales/contacts", query={"email": "sales@acme.example"}).data == []
    assert api.get("/sales/contacts", query={"q": "acme"}).data == []
    # The address is free for a new contact.
    assert new_contact("Acme Again", emails=["sales@acme.example"])["emails"] == ["sales@acme.example"]
    assert table.event_types(table.contact_outbox(contact["id"])) == ["contact.created", "contact.deleted"]


def test_restore_brings_the_contact_back(api: Api, contact: dict) -> None:
    api.delete(f"/sales/contacts/{contact['id']}")
    reply = api.post(f"/sales/contacts/{contact['id']}/restore")
    assert reply.status == 200, reply.body
    assert reply.data["id"] == contact["id"]
    assert api.get(f"/sales/contacts/{contact['id']}").status == 200
    assert api.get("/sales/contacts").body["pagination"]["total"] == 1
    assert [item["id"] for item in api.get("/sales/contacts", query={"email": "sales@acme.example"}).data] == [
        contact["id"]
    ]
    clash = api.post("/sales/contacts", {"kind": "person", "display_name": "X", "emails": ["sales@acme.example"]})
    assert_error(clash, 409, "DUPLICATE_CONTACT")


def test_restore_live_contact_is_a_no_op_and_unknown_is_404(api: Api, contact: dict) -> None:
    reply = api.post(f"/sales/contacts/{contact['id']}/restore")
    assert reply.status == 200
    assert reply.data["id"] == contact["id"]
    assert_error(api.post(f"/sales/contacts/{UNKNOWN_CONTACT}/restore"), 404, "CONTACT_NOT_FOUND")


def test_restore_when_the_email_was_taken_meanwhile_is_409(api: Api, contact: dict, new_contact: NewContact) -> None:
    api.delete(f"/sales/contacts/{contact['id']}")
    taker = new_contact("Taker", emails=["sales@acme.example"])
    with table.nothing_written():
        reply = api.post(f"/sales/contacts/{contact['id']}/restore")
    assert_error(reply, 409, "DUPLICATE_CONTACT")
    assert taker["id"] in reply.body["error"]["message"]
    assert_error(api.get(f"/sales/contacts/{contact['id']}"), 404, "CONTACT_NOT_FOUND")


def test_contact_with_live_deals_cannot_be_deleted(api: Api, contact: dict, new_deal: NewDeal) -> None:
    open_deal, won_deal = new_deal(), new_deal()
    api.post(f"/sales/deals/{won_deal['id']}/win", {})
    with table.nothing_written():
        reply = api.delete(f"/sales/contacts/{contact['id']}")
    assert_error(reply, 409, "CONTACT_HAS_DEALS")
    assert api.delete(f"/sales/deals/{open_deal['id']}").status == 204
    assert_error(api.delete(f"/sales/contacts/{contact['id']}"), 409, "CONTACT_HAS_DEALS")  # a won deal is live
    assert api.delete(f"/sales/deals/{won_deal['id']}").status == 204
    assert api.delete(f"/sales/contacts/{contact['id']}").status == 204


def test_deal_for_a_deleted_contact_is_422_and_restore_allows_it_again(api: Api, contact: dict, future: str) -> None:
    api.delete(f"/sales/contacts/{contact['id']}")
    assert_error(api.post("/sales/deals", seed_body(contact["id"], future)), 422, "CUSTOMER_NOT_FOUND", "customer_id")
    api.post(f"/sales/contacts/{contact['id']}/restore")
    assert api.post("/sales/deals", seed_body(contact["id"], future)).status == 201


# -- a contact's deals ------------------------------------------------------------------------------
def test_contact_deals(api: Api, contact: dict, new_contact: NewContact, new_deal: NewDeal) -> None:
    mine = [new_deal() for _ in range(3)]
    other = new_contact("Other")
    new_deal(customer_id=other["id"])
    api.post(f"/sales/deals/{mine[0]['id']}/win", {})
    reply = api.get(f"/sales/contacts/{contact['id']}/deals")
    assert reply.status == 200, reply.body
    assert {item["id"] for item in reply.data} == {deal["id"] for deal in mine}
    assert all(item["customer_id"] == contact["id"] for item in reply.data)
    assert reply.body["pagination"]["total"] == 3
    api.delete(f"/sales/deals/{mine[1]['id']}")
    reply = api.get(f"/sales/contacts/{contact['id']}/deals")
    assert {item["id"] for item in reply.data} == {mine[0]["id"], mine[2]["id"]}
    assert reply.body["pagination"]["total"] == 2
    page = api.get(f"/sales/contacts/{contact['id']}/deals", query={"page_size": 1})
    assert len(page.data) == 1
    assert page.body["pagination"]["total"] == 2
    rest = api.get(
        f"/sales/contacts/{contact['id']}/deals",
        query={"page_size": 1, "cursor": page.body["pagination"]["next_cursor"]},
    )
    assert {page.data[0]["id"], rest.data[0]["id"]} == {mine[0]["id"], mine[2]["id"]}


def test_contact_deals_errors(api: Api, new_contact: NewContact) -> None:
    assert_error(api.get(f"/sales/contacts/{UNKNOWN_CONTACT}/deals"), 404, "CONTACT_NOT_FOUND")
    gone = new_contact("Gone")
    api.delete(f"/sales/contacts/{gone['id']}")
    assert_error(api.get(f"/sales/contacts/{gone['id']}/deals"), 404, "CONTACT_NOT_FOUND")
    assert_error(api.get("/sales/contacts/nope/deals"), 400, "VALIDATION_ERROR", "contact_id")


# -- auth -------------------------------------------------------------------------------------------
CONTACT_ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("POST", "/sales/contacts", {"kind": "person", "display_name": "X"}),
    ("GET", "/sales/contacts/{id}", None),
    ("GET", "/sales/contacts", None),
    ("PATCH", "/sales/contacts/{id}", {"lifecycle": "active"}),
    ("DELETE", "/sales/contacts/{id}", None),
    ("POST", "/sales/contacts/{id}/restore", None),
    ("GET", "/sales/contacts/{id}/deals", None),
]


def test_contact_routes_require_a_sales_or_admin_principal(api: Api, contact: dict, subtests: Any) -> None:
    partner = api.as_user(OTHER_USER, "partner", partner_id="019b72b7-0000-7000-8000-000000000001")
    for method, path, body in CONTACT_ROUTES:
        with subtests.test(route=f"{method} {path}"):
            with table.nothing_written():
                anonymous = api.call(method, path.format(id=contact["id"]), body, anonymous=True)
                forbidden = partner.call(method, path.format(id=contact["id"]), body)
            assert_error(anonymous, 401, "UNAUTHENTICATED")
            assert_error(forbidden, 403, "FORBIDDEN")
    admin = api.as_user(OTHER_USER, "admin")
    assert admin.get(f"/sales/contacts/{contact['id']}").status == 200


def test_an_empty_or_unchanged_patch_stores_nothing(api: Api, contact: dict) -> None:
    for body in ({}, {"display_name": contact["display_name"], "lifecycle": contact["lifecycle"]}):
        with table.nothing_written():
            reply = api.patch(f"/sales/contacts/{contact['id']}", body)
        assert reply.status == 200 and reply.data["version"] == contact["version"], reply.body


def test_a_filter_that_matches_nobody_is_an_empty_page(api: Api) -> None:
    """Found by the API fuzzer: a tag or phone with no list entries once reached DynamoDB as an empty batch."""
    for query in ({"tag": "0"}, {"phone": "+49 30 7654321"}, {"kind": "person", "lifecycle": "dormant"}):
        reply = api.get("/sales/contacts", query=query)
        assert reply.status == 200, reply.body
        assert (reply.data, reply.body["pagination"]["total"]) == ([], 0)
