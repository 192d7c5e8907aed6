"""Every operation of the service as one benchmark case: its request, its success status, its budget.

`kind` names the budget the issue sets for it (bench/targets.py checks them):
  command  at most one read plus one TransactWriteItems
  keyed    a command with Idempotency-Key: the same plus Powertools' two writes to the idempotency table
  get      one GetItem
  list     one list page: one Query plus at most one read for the total (two requests, reads only)
  stats    a constant number of reads
  history  one Query
  relay    one PutEvents per 10 events
  info     reported, no budget (`?page=N`, which walks keys by design)
`size_free` cases must cost the same requests and items read at every table size.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bench.world import OWNERS, Invocation, World, customer_phone

# Filtered lists ask for pages of 10: every filter matches at least 10 seeded deals even at 100 deals (10 won,
# 10 per customer), so both table sizes read full pages and the comparison is of the table size alone.
PAGE = 10

Request = tuple[str, str, Any, dict[str, Any] | None, dict[str, str] | None]  # method, path, body, query, headers


@dataclass(frozen=True)
class Case:
    name: str  # contract key, or the relay
    variant: str  # "" or what distinguishes it, e.g. "?stage=lead"
    kind: str
    request: Callable[[World, int], Request]
    status: int = 200
    size_free: bool = False
    warm: bool = False  # part of the warm-overhead target

    @property
    def label(self) -> str:
        return f"{self.name} {self.variant}".strip()

    def run(self, world: World, iteration: int) -> Invocation:
        method, path, body, query, headers = self.request(world, iteration)
        result = world.invoke(method, path, body, query=query, headers=headers)
        if result.status != self.status:
            raise AssertionError(f"{self.label}: expected {self.status}, got {result.status}: {result.body}")
        return result


def _future(days: int = 120) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


def _pool(world: World, name: str, index: int, make: Callable[[World, int], str]) -> str:
    """The index-th fresh target of a kind (a deal to win, a contact to delete), made on first use."""
    pools: dict[str, list[str]] = world.__dict__.setdefault("pools", {})
    pool = pools.setdefault(name, [])
    while len(pool) <= index:
        pool.append(make(world, len(pool)))
    return pool[index]


def _open_deal(world: World, number: int) -> str:
    """A fresh lead deal of a seeded customer, created through the API (outside any measured request)."""
    reply = world.invoke(
        "POST",
        "/sales/deals",
        {
            "customer_id": world.seeded.contacts[number % len(world.seeded.contacts)],
            "name": f"Bench target {number}",
            "value": 250_000,
            "currency": "USD",
            "expected_close_date": _future(60),
        },
    )
    assert reply.status == 201, reply.body
    return str(reply.data["id"])


def _deleted_deal(world: World, number: int) -> str:
    deal = _open_deal(world, 10_000 + number)
    assert world.invoke("DELETE", f"/sales/deals/{deal}").status == 204
    return deal


def _free_contact(world: World, number: int) -> str:
    reply = world.invoke(
        "POST", "/sales/contacts", {"kind": "person", "display_name": f"Zz Bench {number}", "emails": []}
    )
    assert reply.status == 201, reply.body
    return str(reply.data["id"])


def _free_organization(world: World, number: int) -> str:
    reply = world.invoke("POST", "/sales/contacts", {"kind": "organization", "display_name": f"Zz Org {number}"})
    assert reply.status == 201, reply.body
    return str(reply.data["id"])


def _merge_pair(world: World, number: int) -> str:
    """A fresh survivor and duplicate (the duplicate with an email, whose claim changes hands), as
    `<survivor>/<duplicate>`."""
    survivor = _free_contact(world, 30_000 + number)
    reply = world.invoke(
        "POST",
        "/sales/contacts",
        {"kind": "person", "display_name": f"Zz Bench {number}", "emails": [f"merge{number}@bench.example"]},
    )
    assert reply.status == 201, reply.body
    return f"{survivor}/{reply.data['id']}"


def _campaign(world: World, number: int, *steps: str) -> str:
    """A fresh campaign (then activated, or cancelled, as `steps` say), made through the API."""
    reply = world.invoke(
        "POST",
        "/sales/campaigns",
        {"name": f"Bench launch {number}", "type": "email", "budget": {"amount": 100_000, "currency": "EUR"}},
    )
    assert reply.status == 201, reply.body
    for step in steps:
        assert world.invoke("POST", f"/sales/campaigns/{reply.data['id']}/{step}").status == 200
    return str(reply.data["id"])


def _partner(world: World, number: int, subtype: str = "reseller") -> str:
    """A fresh partner profile on a fresh organization (a gold reseller, or a distributor), made through the API."""
    company = world.invoke(
        "POST", "/sales/contacts", {"kind": "organization", "display_name": f"Zz Partner {subtype} {number}"}
    )
    assert company.status == 201, company.body
    profile = {"subtype": subtype, "tier": "gold"} if subtype == "reseller" else {"subtype": subtype}
    reply = world.invoke("POST", "/sales/partners", {"contact_id": company.data["id"], **profile})
    assert reply.status == 201, reply.body
    return str(reply.data["id"])


def _distributor(world: World, number: int) -> str:
    return _partner(world, number, "distributor")


def _agreement(world: World, number: int, *steps: str) -> str:
    """A fresh pending agreement (then activated, as `steps` say) between a fresh reseller and distributor."""
    body = {
        "reseller_id": _partner(world, 60_000 + number),
        "distributor_id": _distributor(world, 60_000 + number),
        "territory": ["DE", "AT"],
        "starts_on": "2026-01-01",
    }
    reply = world.invoke("POST", "/sales/distribution-agreements", body)
    assert reply.status == 201, reply.body
    for step in steps:
        assert world.invoke("POST", f"/sales/distribution-agreements/{reply.data['id']}/{step}").status == 200
    return str(reply.data["id"])


def _registered(world: World, number: int, route: str = "direct") -> str:
    """A fresh deal registered direct by the pooled reseller, made through the API."""
    body = {
        "customer_id": world.seeded.contacts[number % 5],
        "name": f"Registered {number}",
        "value": 100_000,
        "currency": "EUR",
        "expected_close_date": _future(60),
        "route": route,
    }
    reply = world.invoke("POST", f"/sales/partners/{_pool(world, 'partner', 0, _partner)}/deals", body)
    assert reply.status == 201, reply.body
    return str(reply.data["id"])


def _lister(world: World, number: int) -> str:
    """A fresh reseller with three deals registered, for its list."""
    partner = _partner(world, 70_000 + number)
    for deal in range(3):
        body = {
            "customer_id": world.seeded.contacts[deal],
            "name": f"Listed {deal}",
            "value": 100_000,
            "currency": "EUR",
            "expected_close_date": _future(60),
            "route": "direct",
        }
        assert world.invoke("POST", f"/sales/partners/{partner}/deals", body).status == 201
    return partner


def _suspended_partner(world: World, number: int) -> str:
    partner = _partner(world, 50_000 + number)
    assert world.invoke("POST", f"/sales/partners/{partner}/suspend").status == 200
    return partner


def _quote(world: World, number: int, *steps: str) -> str:
    """A fresh quote on a fresh deal (then sent, as `steps` say), made through the API."""
    reply = world.invoke("POST", f"/sales/deals/{_open_deal(world, 40_000 + number)}/quotes", {})
    assert reply.status == 201, reply.body
    for step in steps:
        assert world.invoke("POST", f"/sales/quotes/{reply.data['id']}/{step}").status == 200
    return str(reply.data["id"])


def _sent_quote(world: World, number: int) -> str:
    return _quote(world, number, "send")


def _activity(world: World, number: int) -> str:
    """A fresh call on a seeded customer's timeline and one of its deals'."""
    links = {"contact_id": world.seeded.contacts[number % 5], "deal_id": _open_deal(world, 60_000 + number)}
    reply = world.invoke("POST", "/sales/activities", {"type": "call", "subject": f"Call {number}", "links": links})
    assert reply.status == 201, reply.body
    return str(reply.data["id"])


def _conversation(world: World, number: int) -> str:
    """A fresh email thread with a seeded customer, with one inbound message, as `<conversation>/<message>`."""
    body = {
        "contact_id": world.seeded.contacts[number % 5],
        "channel": "email",
        "address": f"buyer{number}@acme.example",
    }
    reply = world.invoke("POST", "/sales/conversations", {**body, "subject": f"Thread {number}"})
    assert reply.status == 201, reply.body
    conversation = str(reply.data["id"])
    message = world.invoke("POST", f"/sales/conversations/{conversation}/messages", {"direction": "in", "body": "Hi"})
    assert message.status == 201, message.body
    return f"{conversation}/{message.data['id']}"


def _thread(world: World, pool: str, index: int) -> tuple[str, str]:
    conversation, message = _pool(world, pool, index, _conversation).split("/")
    return conversation, message


def _active_campaign(world: World, number: int) -> str:
    return _campaign(world, number, "activate")


def _lead(world: World, number: int, *steps: str) -> str:
    """A fresh lead of a seeded customer, taken through `steps` (start, qualify...), made through the API."""
    body = {"contact_id": world.seeded.contacts[number % 5], "source": "web_form", "title": f"Bench lead {number}"}
    reply = world.invoke("POST", "/sales/leads", body)
    assert reply.status == 201, reply.body
    for step in steps:
        step_body = {"reason": "No budget"} if step == "disqualify" else {}
        assert world.invoke("POST", f"/sales/leads/{reply.data['id']}/{step}", step_body).status == 200
    return str(reply.data["id"])


_BENCH_LINE = {"description": "Device", "product_code": "DEV-1", "quantity": 4, "unit_price": 19_900}


def _opportunity(world: World, number: int, *steps: str) -> str:
    """A fresh opportunity of a seeded customer as `<opportunity>/<variant>` (the variant once one is added):
    steps are "variant" (add one), "validate"."""
    body = {"customer_id": world.seeded.contacts[number % 5], "name": f"Bench offer {number}"}
    reply = world.invoke("POST", "/sales/opportunities", body)
    assert reply.status == 201, reply.body
    opportunity, variant = str(reply.data["id"]), ""
    for step in steps:
        if step == "variant":
            added = world.invoke(
                "POST",
                f"/sales/opportunities/{opportunity}/variants",
                {"name": "Standard", "currency": "EUR", "lines": [_BENCH_LINE]},
            )
            assert added.status == 201, added.body
            variant = str(added.data["variants"][-1]["id"])
        else:
            done = world.invoke("POST", f"/sales/opportunities/{opportunity}/{step}", {"variant_id": variant})
            assert done.status == 200, done.body
    return f"{opportunity}/{variant}"


def _offer(world: World, pool: str, index: int, *steps: str) -> tuple[str, str]:
    """(opportunity, variant) of the index-th fresh opportunity of `pool`, taken through `steps`."""
    made = _pool(world, pool, index, lambda w, n: _opportunity(w, n, *steps))
    opportunity, _slash, variant = made.partition("/")
    return opportunity, variant


# -- billing ------------------------------------------------------------------------------------------------
def _job(world: World, number: int, *steps: str) -> str:
    """A fresh job: a deal won through the Sales API, its deal.won handed to billing's consumer (then completed
    by provisioning, invoiced, as `steps` say); `<job>` or, once invoiced, `<job>/<invoice>`."""
    from tests.support import billing

    deal = _open_deal(world, 70_000 + number)
    won = world.invoke("POST", f"/sales/deals/{deal}/win")
    assert won.status == 200, won.body
    billing.deliver(billing.WON_CONSUMER, billing.won_event(deal))
    if "complete" in steps:
        billing.deliver(billing.PROVISIONING_CONSUMER, billing.provisioning_completed(deal))
    jobs = world.invoke("GET", "/billing/jobs", query={"customer_id": won.data["customer_id"]})
    job = next(item["id"] for item in jobs.data if item["deal_id"] == deal)
    if "invoice" not in steps:
        return str(job)
    body = {"job_id": job, "due_date": _future(30), "items": [{"description": "Service", "amount": 1_000_000}]}
    invoice = world.invoke("POST", "/billing/invoices", body)
    assert invoice.status == 201, invoice.body
    return f"{job}/{invoice.data['id']}"


def _open_job(world: World, number: int) -> str:
    return _job(world, number)


def _completed_job(world: World, number: int) -> str:
    return _job(world, number, "complete")


def _invoice(world: World, number: int) -> str:
    return _job(world, number, "complete", "invoice").split("/")[1]


def _payment(world: World, number: int) -> str:
    invoice = _pool(world, "invoice", 0, _invoice)
    reply = world.invoke("POST", "/billing/payments", {"invoice_id": invoice, "amount": 1, "method": "card"})
    assert reply.status == 201, reply.body
    return str(reply.data["id"])


def _job_customer(world: World) -> str:
    job = world.invoke("GET", f"/billing/jobs/{_pool(world, 'job', 0, _open_job)}")
    return str(job.data["customer_id"])


def _billed_customer(world: World) -> str:
    invoice = world.invoke("GET", f"/billing/invoices/{_pool(world, 'invoice', 0, _invoice)}")
    return str(invoice.data["customer_id"])


def _deleted_contact(world: World, number: int) -> str:
    contact = _free_contact(world, 10_000 + number)
    assert world.invoke("DELETE", f"/sales/contacts/{contact}").status == 204
    return contact


def _relationship(world: World, number: int) -> str:
    """A fresh relationship from a new person to a seeded customer (to delete), made through the API."""
    person = _free_contact(world, 20_000 + number)
    link = {"to_id": world.seeded.contacts[5], "type": "influences"}
    reply = world.invoke("POST", f"/sales/contacts/{person}/relationships", link)
    assert reply.status == 201, reply.body
    return f"{person}/relationships/{reply.data['id']}"


def _related_customer(world: World) -> str:
    """A seeded customer with a few relationships (made once, outside any measured request)."""
    customer = world.seeded.contacts[6]
    if not world.__dict__.get("related"):
        for number in range(5):
            person = _free_contact(world, 30_000 + number)
            link = {"to_id": customer, "type": "decision_maker_for"}
            assert world.invoke("POST", f"/sales/contacts/{person}/relationships", link).status == 201
        world.__dict__["related"] = True
    return customer


def _unique(world: World) -> int:
    world.__dict__["unique"] = world.__dict__.get("unique", 0) + 1
    return int(world.__dict__["unique"])


def _second_page(world: World) -> str:
    first = world.invoke("GET", "/sales/deals", query={"page_size": 20})
    return str(first.body["pagination"]["next_cursor"]) if first.body else ""


def _deal(stage: str, index: int = 0) -> Callable[[World], str]:
    return lambda world: world.seeded.deal_in(stage, index)


_HISTORY_DEAL = _deal("won", 0)
_GET_DEAL = _deal("qualified", 0)
_EDIT_DEAL = _deal("lead", 0)  # USD (deal 0 of the stage cycle)
_MOVE_DEAL = _deal("lead", 1)
_MONTH = date.today().strftime("%Y-%m")
_YEAR_ON = (date.today() + timedelta(days=335)).strftime("%Y-%m")


def _customer(world: World) -> str:
    return world.seeded.contacts[2]


def _customer_owner(world: World) -> str:
    customer = _customer(world)
    return next(world.seeded.owner_of[d] for d in world.seeded.deals if world.seeded.customer_of[d] == customer)


# Reads first, on the table as seeded (so both sizes see the same lists), then the commands.
CASES: tuple[Case, ...] = (
    # -- deal queries -----------------------------------------------------------------------------
    Case(
        "sales.deal.get", "", "get", lambda w, i: ("GET", f"/sales/deals/{_GET_DEAL(w)}", None, None, None), warm=True
    ),
    Case(
        "sales.deal.list", "", "list", lambda w, i: ("GET", "/sales/deals", None, None, None), size_free=True, warm=True
    ),
    Case(
        "sales.deal.list",
        "next page (cursor)",
        "list",
        lambda w, i: ("GET", "/sales/deals", None, {"cursor": _second_page(w)}, None),
        size_free=True,
    ),
    Case(
        "sales.deal.list",
        "?stage=lead",
        "list",
        lambda w, i: ("GET", "/sales/deals", None, {"stage": "lead", "page_size": PAGE}, None),
        size_free=True,
    ),
    Case(
        "sales.deal.list",
        "?status=won",
        "list",
        lambda w, i: ("GET", "/sales/deals", None, {"status": "won", "page_size": PAGE}, None),
        size_free=True,
    ),
    Case(
        "sales.deal.list",
        "?assigned_to=",
        "list",
        lambda w, i: ("GET", "/sales/deals", None, {"assigned_to": OWNERS[1], "page_size": PAGE}, None),
        size_free=True,
    ),
    Case(
        "sales.deal.list",
        "?customer_id=",
        "list",
        lambda w, i: ("GET", "/sales/deals", None, {"customer_id": _customer(w), "page_size": PAGE}, None),
        size_free=True,
    ),
    Case(
        "sales.deal.list",
        "?customer_id=&assigned_to=",
        "list",
        lambda w, i: (
            "GET",
            "/sales/deals",
            None,
            {"customer_id": _customer(w), "assigned_to": _customer_owner(w), "page_size": PAGE},
            None,
        ),
        size_free=True,
    ),
    Case("sales.deal.list", "?page=3", "info", lambda w, i: ("GET", "/sales/deals", None, {"page": 3}, None)),
    Case(
        "sales.deal.list_by_stage",
        "",
        "list",
        lambda w, i: ("GET", "/sales/deals/stage/lead", None, {"page_size": PAGE}, None),
        size_free=True,
    ),
    Case(
        "sales.deal.pipeline_stats",
        "",
        "stats",
        lambda w, i: ("GET", "/sales/deals/stats/pipeline", None, None, None),
        size_free=True,
    ),
    Case(
        "sales.deal.won_stats",
        "",
        "stats",
        lambda w, i: ("GET", "/sales/deals/stats/won", None, None, None),
        size_free=True,
    ),
    Case(
        "sales.deal.forecast",
        "",
        "stats",
        lambda w, i: ("GET", "/sales/deals/stats/forecast", None, {"from": _MONTH, "to": _YEAR_ON}, None),
        size_free=True,
    ),
    Case(
        "sales.deal.history",
        "",
        "history",
        lambda w, i: ("GET", f"/sales/deals/{_HISTORY_DEAL(w)}/history", None, None, None),
        size_free=True,
    ),
    # -- contact queries --------------------------------------------------------------------------
    Case(
        "sales.contact.get",
        "",
        "get",
        lambda w, i: ("GET", f"/sales/contacts/{w.seeded.contacts[1]}", None, None, None),
    ),
    Case(
        "sales.contact.list",
        "",
        "list",
        lambda w, i: ("GET", "/sales/contacts", None, {"page_size": PAGE}, None),
        size_free=True,
    ),
    Case(
        "sales.contact.list",
        "?q=",
        "list",
        lambda w, i: ("GET", "/sales/contacts", None, {"q": "Customer 00001 GmbH"}, None),
        size_free=True,
    ),
    Case(
        "sales.contact.list",
        "?email=",
        "list",
        lambda w, i: ("GET", "/sales/contacts", None, {"email": "buyer1@customer1.example"}, None),
        size_free=True,
    ),
    Case(
        "sales.contact.list",
        "?phone=",
        "list",
        lambda w, i: ("GET", "/sales/contacts", None, {"phone": customer_phone(1)}, None),
        size_free=True,
    ),
    Case(
        "sales.contact.list",
        "?tag=",
        "list",
        lambda w, i: ("GET", "/sales/contacts", None, {"tag": "segment-1", "page_size": PAGE}, None),
    ),
    Case(
        "sales.contact.list",
        "?lifecycle=",
        "list",
        lambda w, i: ("GET", "/sales/contacts", None, {"lifecycle": "active", "page_size": PAGE}, None),
    ),
    Case(
        "sales.contact.list",
        "?kind=&lifecycle=",
        "list",
        lambda w, i: ("GET", "/sales/contacts", None, {"kind": "organization", "lifecycle": "dormant"}, None),
    ),
    Case(
        "sales.contact.list",
        "?owner_id=",
        "list",
        lambda w, i: ("GET", "/sales/contacts", None, {"owner_id": OWNERS[2], "page_size": PAGE}, None),
    ),
    Case(
        "sales.contact.network",
        "?depth=2",
        "graph",
        lambda w, i: ("GET", f"/sales/contacts/{_related_customer(w)}/network", None, {"depth": "2"}, None),
        size_free=True,
    ),
    Case(
        "sales.contact.duplicates",
        "",
        "duplicates",
        lambda w, i: ("GET", f"/sales/contacts/{w.seeded.contacts[7]}/duplicates", None, None, None),
        size_free=True,
    ),
    Case(
        "sales.relationship.list",
        "",
        "list",
        lambda w, i: ("GET", f"/sales/contacts/{_related_customer(w)}/relationships", None, None, None),
        size_free=True,
    ),
    Case(
        "sales.contact.deals",
        "",
        "list",
        lambda w, i: ("GET", f"/sales/contacts/{_customer(w)}/deals", None, {"page_size": PAGE}, None),
        size_free=True,
    ),
    # -- deal commands ----------------------------------------------------------------------------
    Case(
        "sales.deal.create",
        "",
        "command",
        lambda w, i: (
            "POST",
            "/sales/deals",
            {
                "customer_id": w.seeded.contacts[i % len(w.seeded.contacts)],
                "name": f"Bench deal {i}",
                "value": 5_000_000,
                "currency": "USD",
                "expected_close_date": _future(),
            },
            None,
            None,
        ),
        201,
        warm=True,
    ),
    Case(
        "sales.deal.create",
        "Idempotency-Key",
        "keyed",
        lambda w, i: (
            "POST",
            "/sales/deals",
            {
                "customer_id": w.seeded.contacts[0],
                "name": f"Keyed deal {i}",
                "value": 5_000_000,
                "currency": "USD",
                "expected_close_date": _future(),
            },
            None,
            {"Idempotency-Key": f"bench-{_unique(w)}"},
        ),
        201,
    ),
    Case(
        "sales.deal.update_basic_info",
        "",
        "command",
        lambda w, i: ("PUT", f"/sales/deals/{_EDIT_DEAL(w)}/basic-info", {"name": f"Renamed {i}"}, None, None),
    ),
    Case(
        "sales.deal.update_value",
        "",
        "command",
        lambda w, i: (
            "PUT",
            f"/sales/deals/{_EDIT_DEAL(w)}/value",
            {"value": 100_001 + i, "currency": "USD"},
            None,
            None,
        ),
    ),
    Case(
        "sales.deal.move_stage",
        "",
        "command",
        lambda w, i: (
            "PUT",
            f"/sales/deals/{_MOVE_DEAL(w)}/stage",
            {"stage": "qualified" if i % 2 == 0 else "proposal"},
            None,
            None,
        ),
        warm=True,
    ),
    Case(
        "sales.deal.win",
        "",
        "win",
        lambda w, i: (
            "POST",
            f"/sales/deals/{_pool(w, 'win', i, _open_deal)}/win",
            {"actual_value": 260_000},
            None,
            None,
        ),
    ),
    Case(
        "sales.deal.lose",
        "",
        "command",
        lambda w, i: ("POST", f"/sales/deals/{_pool(w, 'lose', i, _open_deal)}/lose", {"reason": "budget"}, None, None),
    ),
    Case(
        "sales.deal.delete",
        "",
        "command",
        lambda w, i: ("DELETE", f"/sales/deals/{_pool(w, 'delete', i, _open_deal)}", None, None, None),
        204,
    ),
    Case(
        "sales.deal.restore",
        "",
        "command",
        lambda w, i: ("POST", f"/sales/deals/{_pool(w, 'restore', i, _deleted_deal)}/restore", None, None, None),
    ),
    # -- contact commands -------------------------------------------------------------------------
    Case(
        "sales.contact.create",
        "",
        "command",
        lambda w, i: (
            "POST",
            "/sales/contacts",
            {"kind": "organization", "display_name": f"Bench {i} AG", "emails": [f"c{_unique(w)}@bench.example"]},
            None,
            None,
        ),
        201,
    ),
    Case(
        "sales.contact.update",
        "",
        "command",
        lambda w, i: (
            "PATCH",
            f"/sales/contacts/{w.seeded.contacts[3]}",
            {"phones": [f"+49 30 {1000 + i}"]},
            None,
            None,
        ),
    ),
    Case(
        "sales.contact.delete",
        "",
        "command",
        lambda w, i: ("DELETE", f"/sales/contacts/{_pool(w, 'contact-delete', i, _free_contact)}", None, None, None),
        204,
    ),
    Case(
        "sales.contact.convert",
        "",
        "command",
        lambda w, i: (
            "POST",
            f"/sales/contacts/{_pool(w, 'contact-convert', i, _free_contact)}/convert",
            {"target": "application_user"},
            None,
            None,
        ),
        202,
    ),
    Case(
        "sales.contact.merge",
        "",
        "command",
        lambda w, i: (
            "POST",
            f"/sales/contacts/{_pool(w, 'contact-merge', i, _merge_pair).split('/')[0]}/merge",
            {"duplicate_id": _pool(w, "contact-merge", i, _merge_pair).split("/")[1]},
            None,
            None,
        ),
    ),
    # -- leads -------------------------------------------------------------------------------------
    Case(
        "sales.lead.create",
        "",
        "command",
        lambda w, i: (
            "POST",
            "/sales/leads",
            {"contact_id": w.seeded.contacts[1], "source": "phone", "title": f"Lead {i}"},
            None,
            None,
        ),
        201,
    ),
    Case(
        "sales.lead.get",
        "",
        "get",
        lambda w, i: ("GET", f"/sales/leads/{_pool(w, 'lead', 0, _lead)}", None, None, None),
    ),
    Case("sales.lead.list", "?status=", "list", lambda w, i: ("GET", "/sales/leads", None, {"status": "new"}, None)),
    Case(
        "sales.lead.of_contact",
        "",
        "list",
        lambda w, i: ("GET", f"/sales/contacts/{w.seeded.contacts[0]}/leads", None, None, None),
    ),
    Case(
        "sales.lead.update",
        "",
        "command",
        lambda w, i: ("PATCH", f"/sales/leads/{_pool(w, 'lead', 0, _lead)}", {"title": f"Lead {i}"}, None, None),
    ),
    Case(
        "sales.lead.start",
        "",
        "command",
        lambda w, i: ("POST", f"/sales/leads/{_pool(w, 'lead-start', i, _lead)}/start", {}, None, None),
    ),
    Case(
        "sales.lead.qualify",
        "",
        "command",
        lambda w, i: ("POST", f"/sales/leads/{_pool(w, 'lead-qualify', i, _lead)}/qualify", {}, None, None),
    ),
    Case(
        "sales.lead.disqualify",
        "",
        "command",
        lambda w, i: (
            "POST",
            f"/sales/leads/{_pool(w, 'lead-disqualify', i, _lead)}/disqualify",
            {"reason": "No budget"},
            None,
            None,
        ),
    ),
    Case(
        "sales.lead.reopen",
        "",
        "command",
        lambda w, i: (
            "POST",
            f"/sales/leads/{_pool(w, 'lead-reopen', i, lambda w2, n: _lead(w2, n, 'disqualify'))}/reopen",
            {},
            None,
            None,
        ),
    ),
    Case(
        "sales.lead.convert",
        "",
        "command",
        lambda w, i: (
            "POST",
            f"/sales/leads/{_pool(w, 'lead-convert', i, lambda w2, n: _lead(w2, n, 'qualify'))}/convert",
            {},
            None,
            None,
        ),
        201,
    ),
    # -- opportunities -----------------------------------------------------------------------------
    Case(
        "sales.opportunity.create",
        "",
        "command",
        lambda w, i: (
            "POST",
            "/sales/opportunities",
            {"customer_id": w.seeded.contacts[2], "name": f"O {i}"},
            None,
            None,
        ),
        201,
    ),
    Case(
        "sales.opportunity.get",
        "",
        "get",
        lambda w, i: (
            "GET",
            f"/sales/opportunities/{_offer(w, 'opp', 0, 'variant')[0]}",
            None,
            None,
            None,
        ),
    ),
    Case(
        "sales.opportunity.list",
        "?status=",
        "list",
        lambda w, i: ("GET", "/sales/opportunities", None, {"status": "exploring"}, None),
    ),
    Case(
        "sales.opportunity.update",
        "",
        "command",
        lambda w, i: (
            "PATCH",
            f"/sales/opportunities/{_offer(w, 'opp', 0, 'variant')[0]}",
            {"name": f"Offer {i}"},
            None,
            None,
        ),
    ),
    Case(
        "sales.opportunity.add_variant",
        "",
        "command",
        lambda w, i: (
            "POST",
            f"/sales/opportunities/{_offer(w, 'opp-add', i)[0]}/variants",
            {"name": "Standard", "currency": "EUR", "lines": [_BENCH_LINE]},
            None,
            None,
        ),
        201,
    ),
    Case(
        "sales.opportunity.replace_variant",
        "",
        "command",
        lambda w, i: (
            "PUT",
            "/sales/opportunities/{}/variants/{}".format(*_offer(w, "opp", 0, "variant")),
            {"name": "Standard", "currency": "EUR", "lines": [{**_BENCH_LINE, "quantity": 5 + i}]},
            None,
            None,
        ),
    ),
    Case(
        "sales.opportunity.remove_variant",
        "",
        "command",
        lambda w, i: (
            "DELETE",
            "/sales/opportunities/{}/variants/{}".format(*_offer(w, "opp-remove", i, "variant")),
            None,
            None,
            None,
        ),
        204,
    ),
    Case(
        "sales.opportunity.compare",
        "",
        "get",
        lambda w, i: (
            "GET",
            f"/sales/opportunities/{_offer(w, 'opp', 0, 'variant')[0]}/compare",
            None,
            None,
            None,
        ),
    ),
    Case(
        "sales.opportunity.validate",
        "",
        "command",
        lambda w, i: (
            "POST",
            f"/sales/opportunities/{_offer(w, 'opp-validate', i, 'variant')[0]}/validate",
            {"variant_id": _offer(w, "opp-validate", i, "variant")[1]},
            None,
            None,
        ),
    ),
    Case(
        "sales.opportunity.confirm",
        "",
        "command",
        lambda w, i: (
            "POST",
            f"/sales/opportunities/{_offer(w, 'opp-confirm', i, 'variant', 'validate')[0]}/confirm",
            {"expected_close_date": _future(60)},
            None,
            None,
        ),
        201,
    ),
    Case(
        "sales.opportunity.decline",
        "",
        "command",
        lambda w, i: (
            "POST",
            f"/sales/opportunities/{_offer(w, 'opp-decline', i)[0]}/decline",
            {"reason": "No"},
            None,
            None,
        ),
    ),
    # -- quotes ------------------------------------------------------------------------------------
    Case(
        "sales.quote.create",
        "",
        "quote",
        lambda w, i: ("POST", f"/sales/deals/{_pool(w, 'quoted-deal', 0, _open_deal)}/quotes", {}, None, None),
        201,
    ),
    Case(
        "sales.quote.get",
        "",
        "get",
        lambda w, i: ("GET", f"/sales/quotes/{_pool(w, 'quote', 0, _quote)}", None, None, None),
    ),
    Case(
        "sales.quote.list",
        "",
        "list",
        lambda w, i: ("GET", f"/sales/deals/{_pool(w, 'listed-deal', 0, _open_deal)}/quotes", None, None, None),
    ),
    Case(
        "sales.quote.send",
        "",
        "command",
        lambda w, i: ("POST", f"/sales/quotes/{_pool(w, 'quote-send', i, _quote)}/send", {}, None, None),
    ),
    Case(
        "sales.quote.accept",
        "",
        "win",
        lambda w, i: ("POST", f"/sales/quotes/{_pool(w, 'quote-accept', i, _sent_quote)}/accept", {}, None, None),
    ),
    Case(
        "sales.quote.reject",
        "",
        "command",
        lambda w, i: ("POST", f"/sales/quotes/{_pool(w, 'quote-reject', i, _sent_quote)}/reject", {}, None, None),
    ),
    Case(
        "sales.quote.pdf",
        "",
        "get",
        lambda w, i: ("GET", f"/sales/quotes/{_pool(w, 'quote', 0, _quote)}/pdf", None, None, None),
    ),
    # -- activities and conversations --------------------------------------------------------------
    Case(
        "sales.activity.log",
        "",
        "command",
        lambda w, i: (
            "POST",
            "/sales/activities",
            {
                "type": "meeting",
                "subject": f"Bench meeting {i}",
                "links": {"contact_id": w.seeded.contacts[i % 5], "deal_id": _pool(w, "activity-deal", 0, _open_deal)},
            },
            None,
            None,
        ),
        201,
    ),
    Case(
        "sales.activity.get",
        "",
        "get",
        lambda w, i: ("GET", f"/sales/activities/{_pool(w, 'activity', 0, _activity)}", None, None, None),
    ),
    Case(
        "sales.activity.void",
        "",
        "command",
        lambda w, i: (
            "POST",
            f"/sales/activities/{_pool(w, 'activity-void', i, _activity)}/void",
            {"reason": "Bench"},
            None,
            None,
        ),
    ),
    Case(
        "sales.activity.contact_timeline",
        "",
        "timeline",
        lambda w, i: ("GET", f"/sales/contacts/{w.seeded.contacts[0]}/activities", None, None, None),
    ),
    Case(
        "sales.activity.contact_timeline",
        "?type=call",
        "timeline",
        lambda w, i: ("GET", f"/sales/contacts/{w.seeded.contacts[0]}/activities", None, {"type": "call"}, None),
    ),
    Case(
        "sales.activity.lead_timeline",
        "",
        "timeline",
        lambda w, i: ("GET", f"/sales/leads/{_pool(w, 'timeline-lead', 0, _lead)}/activities", None, None, None),
    ),
    Case(
        "sales.activity.opportunity_timeline",
        "",
        "timeline",
        lambda w, i: (
            "GET",
            f"/sales/opportunities/{_pool(w, 'timeline-opportunity', 0, _opportunity).split('/')[0]}/activities",
            None,
            None,
            None,
        ),
    ),
    Case(
        "sales.activity.deal_timeline",
        "",
        "timeline",
        lambda w, i: ("GET", f"/sales/deals/{_pool(w, 'timeline-deal', 0, _open_deal)}/activities", None, None, None),
    ),
    Case(
        "sales.conversation.create",
        "",
        "command",
        lambda w, i: (
            "POST",
            "/sales/conversations",
            {"contact_id": w.seeded.contacts[i % 5], "channel": "line", "address": f"U{i:032x}"},
            None,
            None,
        ),
        201,
    ),
    Case(
        "sales.conversation.get",
        "",
        "get",
        lambda w, i: ("GET", f"/sales/conversations/{_thread(w, 'conversation', 0)[0]}", None, None, None),
    ),
    Case(
        "sales.conversation.list",
        "",
        "list",
        lambda w, i: ("GET", "/sales/conversations", None, None, None),
    ),
    Case(
        "sales.conversation.list",
        "?contact_id=",
        "list",
        lambda w, i: ("GET", "/sales/conversations", None, {"contact_id": w.seeded.contacts[0]}, None),
    ),
    Case(
        "sales.conversation.move_folder",
        "",
        "command",
        lambda w, i: (
            "PUT",
            f"/sales/conversations/{_thread(w, 'conversation-folder', i)[0]}/folder",
            {"folder": "archived"},
            None,
            None,
        ),
    ),
    Case(
        "sales.conversation.post_message",
        "",
        "command",
        lambda w, i: (
            "POST",
            f"/sales/conversations/{_thread(w, 'conversation', 0)[0]}/messages",
            {"direction": "out", "body": f"Reply {i}"},
            None,
            None,
        ),
        201,
    ),
    Case(
        "sales.conversation.list_messages",
        "",
        "list",
        lambda w, i: ("GET", f"/sales/conversations/{_thread(w, 'conversation', 0)[0]}/messages", None, None, None),
    ),
    Case(
        "sales.conversation.set_delivery",
        "",
        "command",
        lambda w, i: (
            "PUT",
            "/sales/conversations/{}/messages/{}/delivery".format(*_thread(w, "conversation-read", i)),
            {"delivery": "read"},
            None,
            None,
        ),
    ),
    Case(
        "sales.conversation.forward",
        "",
        "forward",
        lambda w, i: (
            "POST",
            f"/sales/conversations/{_thread(w, 'conversation', 0)[0]}/forward",
            {"scope": "thread", "to": ["colleague@seller.example"], "comment": "FYI"},
            None,
            None,
        ),
    ),
    # -- partner channel ---------------------------------------------------------------------------
    Case(
        "sales.partner.create",
        "",
        "command",
        lambda w, i: (
            "POST",
            "/sales/partners",
            {"contact_id": _pool(w, "partner-company", i, _free_organization), "subtype": "reseller"},
            None,
            None,
        ),
        201,
    ),
    Case(
        "sales.partner.get",
        "",
        "get",
        lambda w, i: ("GET", f"/sales/partners/{_pool(w, 'partner', 0, _partner)}", None, None, None),
    ),
    Case(
        "sales.partner.list",
        "?tier=",
        "list",
        lambda w, i: ("GET", "/sales/partners", None, {"tier": "gold"}, None),
    ),
    Case(
        "sales.partner.change_tier",
        "",
        "command",
        lambda w, i: (
            "PUT",
            f"/sales/partners/{_pool(w, 'partner', 0, _partner)}/tier",
            {"tier": ("platinum", "gold")[i % 2], "reason": f"Review {i}"},
            None,
            None,
        ),
    ),
    Case(
        "sales.partner.tier_history",
        "",
        "history",
        lambda w, i: (
            "GET",
            f"/sales/partners/{_pool(w, 'partner-history', 0, _partner)}/tier-history",
            None,
            None,
            None,
        ),
    ),
    Case(
        "sales.partner.suspend",
        "",
        "command",
        lambda w, i: ("POST", f"/sales/partners/{_pool(w, 'partner-suspend', i, _partner)}/suspend", {}, None, None),
    ),
    Case(
        "sales.partner.reinstate",
        "",
        "command",
        lambda w, i: (
            "POST",
            f"/sales/partners/{_pool(w, 'partner-reinstate', i, _suspended_partner)}/reinstate",
            {},
            None,
            None,
        ),
    ),
    Case(
        "sales.partner.convert_to_distributor",
        "",
        "command",
        lambda w, i: (
            "POST",
            f"/sales/partners/{_pool(w, 'partner-convert', i, _partner)}/convert-to-distributor",
            {},
            None,
            None,
        ),
    ),
    Case(
        "sales.agreement.create",
        "",
        "quote",
        lambda w, i: (
            "POST",
            "/sales/distribution-agreements",
            {
                "reseller_id": _pool(w, "partner", 0, _partner),
                "distributor_id": _pool(w, "distributor", 0, _distributor),
                "territory": ["DE"],
                "starts_on": "2026-01-01",
            },
            None,
            None,
        ),
        201,
    ),
    Case(
        "sales.agreement.get",
        "",
        "get",
        lambda w, i: (
            "GET",
            f"/sales/distribution-agreements/{_pool(w, 'agreement', 0, _agreement)}",
            None,
            None,
            None,
        ),
    ),
    Case(
        "sales.agreement.list",
        "",
        "list",
        lambda w, i: (
            "GET",
            f"/sales/partners/{_pool(w, 'listed-distributor', 0, _distributor)}/agreements",
            None,
            None,
            None,
        ),
    ),
    Case(
        "sales.agreement.activate",
        "",
        "win",
        lambda w, i: (
            "POST",
            f"/sales/distribution-agreements/{_pool(w, 'agreement-activate', i, _agreement)}/activate",
            {},
            None,
            None,
        ),
    ),
    Case(
        "sales.agreement.terminate",
        "",
        "win",
        lambda w, i: (
            "POST",
            f"/sales/distribution-agreements/{_pool(w, 'agreement-terminate', i, _agreement)}/terminate",
            {},
            None,
            None,
        ),
    ),
    Case(
        "sales.deal.register",
        "",
        "quote",
        lambda w, i: (
            "POST",
            f"/sales/partners/{_pool(w, 'partner', 0, _partner)}/deals",
            {
                "customer_id": w.seeded.contacts[i % 5],
                "name": f"Registered {i}",
                "value": 100_000,
                "currency": "EUR",
                "expected_close_date": _future(60),
                "route": "direct",
            },
            None,
            None,
        ),
        201,
    ),
    Case(
        "sales.deal.decide_direct_exception",
        "",
        "command",
        lambda w, i: (
            "POST",
            f"/sales/deals/{_pool(w, 'registered-decide', i, _registered)}/direct-exception",
            {"decision": "granted"},
            None,
            None,
        ),
    ),
    Case(
        "sales.deal.reallocate_distributor",
        "",
        "win",
        lambda w, i: (
            "PUT",
            f"/sales/deals/{_pool(w, 'registered-reallocate', i, _registered)}/distributor",
            {"distributor_id": _pool(w, "distributor", 0, _distributor), "reason": "Coverage"},
            None,
            None,
        ),
    ),
    Case(
        "sales.deal.partner_list",
        "",
        "list",
        lambda w, i: ("GET", f"/sales/partners/{_pool(w, 'listing-partner', 0, _lister)}/deals", None, None, None),
    ),
    Case(
        "sales.lead.share",
        "",
        "command",
        lambda w, i: (
            "POST",
            f"/sales/leads/{_pool(w, 'lead-share', i, _lead)}/share",
            {"partner_id": _pool(w, "partner", 0, _partner)},
            None,
            None,
        ),
    ),
    # -- campaigns ---------------------------------------------------------------------------------
    Case(
        "sales.campaign.create",
        "",
        "command",
        lambda w, i: ("POST", "/sales/campaigns", {"name": f"Launch {i}", "type": "webinar"}, None, None),
        201,
    ),
    Case(
        "sales.campaign.get",
        "",
        "get",
        lambda w, i: ("GET", f"/sales/campaigns/{_pool(w, 'campaign', 0, _campaign)}", None, None, None),
    ),
    Case(
        "sales.campaign.list",
        "?status=",
        "list",
        lambda w, i: ("GET", "/sales/campaigns", None, {"status": "planned"}, None),
    ),
    Case(
        "sales.campaign.update",
        "",
        "command",
        lambda w, i: (
            "PATCH",
            f"/sales/campaigns/{_pool(w, 'campaign', 0, _campaign)}",
            {"budget": {"amount": 200_000 + i, "currency": "EUR"}},
            None,
            None,
        ),
    ),
    Case(
        "sales.campaign.activate",
        "",
        "command",
        lambda w, i: (
            "POST",
            f"/sales/campaigns/{_pool(w, 'campaign-activate', i, _campaign)}/activate",
            {},
            None,
            None,
        ),
    ),
    Case(
        "sales.campaign.complete",
        "",
        "command",
        lambda w, i: (
            "POST",
            f"/sales/campaigns/{_pool(w, 'campaign-complete', i, _active_campaign)}/complete",
            {},
            None,
            None,
        ),
    ),
    Case(
        "sales.campaign.cancel",
        "",
        "command",
        lambda w, i: ("POST", f"/sales/campaigns/{_pool(w, 'campaign-cancel', i, _campaign)}/cancel", {}, None, None),
    ),
    Case(
        "sales.campaign.stats",
        "",
        "stats",
        lambda w, i: ("GET", f"/sales/campaigns/{_pool(w, 'campaign', 0, _campaign)}/stats", None, None, None),
    ),
    Case(
        "sales.relationship.create",
        "",
        "command",
        lambda w, i: (
            "POST",
            f"/sales/contacts/{_pool(w, 'relationship-from', i, _free_contact)}/relationships",
            {"to_id": w.seeded.contacts[4], "type": "customer_of"},
            None,
            None,
        ),
        201,
    ),
    Case(
        "sales.relationship.delete",
        "",
        "command",
        lambda w, i: (
            "DELETE",
            f"/sales/contacts/{_pool(w, 'relationship-delete', i, _relationship)}",
            None,
            None,
            None,
        ),
        204,
    ),
    Case(
        "sales.contact.restore",
        "",
        "command",
        lambda w, i: (
            "POST",
            f"/sales/contacts/{_pool(w, 'contact-restore', i, _deleted_contact)}/restore",
            None,
            None,
            None,
        ),
    ),
    # -- billing ------------------------------------------------------------------------------------------
    Case(
        "billing.job.get",
        "",
        "get",
        lambda w, i: ("GET", f"/billing/jobs/{_pool(w, 'job', 0, _open_job)}", None, None, None),
    ),
    Case(
        "billing.job.list",
        "?status=",
        "list",
        lambda w, i: ("GET", "/billing/jobs", None, {"status": "completed", "page_size": PAGE}, None),
    ),
    Case(
        "billing.job.list",
        "?customer_id=",
        "list",
        lambda w, i: (
            "GET",
            "/billing/jobs",
            None,
            {"customer_id": _job_customer(w)},
            None,
        ),
    ),
    Case(
        "billing.job.complete",
        "",
        "command",
        lambda w, i: ("POST", f"/billing/jobs/{_pool(w, 'job-complete', i, _open_job)}/complete", None, None, None),
    ),
    Case(
        "billing.invoice.issue",
        "",
        "invoice",
        lambda w, i: (
            "POST",
            "/billing/invoices",
            {"job_id": _pool(w, "job-invoice", i, _completed_job), "due_date": _future(30)},
            None,
            None,
        ),
        201,
    ),
    Case(
        "billing.invoice.get",
        "",
        "get",
        lambda w, i: ("GET", f"/billing/invoices/{_pool(w, 'invoice', 0, _invoice)}", None, None, None),
    ),
    Case(
        "billing.invoice.list",
        "?status=",
        "list",
        lambda w, i: ("GET", "/billing/invoices", None, {"status": "issued", "page_size": PAGE}, None),
    ),
    Case(
        "billing.invoice.list",
        "?customer_id=",
        "list",
        lambda w, i: ("GET", "/billing/invoices", None, {"customer_id": _billed_customer(w)}, None),
    ),
    Case(
        "billing.invoice.list",
        "?overdue=true",
        "list",
        lambda w, i: ("GET", "/billing/invoices", None, {"overdue": "true", "page_size": PAGE}, None),
    ),
    Case(
        "billing.invoice.void",
        "",
        "void",
        lambda w, i: (
            "POST",
            f"/billing/invoices/{_pool(w, 'invoice-void', i, _invoice)}/void",
            {"reason": "Issued by mistake"},
            None,
            None,
        ),
    ),
    Case(
        "billing.invoice.pdf",
        "",
        "get",
        lambda w, i: ("GET", f"/billing/invoices/{_pool(w, 'invoice', 0, _invoice)}/pdf", None, None, None),
    ),
    Case(
        "billing.invoice.receivables",
        "",
        "stats",
        lambda w, i: ("GET", "/billing/stats/receivables", None, None, None),
    ),
    Case(
        "billing.payment.record",
        "",
        "command",
        lambda w, i: (
            "POST",
            "/billing/payments",
            {"invoice_id": _pool(w, "invoice", 0, _invoice), "amount": 1, "method": "bank_transfer"},
            None,
            None,
        ),
        201,
    ),
    Case(
        "billing.payment.get",
        "",
        "get",
        lambda w, i: ("GET", f"/billing/payments/{_pool(w, 'payment', 0, _payment)}", None, None, None),
    ),
    Case(
        "billing.payment.list",
        "",
        "list",
        lambda w, i: (
            "GET",
            f"/billing/invoices/{_pool(w, 'invoice', 0, _invoice)}/payments",
            None,
            {"page_size": PAGE},
            None,
        ),
    ),
)

RELAY_EVENTS = 23


def relay_records(world: World, events: int = RELAY_EVENTS) -> list[dict[str, Any]]:
    """The last `events` outbox inserts of the table stream, as the relay's event source mapping delivers them
    (commands are run until the stream holds enough)."""
    from tests.support.streams import relay_event, stream_records

    number = 0
    while True:
        records = relay_event(stream_records())["Records"]
        if len(records) >= events:
            return records[-events:]
        _open_deal(world, 20_000 + number)
        number += 1
