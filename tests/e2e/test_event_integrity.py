"""Over `make dev`: a refused command publishes nothing and stops nothing; every accepted command's events
arrive once; stats equal a recount of the deals, after a seeded mix of refused and accepted commands."""

from __future__ import annotations

import random
import time
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest

from tests.e2e.harness import LocalServer, wait_for

pytestmark = pytest.mark.e2e

FUTURE = (date.today() + timedelta(days=90)).isoformat()
OPEN_STAGES = ("lead", "qualified", "proposal", "negotiation")


def _published(server: LocalServer) -> Counter[tuple[str, str]]:
    """What Sales published (the commands here are Sales's; Billing's reactions to deal.won are its own)."""
    reply = server.request("GET", "/_local/events?source=sales")
    assert reply.status == 200, reply.body
    events = reply.json["data"]
    ids = [event["detail"]["metadata"]["event_id"] for event in events]
    assert len(ids) == len(set(ids)), "an event reached the bus twice"
    return Counter((event["detail"]["metadata"]["aggregate_id"], event["detail-type"]) for event in events)


def _settled(server: LocalServer, expected: Counter[tuple[str, str]]) -> Counter[tuple[str, str]]:
    """Wait until the bus shows at least what is expected (the relay is asynchronous), then a little longer
    for anything that should not be there."""
    wait_for(lambda: sum(_published(server).values()) >= sum(expected.values()) or None, timeout=60)
    time.sleep(1.0)
    return _published(server)


def test_a_refused_command_publishes_no_event_and_later_events_still_arrive(sales_server: LocalServer) -> None:
    """The sequence a new user tried on a fresh `make dev`."""
    server = sales_server
    server.request("DELETE", "/_local/events")
    contact = server.request("POST", "/sales/contacts", {"kind": "organization", "display_name": "C"})
    assert contact.status == 201, contact.body
    customer = contact.json["data"]["id"]
    deal = {"customer_id": customer, "name": "D", "value": 100, "currency": "USD", "expected_close_date": FUTURE}
    first = server.request("POST", "/sales/deals", deal)
    assert first.status == 201, first.body
    refused = server.request("DELETE", f"/sales/contacts/{customer}")
    assert refused.status == 409 and refused.json["error"]["code"] == "CONTACT_HAS_DEALS"
    third = server.request("POST", "/sales/deals", deal)
    assert third.status == 201, third.body
    won = server.request("POST", f"/sales/deals/{third.json['data']['id']}/win", {})
    assert won.status == 200, won.body

    expected = Counter(
        {
            (customer, "contact.created"): 1,
            (first.json["data"]["id"], "deal.created"): 1,
            (third.json["data"]["id"], "deal.created"): 1,
            (third.json["data"]["id"], "deal.won"): 1,
        }
    )
    assert _settled(server, expected) == expected


class Mix:
    """A seeded mix of commands against the server, keeping what each accepted one must publish."""

    def __init__(self, server: LocalServer, seed: int) -> None:
        self.server = server
        self.random = random.Random(seed)
        self.expected: Counter[tuple[str, str]] = Counter()
        self.contacts: dict[str, dict[str, Any]] = {}
        self.deals: dict[str, dict[str, Any]] = {}
        self.refused = 0

    def send(self, method: str, path: str, body: Any = None) -> Any:
        reply = self.server.request(method, path, body)
        assert reply.status < 500, (method, path, reply.status, reply.body)
        if reply.status >= 400:
            self.refused += 1
        return reply

    def expect(self, aggregate_id: str, *event_types: str) -> None:
        for event_type in event_types:
            self.expected[(aggregate_id, event_type)] += 1

    def step(self) -> None:
        choice = self.random.random()
        if choice < 0.12 or not self.contacts:
            self.create_contact()
        elif choice < 0.35 or not self.deals:
            self.create_deal()
        elif choice < 0.45:
            self.contact_delete_or_restore()
        else:
            self.deal_command()

    def create_contact(self) -> None:
        # One address in five is taken already: 409 DUPLICATE_CONTACT.
        number = self.random.randrange(len(self.contacts) + 1) if self.random.random() < 0.2 else len(self.contacts)
        body = {"kind": "organization", "display_name": f"Org {number}", "emails": [f"o{number}@mix.example"]}
        reply = self.send("POST", "/sales/contacts", body)
        if reply.status == 201:
            data = reply.json["data"]
            self.contacts[data["id"]] = data
            self.expect(data["id"], "contact.created")

    def create_deal(self) -> None:
        customer = self.random.choice(list(self.contacts))
        closing = FUTURE if self.random.random() < 0.9 else "2001-01-01"  # past: 400
        body = {
            "customer_id": customer,
            "name": "Mixed",
            "value": self.random.randrange(1, 10_000) * 100,
            "currency": self.random.choice(["USD", "EUR", "JPY"]),
            "expected_close_date": closing,
        }
        reply = self.send("POST", "/sales/deals", body)
        if reply.status == 201:
            data = reply.json["data"]
            self.deals[data["id"]] = data
            self.expect(data["id"], "deal.created")

    def contact_delete_or_restore(self) -> None:
        contact_id = self.random.choice(list(self.contacts))
        if self.contacts[contact_id].get("deleted"):
            reply = self.send("POST", f"/sales/contacts/{contact_id}/restore", {})
            if reply.status == 200:
                self.contacts[contact_id]["deleted"] = False
                self.expect(contact_id, "contact.restored")
            return
        reply = self.send("DELETE", f"/sales/contacts/{contact_id}")  # 409 while it has live deals
        if reply.status == 204:
            self.contacts[contact_id]["deleted"] = True
            self.expect(contact_id, "contact.deleted")

    def deal_command(self) -> None:
        deal_id = self.random.choice(list(self.deals))
        deal = self.deals[deal_id]
        base = f"/sales/deals/{deal_id}"
        roll = self.random.random()
        if deal.get("deleted"):
            reply = self.send("POST", f"{base}/restore", {})  # 422 while its customer is deleted
            if reply.status == 200:
                self.deals[deal_id] = reply.json["data"]
                self.expect(deal_id, "deal.restored")
        elif roll < 0.35:
            stage = self.random.choice(OPEN_STAGES)
            reply = self.send("PUT", f"{base}/stage", {"stage": stage})  # 400 once the deal is closed
            if reply.status == 200:
                if reply.json["data"]["stage"] != deal["stage"]:
                    self.expect(deal_id, "deal.stage_changed")
                self.deals[deal_id] = reply.json["data"]
        elif roll < 0.55:
            value = self.random.randrange(1, 10_000) * 100
            reply = self.send("PUT", f"{base}/value", {"value": value, "currency": deal["currency"]})
            if reply.status == 200:
                if reply.json["data"]["value"] != deal["value"]:
                    self.expect(deal_id, "deal.value_changed")
                self.deals[deal_id] = reply.json["data"]
        elif roll < 0.7:
            reply = self.send("POST", f"{base}/win", {})  # 400 when lost or won already
            if reply.status == 200:
                self.expect(deal_id, "deal.won")
                self.deals[deal_id] = reply.json["data"]
        elif roll < 0.8:
            reply = self.send("POST", f"{base}/lose", {"reason": "budget"})
            if reply.status == 200:
                self.expect(deal_id, "deal.lost")
                self.deals[deal_id] = reply.json["data"]
        else:
            reply = self.send("DELETE", base)
            if reply.status == 204:
                self.deals[deal_id] = {**deal, "deleted": True}
                self.expect(deal_id, "deal.deleted")


def _all_deals(server: LocalServer) -> list[dict[str, Any]]:
    deals: list[dict[str, Any]] = []
    cursor = ""
    while True:
        reply = server.request("GET", f"/sales/deals?page_size=100{cursor}")
        assert reply.status == 200, reply.body
        deals += reply.json["data"]
        next_cursor = reply.json["pagination"]["next_cursor"]
        if not next_cursor:
            return deals
        cursor = f"&cursor={next_cursor}"


def test_a_seeded_mix_of_refused_and_accepted_commands_publishes_exactly_the_accepted_events(
    sales_server: LocalServer,
) -> None:
    server = sales_server
    server.request("DELETE", "/_local/events")
    mix = Mix(server, seed=20261130)
    for _ in range(300):
        mix.step()
    assert mix.refused >= 30, f"the mix refused only {mix.refused} commands: it must exercise refusals"

    assert _settled(server, mix.expected) == mix.expected

    # Stats are counters kept by the same transactions: they must equal a recount of the live deals.
    live = [deal for deal in _all_deals(server) if not deal.get("deleted_at")]
    stats = server.request("GET", "/sales/deals/stats/pipeline").json["data"]
    assert {stage: count for stage, count in stats["stats"].items() if count} == dict(
        Counter(deal["stage"] for deal in live)
    )
    open_value: dict[str, Counter[str]] = {}
    for deal in live:
        if deal["status"] == "open":
            open_value.setdefault(deal["stage"], Counter())[deal["currency"]] += deal["value"]
    assert {
        stage: {currency: value for currency, value in values.items() if value}
        for stage, values in stats["open_value"].items()
        if any(values.values())
    } == {stage: dict(values) for stage, values in open_value.items()}
    won = server.request("GET", "/sales/deals/stats/won").json["data"]
    recount: Counter[tuple[str, str]] = Counter()
    for deal in live:
        if deal["status"] == "won":
            recount[(deal["currency"], "count")] += 1
            recount[(deal["currency"], "value")] += deal["value"]
    assert won["count"] == sum(count for (_, kind), count in recount.items() if kind == "count")
    assert {(row["currency"], "count"): row["count"] for row in won["by_currency"]} | {
        (row["currency"], "value"): row["total_value"] for row in won["by_currency"]
    } == dict(recount)
