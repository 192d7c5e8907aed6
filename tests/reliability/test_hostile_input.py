"""Hostile input: every bad request gets a 4xx error envelope with a stable code and writes nothing.

Table-driven over the routes; one shared moto account (module scope), and every case compares a full
Scan of both tables, taken through the test's own client, before and after its request. Injection strings
in free-text fields are not bad input: they are stored and returned verbatim (test at the end).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from kernel.dynamodb import queries
from sales import keys
from sales.registry import ALL
from tests.support.api import Api, fresh_handler, invoke
from tests.support.assertions import assert_error
from tests.support.events import claims
from tests.support.table import Snapshot

NOTHING = object()
DEAL = {
    "customer_id": "{contact}",
    "name": "Hostile",
    "value": 100,
    "currency": "USD",
    "expected_close_date": "{future}",
}
CONTACT = {"kind": "person", "display_name": "Hostile"}
LEAD = {"contact_id": "{contact}", "source": "web_form", "title": "Hostile"}
OPPORTUNITY = {"customer_id": "{contact}", "name": "Hostile"}
LINE = {"description": "Device", "product_code": "DEV-1", "quantity": 1, "unit_price": 100}
VARIANT = {"name": "Hostile", "currency": "EUR", "lines": [LINE]}
UUID = "019b72b7-339c-73ca-850c-8459913f2cde"


@dataclass(frozen=True)
class Bad:
    id: str
    method: str
    path: str
    body: Any = NOTHING
    raw: str | None = None
    query: dict[str, Any] | None = None  # a value may be built from the seeded records (a callable)
    headers: dict[str, str] = field(default_factory=dict)
    status: int = 400
    code: str = "VALIDATION_ERROR"
    field: str | None = None  # a details[].field the answer must name
    as_partner: str | None = None  # sent by a partner principal acting for this partner (a placeholder)
    as_user: str | None = None  # sent by a principal of this group (default: staff, admin where only admins may)


def deal(**changes: Any) -> dict[str, Any]:
    return {**DEAL, **changes}


def deal_without(name: str) -> dict[str, Any]:
    return {key: value for key, value in DEAL.items() if key != name}


def lead(**changes: Any) -> dict[str, Any]:
    return {**LEAD, **changes}


def agreement(**changes: Any) -> dict[str, Any]:
    terms = {"reseller_id": "{partner}", "distributor_id": "{distributor}", "territory": ["DE"]}
    return {**terms, "starts_on": "2027-01-01", **changes}


def registered(**changes: Any) -> dict[str, Any]:
    return {**DEAL, "route": "direct", **changes}


def variant(**changes: Any) -> dict[str, Any]:
    return {**VARIANT, **changes}


def line(**changes: Any) -> dict[str, Any]:
    """A variant whose one line has `changes`."""
    return variant(lines=[{**LINE, **changes}])


def raw_deal(value_literal: str) -> str:
    return '{"customer_id": "{contact}", "name": "N", "currency": "USD", "value": ' + value_literal + "}"


def start_key(index: str, partition: str, sort: str) -> dict[str, Any]:
    """A LastEvaluatedKey of `index` at the seeded deal ({contact} and {deal} are filled in later)."""
    return {
        "PK": {"S": "DEAL#{deal}"},
        "SK": {"S": "DEAL"},
        f"{index}PK": {"S": partition},
        f"{index}SK": {"S": sort},
    }


def signed(
    index: str, partition: str, sort: str, *, drop: str | None = None, **changes: Any
) -> Callable[[dict[str, Any]], str]:
    """A cursor signed with the service's own key, as if that key had leaked, whose start key for `index`
    misses `drop` or has `changes`: only the checks on the key's shape stand between it and DynamoDB."""

    def build(seeded: dict[str, Any]) -> str:
        key = {name: value for name, value in start_key(index, partition, sort).items() if name != drop}
        key = _filled({**key, **changes}, seeded)
        return queries.encode_cursor(key, queries.IndexQuery(index, _filled(partition, seeded)))

    return build


def signed_position(
    index: str,
    partition: str,
    sort: str,
    *,
    prefix: str | None = None,
    drop: str | None = None,
    whole_key: bool = False,
    **changes: Any,
) -> Callable[[dict[str, Any]], str]:
    """A cursor of a write-sharded list (all deals, a status, a stage) signed with the service's own key, whose
    position, `{"<index>SK": {"S": sort}}` (or with `whole_key`, a one-partition start key), misses `drop` or has
    `changes`: only the checks on its shape stand between it and DynamoDB."""

    def build(seeded: dict[str, Any]) -> str:
        position = start_key(index, partition, sort) if whole_key else {f"{index}SK": {"S": sort}}
        position = _filled({**{k: v for k, v in position.items() if k != drop}, **changes}, seeded)
        query = queries.IndexQuery(index, _filled(partition, seeded), prefix, shards=keys.DEAL_INDEX_SHARDS)
        return queries.encode_cursor(position, query)

    return build


def unsigned(index: str, partition: str, sort: str, *, drop: str) -> Callable[[dict[str, Any]], str]:
    """An unsigned cursor of the earlier `{"k": key, "q": query}` format whose key misses `drop`."""

    def build(seeded: dict[str, Any]) -> str:
        key = {name: value for name, value in start_key(index, partition, sort).items() if name != drop}
        payload = {"k": key, "q": [index, partition, None]}
        return base64.urlsafe_b64encode(json.dumps(_filled(payload, seeded)).encode()).decode().rstrip("=")

    return build


# fmt: off
CASES = [
    # -- bodies that are not a JSON object ----------------------------------------------------------------
    Bad("malformed-json", "POST", "/sales/deals", raw='{"name": ', code="MALFORMED_JSON"),
    Bad("trailing-garbage", "POST", "/sales/deals", raw="{} {}", code="MALFORMED_JSON"),
    Bad("json-array", "POST", "/sales/deals", raw="[1, 2]", code="MALFORMED_JSON"),
    Bad("json-string", "POST", "/sales/contacts", raw='"a contact"', code="MALFORMED_JSON"),
    Bad("json-null", "POST", "/sales/contacts", raw="null", code="MALFORMED_JSON"),
    Bad("nan", "POST", "/sales/deals", raw=raw_deal("NaN"), code="MALFORMED_JSON"),
    Bad("infinity", "POST", "/sales/deals", raw=raw_deal("-Infinity"), code="MALFORMED_JSON"),
    Bad("raw-lone-surrogate", "POST", "/sales/contacts", raw='{"kind": "person", "display_name": "\ud800"}',
        field="display_name"),
    Bad("escaped-lone-surrogate", "POST", "/sales/contacts", raw='{"kind": "person", "display_name": "\\ud800"}',
        field="display_name"),
    Bad("huge-body", "POST", "/sales/contacts", body={**CONTACT, "tags": ["x" * 50] * 1400}, status=413,
        code="PAYLOAD_TOO_LARGE"),
    Bad("deep-nesting", "POST", "/sales/deals", body=deal(tags=json.loads("[" * 30 + "]" * 30))),
    Bad("nesting-past-the-parser", "POST", "/sales/deals", raw='{"tags": ' + "[" * 30000 + "]" * 30000 + "}",
        code="MALFORMED_JSON"),
    # -- wrong types, nulls, missing and unknown fields -------------------------------------------------
    Bad("unknown-field", "POST", "/sales/deals", body=deal(discount=5), field="discount"),
    Bad("missing-customer", "POST", "/sales/deals", body=deal_without("customer_id"), field="customer_id"),
    Bad("name-number", "POST", "/sales/deals", body=deal(name=123), field="name"),
    Bad("name-null", "POST", "/sales/deals", body=deal(name=None), field="name"),
    Bad("name-list", "POST", "/sales/deals", body=deal(name=["a"]), field="name"),
    Bad("value-null", "POST", "/sales/deals", body=deal(value=None), field="value"),
    Bad("value-boolean", "POST", "/sales/deals", body=deal(value=True), field="value"),
    Bad("value-float", "POST", "/sales/deals", body=deal(value=100.5), field="value"),
    Bad("value-integral-float", "POST", "/sales/deals", body=deal(value=100.0), field="value"),
    Bad("value-string", "POST", "/sales/deals", body=deal(value="100"), field="value"),
    Bad("value-10e30", "POST", "/sales/deals", body=deal(value=10**30), field="value"),
    Bad("value-above-max", "POST", "/sales/deals", body=deal(value=10**15 + 1), field="value"),
    Bad("value-negative", "POST", "/sales/deals", body=deal(value=-5), field="value"),
    Bad("value-zero", "POST", "/sales/deals", body=deal(value=0), field="value"),
    Bad("currency-lowercase", "POST", "/sales/deals", body=deal(currency="usd"), field="currency"),
    Bad("currency-unknown", "POST", "/sales/deals", body=deal(currency="ABC"), field="currency"),
    Bad("currency-without-minor-unit", "POST", "/sales/deals", body=deal(currency="XAU"), field="currency"),
    Bad("currency-number", "POST", "/sales/deals", body=deal(currency=840), field="currency"),
    Bad("source-unknown", "POST", "/sales/deals", body=deal(source="telepathy"), field="source"),
    # -- ids ----------------------------------------------------------------------------------------------
    Bad("customer-not-uuid", "POST", "/sales/deals", body=deal(customer_id="not-a-uuid"), field="customer_id"),
    Bad("customer-uuid-braces", "POST", "/sales/deals", body=deal(customer_id="{" + UUID + "}"), field="customer_id"),
    Bad("customer-uuid-urn", "POST", "/sales/deals", body=deal(customer_id="urn:uuid:" + UUID), field="customer_id"),
    Bad("customer-uuid-unhyphenated", "POST", "/sales/deals", body=deal(customer_id=UUID.replace("-", "")),
        field="customer_id"),
    Bad("customer-sql", "POST", "/sales/deals", body=deal(customer_id="' OR '1'='1"), field="customer_id"),
    Bad("assignee-not-uuid", "POST", "/sales/deals", body=deal(assigned_to="bob"), field="assigned_to"),
    Bad("path-id-not-uuid", "GET", "/sales/deals/not-a-uuid", field="deal_id"),
    Bad("path-id-injection", "GET", "/sales/deals/';DROP TABLE deals;--", field="deal_id"),
    Bad("path-id-too-long", "GET", "/sales/deals/" + "a" * 5000, field="deal_id"),
    Bad("contact-path-id-not-uuid", "PATCH", "/sales/contacts/123", body={"lifecycle": "active"}, field="contact_id"),
    # -- dates --------------------------------------------------------------------------------------------
    Bad("date-impossible", "POST", "/sales/deals", body=deal(expected_close_date="2031-02-30"),
        field="expected_close_date"),
    Bad("date-day-first", "POST", "/sales/deals", body=deal(expected_close_date="31/12/2031"),
        field="expected_close_date"),
    Bad("date-timestamp", "POST", "/sales/deals", body=deal(expected_close_date="2031-03-31T00:00:00Z"),
        field="expected_close_date"),
    Bad("date-number", "POST", "/sales/deals", body=deal(expected_close_date=20310331), field="expected_close_date"),
    Bad("date-in-the-past", "POST", "/sales/deals", body=deal(expected_close_date="2001-01-01"),
        field="expected_close_date"),
    Bad("win-close-date-word", "POST", "/sales/deals/{deal}/win", body={"close_date": "yesterday"},
        field="close_date"),
    Bad("date-after-the-last-business-date", "POST", "/sales/deals", body=deal(expected_close_date="2101-01-01"),
        field="expected_close_date"),
    Bad("date-year-9999", "POST", "/sales/deals", body=deal(expected_close_date="9999-12-31"),
        field="expected_close_date"),
    Bad("basic-info-date-after-the-last-business-date", "PUT", "/sales/deals/{deal}/basic-info",
        body={"expected_close_date": "2101-01-01"}, field="expected_close_date"),
    Bad("win-close-date-year-9999", "POST", "/sales/deals/{deal}/win", body={"close_date": "9999-12-31"},
        field="close_date"),
    Bad("lose-close-date-after-the-last-business-date", "POST", "/sales/deals/{deal}/lose",
        body={"close_date": "2101-01-01"}, field="close_date"),
    # -- text ---------------------------------------------------------------------------------------------
    Bad("name-nul", "POST", "/sales/deals", body=deal(name="A\x00B"), field="name"),
    Bad("name-escape", "POST", "/sales/deals", body=deal(name="A\x1b[31mB"), field="name"),
    Bad("name-empty", "POST", "/sales/deals", body=deal(name=""), field="name"),
    Bad("name-blank", "POST", "/sales/deals", body=deal(name="   "), field="name"),
    Bad("name-too-long", "POST", "/sales/deals", body=deal(name="x" * 201), field="name"),
    Bad("tags-too-many", "POST", "/sales/deals", body=deal(tags=[f"t{n}" for n in range(21)]), field="tags"),
    Bad("tag-object", "POST", "/sales/deals", body=deal(tags=[{"$ne": None}]), field="tags.0"),
    Bad("tag-too-long", "POST", "/sales/deals", body=deal(tags=["x" * 51]), field="tags.0"),
    Bad("win-note-too-long", "POST", "/sales/deals/{deal}/win", body={"note": "x" * 2001}, field="note"),
    Bad("lose-reason-bell", "POST", "/sales/deals/{deal}/lose", body={"reason": "ding\x07"}, field="reason"),
    Bad("win-actual-value-boolean", "POST", "/sales/deals/{deal}/win", body={"actual_value": True},
        field="actual_value"),
    Bad("update-value-float", "PUT", "/sales/deals/{deal}/value", body={"value": 1.5, "currency": "USD"},
        field="value"),
    Bad("stage-unknown", "PUT", "/sales/deals/{deal}/stage", body={"stage": "won"}, field="stage"),
    Bad("stage-missing", "PUT", "/sales/deals/{deal}/stage", body={}, field="stage"),
    Bad("stage-intake", "PUT", "/sales/deals/{deal}/stage", body={"stage": "intake"}, code="MOVE_STAGE_FAILED"),
    # -- contacts -----------------------------------------------------------------------------------------
    Bad("contact-kind-unknown", "POST", "/sales/contacts", body={**CONTACT, "kind": "robot"}, field="kind"),
    Bad("contact-email-invalid", "POST", "/sales/contacts", body={**CONTACT, "emails": ["not-an-email"]}),
    Bad("contact-emails-not-a-list", "POST", "/sales/contacts", body={**CONTACT, "emails": "a@b.example"},
        field="emails"),
    Bad("contact-email-two-ats", "POST", "/sales/contacts", body={**CONTACT, "emails": ["a@@b.example"]},
        field="emails[0]"),
    Bad("contact-email-no-domain-dot", "POST", "/sales/contacts", body={**CONTACT, "emails": ["a@b"]},
        field="emails[0]"),
    Bad("contact-email-space", "POST", "/sales/contacts", body={**CONTACT, "emails": ["a b@example.org"]},
        field="emails[0]"),
    Bad("contact-email-only-invisible", "POST", "/sales/contacts", body={**CONTACT, "emails": ["\u200b\u00ad"]},
        field="emails[0]"),
    Bad("contact-email-reserved-domain", "POST", "/sales/contacts", body={**CONTACT, "emails": ["a@printer.local"]},
        field="emails[0]"),
    Bad("contact-email-second-invalid", "POST", "/sales/contacts",
        body={**CONTACT, "emails": ["ok@example.org", "a@exam ple.org"]}, field="emails[1]"),
    Bad("contact-patch-email-invalid", "PATCH", "/sales/contacts/{contact}", body={"emails": ["a@@b.example"]},
        field="emails[0]"),
    # Lookalikes of the seeded contact's seed@acme.example are the same address: taken.
    Bad("contact-email-zero-width-duplicate", "POST", "/sales/contacts",
        body={**CONTACT, "emails": ["seed\u200b@acme.example"]}, status=409, code="DUPLICATE_CONTACT", field="emails"),
    Bad("contact-email-soft-hyphen-duplicate", "POST", "/sales/contacts",
        body={**CONTACT, "emails": ["se\u00aded@acme.example"]}, status=409, code="DUPLICATE_CONTACT", field="emails"),
    Bad("contact-email-rtl-mark-duplicate", "POST", "/sales/contacts",
        body={**CONTACT, "emails": ["\u200fseed@acme.example"]}, status=409, code="DUPLICATE_CONTACT", field="emails"),
    Bad("contact-email-trailing-dot-duplicate", "POST", "/sales/contacts",
        body={**CONTACT, "emails": ["SEED@acme.example."]}, status=409, code="DUPLICATE_CONTACT", field="emails"),
    Bad("contact-phone-invalid", "POST", "/sales/contacts", body={**CONTACT, "phones": ["call me maybe"]},
        field="phones[0]"),
    # -- contact graph: hierarchy links ----------------------------------------------------------------------
    Bad("contact-parent-self", "PATCH", "/sales/contacts/{contact}", body={"parent_id": "{contact}"},
        field="parent_id"),
    Bad("contact-parent-is-a-person", "PATCH", "/sales/contacts/{contact}", body={"parent_id": "{person}"},
        status=422, code="INVALID_REFERENCE", field="parent_id"),
    Bad("contact-parent-unknown", "PATCH", "/sales/contacts/{contact}", body={"parent_id": UUID}, status=422,
        code="INVALID_REFERENCE", field="parent_id"),
    Bad("contact-parent-deleted", "PATCH", "/sales/contacts/{subsidiary}", body={"parent_id": "{deleted_contact}"},
        status=422, code="INVALID_REFERENCE", field="parent_id"),
    Bad("contact-parent-cycle", "PATCH", "/sales/contacts/{contact}", body={"parent_id": "{subsidiary}"},
        status=409, code="CYCLE", field="parent_id"),
    Bad("contact-parent-not-uuid", "PATCH", "/sales/contacts/{contact}", body={"parent_id": "acme"},
        field="parent_id"),
    Bad("contact-parent-number", "PATCH", "/sales/contacts/{contact}", body={"parent_id": 123}, field="parent_id"),
    Bad("contact-person-with-parent", "POST", "/sales/contacts", body={**CONTACT, "parent_id": "{contact}"},
        field="parent_id"),
    Bad("contact-organization-with-employer", "POST", "/sales/contacts",
        body={"kind": "organization", "display_name": "Org", "employer_id": "{contact}"}, field="employer_id"),
    Bad("contact-organization-with-manager", "POST", "/sales/contacts",
        body={"kind": "organization", "display_name": "Org", "manager_id": "{person}"}, field="manager_id"),
    Bad("contact-employer-is-a-person", "POST", "/sales/contacts", body={**CONTACT, "employer_id": "{person}"},
        status=422, code="INVALID_REFERENCE", field="employer_id"),
    Bad("contact-manager-is-an-organization", "POST", "/sales/contacts", body={**CONTACT, "manager_id": "{contact}"},
        status=422, code="INVALID_REFERENCE", field="manager_id"),
    Bad("contact-manager-self", "PATCH", "/sales/contacts/{person}", body={"manager_id": "{person}"},
        field="manager_id"),
    Bad("contact-employer-unknown", "POST", "/sales/contacts", body={**CONTACT, "employer_id": UUID}, status=422,
        code="INVALID_REFERENCE", field="employer_id"),
    # -- contact graph: phones, countries, websites, addresses ------------------------------------------------
    Bad("contact-phone-too-short", "POST", "/sales/contacts", body={**CONTACT, "phones": ["12"]}, field="phones[0]"),
    Bad("contact-phone-national-without-region", "POST", "/sales/contacts", body={**CONTACT, "phones": ["030 1234567"]},
        field="phones[0]"),
    Bad("contact-phone-unknown-country-code", "POST", "/sales/contacts",
        body={**CONTACT, "phones": ["+999 123456789"]}, field="phones[0]"),
    Bad("contact-phone-letters", "POST", "/sales/contacts", body={**CONTACT, "phones": ["+49 abc defg"]},
        field="phones[0]"),
    Bad("contact-phone-too-long", "POST", "/sales/contacts", body={**CONTACT, "phones": ["+" + "1" * 45]},
        field="phones[0]"),
    Bad("contact-phone-second-invalid", "POST", "/sales/contacts",
        body={**CONTACT, "phones": ["+49 30 1234567", "+1"]}, field="phones[1]"),
    Bad("contact-phone-region-unknown", "POST", "/sales/contacts",
        body={**CONTACT, "phones": ["030 1234567"], "default_region": "ZZ"}, field="default_region"),
    Bad("contact-patch-phone-invalid", "PATCH", "/sales/contacts/{contact}", body={"phones": ["+1"]},
        field="phones[0]"),
    Bad("contact-country-unknown", "POST", "/sales/contacts", body={**CONTACT, "country": "XX"}, field="country"),
    Bad("contact-country-alpha3", "POST", "/sales/contacts", body={**CONTACT, "country": "DEU"}, field="country"),
    Bad("contact-country-number", "POST", "/sales/contacts", body={**CONTACT, "country": 276}, field="country"),
    Bad("contact-website-ftp", "POST", "/sales/contacts", body={**CONTACT, "website": "ftp://acme.example"},
        field="website"),
    Bad("contact-website-credentials", "POST", "/sales/contacts",
        body={**CONTACT, "website": "https://user:secret@acme.example"}, field="website"),
    Bad("contact-website-no-domain", "POST", "/sales/contacts", body={**CONTACT, "website": "http://intranet"},
        field="website"),
    Bad("contact-website-space", "PATCH", "/sales/contacts/{contact}", body={"website": "https://acme .example"},
        field="website"),
    Bad("contact-address-not-an-object", "POST", "/sales/contacts", body={**CONTACT, "address": "Main St 1"},
        field="address"),
    Bad("contact-address-unknown-key", "POST", "/sales/contacts", body={**CONTACT, "address": {"street": "Main"}}),
    Bad("contact-address-country-unknown", "POST", "/sales/contacts",
        body={**CONTACT, "address": {"country": "Atlantis"}}, field="address"),
    Bad("contact-address-line-too-long", "PATCH", "/sales/contacts/{contact}", body={"address": {"line1": "x" * 201}}),
    # -- ids in paths -----------------------------------------------------------------------------------------
    Bad("deal-delete-id-not-uuid", "DELETE", "/sales/deals/42", field="deal_id"),
    Bad("deal-restore-unknown", "POST", f"/sales/deals/{UUID}/restore", body={}, status=404, code="DEAL_NOT_FOUND"),
    Bad("deal-history-id-sql", "GET", "/sales/deals/1' OR '1'='1/history", field="deal_id"),
    Bad("contact-get-id-not-uuid", "GET", "/sales/contacts/acme", field="contact_id"),
    Bad("contact-get-unknown", "GET", f"/sales/contacts/{UUID}", status=404, code="CONTACT_NOT_FOUND"),
    Bad("contact-delete-id-not-uuid", "DELETE", "/sales/contacts/..%2F..%2Fetc", field="contact_id"),
    Bad("contact-restore-unknown", "POST", f"/sales/contacts/{UUID}/restore", body={}, status=404,
        code="CONTACT_NOT_FOUND"),
    # -- relationships ----------------------------------------------------------------------------------------
    Bad("relationship-to-itself", "POST", "/sales/contacts/{contact}/relationships",
        body={"to_id": "{contact}", "type": "partner_of"}, field="to_id"),
    Bad("relationship-other-without-label", "POST", "/sales/contacts/{contact}/relationships",
        body={"to_id": "{person}", "type": "other"}, field="label"),
    Bad("relationship-other-blank-label", "POST", "/sales/contacts/{contact}/relationships",
        body={"to_id": "{person}", "type": "other", "label": "   "}, field="label"),
    Bad("relationship-label-too-long", "POST", "/sales/contacts/{contact}/relationships",
        body={"to_id": "{person}", "type": "other", "label": "x" * 201}, field="label"),
    Bad("relationship-type-unknown", "POST", "/sales/contacts/{contact}/relationships",
        body={"to_id": "{person}", "type": "enemy_of"}, field="type"),
    Bad("relationship-to-missing", "POST", "/sales/contacts/{contact}/relationships", body={"type": "colleague"},
        field="to_id"),
    Bad("relationship-to-not-uuid", "POST", "/sales/contacts/{contact}/relationships",
        body={"to_id": "person", "type": "colleague"}, field="to_id"),
    Bad("relationship-to-unknown", "POST", "/sales/contacts/{contact}/relationships",
        body={"to_id": UUID, "type": "colleague"}, status=422, code="INVALID_REFERENCE", field="to_id"),
    Bad("relationship-to-deleted", "POST", "/sales/contacts/{contact}/relationships",
        body={"to_id": "{deleted_contact}", "type": "colleague"}, status=422, code="INVALID_REFERENCE",
        field="to_id"),
    Bad("relationship-from-deleted", "POST", "/sales/contacts/{deleted_contact}/relationships",
        body={"to_id": "{contact}", "type": "colleague"}, status=404, code="CONTACT_NOT_FOUND"),
    Bad("relationship-duplicate", "POST", "/sales/contacts/{person}/relationships",
        body={"to_id": "{contact}", "type": "decision_maker_for"}, status=409, code="DUPLICATE_RELATIONSHIP"),
    Bad("relationship-from-in-body", "POST", "/sales/contacts/{contact}/relationships",
        body={"to_id": "{person}", "type": "colleague", "from_id": "{subsidiary}"}),
    Bad("relationship-list-id-not-uuid", "GET", "/sales/contacts/x/relationships", field="contact_id"),
    Bad("relationship-list-deleted-contact", "GET", "/sales/contacts/{deleted_contact}/relationships", status=404,
        code="CONTACT_NOT_FOUND"),
    Bad("relationship-list-forged-cursor", "GET", "/sales/contacts/{contact}/relationships",
        query={"cursor": "MDE5YjcyYjctMzM5Yy03M2NhLTg1MGMtODQ1OTkxM2YyY2Rl"}, field="cursor"),
    Bad("relationship-list-page-size-zero", "GET", "/sales/contacts/{contact}/relationships",
        query={"page_size": "0"}, field="page_size"),
    Bad("relationship-delete-id-not-uuid", "DELETE", "/sales/contacts/{contact}/relationships/1",
        field="relationship_id"),
    Bad("relationship-delete-unknown", "DELETE", f"/sales/contacts/{{contact}}/relationships/{UUID}", status=404,
        code="RELATIONSHIP_NOT_FOUND"),
    Bad("relationship-delete-of-another-contact", "DELETE", "/sales/contacts/{subsidiary}/relationships/{relationship}",
        status=404, code="RELATIONSHIP_NOT_FOUND"),
    # -- conversion -------------------------------------------------------------------------------------------
    Bad("convert-target-unknown", "POST", "/sales/contacts/{contact}/convert", body={"target": "customer"},
        field="target"),
    Bad("convert-target-missing", "POST", "/sales/contacts/{contact}/convert", body={}, field="target"),
    Bad("convert-target-list", "POST", "/sales/contacts/{contact}/convert", body={"target": ["tenant"]},
        field="target"),
    Bad("convert-bridge-in-body", "POST", "/sales/contacts/{contact}/convert",
        body={"target": "tenant", "bridge": {"kind": "tenant", "id": "mine"}}),
    Bad("convert-deleted-contact", "POST", "/sales/contacts/{deleted_contact}/convert", body={"target": "tenant"},
        status=404, code="CONTACT_NOT_FOUND"),
    Bad("convert-twice", "POST", "/sales/contacts/{subsidiary}/convert", body={"target": "tenant"}, status=409,
        code="CONVERSION_ALREADY_REQUESTED"),
    # -- merge ------------------------------------------------------------------------------------------------
    Bad("merge-into-itself", "POST", "/sales/contacts/{contact}/merge", body={"duplicate_id": "{contact}"},
        field="duplicate_id"),
    Bad("merge-duplicate-missing", "POST", "/sales/contacts/{contact}/merge", body={}, field="duplicate_id"),
    Bad("merge-duplicate-null", "POST", "/sales/contacts/{contact}/merge", body={"duplicate_id": None},
        field="duplicate_id"),
    Bad("merge-duplicate-not-uuid", "POST", "/sales/contacts/{contact}/merge", body={"duplicate_id": "acme"},
        field="duplicate_id"),
    Bad("merge-duplicate-list", "POST", "/sales/contacts/{contact}/merge", body={"duplicate_id": ["{subsidiary}"]},
        field="duplicate_id"),
    Bad("merge-duplicate-odd-unicode", "POST", "/sales/contacts/{contact}/merge",
        body={"duplicate_id": "\u202e{subsidiary}"}, field="duplicate_id"),
    Bad("merge-unknown-duplicate", "POST", "/sales/contacts/{contact}/merge", body={"duplicate_id": UUID},
        status=422, code="INVALID_REFERENCE", field="duplicate_id"),
    Bad("merge-deleted-duplicate", "POST", "/sales/contacts/{contact}/merge",
        body={"duplicate_id": "{deleted_contact}"}, status=422, code="INVALID_REFERENCE", field="duplicate_id"),
    Bad("merge-person-into-organization", "POST", "/sales/contacts/{contact}/merge",
        body={"duplicate_id": "{person}"}, status=409, code="KIND_MISMATCH"),
    Bad("merge-into-a-deleted-contact", "POST", "/sales/contacts/{deleted_contact}/merge",
        body={"duplicate_id": "{person}"}, status=404, code="CONTACT_NOT_FOUND"),
    Bad("merge-into-an-unknown-contact", "POST", f"/sales/contacts/{UUID}/merge",
        body={"duplicate_id": "{contact}"}, status=404, code="CONTACT_NOT_FOUND"),
    Bad("merge-id-not-uuid", "POST", "/sales/contacts/me/merge", body={"duplicate_id": "{contact}"},
        field="contact_id"),
    Bad("merge-merged-into-in-body", "POST", "/sales/contacts/{contact}/merge",
        body={"duplicate_id": "{subsidiary}", "merged_into": "{contact}"}),
    Bad("merge-not-an-object", "POST", "/sales/contacts/{contact}/merge", raw='["{subsidiary}"]',
        code="MALFORMED_JSON"),
    # -- partner profiles -------------------------------------------------------------------------------------
    Bad("partner-create-contact-missing", "POST", "/sales/partners", body={"subtype": "reseller"}, field="contact_id"),
    Bad("partner-create-contact-not-uuid", "POST", "/sales/partners",
        body={"contact_id": "acme", "subtype": "reseller"}, field="contact_id"),
    Bad("partner-create-subtype-unknown", "POST", "/sales/partners",
        body={"contact_id": "{subsidiary}", "subtype": "wholesaler"}, field="subtype"),
    Bad("partner-create-tier-unknown", "POST", "/sales/partners",
        body={"contact_id": "{subsidiary}", "subtype": "reseller", "tier": "diamond"}, field="tier"),
    Bad("partner-create-distributor-with-tier", "POST", "/sales/partners",
        body={"contact_id": "{subsidiary}", "subtype": "distributor", "tier": "gold"}, field="tier"),
    Bad("partner-create-unknown-contact", "POST", "/sales/partners", body={"contact_id": UUID, "subtype": "reseller"},
        status=422, code="CONTACT_NOT_FOUND", field="contact_id"),
    Bad("partner-create-deleted-contact", "POST", "/sales/partners",
        body={"contact_id": "{deleted_contact}", "subtype": "reseller"}, status=422, code="CONTACT_NOT_FOUND"),
    Bad("partner-create-a-person", "POST", "/sales/partners", body={"contact_id": "{person}", "subtype": "reseller"},
        status=422, code="INVALID_REFERENCE", field="contact_id"),
    Bad("partner-create-second-profile", "POST", "/sales/partners",
        body=lambda seeded: {"contact_id": seeded["partner"]["contact_id"], "subtype": "distributor"},
        status=409, code="PARTNER_EXISTS", field="partner_id"),
    Bad("partner-create-spoofed-id", "POST", "/sales/partners",
        body={"contact_id": "{subsidiary}", "subtype": "reseller", "partner_id": "{partner}"}, field="partner_id"),
    Bad("partner-create-spoofed-status", "POST", "/sales/partners",
        body={"contact_id": "{subsidiary}", "subtype": "reseller", "status": "active"}, field="status"),
    Bad("partner-create-by-a-partner", "POST", "/sales/partners",
        body={"contact_id": "{subsidiary}", "subtype": "reseller", "tier": "platinum"}, status=403, code="FORBIDDEN",
        as_partner="{partner}"),
    Bad("partner-get-not-uuid", "GET", "/sales/partners/acme", field="partner_id"),
    Bad("partner-get-unknown", "GET", f"/sales/partners/{UUID}", status=404, code="PARTNER_NOT_FOUND"),
    Bad("partner-get-foreign-profile", "GET", "/sales/partners/{distributor}", status=404, code="PARTNER_NOT_FOUND",
        as_partner="{partner}"),
    Bad("partner-list-tier-unknown", "GET", "/sales/partners", query={"tier": "diamond"}, field="tier"),
    Bad("partner-list-status-unknown", "GET", "/sales/partners", query={"status": "deleted"}, field="status"),
    Bad("partner-list-page-size-zero", "GET", "/sales/partners", query={"page_size": "0"}, field="page_size"),
    Bad("partner-list-by-a-partner", "GET", "/sales/partners", status=403, code="FORBIDDEN", as_partner="{partner}"),
    Bad("partner-tier-reason-missing", "PUT", "/sales/partners/{partner}/tier", body={"tier": "platinum"},
        field="reason"),
    Bad("partner-tier-reason-blank", "PUT", "/sales/partners/{partner}/tier", body={"tier": "platinum", "reason": "  "},
        field="reason"),
    Bad("partner-tier-reason-too-long", "PUT", "/sales/partners/{partner}/tier",
        body={"tier": "platinum", "reason": "r" * 501}, field="reason"),
    Bad("partner-tier-unknown", "PUT", "/sales/partners/{partner}/tier", body={"tier": "diamond", "reason": "Why"},
        field="tier"),
    Bad("partner-tier-null", "PUT", "/sales/partners/{partner}/tier", body={"tier": None, "reason": "Why"},
        field="tier"),
    Bad("partner-tier-escalation-by-the-partner", "PUT", "/sales/partners/{partner}/tier",
        body={"tier": "platinum", "reason": "I deserve it"}, status=403, code="FORBIDDEN", as_partner="{partner}"),
    Bad("partner-tier-of-a-distributor", "PUT", "/sales/partners/{distributor}/tier",
        body={"tier": "gold", "reason": "Why"}, status=409, code="INVALID_TRANSITION", field="subtype"),
    Bad("partner-tier-unknown-partner", "PUT", f"/sales/partners/{UUID}/tier", body={"tier": "gold", "reason": "Why"},
        status=404, code="PARTNER_NOT_FOUND"),
    Bad("partner-tier-history-unknown", "GET", f"/sales/partners/{UUID}/tier-history", status=404,
        code="PARTNER_NOT_FOUND"),
    Bad("partner-tier-history-foreign", "GET", "/sales/partners/{partner}/tier-history", status=404,
        code="PARTNER_NOT_FOUND", as_partner="{distributor}"),
    Bad("partner-suspend-suspended", "POST", "/sales/partners/{suspended_partner}/suspend", body={}, status=409,
        code="INVALID_TRANSITION", field="status"),
    Bad("partner-suspend-by-itself", "POST", "/sales/partners/{partner}/suspend", body={}, status=403,
        code="FORBIDDEN", as_partner="{partner}"),
    Bad("partner-reinstate-active", "POST", "/sales/partners/{partner}/reinstate", body={}, status=409,
        code="INVALID_TRANSITION", field="status"),
    Bad("partner-reinstate-itself", "POST", "/sales/partners/{suspended_partner}/reinstate", body={}, status=403,
        code="FORBIDDEN", as_partner="{suspended_partner}"),
    Bad("partner-convert-a-distributor", "POST", "/sales/partners/{distributor}/convert-to-distributor", body={},
        status=409, code="INVALID_TRANSITION", field="subtype"),
    Bad("partner-convert-unknown", "POST", f"/sales/partners/{UUID}/convert-to-distributor", body={}, status=404,
        code="PARTNER_NOT_FOUND"),
    Bad("partner-convert-extra-field", "POST", "/sales/partners/{partner}/convert-to-distributor",
        body={"tier": None}, field="tier"),
    # -- distribution agreements -----------------------------------------------------------------------------
    Bad("agreement-territory-empty", "POST", "/sales/distribution-agreements", body=agreement(territory=[]),
        field="territory"),
    Bad("agreement-territory-unknown-code", "POST", "/sales/distribution-agreements",
        body=agreement(territory=["DE", "ZZ"]), field="territory[1]"),
    Bad("agreement-territory-alpha3", "POST", "/sales/distribution-agreements", body=agreement(territory=["DEU"]),
        field="territory[0]"),
    Bad("agreement-territory-not-a-list", "POST", "/sales/distribution-agreements", body=agreement(territory="DE"),
        field="territory"),
    Bad("agreement-ends-before-it-starts", "POST", "/sales/distribution-agreements",
        body=agreement(starts_on="2026-06-01", ends_on="2026-05-31"), field="ends_on"),
    Bad("agreement-starts-on-not-a-date", "POST", "/sales/distribution-agreements",
        body=agreement(starts_on="next week"), field="starts_on"),
    Bad("agreement-with-itself", "POST", "/sales/distribution-agreements",
        body=agreement(distributor_id="{partner}"), field="distributor_id"),
    Bad("agreement-swapped-subtypes", "POST", "/sales/distribution-agreements",
        body=agreement(reseller_id="{distributor}", distributor_id="{partner}"), status=422,
        code="INVALID_REFERENCE"),
    Bad("agreement-two-distributors", "POST", "/sales/distribution-agreements",
        body=agreement(reseller_id="{other_distributor}"), status=422, code="INVALID_REFERENCE", field="reseller_id"),
    Bad("agreement-unknown-party", "POST", "/sales/distribution-agreements", body=agreement(distributor_id=UUID),
        status=422, code="INVALID_REFERENCE", field="distributor_id"),
    Bad("agreement-spoofed-status", "POST", "/sales/distribution-agreements", body=agreement(status="active"),
        field="status"),
    Bad("agreement-by-a-partner", "POST", "/sales/distribution-agreements", body=agreement(), status=403,
        code="FORBIDDEN", as_partner="{partner}"),
    Bad("agreement-get-unknown", "GET", f"/sales/distribution-agreements/{UUID}", status=404,
        code="AGREEMENT_NOT_FOUND"),
    Bad("agreement-get-by-a-stranger", "GET", "/sales/distribution-agreements/{active_agreement}", status=404,
        code="AGREEMENT_NOT_FOUND", as_partner="{other_distributor}"),
    Bad("agreement-list-of-another-partner", "GET", "/sales/partners/{distributor}/agreements", status=404,
        code="PARTNER_NOT_FOUND", as_partner="{partner}"),
    Bad("agreement-list-unknown-partner", "GET", f"/sales/partners/{UUID}/agreements", status=404,
        code="PARTNER_NOT_FOUND"),
    Bad("agreement-activate-overlapping", "POST", "/sales/distribution-agreements/{overlapping_agreement}/activate",
        body={}, status=409, code="AGREEMENT_OVERLAP", field="agreement_id"),
    Bad("agreement-activate-active", "POST", "/sales/distribution-agreements/{active_agreement}/activate", body={},
        status=409, code="INVALID_TRANSITION", field="status"),
    Bad("agreement-activate-by-a-party", "POST", "/sales/distribution-agreements/{agreement}/activate", body={},
        status=403, code="FORBIDDEN", as_partner="{partner}"),
    Bad("agreement-terminate-unknown", "POST", f"/sales/distribution-agreements/{UUID}/terminate", body={},
        status=404, code="AGREEMENT_NOT_FOUND"),
    # -- deal registration and routing ------------------------------------------------------------------------
    Bad("register-route-unknown", "POST", "/sales/partners/{partner}/deals", body=registered(route="reseller"),
        field="route"),
    Bad("register-distributor-missing", "POST", "/sales/partners/{partner}/deals",
        body=registered(route="distributor"), field="distributor_id"),
    Bad("register-direct-with-distributor", "POST", "/sales/partners/{partner}/deals",
        body=registered(distributor_id="{distributor}"), field="distributor_id"),
    Bad("register-no-customer", "POST", "/sales/partners/{partner}/deals",
        body={k: v for k, v in registered().items() if k != "customer_id"}, field="customer_id"),
    Bad("register-both-customers", "POST", "/sales/partners/{partner}/deals",
        body=registered(customer={"kind": "organization", "display_name": "Twice"}), field="customer_id"),
    Bad("register-new-customer-bad-email", "POST", "/sales/partners/{partner}/deals",
        body={**{k: v for k, v in registered().items() if k != "customer_id"},
              "customer": {"kind": "person", "display_name": "Ada", "emails": ["not an email"]}}, field="emails[0]"),
    Bad("register-new-customer-bad-country", "POST", "/sales/partners/{partner}/deals",
        body={**{k: v for k, v in registered().items() if k != "customer_id"},
              "customer": {"kind": "organization", "display_name": "Acme", "country": "XX"}}, field="country"),
    Bad("register-unknown-customer", "POST", "/sales/partners/{partner}/deals", body=registered(customer_id=UUID),
        status=422, code="CUSTOMER_NOT_FOUND"),
    Bad("register-as-a-distributor", "POST", "/sales/partners/{distributor}/deals", body=registered(), status=409,
        code="NOT_A_RESELLER", field="subtype"),
    Bad("register-suspended", "POST", "/sales/partners/{suspended_partner}/deals", body=registered(), status=409,
        code="PARTNER_NOT_ACTIVE"),
    Bad("register-without-agreement", "POST", "/sales/partners/{partner}/deals",
        body=registered(route="distributor", distributor_id="{other_distributor}"), status=409,
        code="NO_ACTIVE_AGREEMENT", field="distributor_id"),
    Bad("register-through-a-reseller", "POST", "/sales/partners/{partner}/deals",
        body=registered(route="distributor", distributor_id="{suspended_partner}"), status=422,
        code="INVALID_REFERENCE", field="distributor_id"),
    Bad("register-through-itself", "POST", "/sales/partners/{partner}/deals",
        body=registered(route="distributor", distributor_id="{partner}"), field="distributor_id"),
    Bad("register-spoofed-reseller-in-body", "POST", "/sales/partners/{partner}/deals",
        body=registered(reseller_id="{suspended_partner}"), field="reseller_id"),
    Bad("register-spoofed-channel", "POST", "/sales/partners/{partner}/deals",
        body=registered(channel={"direct_exception": "granted"}), field="channel"),
    Bad("register-for-another-reseller", "POST", "/sales/partners/{suspended_partner}/deals", body=registered(),
        status=404, code="PARTNER_NOT_FOUND", as_partner="{partner}"),
    Bad("register-by-a-sales-rep", "POST", "/sales/partners/{partner}/deals", body=registered(), status=403,
        code="FORBIDDEN", as_user="sales"),
    Bad("direct-exception-requested", "POST", "/sales/deals/{direct_deal}/direct-exception",
        body={"decision": "requested"}, field="decision"),
    Bad("direct-exception-unknown-decision", "POST", "/sales/deals/{direct_deal}/direct-exception",
        body={"decision": "maybe"}, field="decision"),
    Bad("direct-exception-not-a-partner-deal", "POST", "/sales/deals/{deal}/direct-exception",
        body={"decision": "granted"}, status=409, code="INVALID_TRANSITION", field="channel"),
    Bad("direct-exception-by-the-reseller", "POST", "/sales/deals/{direct_deal}/direct-exception",
        body={"decision": "granted"}, status=403, code="FORBIDDEN", as_partner="{partner}"),
    Bad("reallocate-reason-missing", "PUT", "/sales/deals/{direct_deal}/distributor",
        body={"distributor_id": "{distributor}"}, field="reason"),
    Bad("reallocate-to-a-reseller", "PUT", "/sales/deals/{direct_deal}/distributor",
        body={"distributor_id": "{suspended_partner}", "reason": "Why"}, status=422, code="INVALID_REFERENCE"),
    Bad("reallocate-not-a-partner-deal", "PUT", "/sales/deals/{deal}/distributor",
        body={"distributor_id": "{distributor}", "reason": "Why"}, status=409, code="INVALID_TRANSITION"),
    Bad("reallocate-by-a-partner", "PUT", "/sales/deals/{direct_deal}/distributor",
        body={"distributor_id": "{distributor}", "reason": "Mine now"}, status=403, code="FORBIDDEN",
        as_partner="{distributor}"),
    Bad("partner-deals-of-another", "GET", "/sales/partners/{distributor}/deals", status=404, code="PARTNER_NOT_FOUND",
        as_partner="{partner}"),
    Bad("partner-deals-page-size", "GET", "/sales/partners/{partner}/deals", query={"page_size": "0"},
        field="page_size"),
    Bad("win-direct-without-exception", "POST", "/sales/deals/{direct_deal}/win", body={}, status=409,
        code="CHANNEL_NOT_CLEARED"),
    Bad("lead-share-partner-missing", "POST", "/sales/leads/{lead}/share", body={}, field="partner_id"),
    Bad("lead-share-partner-not-uuid", "POST", "/sales/leads/{lead}/share", body={"partner_id": "gold"},
        field="partner_id"),
    Bad("lead-share-unknown-partner", "POST", "/sales/leads/{lead}/share", body={"partner_id": UUID}, status=422,
        code="INVALID_REFERENCE", field="partner_id"),
    Bad("lead-share-with-a-distributor", "POST", "/sales/leads/{lead}/share", body={"partner_id": "{distributor}"},
        status=409, code="TIER_NOT_ELIGIBLE", field="partner_id"),
    Bad("lead-share-with-a-suspended-reseller", "POST", "/sales/leads/{lead}/share",
        body={"partner_id": "{suspended_partner}"}, status=409, code="TIER_NOT_ELIGIBLE"),
    Bad("lead-share-with-an-authorized-reseller", "POST", "/sales/leads/{lead}/share",
        body={"partner_id": "{authorized_partner}"}, status=409, code="TIER_NOT_ELIGIBLE"),
    Bad("lead-share-by-a-partner", "POST", "/sales/leads/{lead}/share", body={"partner_id": "{partner}"}, status=403,
        code="FORBIDDEN", as_partner="{partner}"),
    Bad("lead-get-unshared-as-a-partner", "GET", "/sales/leads/{lead}", status=404, code="LEAD_NOT_FOUND",
        as_partner="{partner}"),
    # -- quotes ---------------------------------------------------------------------------------------------
    Bad("quote-create-deal-not-uuid", "POST", "/sales/deals/acme/quotes", body={}, field="deal_id"),
    Bad("quote-create-unknown-deal", "POST", f"/sales/deals/{UUID}/quotes", body={}, status=404, code="DEAL_NOT_FOUND"),
    Bad("quote-create-deleted-deal", "POST", "/sales/deals/{deleted_deal}/quotes", body={}, status=404,
        code="DEAL_NOT_FOUND"),
    Bad("quote-create-valid-until-past", "POST", "/sales/deals/{deal}/quotes", body={"valid_until": "2020-01-01"},
        field="valid_until"),
    Bad("quote-create-valid-until-beyond-a-year", "POST", "/sales/deals/{deal}/quotes",
        body={"valid_until": "2099-12-31"}, field="valid_until"),
    Bad("quote-create-valid-until-not-a-date", "POST", "/sales/deals/{deal}/quotes", body={"valid_until": "soon"},
        field="valid_until"),
    Bad("quote-create-notes-too-long", "POST", "/sales/deals/{deal}/quotes", body={"notes": "n" * 2001},
        field="notes"),
    Bad("quote-create-spoofed-number", "POST", "/sales/deals/{deal}/quotes", body={"number": "Q-2026-000001"},
        field="number"),
    Bad("quote-create-spoofed-tier", "POST", "/sales/deals/{deal}/quotes", body={"tier": "platinum"}, field="tier"),
    Bad("quote-create-spoofed-discount", "POST", "/sales/deals/{deal}/quotes",
        body={"tier_discount_percent": "50"}, field="tier_discount_percent"),
    Bad("quote-create-by-a-partner", "POST", "/sales/deals/{deal}/quotes", body={}, status=403, code="FORBIDDEN",
        as_partner="{partner}"),
    Bad("quote-get-not-uuid", "GET", "/sales/quotes/Q-2026-000001", field="quote_id"),
    Bad("quote-get-unknown", "GET", f"/sales/quotes/{UUID}", status=404, code="QUOTE_NOT_FOUND"),
    Bad("quote-get-by-a-partner", "GET", "/sales/quotes/{quote}", status=403, code="FORBIDDEN", as_partner="{partner}"),
    Bad("quote-list-unknown-deal", "GET", f"/sales/deals/{UUID}/quotes", status=404, code="DEAL_NOT_FOUND"),
    Bad("quote-list-page-size-too-big", "GET", "/sales/deals/{deal}/quotes", query={"page_size": "101"},
        field="page_size"),
    Bad("quote-send-twice", "POST", "/sales/quotes/{sent_quote}/send", body={}, status=409,
        code="INVALID_TRANSITION", field="status"),
    Bad("quote-send-accepted", "POST", "/sales/quotes/{accepted_quote}/send", body={}, status=409,
        code="INVALID_TRANSITION"),
    Bad("quote-accept-a-draft", "POST", "/sales/quotes/{quote}/accept", body={}, status=409, code="INVALID_TRANSITION",
        field="status"),
    Bad("quote-accept-expired", "POST", "/sales/quotes/{expired_quote}/accept", body={}, status=409,
        code="QUOTE_EXPIRED", field="valid_until"),
    Bad("quote-accept-twice", "POST", "/sales/quotes/{accepted_quote}/accept", body={}, status=409,
        code="INVALID_TRANSITION"),
    Bad("quote-accept-a-second-of-the-deal", "POST", "/sales/quotes/{rival_quote}/accept", body={}, status=409,
        code="QUOTE_ALREADY_ACCEPTED", field="quote_id"),
    Bad("quote-accept-unknown", "POST", f"/sales/quotes/{UUID}/accept", body={}, status=404, code="QUOTE_NOT_FOUND"),
    Bad("quote-accept-spoofed-total", "POST", "/sales/quotes/{sent_quote}/accept", body={"total": 1}, field="total"),
    Bad("quote-reject-a-draft", "POST", "/sales/quotes/{quote}/reject", body={}, status=409, code="INVALID_TRANSITION"),
    Bad("quote-reject-accepted", "POST", "/sales/quotes/{accepted_quote}/reject", body={}, status=409,
        code="INVALID_TRANSITION"),
    Bad("quote-reject-reason-too-long", "POST", "/sales/quotes/{sent_quote}/reject", body={"reason": "r" * 501},
        field="reason"),
    Bad("quote-reject-reason-not-text", "POST", "/sales/quotes/{sent_quote}/reject", body={"reason": 42},
        field="reason"),
    Bad("quote-pdf-unknown", "GET", f"/sales/quotes/{UUID}/pdf", status=404, code="QUOTE_NOT_FOUND"),
    Bad("quote-pdf-not-uuid", "GET", "/sales/quotes/x/pdf", field="quote_id"),
    Bad("quote-pdf-by-a-partner", "GET", "/sales/quotes/{quote}/pdf", status=403, code="FORBIDDEN",
        as_partner="{partner}"),
    # -- campaigns --------------------------------------------------------------------------------------------
    Bad("campaign-name-missing", "POST", "/sales/campaigns", body={"type": "email"}, field="name"),
    Bad("campaign-name-blank", "POST", "/sales/campaigns", body={"name": "   ", "type": "email"}, field="name"),
    Bad("campaign-name-too-long", "POST", "/sales/campaigns", body={"name": "n" * 201, "type": "email"},
        field="name"),
    Bad("campaign-name-control-chars", "POST", "/sales/campaigns", body={"name": "Launch\u0000", "type": "email"},
        field="name"),
    Bad("campaign-type-unknown", "POST", "/sales/campaigns", body={"name": "L", "type": "billboard"}, field="type"),
    Bad("campaign-budget-zero", "POST", "/sales/campaigns",
        body={"name": "L", "type": "email", "budget": {"amount": 0, "currency": "EUR"}}, field="budget.amount"),
    Bad("campaign-budget-negative", "POST", "/sales/campaigns",
        body={"name": "L", "type": "email", "budget": {"amount": -5, "currency": "EUR"}}, field="budget.amount"),
    Bad("campaign-budget-fraction", "POST", "/sales/campaigns",
        body={"name": "L", "type": "email", "budget": {"amount": 10.5, "currency": "EUR"}}, field="budget.amount"),
    Bad("campaign-budget-string", "POST", "/sales/campaigns",
        body={"name": "L", "type": "email", "budget": {"amount": "100", "currency": "EUR"}}, field="budget.amount"),
    Bad("campaign-budget-huge", "POST", "/sales/campaigns",
        body={"name": "L", "type": "email", "budget": {"amount": 10**16, "currency": "EUR"}}, field="budget.amount"),
    Bad("campaign-budget-currency-unknown", "POST", "/sales/campaigns",
        body={"name": "L", "type": "email", "budget": {"amount": 100, "currency": "XXX"}}, field="budget.currency"),
    Bad("campaign-budget-currency-lowercase", "POST", "/sales/campaigns",
        body={"name": "L", "type": "email", "budget": {"amount": 100, "currency": "eur"}}, field="budget.currency"),
    Bad("campaign-budget-without-currency", "POST", "/sales/campaigns",
        body={"name": "L", "type": "email", "budget": {"amount": 100}}, field="budget.currency"),
    Bad("campaign-ends-before-start", "POST", "/sales/campaigns",
        body={"name": "L", "type": "email", "starts_on": "2027-05-02", "ends_on": "2027-05-01"}, field="ends_on"),
    Bad("campaign-starts-on-impossible", "POST", "/sales/campaigns",
        body={"name": "L", "type": "email", "starts_on": "2027-02-30"}, field="starts_on"),
    Bad("campaign-ends-on-far-future", "POST", "/sales/campaigns",
        body={"name": "L", "type": "email", "ends_on": "2101-01-01"}, field="ends_on"),
    Bad("campaign-status-in-body", "POST", "/sales/campaigns", body={"name": "L", "type": "email", "status": "active"}),
    Bad("campaign-owner-not-uuid", "POST", "/sales/campaigns", body={"name": "L", "type": "email", "owner_id": "me"},
        field="owner_id"),
    Bad("campaign-get-id-not-uuid", "GET", "/sales/campaigns/spring", field="campaign_id"),
    Bad("campaign-get-unknown", "GET", f"/sales/campaigns/{UUID}", status=404, code="CAMPAIGN_NOT_FOUND"),
    Bad("campaign-list-status-unknown", "GET", "/sales/campaigns", query={"status": "running"}, field="status"),
    Bad("campaign-list-type-unknown", "GET", "/sales/campaigns", query={"type": "radio"}, field="type"),
    Bad("campaign-list-page-size-huge", "GET", "/sales/campaigns", query={"page_size": "1000"}, field="page_size"),
    Bad("campaign-update-unknown", "PATCH", f"/sales/campaigns/{UUID}", body={"name": "X"}, status=404,
        code="CAMPAIGN_NOT_FOUND"),
    Bad("campaign-update-cancelled", "PATCH", "/sales/campaigns/{cancelled_campaign}", body={"name": "X"},
        status=409, code="INVALID_TRANSITION", field="status"),
    Bad("campaign-update-budget-currency", "PATCH", "/sales/campaigns/{campaign}",
        body={"budget": {"amount": 100, "currency": "EURO"}}, field="budget.currency"),
    Bad("campaign-update-ends-before-start", "PATCH", "/sales/campaigns/{campaign}",
        body={"starts_on": "2027-06-02", "ends_on": "2027-06-01"}, field="ends_on"),
    Bad("campaign-activate-active", "POST", "/sales/campaigns/{campaign}/activate", status=409,
        code="INVALID_TRANSITION", field="status"),
    Bad("campaign-activate-cancelled", "POST", "/sales/campaigns/{cancelled_campaign}/activate", status=409,
        code="INVALID_TRANSITION", field="status"),
    Bad("campaign-activate-unknown", "POST", f"/sales/campaigns/{UUID}/activate", status=404,
        code="CAMPAIGN_NOT_FOUND"),
    Bad("campaign-complete-cancelled", "POST", "/sales/campaigns/{cancelled_campaign}/complete", status=409,
        code="INVALID_TRANSITION", field="status"),
    Bad("campaign-complete-id-not-uuid", "POST", "/sales/campaigns/1/complete", field="campaign_id"),
    Bad("campaign-cancel-cancelled", "POST", "/sales/campaigns/{cancelled_campaign}/cancel", status=409,
        code="INVALID_TRANSITION", field="status"),
    Bad("campaign-cancel-with-body-field", "POST", "/sales/campaigns/{campaign}/cancel", body={"reason": "x"}),
    Bad("campaign-stats-id-not-uuid", "GET", "/sales/campaigns/x/stats", field="campaign_id"),
    Bad("campaign-stats-unknown", "GET", f"/sales/campaigns/{UUID}/stats", status=404, code="CAMPAIGN_NOT_FOUND"),
    # -- leads ------------------------------------------------------------------------------------------------
    Bad("lead-contact-missing", "POST", "/sales/leads", body={"source": "web_form", "title": "T"}, field="contact_id"),
    Bad("lead-contact-not-uuid", "POST", "/sales/leads", body=lead(contact_id="acme"), field="contact_id"),
    Bad("lead-contact-unknown", "POST", "/sales/leads", body=lead(contact_id=UUID), status=422,
        code="INVALID_REFERENCE", field="contact_id"),
    Bad("lead-contact-deleted", "POST", "/sales/leads", body=lead(contact_id="{deleted_contact}"), status=422,
        code="INVALID_REFERENCE", field="contact_id"),
    Bad("lead-source-unknown", "POST", "/sales/leads", body=lead(source="telepathy"), field="source"),
    Bad("lead-source-missing", "POST", "/sales/leads", body={"contact_id": "{contact}", "title": "T"},
        field="source"),
    Bad("lead-campaign-source-without-campaign", "POST", "/sales/leads", body=lead(source="campaign"),
        field="campaign_id"),
    Bad("lead-campaign-cancelled", "POST", "/sales/leads",
        body=lead(source="campaign", campaign_id="{cancelled_campaign}"), status=422, code="CAMPAIGN_NOT_ACTIVE",
        field="campaign_id"),
    Bad("lead-campaign-unknown", "POST", "/sales/leads", body=lead(source="campaign", campaign_id=UUID),
        status=422, code="INVALID_REFERENCE", field="campaign_id"),
    Bad("lead-campaign-not-uuid", "POST", "/sales/leads", body=lead(source="campaign", campaign_id="spring"),
        field="campaign_id"),
    Bad("lead-campaign-of-a-web-form-lead", "POST", "/sales/leads", body=lead(campaign_id="{campaign}"),
        field="campaign_id"),
    Bad("lead-partner-source-without-partner", "POST", "/sales/leads", body=lead(source="partner"),
        field="partner_id"),
    Bad("lead-partner-not-uuid", "POST", "/sales/leads", body=lead(source="partner", partner_id="acme partners"),
        field="partner_id"),
    Bad("lead-title-missing", "POST", "/sales/leads", body={"contact_id": "{contact}", "source": "web_form"},
        field="title"),
    Bad("lead-title-empty", "POST", "/sales/leads", body=lead(title=""), field="title"),
    Bad("lead-title-blank", "POST", "/sales/leads", body=lead(title="   "), field="title"),
    Bad("lead-title-too-long", "POST", "/sales/leads", body=lead(title="x" * 201), field="title"),
    Bad("lead-title-control-chars", "POST", "/sales/leads", body=lead(title="Lead\x00"), field="title"),
    Bad("lead-need-too-long", "POST", "/sales/leads", body=lead(need="x" * 2001), field="need"),
    Bad("lead-owner-not-uuid", "POST", "/sales/leads", body=lead(owner_id="me"), field="owner_id"),
    Bad("lead-value-zero", "POST", "/sales/leads", body=lead(estimated_value={"amount": 0, "currency": "EUR"}),
        field="estimated_value.amount"),
    Bad("lead-value-negative", "POST", "/sales/leads", body=lead(estimated_value={"amount": -5, "currency": "EUR"}),
        field="estimated_value.amount"),
    Bad("lead-value-float", "POST", "/sales/leads", body=lead(estimated_value={"amount": 10.5, "currency": "EUR"}),
        field="estimated_value.amount"),
    Bad("lead-value-string", "POST", "/sales/leads", body=lead(estimated_value={"amount": "100", "currency": "EUR"}),
        field="estimated_value.amount"),
    Bad("lead-value-currency-lowercase", "POST", "/sales/leads",
        body=lead(estimated_value={"amount": 100, "currency": "eur"}), field="estimated_value.currency"),
    Bad("lead-value-currency-unknown", "POST", "/sales/leads",
        body=lead(estimated_value={"amount": 100, "currency": "XXX"}), field="estimated_value.currency"),
    Bad("lead-value-without-currency", "POST", "/sales/leads", body=lead(estimated_value={"amount": 100}),
        field="estimated_value.currency"),
    Bad("lead-value-a-number", "POST", "/sales/leads", body=lead(estimated_value=100), field="estimated_value"),
    Bad("lead-status-in-body", "POST", "/sales/leads", body=lead(status="qualified"), field="status"),
    Bad("lead-opportunity-in-body", "POST", "/sales/leads", body=lead(opportunity_id=UUID), field="opportunity_id"),
    Bad("lead-get-id-not-uuid", "GET", "/sales/leads/hot", field="lead_id"),
    Bad("lead-get-id-injection", "GET", "/sales/leads/' OR '1'='1", field="lead_id"),
    Bad("lead-get-unknown", "GET", f"/sales/leads/{UUID}", status=404, code="LEAD_NOT_FOUND"),
    Bad("lead-list-status-unknown", "GET", "/sales/leads", query={"status": "hot"}, field="status"),
    Bad("lead-list-source-unknown", "GET", "/sales/leads", query={"source": "telepathy"}, field="source"),
    Bad("lead-list-campaign-not-uuid", "GET", "/sales/leads", query={"campaign_id": "spring"}, field="campaign_id"),
    Bad("lead-list-contact-not-uuid", "GET", "/sales/leads", query={"contact_id": "acme"}, field="contact_id"),
    Bad("lead-list-owner-not-uuid", "GET", "/sales/leads", query={"owner_id": "' OR 1=1"}, field="owner_id"),
    Bad("lead-list-page-size-huge", "GET", "/sales/leads", query={"page_size": "1000"}, field="page_size"),
    Bad("lead-list-cursor-garbage", "GET", "/sales/leads", query={"cursor": "!!!not-a-cursor"}, field="cursor"),
    Bad("lead-list-cursor-of-the-deals", "GET", "/sales/leads", field="cursor",
        query={"cursor": signed_position("GSI1", "DEAL", "{deal}")}),
    Bad("lead-of-contact-id-not-uuid", "GET", "/sales/contacts/acme/leads", field="contact_id"),
    Bad("lead-of-a-deleted-contact", "GET", "/sales/contacts/{deleted_contact}/leads", status=404,
        code="CONTACT_NOT_FOUND"),
    Bad("lead-of-an-unknown-contact", "GET", f"/sales/contacts/{UUID}/leads", status=404, code="CONTACT_NOT_FOUND"),
    Bad("lead-update-id-not-uuid", "PATCH", "/sales/leads/1", body={"title": "T"}, field="lead_id"),
    Bad("lead-update-unknown", "PATCH", f"/sales/leads/{UUID}", body={"title": "T"}, status=404,
        code="LEAD_NOT_FOUND"),
    Bad("lead-update-title-blank", "PATCH", "/sales/leads/{lead}", body={"title": "   "}, field="title"),
    Bad("lead-update-title-too-long", "PATCH", "/sales/leads/{lead}", body={"title": "x" * 201}, field="title"),
    Bad("lead-update-value-zero", "PATCH", "/sales/leads/{lead}",
        body={"estimated_value": {"amount": 0, "currency": "EUR"}}, field="estimated_value.amount"),
    Bad("lead-update-status", "PATCH", "/sales/leads/{lead}", body={"status": "qualified"}, field="status"),
    Bad("lead-update-source", "PATCH", "/sales/leads/{lead}", body={"source": "phone"}, field="source"),
    Bad("lead-update-converted", "PATCH", "/sales/leads/{converted_lead}", body={"title": "Renamed"}, status=409,
        code="INVALID_TRANSITION", field="status"),
    Bad("lead-start-working", "POST", "/sales/leads/{lead}/start", status=409, code="INVALID_TRANSITION",
        field="status"),
    Bad("lead-start-unknown", "POST", f"/sales/leads/{UUID}/start", status=404, code="LEAD_NOT_FOUND"),
    Bad("lead-start-id-not-uuid", "POST", "/sales/leads/first/start", field="lead_id"),
    Bad("lead-start-with-body-field", "POST", "/sales/leads/{lead}/start", body={"status": "working"},
        field="status"),
    Bad("lead-qualify-converted", "POST", "/sales/leads/{converted_lead}/qualify", status=409,
        code="INVALID_TRANSITION", field="status"),
    Bad("lead-qualify-unknown", "POST", f"/sales/leads/{UUID}/qualify", status=404, code="LEAD_NOT_FOUND"),
    Bad("lead-disqualify-converted", "POST", "/sales/leads/{converted_lead}/disqualify", body={"reason": "No budget"},
        status=409, code="INVALID_TRANSITION", field="status"),
    Bad("lead-disqualify-without-reason", "POST", "/sales/leads/{lead}/disqualify", body={}, field="reason"),
    Bad("lead-disqualify-reason-empty", "POST", "/sales/leads/{lead}/disqualify", body={"reason": ""},
        field="reason"),
    Bad("lead-disqualify-reason-blank", "POST", "/sales/leads/{lead}/disqualify", body={"reason": "   "},
        field="reason"),
    Bad("lead-disqualify-reason-too-long", "POST", "/sales/leads/{lead}/disqualify", body={"reason": "x" * 201},
        field="reason"),
    Bad("lead-disqualify-reason-number", "POST", "/sales/leads/{lead}/disqualify", body={"reason": 42},
        field="reason"),
    Bad("lead-reopen-working", "POST", "/sales/leads/{lead}/reopen", status=409, code="INVALID_TRANSITION",
        field="status"),
    Bad("lead-reopen-converted", "POST", "/sales/leads/{converted_lead}/reopen", status=409,
        code="INVALID_TRANSITION", field="status"),
    Bad("lead-convert-working", "POST", "/sales/leads/{lead}/convert", status=409, code="INVALID_TRANSITION",
        field="status"),
    Bad("lead-convert-converted", "POST", "/sales/leads/{converted_lead}/convert", status=409,
        code="LEAD_ALREADY_CONVERTED", field="opportunity_id"),
    Bad("lead-convert-unknown", "POST", f"/sales/leads/{UUID}/convert", status=404, code="LEAD_NOT_FOUND"),
    Bad("lead-convert-name-blank", "POST", "/sales/leads/{lead}/convert", body={"opportunity_name": ""},
        field="opportunity_name"),
    Bad("lead-convert-name-too-long", "POST", "/sales/leads/{lead}/convert", body={"opportunity_name": "x" * 201},
        field="opportunity_name"),
    Bad("lead-convert-customer-in-body", "POST", "/sales/leads/{lead}/convert", body={"customer_id": "{person}"},
        field="customer_id"),
    # -- opportunities ----------------------------------------------------------------------------------------
    Bad("opportunity-customer-missing", "POST", "/sales/opportunities", body={"name": "N"}, field="customer_id"),
    Bad("opportunity-customer-not-uuid", "POST", "/sales/opportunities", body={**OPPORTUNITY, "customer_id": "acme"},
        field="customer_id"),
    Bad("opportunity-customer-unknown", "POST", "/sales/opportunities", body={**OPPORTUNITY, "customer_id": UUID},
        status=422, code="INVALID_REFERENCE", field="customer_id"),
    Bad("opportunity-customer-deleted", "POST", "/sales/opportunities",
        body={**OPPORTUNITY, "customer_id": "{deleted_contact}"}, status=422, code="INVALID_REFERENCE",
        field="customer_id"),
    Bad("opportunity-name-missing", "POST", "/sales/opportunities", body={"customer_id": "{contact}"}, field="name"),
    Bad("opportunity-name-empty", "POST", "/sales/opportunities", body={**OPPORTUNITY, "name": ""}, field="name"),
    Bad("opportunity-name-blank", "POST", "/sales/opportunities", body={**OPPORTUNITY, "name": "   "}, field="name"),
    Bad("opportunity-name-too-long", "POST", "/sales/opportunities", body={**OPPORTUNITY, "name": "x" * 201},
        field="name"),
    Bad("opportunity-owner-not-uuid", "POST", "/sales/opportunities", body={**OPPORTUNITY, "owner_id": "me"},
        field="owner_id"),
    Bad("opportunity-status-in-body", "POST", "/sales/opportunities", body={**OPPORTUNITY, "status": "validated"},
        field="status"),
    Bad("opportunity-variants-in-body", "POST", "/sales/opportunities", body={**OPPORTUNITY, "variants": [VARIANT]},
        field="variants"),
    Bad("opportunity-get-id-not-uuid", "GET", "/sales/opportunities/big-one", field="opportunity_id"),
    Bad("opportunity-get-unknown", "GET", f"/sales/opportunities/{UUID}", status=404, code="OPPORTUNITY_NOT_FOUND"),
    Bad("opportunity-list-status-unknown", "GET", "/sales/opportunities", query={"status": "won"}, field="status"),
    Bad("opportunity-list-customer-not-uuid", "GET", "/sales/opportunities", query={"customer_id": "acme"},
        field="customer_id"),
    Bad("opportunity-list-page-size-zero", "GET", "/sales/opportunities", query={"page_size": "0"},
        field="page_size"),
    Bad("opportunity-update-unknown", "PATCH", f"/sales/opportunities/{UUID}", body={"name": "N"}, status=404,
        code="OPPORTUNITY_NOT_FOUND"),
    Bad("opportunity-update-id-not-uuid", "PATCH", "/sales/opportunities/1", body={"name": "N"},
        field="opportunity_id"),
    Bad("opportunity-update-name-blank", "PATCH", "/sales/opportunities/{opportunity}", body={"name": "   "},
        field="name"),
    Bad("opportunity-update-status", "PATCH", "/sales/opportunities/{opportunity}", body={"status": "confirmed"},
        field="status"),
    Bad("variant-quantity-zero", "POST", "/sales/opportunities/{opportunity}/variants", body=line(quantity=0),
        field="lines.0.quantity"),
    Bad("variant-quantity-float", "POST", "/sales/opportunities/{opportunity}/variants", body=line(quantity=1.5),
        field="lines.0.quantity"),
    Bad("variant-quantity-string", "POST", "/sales/opportunities/{opportunity}/variants", body=line(quantity="1"),
        field="lines.0.quantity"),
    Bad("variant-quantity-too-large", "POST", "/sales/opportunities/{opportunity}/variants",
        body=line(quantity=1_000_001), field="lines.0.quantity"),
    Bad("variant-unit-price-negative", "POST", "/sales/opportunities/{opportunity}/variants",
        body=line(unit_price=-1), field="lines.0.unit_price"),
    Bad("variant-unit-price-boolean", "POST", "/sales/opportunities/{opportunity}/variants",
        body=line(unit_price=True), field="lines.0.unit_price"),
    Bad("variant-unit-price-float", "POST", "/sales/opportunities/{opportunity}/variants",
        body=line(unit_price=19.99), field="lines.0.unit_price"),
    Bad("variant-line-gross-too-large", "POST", "/sales/opportunities/{opportunity}/variants",
        body=line(quantity=1_000_000, unit_price=10**15), field="lines[0]"),
    Bad("variant-discount-101", "POST", "/sales/opportunities/{opportunity}/variants",
        body=line(discount_percent=101), field="lines.0.discount_percent"),
    Bad("variant-discount-just-above-100", "POST", "/sales/opportunities/{opportunity}/variants",
        body=line(discount_percent="100.001"), field="lines.0.discount_percent"),
    Bad("variant-discount-three-decimals", "POST", "/sales/opportunities/{opportunity}/variants",
        body=line(discount_percent="12.345"), field="lines.0.discount_percent"),
    Bad("variant-discount-negative", "POST", "/sales/opportunities/{opportunity}/variants",
        body=line(discount_percent=-1), field="lines.0.discount_percent"),
    Bad("variant-discount-nan-string", "POST", "/sales/opportunities/{opportunity}/variants",
        body=line(discount_percent="NaN"), field="lines.0.discount_percent"),
    Bad("variant-discount-infinity-string", "POST", "/sales/opportunities/{opportunity}/variants",
        body=line(discount_percent="Infinity"), field="lines.0.discount_percent"),
    Bad("variant-discount-huge-exponent", "POST", "/sales/opportunities/{opportunity}/variants",
        body=line(discount_percent="1E+999999"), field="lines.0.discount_percent"),
    Bad("variant-discount-words", "POST", "/sales/opportunities/{opportunity}/variants",
        body=line(discount_percent="ten"), field="lines.0.discount_percent"),
    Bad("variant-discount-nan-number", "POST", "/sales/opportunities/{opportunity}/variants", code="MALFORMED_JSON",
        raw='{"name": "V", "currency": "EUR", "lines": [{"description": "D", "quantity": 1, "unit_price": 1, '
            '"discount_percent": NaN}]}'),
    Bad("variant-description-blank", "POST", "/sales/opportunities/{opportunity}/variants",
        body=line(description="   "), field="lines[0].description"),
    Bad("variant-product-code-empty", "POST", "/sales/opportunities/{opportunity}/variants",
        body=line(product_code=""), field="lines.0.product_code"),
    Bad("variant-line-unknown-field", "POST", "/sales/opportunities/{opportunity}/variants",
        body=line(total=1), field="lines.0.total"),
    Bad("variant-no-lines", "POST", "/sales/opportunities/{opportunity}/variants", body=variant(lines=[]),
        field="lines"),
    Bad("variant-101-lines", "POST", "/sales/opportunities/{opportunity}/variants", body=variant(lines=[LINE] * 101),
        field="lines"),
    Bad("variant-lines-not-a-list", "POST", "/sales/opportunities/{opportunity}/variants", body=variant(lines=LINE),
        field="lines"),
    Bad("variant-second-line-bad", "POST", "/sales/opportunities/{opportunity}/variants",
        body=variant(lines=[LINE, {**LINE, "quantity": 0}]), field="lines.1.quantity"),
    Bad("variant-currency-lowercase", "POST", "/sales/opportunities/{opportunity}/variants",
        body=variant(currency="eur"), field="currency"),
    Bad("variant-currency-unknown", "POST", "/sales/opportunities/{opportunity}/variants",
        body=variant(currency="XXX"), field="currency"),
    Bad("variant-name-blank", "POST", "/sales/opportunities/{opportunity}/variants", body=variant(name="   "),
        field="name"),
    Bad("variant-notes-too-long", "POST", "/sales/opportunities/{opportunity}/variants", body=variant(notes="x" * 2001),
        field="notes"),
    Bad("variant-id-in-body", "POST", "/sales/opportunities/{opportunity}/variants", body=variant(id=UUID),
        field="id"),
    Bad("variant-add-to-validated", "POST", "/sales/opportunities/{validated_opportunity}/variants", body=VARIANT,
        status=409, code="INVALID_TRANSITION"),
    Bad("variant-add-to-unknown", "POST", f"/sales/opportunities/{UUID}/variants", body=VARIANT, status=404,
        code="OPPORTUNITY_NOT_FOUND"),
    Bad("variant-add-id-not-uuid", "POST", "/sales/opportunities/x/variants", body=VARIANT, field="opportunity_id"),
    Bad("variant-replace-unknown", "PUT", f"/sales/opportunities/{{opportunity}}/variants/{UUID}", body=VARIANT,
        status=404, code="VARIANT_NOT_FOUND"),
    Bad("variant-replace-id-not-uuid", "PUT", "/sales/opportunities/{opportunity}/variants/standard", body=VARIANT,
        field="variant_id"),
    Bad("variant-replace-quantity-zero", "PUT", "/sales/opportunities/{opportunity}/variants/{variant}",
        body=line(quantity=0), field="lines.0.quantity"),
    Bad("variant-replace-no-lines", "PUT", "/sales/opportunities/{opportunity}/variants/{variant}",
        body=variant(lines=[]), field="lines"),
    Bad("variant-replace-on-validated", "PUT", f"/sales/opportunities/{{validated_opportunity}}/variants/{UUID}",
        body=VARIANT, status=409, code="INVALID_TRANSITION"),
    Bad("variant-remove-unknown", "DELETE", f"/sales/opportunities/{{opportunity}}/variants/{UUID}", status=404,
        code="VARIANT_NOT_FOUND"),
    Bad("variant-remove-id-not-uuid", "DELETE", "/sales/opportunities/{opportunity}/variants/0", field="variant_id"),
    Bad("variant-remove-on-validated", "DELETE", f"/sales/opportunities/{{validated_opportunity}}/variants/{UUID}",
        status=409, code="INVALID_TRANSITION"),
    Bad("opportunity-compare-unknown", "GET", f"/sales/opportunities/{UUID}/compare", status=404,
        code="OPPORTUNITY_NOT_FOUND"),
    Bad("opportunity-compare-id-not-uuid", "GET", "/sales/opportunities/all/compare", field="opportunity_id"),
    Bad("opportunity-validate-unknown-variant", "POST", "/sales/opportunities/{opportunity}/validate",
        body={"variant_id": UUID}, status=404, code="VARIANT_NOT_FOUND"),
    Bad("opportunity-validate-without-variant", "POST", "/sales/opportunities/{opportunity}/validate", body={},
        field="variant_id"),
    Bad("opportunity-validate-variant-not-uuid", "POST", "/sales/opportunities/{opportunity}/validate",
        body={"variant_id": "standard"}, field="variant_id"),
    Bad("opportunity-validate-validated", "POST", "/sales/opportunities/{validated_opportunity}/validate",
        body={"variant_id": "{variant}"}, status=409, code="INVALID_TRANSITION"),
    Bad("opportunity-validate-unknown", "POST", f"/sales/opportunities/{UUID}/validate", body={"variant_id": UUID},
        status=404, code="OPPORTUNITY_NOT_FOUND"),
    Bad("opportunity-confirm-solutioning", "POST", "/sales/opportunities/{opportunity}/confirm",
        body={"expected_close_date": "{future}"}, status=409, code="INVALID_TRANSITION"),
    Bad("opportunity-confirm-without-date", "POST", "/sales/opportunities/{validated_opportunity}/confirm", body={},
        field="expected_close_date"),
    Bad("opportunity-confirm-date-impossible", "POST", "/sales/opportunities/{validated_opportunity}/confirm",
        body={"expected_close_date": "2031-02-30"}, field="expected_close_date"),
    Bad("opportunity-confirm-date-day-first", "POST", "/sales/opportunities/{validated_opportunity}/confirm",
        body={"expected_close_date": "31/12/2031"}, field="expected_close_date"),
    Bad("opportunity-confirm-date-in-the-past", "POST", "/sales/opportunities/{validated_opportunity}/confirm",
        body={"expected_close_date": "2001-01-01"}, field="expected_close_date"),
    Bad("opportunity-confirm-date-after-the-last-business-date", "POST",
        "/sales/opportunities/{validated_opportunity}/confirm", body={"expected_close_date": "2101-01-01"},
        field="expected_close_date"),
    Bad("opportunity-confirm-assignee-not-uuid", "POST", "/sales/opportunities/{validated_opportunity}/confirm",
        body={"expected_close_date": "{future}", "assigned_to": "bob"}, field="assigned_to"),
    Bad("opportunity-confirm-value-in-body", "POST", "/sales/opportunities/{validated_opportunity}/confirm",
        body={"expected_close_date": "{future}", "value": 1}, field="value"),
    Bad("opportunity-confirm-unknown", "POST", f"/sales/opportunities/{UUID}/confirm",
        body={"expected_close_date": "{future}"}, status=404, code="OPPORTUNITY_NOT_FOUND"),
    Bad("opportunity-decline-without-reason", "POST", "/sales/opportunities/{opportunity}/decline", body={},
        field="reason"),
    Bad("opportunity-decline-reason-blank", "POST", "/sales/opportunities/{opportunity}/decline",
        body={"reason": "   "}, field="reason"),
    Bad("opportunity-decline-reason-too-long", "POST", "/sales/opportunities/{opportunity}/decline",
        body={"reason": "x" * 201}, field="reason"),
    Bad("opportunity-decline-reason-control-chars", "POST", "/sales/opportunities/{opportunity}/decline",
        body={"reason": "No\x1b[31m"}, field="reason"),
    Bad("opportunity-decline-unknown", "POST", f"/sales/opportunities/{UUID}/decline", body={"reason": "No"},
        status=404, code="OPPORTUNITY_NOT_FOUND"),
    # -- duplicates -------------------------------------------------------------------------------------------
    Bad("duplicates-id-not-uuid", "GET", "/sales/contacts/me/duplicates", field="contact_id"),
    Bad("duplicates-id-too-long", "GET", "/sales/contacts/" + "0" * 300 + "/duplicates", field="contact_id"),
    Bad("duplicates-of-a-deleted-contact", "GET", "/sales/contacts/{deleted_contact}/duplicates", status=404,
        code="CONTACT_NOT_FOUND"),
    Bad("duplicates-of-an-unknown-contact", "GET", f"/sales/contacts/{UUID}/duplicates", status=404,
        code="CONTACT_NOT_FOUND"),
    # -- network ----------------------------------------------------------------------------------------------
    Bad("network-depth-zero", "GET", "/sales/contacts/{contact}/network", query={"depth": "0"}, field="depth"),
    Bad("network-depth-four", "GET", "/sales/contacts/{contact}/network", query={"depth": "4"}, field="depth"),
    Bad("network-depth-text", "GET", "/sales/contacts/{contact}/network", query={"depth": "deep"}, field="depth"),
    Bad("network-limit-zero", "GET", "/sales/contacts/{contact}/network", query={"limit": "0"}, field="limit"),
    Bad("network-limit-oversized", "GET", "/sales/contacts/{contact}/network", query={"limit": "501"}, field="limit"),
    Bad("network-limit-huge", "GET", "/sales/contacts/{contact}/network", query={"limit": "9" * 40}, field="limit"),
    Bad("network-id-not-uuid", "GET", "/sales/contacts/everyone/network", field="contact_id"),
    Bad("network-of-a-deleted-contact", "GET", "/sales/contacts/{deleted_contact}/network", status=404,
        code="CONTACT_NOT_FOUND"),
    # -- contact list filters ---------------------------------------------------------------------------------
    Bad("contact-list-phone-invalid", "GET", "/sales/contacts", query={"phone": "call me"}, field="phone"),
    Bad("contact-list-phone-region-unknown", "GET", "/sales/contacts",
        query={"phone": "030 1234567", "default_region": "ZZ"}, field="default_region"),
    Bad("contact-list-kind-unknown", "GET", "/sales/contacts", query={"kind": "robot"}, field="kind"),
    Bad("contact-list-lifecycle-unknown", "GET", "/sales/contacts", query={"lifecycle": "zombie"}, field="lifecycle"),
    Bad("contact-list-parent-not-uuid", "GET", "/sales/contacts", query={"parent_id": "acme"}, field="parent_id"),
    Bad("contact-list-employer-not-uuid", "GET", "/sales/contacts", query={"employer_id": "1"}, field="employer_id"),
    Bad("contact-list-owner-not-uuid", "GET", "/sales/contacts", query={"owner_id": "me"}, field="owner_id"),
    Bad("contact-list-tag-too-long", "GET", "/sales/contacts", query={"tag": "t" * 51}, field="tag"),
    Bad("contact-patch-unknown-field", "PATCH", "/sales/contacts/{contact}", body={"nickname": "x"},
        field="nickname"),
    Bad("contact-patch-kind", "PATCH", "/sales/contacts/{contact}", body={"kind": "person"}, field="kind"),
    Bad("contact-lifecycle-unknown", "PATCH", "/sales/contacts/{contact}", body={"lifecycle": "zombie"},
        field="lifecycle"),
    # -- query strings ------------------------------------------------------------------------------------
    Bad("page-size-zero", "GET", "/sales/deals", query={"page_size": "0"}, field="page_size"),
    Bad("page-size-huge", "GET", "/sales/deals", query={"page_size": "1000"}, field="page_size"),
    Bad("page-size-text", "GET", "/sales/deals", query={"page_size": "ten"}, field="page_size"),
    Bad("page-zero", "GET", "/sales/deals", query={"page": "0"}, field="page"),
    Bad("cursor-garbage", "GET", "/sales/deals", query={"cursor": "!!!not-a-cursor"}, field="cursor"),
    Bad("cursor-forged", "GET", "/sales/deals", field="cursor", query={"cursor": base64.urlsafe_b64encode(
        json.dumps({"k": {"PK": {"N": "1"}}, "q": ["GSI1", "DEAL", None]}).encode()).decode()}),
    Bad("cursor-unsigned-missing-sort-key", "GET", "/sales/deals", field="cursor",
        query={"cursor": unsigned("GSI1", "DEAL", "{deal}", drop="SK")}),
    Bad("cursor-unsigned-missing-index-sort-key", "GET", "/sales/contacts/{contact}/deals", field="cursor",
        query={"cursor": unsigned("GSI4", "DEAL#CUSTOMER#{contact}", "open#lead#{deal}", drop="GSI4SK")}),
    Bad("cursor-signed-missing-sort-key", "GET", "/sales/deals", field="cursor",
        query={"cursor": signed_position("GSI1", "DEAL", "{deal}", drop="GSI1SK")}),
    Bad("cursor-signed-one-partition-start-key", "GET", "/sales/deals", field="cursor",
        query={"cursor": signed_position("GSI1", "DEAL", "{deal}", whole_key=True)}),
    Bad("cursor-of-before-the-shards", "GET", "/sales/deals", field="cursor",
        query={"cursor": signed("GSI1", "DEAL", "{deal}")}),
    Bad("cursor-signed-missing-index-sort-key", "GET", "/sales/contacts/{contact}/deals", field="cursor",
        query={"cursor": signed("GSI4", "DEAL#CUSTOMER#{contact}", "open#lead#{deal}", drop="GSI4SK")}),
    Bad("cursor-signed-extra-attribute", "GET", "/sales/deals", field="cursor",
        query={"cursor": signed_position("GSI1", "DEAL", "{deal}", GSI2PK={"S": "DEAL#STATUS#open"})}),
    Bad("cursor-signed-number-value", "GET", "/sales/deals", field="cursor",
        query={"cursor": signed_position("GSI1", "DEAL", "{deal}", GSI1SK={"N": "1"})}),
    Bad("cursor-signed-other-partition", "GET", "/sales/deals", field="cursor",
        query={"cursor": signed_position("GSI1", "DEAL", "{deal}", GSI1PK={"S": "CONTACT"})}),
    Bad("cursor-signed-outside-the-stage", "GET", "/sales/deals", field="cursor", query={
        "stage": "lead",
        "cursor": signed_position("GSI2", "DEAL#STATUS#open", "qualified#{deal}", prefix="lead#")}),
    Bad("cursor-of-another-list", "GET", "/sales/contacts/{contact}/deals", field="cursor",
        query={"cursor": signed_position("GSI1", "DEAL", "{deal}")}),
    Bad("cursor-standard-base64", "GET", "/sales/deals", query={"cursor": "ab+/" * 20}, field="cursor"),
    Bad("status-unknown", "GET", "/sales/deals", query={"status": "pending"}, field="status"),
    Bad("assignee-filter-not-uuid", "GET", "/sales/deals", query={"assigned_to": "' OR 1=1"}, field="assigned_to"),
    Bad("stage-route-unknown", "GET", "/sales/deals/stage/won", field="stage"),
    Bad("forecast-month-13", "GET", "/sales/deals/stats/forecast", query={"from": "2031-13"}, field="from"),
    Bad("forecast-reversed", "GET", "/sales/deals/stats/forecast", query={"from": "2031-05", "to": "2031-01"},
        field="to"),
    Bad("forecast-too-long", "GET", "/sales/deals/stats/forecast", query={"from": "2031-01", "to": "2035-01"},
        field="to"),
    Bad("forecast-decades-long", "GET", "/sales/deals/stats/forecast", query={"from": "2031-01", "to": "2100-12"},
        field="to"),
    Bad("forecast-year-9999", "GET", "/sales/deals/stats/forecast", query={"from": "9999-12", "to": "9999-12"},
        field="from"),
    Bad("forecast-after-the-last-month", "GET", "/sales/deals/stats/forecast",
        query={"from": "2100-12", "to": "2101-01"}, field="to"),
    Bad("contact-search-too-long", "GET", "/sales/contacts", query={"q": "x" * 201}, field="q"),
    Bad("contact-search-email-invalid", "GET", "/sales/contacts", query={"email": "a@@b.example"}, field="email"),
    Bad("contact-search-email-no-domain-dot", "GET", "/sales/contacts", query={"email": "seed@acme"}, field="email"),
    # -- headers ------------------------------------------------------------------------------------------
    Bad("if-match-garbage", "PUT", "/sales/deals/{deal}/stage", body={"stage": "proposal"},
        headers={"If-Match": "yesterday"}, field="If-Match"),
    Bad("idempotency-key-too-long", "POST", "/sales/contacts", body=CONTACT, headers={"Idempotency-Key": "k" * 129},
        field="Idempotency-Key"),
    Bad("idempotency-key-spaces", "POST", "/sales/contacts", body=CONTACT, headers={"Idempotency-Key": "my key"},
        field="Idempotency-Key"),
    Bad("idempotency-key-unicode", "POST", "/sales/contacts", body=CONTACT, headers={"Idempotency-Key": "ключ"},
        field="Idempotency-Key"),
]
# fmt: on


def test_the_table_is_large_and_its_ids_are_unique() -> None:
    assert len(CASES) >= 40
    assert len({case.id for case in CASES}) == len(CASES)


def _route(path: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{[a-z_]+\\\}", "[^/]+", re.escape(path)) + "$")


def test_every_operation_has_hostile_rows() -> None:
    """Each contract's route gets at least one row here: a new operation cannot ship without them. Routes that
    take no input at all (the stats) have nothing a caller could get wrong but the route, which the route test
    below covers."""
    missing = [
        contract.key
        for contract in ALL
        if (contract.input is not None and contract.input.model_fields)
        and not any(
            case.method == contract.http.method and _route(contract.http.path).match(case.path) for case in CASES
        )
    ]
    assert not missing, f"no hostile-input rows for {missing}"


def _filled(value: Any, seeded: dict[str, Any]) -> Any:
    if callable(value):
        return value(seeded)
    if isinstance(value, str):
        return (
            value.replace("{contact}", seeded["contact"]["id"])
            .replace("{person}", seeded["person"]["id"])
            .replace("{subsidiary}", seeded["subsidiary"]["id"])
            .replace("{deleted_contact}", seeded["deleted_contact"]["id"])
            .replace("{relationship}", seeded["relationship"]["id"])
            .replace("{deleted_deal}", seeded["deleted_deal"]["id"])
            .replace("{direct_deal}", seeded["direct_deal"]["id"])
            .replace("{deal}", seeded["deal"]["id"])
            .replace("{cancelled_campaign}", seeded["cancelled_campaign"]["id"])
            .replace("{campaign}", seeded["campaign"]["id"])
            .replace("{converted_lead}", seeded["converted_lead"]["id"])
            .replace("{lead}", seeded["lead"]["id"])
            .replace("{validated_opportunity}", seeded["validated_opportunity"]["id"])
            .replace("{opportunity}", seeded["opportunity"]["id"])
            .replace("{variant}", seeded["variant"]["id"])
            .replace("{overlapping_agreement}", seeded["overlapping_agreement"]["id"])
            .replace("{active_agreement}", seeded["active_agreement"]["id"])
            .replace("{agreement}", seeded["agreement"]["id"])
            .replace("{suspended_partner}", seeded["suspended_partner"]["id"])
            .replace("{authorized_partner}", seeded["authorized_partner"]["id"])
            .replace("{partner}", seeded["partner"]["id"])
            .replace("{other_distributor}", seeded["other_distributor"]["id"])
            .replace("{distributor}", seeded["distributor"]["id"])
            .replace("{sent_quote}", seeded["sent_quote"]["id"])
            .replace("{accepted_quote}", seeded["accepted_quote"]["id"])
            .replace("{rival_quote}", seeded["rival_quote"]["id"])
            .replace("{expired_quote}", seeded["expired_quote"]["id"])
            .replace("{quote}", seeded["quote"]["id"])
            .replace("{future}", seeded["future"])
        )
    if isinstance(value, dict):
        return {key: _filled(inner, seeded) for key, inner in value.items()}
    if isinstance(value, list):
        return [_filled(inner, seeded) for inner in value]
    return value


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_a_bad_request_is_a_4xx_with_a_stable_code_and_writes_nothing(
    shared_api: Api, seeded: dict[str, Any], case: Bad
) -> None:
    path = _filled(case.path, seeded)
    caller = shared_api
    if case.as_partner is not None:
        caller = shared_api.as_user("0192f1c4-7d3e-7a10-8b55-00000000c001", "partner", _filled(case.as_partner, seeded))
    elif case.as_user is not None:
        caller = shared_api.as_user("0192f1c4-7d3e-7a10-8b55-00000000c002", case.as_user)
    before = Snapshot.take()
    reply = caller.call(
        case.method,
        path,
        None if case.body is NOTHING else _filled(case.body, seeded),
        raw_body=_filled(case.raw, seeded) if case.raw is not None else None,
        query=_filled(case.query, seeded),
        headers=case.headers,
    )
    assert_error(reply, case.status, case.code, case.field)
    assert Snapshot.take() == before, "a refused request wrote something"


def test_a_body_that_is_not_base64_when_flagged_so_is_refused(shared_api: Api, seeded: dict[str, Any]) -> None:
    before = Snapshot.take()
    reply = invoke(
        fresh_handler("sales/contact_create"),
        "POST",
        "/sales/contacts",
        resource="/sales/contacts",
        raw_body="%%% not base64 %%%",
        base64=True,
        principal=claims(),
    )
    assert_error(reply, 400, "VALIDATION_ERROR")
    assert Snapshot.take() == before


# -- routes no handler serves -----------------------------------------------------------------------------
UNROUTED = [
    # (function folder, method, path, resource as API Gateway would name it)
    ("sales/deal_get", "GET", "/sales/deals/{id}/unknown", "/sales/deals/{id}/unknown"),
    ("sales/deal_get", "DELETE", "/sales/deals/{id}", "/sales/deals/{id}"),
    ("sales/deal_get", "PATCH", "/sales/deals/{id}", "/sales/deals/{id}"),
    ("sales/deal_create", "PUT", "/sales/deals", "/sales/deals"),
    ("sales/deal_create", "POST", "/sales/deals/bulk", "/sales/deals/bulk"),
    ("sales/deal_list", "GET", "/sales/leads", "/sales/leads"),
    ("sales/contact_list", "DELETE", "/sales/contacts", "/sales/contacts"),
    ("sales/deal_win", "GET", "/sales/deals/{id}/win", "/sales/deals/{id}/win"),
    ("sales/deal_pipeline_stats", "POST", "/sales/deals/stats/pipeline", "/sales/deals/stats/pipeline"),
    ("sales/contact_create", "POST", "/", "/"),
]


@pytest.mark.parametrize(
    ("folder", "method", "path", "resource"), UNROUTED, ids=[f"{f}:{m} {p}" for f, m, p, _r in UNROUTED]
)
def test_a_route_or_method_the_handler_does_not_serve_is_a_404_route_not_found(
    shared_api: Api, seeded: dict[str, Any], folder: str, method: str, path: str, resource: str
) -> None:
    deal_id = seeded["deal"]["id"]
    before = Snapshot.take()
    reply = invoke(
        fresh_handler(folder),
        method,
        path.replace("{id}", deal_id),
        resource=resource,
        path_params={"id": deal_id} if "{id}" in resource else None,
        body={},
        principal=claims(),
    )
    assert_error(reply, 404, "ROUTE_NOT_FOUND")
    assert Snapshot.take() == before
