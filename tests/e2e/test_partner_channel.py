"""The partner channel and quotes over HTTP under the local runtime (`make dev`): an admin's program, a reseller
registering as a partner principal, reallocation, a quote with the tier discount as JSON and as PDF, the win and
what each distributor's list shows."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader

from tests.e2e.harness import LocalServer, wait_for

pytestmark = pytest.mark.e2e

ADMIN = {"Authorization": "Bearer dev:e2e-admin:admin"}


def test_a_reseller_deal_through_two_distributors_to_a_won_quote(sales_server: LocalServer) -> None:
    server = sales_server

    def ok(method: str, path: str, body: Any = None, status: int = 200, as_: dict[str, str] = ADMIN) -> Any:
        reply = server.request(method, path, body, headers=as_)
        assert reply.status == status, (method, path, reply.body)
        return reply.json["data"]

    def organization(name: str) -> str:
        return str(ok("POST", "/sales/contacts", {"kind": "organization", "display_name": name}, 201)["id"])

    reseller = ok("POST", "/sales/partners", {"contact_id": organization("Gold Reseller GmbH"), "subtype": "reseller",
                                               "tier": "gold"}, 201)  # fmt: skip
    first, second = (
        ok("POST", "/sales/partners", {"contact_id": organization(name), "subtype": "distributor"}, 201)
        for name in ("First Distribution AG", "Second Distribution AG")
    )
    for distributor in (first, second):
        terms = {"reseller_id": reseller["id"], "distributor_id": distributor["id"], "territory": ["de", "AT"]}
        agreement = ok("POST", "/sales/distribution-agreements", {**terms, "starts_on": "2026-01-01"}, 201)
        assert ok("POST", f"/sales/distribution-agreements/{agreement['id']}/activate")["status"] == "active"

    # The reseller, as a partner principal, registers a deal routed through the first distributor.
    as_reseller = {"Authorization": f"Bearer dev:e2e-reseller:partner:{reseller['id']}"}
    customer = organization("Quoted Customer GmbH")
    registration = {
        "customer_id": customer,
        "name": "Fleet of devices",
        "value": 1234500,
        "currency": "EUR",
        "expected_close_date": "2099-06-30",
        "route": "distributor",
        "distributor_id": first["id"],
    }
    deal = ok("POST", f"/sales/partners/{reseller['id']}/deals", registration, 201, as_reseller)
    assert (deal["stage"], deal["source"], deal["channel"]["distributor_id"]) == ("intake", "partner", first["id"])
    tier = server.request("PUT", f"/sales/partners/{reseller['id']}/tier", {"tier": "platinum", "reason": "Me"},
                          headers=as_reseller)  # fmt: skip
    assert tier.status == 403 and tier.json["error"]["code"] == "FORBIDDEN"

    # Leads: the one shared with the gold reseller is its to read, another is unknown to it; a distributor is
    # shared nothing.
    shared, unshared = (
        ok("POST", "/sales/leads", {"contact_id": customer, "source": "web_form", "title": title}, 201)
        for title in ("Shared fleet", "Internal fleet")
    )
    assert ok("POST", f"/sales/leads/{shared['id']}/share", {"partner_id": reseller["id"]})["shared_with"] == [
        reseller["id"]
    ]
    refused = server.request("POST", f"/sales/leads/{shared['id']}/share", {"partner_id": first["id"]}, headers=ADMIN)
    assert refused.status == 409 and refused.json["error"]["code"] == "TIER_NOT_ELIGIBLE"
    assert ok("GET", f"/sales/leads/{shared['id']}", as_=as_reseller)["title"] == "Shared fleet"
    hidden = server.request("GET", f"/sales/leads/{unshared['id']}", headers=as_reseller)
    assert hidden.status == 404 and hidden.json["error"]["code"] == "LEAD_NOT_FOUND"

    # The admin moves it on: to the second distributor, then through the pipeline.
    moved = ok("PUT", f"/sales/deals/{deal['id']}/distributor", {"distributor_id": second["id"], "reason": "Region"})
    assert moved["channel"]["distributor_id"] == second["id"]
    ok("PUT", f"/sales/deals/{deal['id']}/stage", {"stage": "qualified"})
    history = ok("GET", f"/sales/deals/{deal['id']}/history")
    assert [(c["from_distributor_id"], c["to_distributor_id"]) for c in history["channel_changes"]] == [
        (first["id"], second["id"])
    ]

    # A quote with the gold tier's 8 %: 12,345.00 less 987.60 is 11,357.40.
    quote = ok("POST", f"/sales/deals/{deal['id']}/quotes", {"notes": "Prices include installation"}, 201)
    assert (quote["tier"], quote["tier_discount_percent"], quote["total"]) == ("gold", "8", 1135740)
    assert quote["number"].startswith("Q-") and quote["status"] == "draft"
    pdf = server.request("GET", f"/sales/quotes/{quote['id']}/pdf", headers={**ADMIN, "Accept": "application/pdf"})
    assert pdf.status == 200 and dict(pdf.headers)["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.body)).pages)
    for expected in (quote["number"], "Quoted Customer GmbH", "Fleet of devices", "€11,357.40"):
        assert expected in text, (expected, text)
    assert ok("POST", f"/sales/quotes/{quote['id']}/send")["status"] == "sent"
    assert ok("POST", f"/sales/quotes/{quote['id']}/accept")["status"] == "accepted"
    won = ok("POST", f"/sales/deals/{deal['id']}/win")
    assert (won["status"], won["quote_id"], won["value"]) == ("won", quote["id"], 1135740)

    # The distributor it was rerouted to sees it whole; the first, masked.
    as_first = {"Authorization": f"Bearer dev:e2e-first:partner:{first['id']}"}
    as_second = {"Authorization": f"Bearer dev:e2e-second:partner:{second['id']}"}
    [current] = [d for d in ok("GET", f"/sales/partners/{second['id']}/deals", as_=as_second) if d["id"] == deal["id"]]
    assert (current["masked"], current["value"]) == (False, 1135740)
    [former] = [d for d in ok("GET", f"/sales/partners/{first['id']}/deals", as_=as_first) if d["id"] == deal["id"]]
    assert (former["masked"], former["value"], former["lines"]) == (True, None, None)
    foreign = server.request("GET", f"/sales/partners/{second['id']}/deals", headers=as_first)
    assert foreign.status == 404 and foreign.json["error"]["code"] == "PARTNER_NOT_FOUND"

    event = wait_for(lambda: [e for e in server.events("deal.won") if e["detail"]["data"]["deal_id"] == deal["id"]])
    data = event[0]["detail"]["data"]
    assert data["channel"] == {"reseller_id": reseller["id"], "distributor_id": second["id"], "route": "distributor"}
    assert data["quote_id"] == quote["id"]
