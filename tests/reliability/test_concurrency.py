"""Optimistic concurrency: ETag on reads, If-Match on mutations (412 when stale), and, without If-Match,
no lost update: a write that lost the race is retried on the new version, or refused with 409 CONFLICT.

Races are made deterministic by letting a rival command commit between the command's read and its
conditional write (the repository's `get` runs the rival before returning); the threaded tests race real
threads and check only outcomes that hold under every interleaving.
"""

from __future__ import annotations

import copy
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest

from billing.job.store import JobRepository
from sales.contact.store import ContactRepository
from sales.deal.store import DealRepository
from tests.support import billing
from tests.support.api import Api, Lambdas, Reply
from tests.support.aws import BILLING_TABLE
from tests.support.recount import assert_stats_match_a_recount
from tests.support.samples import days_ahead
from tests.support.streams import events_of, outbox_rows
from tests.support.table import deal_item
from tools.sample_events import sqs_batch

MONTHS = (date.today().strftime("%Y-%m"), (date.today() + timedelta(days=800)).strftime("%Y-%m"))


def test_reads_carry_the_etag_a_mutation_may_name(api: Api, deal: dict, contact: dict) -> None:
    read = api.get(f"/sales/deals/{deal['id']}")
    assert read.headers["ETag"] == '"1"' and read.data["version"] == 1
    assert api.get(f"/sales/contacts/{contact['id']}").headers["ETag"] == f'"{contact["version"]}"'
    moved = api.put(f"/sales/deals/{deal['id']}/stage", {"stage": "qualified"}, headers={"If-Match": '"1"'})
    assert moved.status == 200 and moved.headers["ETag"] == '"2"'
    weak = api.put(f"/sales/deals/{deal['id']}/value", {"value": 7, "currency": "USD"}, headers={"If-Match": 'W/"2"'})
    assert weak.status == 200 and weak.headers["ETag"] == '"3"'
    anything = api.put(f"/sales/deals/{deal['id']}/stage", {"stage": "proposal"}, headers={"If-Match": "*"})
    assert anything.status == 200 and anything.headers["ETag"] == '"4"'
    stale = api.post(f"/sales/deals/{deal['id']}/win", {}, headers={"If-Match": '"3"'})
    assert stale.status == 412 and stale.error_code == "PRECONDITION_FAILED"
    assert api.get(f"/sales/deals/{deal['id']}").data["stage"] == "proposal"


# -- deterministic races ----------------------------------------------------------------------------------
@contextmanager
def rival_between_read_and_write(
    monkeypatch: pytest.MonkeyPatch, repository: type, rival: Callable[[int], Any], times: int = 1
) -> Iterator[list[Any]]:
    """The next `times` loads through `repository.get` are each followed by `rival(n)`, which commits
    another change before the loaded (now stale) record is returned to the command under test."""
    original = repository.get
    results: list[Any] = []
    busy = [False]

    def get(self: Any, record_id: str) -> Any:
        record = original(self, record_id)
        if len(results) < times and not busy[0]:
            busy[0] = True
            try:
                results.append(rival(len(results)))
            finally:
                busy[0] = False
        return record

    monkeypatch.setattr(repository, "get", get)
    yield results
    monkeypatch.setattr(repository, "get", original)


def _event_types(deal_id: str) -> list[str]:
    return [row["event_type"] for row in events_of(deal_id)]


def test_without_if_match_a_lost_race_is_retried_and_both_updates_stay(
    api: Api, deal: dict, no_backoff: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    other = Lambdas()
    rival = lambda _n: other.call("PUT", f"/sales/deals/{deal['id']}/stage", {"stage": "proposal"})  # noqa: E731
    with rival_between_read_and_write(monkeypatch, DealRepository, rival) as rivals:
        reply = api.put(f"/sales/deals/{deal['id']}/value", {"value": 75000000, "currency": "EUR"})
    assert rivals[0].status == 200
    assert reply.status == 200, reply.body
    assert (reply.data["stage"], reply.data["value"], reply.data["currency"]) == ("proposal", 75000000, "EUR")
    assert reply.data["version"] == 3 and reply.headers["ETag"] == '"3"'
    assert len(no_backoff) == 1, "one lost race, one retry"
    assert _event_types(deal["id"]) == ["deal.created", "deal.stage_changed", "deal.value_changed"]
    history = api.get(f"/sales/deals/{deal['id']}/history").data["entries"]
    assert [(entry["from_stage"], entry["to_stage"]) for entry in history] == [(None, "lead"), ("lead", "proposal")]
    assert_stats_match_a_recount(api, *MONTHS)


def test_a_reassignment_racing_a_stage_move_keeps_owner_totals_exact(
    api: Api, deal: dict, no_backoff: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    new_owner = "0192f1c4-7d3e-7a10-8b55-00000000aaaa"
    other = Lambdas()
    rival = lambda _n: other.call("PUT", f"/sales/deals/{deal['id']}/basic-info", {"assigned_to": new_owner})  # noqa: E731
    with rival_between_read_and_write(monkeypatch, DealRepository, rival):
        reply = api.put(f"/sales/deals/{deal['id']}/stage", {"stage": "negotiation"})
    assert reply.status == 200 and reply.data["assigned_to"] == new_owner and reply.data["stage"] == "negotiation"
    assert api.get("/sales/deals", query={"assigned_to": deal["assigned_to"]}).body["pagination"]["total"] == 0
    assert_stats_match_a_recount(api, *MONTHS)


def test_with_if_match_a_lost_race_is_a_412_and_the_rival_change_stands(
    api: Api, deal: dict, no_backoff: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    other = Lambdas()
    rival = lambda _n: other.call("PUT", f"/sales/deals/{deal['id']}/stage", {"stage": "proposal"})  # noqa: E731
    with rival_between_read_and_write(monkeypatch, DealRepository, rival):
        reply = api.put(
            f"/sales/deals/{deal['id']}/value", {"value": 75000000, "currency": "USD"}, headers={"If-Match": '"1"'}
        )
    assert reply.status == 412 and reply.error_code == "PRECONDITION_FAILED", reply.body
    stored = deal_item(deal["id"])
    assert stored is not None
    assert (stored["version"], stored["stage"], stored["value"]) == (2, "proposal", deal["value"])
    assert _event_types(deal["id"]) == ["deal.created", "deal.stage_changed"]
    assert_stats_match_a_recount(api, *MONTHS)


@pytest.mark.parametrize(
    ("command", "rival_command", "refusal", "closing_event"),
    [
        ("win", "lose", "MARK_WON_FAILED", "deal.lost"),
        ("lose", "win", "MARK_LOST_FAILED", "deal.won"),
    ],
)
def test_win_and_lose_racing_on_one_deal_close_it_once(
    api: Api,
    deal: dict,
    no_backoff: list[float],
    monkeypatch: pytest.MonkeyPatch,
    command: str,
    rival_command: str,
    refusal: str,
    closing_event: str,
) -> None:
    other = Lambdas()
    rival = lambda _n: other.call("POST", f"/sales/deals/{deal['id']}/{rival_command}", {})  # noqa: E731
    with rival_between_read_and_write(monkeypatch, DealRepository, rival) as rivals:
        reply = api.post(f"/sales/deals/{deal['id']}/{command}", {})
    assert rivals[0].status == 200
    assert reply.status == 400 and reply.error_code == refusal, reply.body
    closing = [kind for kind in _event_types(deal["id"]) if kind in ("deal.won", "deal.lost")]
    assert closing == [closing_event], "exactly one close event"
    assert api.get(f"/sales/deals/{deal['id']}").data["version"] == 2
    assert_stats_match_a_recount(api, *MONTHS)


def test_a_writer_that_keeps_losing_gets_409_conflict_and_writes_nothing(
    api: Api, deal: dict, no_backoff: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    other = Lambdas()

    def rival(number: int) -> Reply:
        return other.call("PUT", f"/sales/deals/{deal['id']}/value", {"value": 1000 + number, "currency": "USD"})

    with rival_between_read_and_write(monkeypatch, DealRepository, rival, times=4) as rivals:
        reply = api.put(f"/sales/deals/{deal['id']}/stage", {"stage": "proposal"})
    assert [rival_reply.status for rival_reply in rivals] == [200] * 4
    assert reply.status == 409 and reply.error_code == "CONFLICT", reply.body
    stored = deal_item(deal["id"])
    assert stored is not None
    assert (stored["stage"], stored["value"], stored["version"]) == ("lead", 1003, 5), "only the rival's writes"
    assert "deal.stage_changed" not in _event_types(deal["id"])
    assert_stats_match_a_recount(api, *MONTHS)
    assert api.put(f"/sales/deals/{deal['id']}/stage", {"stage": "proposal"}).status == 200, "a retry succeeds"


def test_a_contact_deleted_while_a_deal_is_created_for_it_leaves_no_orphan(
    api: Api, future: str, no_backoff: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    contact = api.post("/sales/contacts", {"kind": "person", "display_name": "Leaving"}).data
    other = Lambdas()
    rival = lambda _n: other.call("DELETE", f"/sales/contacts/{contact['id']}")  # noqa: E731
    body = {
        "customer_id": contact["id"],
        "name": "Orphan?",
        "value": 5,
        "currency": "USD",
        "expected_close_date": future,
    }
    with rival_between_read_and_write(monkeypatch, ContactRepository, rival) as rivals:
        reply = api.post("/sales/deals", body)
    assert rivals[0].status == 204
    assert reply.status == 422 and reply.error_code == "CUSTOMER_NOT_FOUND", reply.body
    assert api.get("/sales/deals").body["pagination"]["total"] == 0
    assert_stats_match_a_recount(api, *MONTHS)


def test_a_deal_created_while_its_contact_is_deleted_blocks_the_delete(
    api: Api, future: str, no_backoff: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    contact = api.post("/sales/contacts", {"kind": "person", "display_name": "Staying"}).data
    other = Lambdas()
    body = {"customer_id": contact["id"], "name": "Late", "value": 5, "currency": "USD", "expected_close_date": future}
    rival = lambda _n: other.call("POST", "/sales/deals", body)  # noqa: E731
    with rival_between_read_and_write(monkeypatch, ContactRepository, rival) as rivals:
        reply = api.delete(f"/sales/contacts/{contact['id']}")
    assert rivals[0].status == 201
    assert reply.status == 409 and reply.error_code == "CONTACT_HAS_DEALS", reply.body
    assert api.get(f"/sales/contacts/{contact['id']}").status == 200
    assert_stats_match_a_recount(api, *MONTHS)


# -- threaded races ---------------------------------------------------------------------------------------
def _race(calls: list[Callable[[], Reply]]) -> list[Reply]:
    start = threading.Barrier(len(calls))
    replies: list[Reply | None] = [None] * len(calls)

    def run(index: int) -> None:
        start.wait()
        replies[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(reply is not None for reply in replies), "a racing request never returned"
    return replies  # type: ignore[return-value]


def test_threads_racing_win_against_lose_close_each_deal_exactly_once(
    atomic_calls: None, api: Api, contact: dict, future: str, no_backoff: list[float]
) -> None:
    body = {"customer_id": contact["id"], "value": 100, "currency": "USD", "expected_close_date": future}
    deals = [api.post("/sales/deals", {**body, "name": f"Race {n}"}).data for n in range(3)]
    winner, loser = Lambdas(), Lambdas()
    for deal in deals:
        won, lost = _race(
            [
                lambda deal=deal: winner.call("POST", f"/sales/deals/{deal['id']}/win", {}),
                lambda deal=deal: loser.call("POST", f"/sales/deals/{deal['id']}/lose", {}),
            ]
        )
        assert sorted([won.status, lost.status]) == [200, 400], (won.body, lost.body)
        refused = lost if won.status == 200 else won
        assert refused.error_code in ("MARK_WON_FAILED", "MARK_LOST_FAILED")
        closing = [kind for kind in _event_types(deal["id"]) if kind in ("deal.won", "deal.lost")]
        assert len(closing) == 1, "exactly one close event"
        assert closing == ["deal.won" if won.status == 200 else "deal.lost"]
    assert_stats_match_a_recount(api, *MONTHS)


def test_threads_updating_different_fields_lose_no_update(
    atomic_calls: None, api: Api, deal: dict, no_backoff: list[float]
) -> None:
    later = days_ahead(400)
    path = f"/sales/deals/{deal['id']}"
    writers = [Lambdas() for _ in range(4)]
    replies = _race(
        [
            lambda: writers[0].call("PUT", f"{path}/value", {"value": 123456, "currency": "JPY"}),
            lambda: writers[1].call("PUT", f"{path}/stage", {"stage": "negotiation"}),
            lambda: writers[2].call("PUT", f"{path}/basic-info", {"name": "Renamed in a race"}),
            lambda: writers[3].call("PUT", f"{path}/basic-info", {"expected_close_date": later}),
        ]
    )
    assert [reply.status for reply in replies] == [200] * 4, [reply.body for reply in replies]
    final = api.get(path).data
    assert (final["value"], final["currency"], final["stage"]) == (123456, "JPY", "negotiation")
    assert (final["name"], final["expected_close_date"], final["version"]) == ("Renamed in a race", later, 5)
    assert sorted(_event_types(deal["id"])) == ["deal.created", "deal.stage_changed", "deal.value_changed"]
    assert_stats_match_a_recount(api, *MONTHS)


# -- hierarchy links under concurrent changes ---------------------------------------------------------------
def _organization(api: Api, name: str, **links: Any) -> dict[str, Any]:
    reply = api.post("/sales/contacts", {"kind": "organization", "display_name": name, **links})
    assert reply.status == 201, reply.body
    return reply.data


def test_a_link_that_a_rival_turns_into_a_cycle_is_refused_on_the_retry(
    api: Api, no_backoff: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A under B is being set while B under A commits: the guard on B's version fails, the retry walks the new
    chain and refuses the cycle; exactly one of the two links stands."""
    a, b = _organization(api, "Race A"), _organization(api, "Race B")
    other = Lambdas()
    original = ContactRepository.get
    rivals: list[Reply] = []
    started = [False]

    def get(self: Any, contact_id: str) -> Any:
        # The rival commits right after the cycle check read B: only the guard on B's version can catch it.
        found = original(self, contact_id)
        if contact_id == b["id"] and not started[0]:
            started[0] = True
            rivals.append(other.call("PATCH", f"/sales/contacts/{b['id']}", {"parent_id": a["id"]}))
        return found

    monkeypatch.setattr(ContactRepository, "get", get)
    reply = api.patch(f"/sales/contacts/{a['id']}", {"parent_id": b["id"]})
    monkeypatch.setattr(ContactRepository, "get", original)
    assert rivals[0].status == 200, rivals[0].body
    assert reply.status == 409 and reply.error_code == "CYCLE", reply.body
    assert api.get(f"/sales/contacts/{a['id']}").data["parent_id"] is None
    assert api.get(f"/sales/contacts/{b['id']}").data["parent_id"] == a["id"]


def test_threads_linking_a_chain_into_a_loop_never_leave_a_cycle(
    atomic_calls: None, api: Api, no_backoff: list[float]
) -> None:
    """Three organizations, each linked under the next by its own thread at once: at most two links can stand
    (three would be a loop), and the ones refused say CYCLE."""
    for round_number in range(3):
        chain = [_organization(api, f"Loop {round_number}-{n}") for n in range(3)]
        writers = [Lambdas() for _ in chain]
        replies = _race(
            [
                lambda n=n, writers=writers, chain=chain: writers[n].call(
                    "PATCH", f"/sales/contacts/{chain[n]['id']}", {"parent_id": chain[(n + 1) % 3]["id"]}
                )
                for n in range(3)
            ]
        )
        statuses = sorted(reply.status for reply in replies)
        assert statuses in ([200, 200, 409], [200, 409, 409]), [reply.body for reply in replies]
        assert all(reply.error_code == "CYCLE" for reply in replies if reply.status == 409)
        parents = {c["id"]: api.get(f"/sales/contacts/{c['id']}").data["parent_id"] for c in chain}
        # Follow the links from any contact: the walk must end, never come back.
        for start in parents:
            seen, current = set(), start
            while current is not None:
                assert current not in seen, f"cycle through {current}"
                seen.add(current)
                current = parents.get(current)


def test_threads_creating_the_same_relationship_store_it_once(atomic_calls: None, api: Api) -> None:
    for round_number in range(3):
        ada = api.post("/sales/contacts", {"kind": "person", "display_name": f"Twin {round_number} A"}).data["id"]
        bob = api.post("/sales/contacts", {"kind": "person", "display_name": f"Twin {round_number} B"}).data["id"]
        writers = [Lambdas() for _ in range(3)]
        body = {"to_id": bob, "type": "colleague"}
        replies = _race(
            [
                lambda n=n, writers=writers, ada=ada, body=body: writers[n].call(
                    "POST", f"/sales/contacts/{ada}/relationships", body
                )
                for n in range(3)
            ]
        )
        assert sorted(reply.status for reply in replies) == [201, 409, 409], [reply.body for reply in replies]
        assert all(reply.error_code == "DUPLICATE_RELATIONSHIP" for reply in replies if reply.status == 409)
        listed = api.get(f"/sales/contacts/{ada}/relationships").body
        assert listed["pagination"]["total"] == 1 and len(listed["data"]) == 1


# -- confirming an opportunity ---------------------------------------------------------------------------------
def test_twenty_concurrent_confirmations_open_exactly_one_deal(
    atomic_calls: None, api: Api, contact: dict, no_backoff: list[float]
) -> None:
    """The opportunity and its deal are one transaction on the opportunity's version: whoever commits first
    opens the deal, every other confirmation reloads a confirmed opportunity and is refused."""
    offer = api.post("/sales/opportunities", {"customer_id": contact["id"], "name": "Raced offer"}).data
    line = {"description": "Device", "quantity": 3, "unit_price": 12345, "discount_percent": "10"}
    variant = {"name": "Only", "currency": "EUR", "lines": [line]}
    offer = api.post(f"/sales/opportunities/{offer['id']}/variants", variant).data
    path = f"/sales/opportunities/{offer['id']}"
    assert api.post(f"{path}/validate", {"variant_id": offer["variants"][0]["id"]}).status == 200
    close = days_ahead(30)
    confirmers = [Lambdas() for _ in range(20)]
    replies = _race(
        [
            lambda client=client: client.call("POST", f"{path}/confirm", {"expected_close_date": close})
            for client in confirmers
        ]
    )
    statuses = sorted(reply.status for reply in replies)
    assert statuses == [201] + [409] * 19, [reply.body for reply in replies if reply.status not in (201, 409)]
    assert {reply.error_code for reply in replies if reply.status == 409} == {"INVALID_TRANSITION"}
    [deal] = [reply.data for reply in replies if reply.status == 201]
    deals = api.get("/sales/deals", query={"customer_id": contact["id"]}).data
    assert [item["id"] for item in deals if item["opportunity_id"] == offer["id"]] == [deal["id"]]
    # 3 x 123.45 = 370.35 EUR; 10 % of it is 37.035, half to even 37.04, so 333.31.
    assert (deal["value"], deal["currency"]) == (33331, "EUR")
    assert api.get(path).data["deal_id"] == deal["id"]
    assert len(events_of(offer["id"], "opportunity.confirmed")) == 1


# -- quote numbers and acceptance -------------------------------------------------------------------------------
def test_fifty_concurrent_quotes_take_fifty_consecutive_numbers(
    atomic_calls: None, api: Api, deal: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each create moves the year's sequence on by one, conditionally, in its own transaction: racing creates
    that lose read it again and try the next number, so the numbers are gapless and none is taken twice."""
    monkeypatch.setattr("sales.quote.use_cases.time.sleep", lambda _seconds: None)
    makers = [Lambdas() for _ in range(50)]
    replies = _race(
        [lambda client=client: client.call("POST", f"/sales/deals/{deal['id']}/quotes", {}) for client in makers]
    )
    assert [reply.status for reply in replies] == [201] * 50, [r.body for r in replies if r.status != 201]
    numbers = sorted(reply.data["number"] for reply in replies)
    year = numbers[0][2:6]
    assert numbers == [f"Q-{year}-{n:06d}" for n in range(1, 51)]
    listed = api.get(f"/sales/deals/{deal['id']}/quotes", query={"page_size": 100}).body
    assert listed["pagination"]["total"] == 50


def test_two_quotes_of_one_deal_accepted_at_once_leave_one_accepted(
    atomic_calls: None, api: Api, deal: dict, no_backoff: list[float]
) -> None:
    quotes = []
    for _ in range(2):
        made = api.post(f"/sales/deals/{deal['id']}/quotes", {}).data
        quotes.append(api.post(f"/sales/quotes/{made['id']}/send").data)
    clients = [Lambdas(), Lambdas()]
    replies = _race(
        [
            lambda client=client, quote=quote: client.call("POST", f"/sales/quotes/{quote['id']}/accept")
            for client, quote in zip(clients, quotes, strict=True)
        ]
    )
    assert sorted(reply.status for reply in replies) == [200, 409], [reply.body for reply in replies]
    [accepted] = [reply.data for reply in replies if reply.status == 200]
    [refused] = [reply for reply in replies if reply.status == 409]
    assert refused.error_code in ("QUOTE_ALREADY_ACCEPTED", "CONFLICT"), refused.body
    final = api.get(f"/sales/deals/{deal['id']}").data
    assert (final["quote_id"], final["value"]) == (accepted["id"], accepted["total"])


def test_two_overlapping_agreements_activated_at_once_leave_one_active(
    atomic_calls: None, api: Api, no_backoff: list[float]
) -> None:
    """Both activations read the pair with no active agreement; the pair item, written from the version read,
    lets one commit, and the other's retry finds it and refuses the overlap."""

    def partner(subtype: str) -> str:
        company = api.post("/sales/contacts", {"kind": "organization", "display_name": f"Race {subtype}"}).data
        return str(api.post("/sales/partners", {"contact_id": company["id"], "subtype": subtype}).data["id"])

    terms = {"reseller_id": partner("reseller"), "distributor_id": partner("distributor"), "territory": ["DE"]}
    agreements = [
        api.post("/sales/distribution-agreements", {**terms, "starts_on": starts}).data
        for starts in ("2026-01-01", "2026-06-01")
    ]
    clients = [Lambdas(), Lambdas()]
    replies = _race(
        [
            lambda client=client, agreement=agreement: client.call(
                "POST", f"/sales/distribution-agreements/{agreement['id']}/activate"
            )
            for client, agreement in zip(clients, agreements, strict=True)
        ]
    )
    assert sorted(reply.status for reply in replies) == [200, 409], [reply.body for reply in replies]
    [refused] = [reply for reply in replies if reply.status == 409]
    assert refused.error_code == "AGREEMENT_OVERLAP", refused.body
    statuses = sorted(api.get(f"/sales/distribution-agreements/{a['id']}").data["status"] for a in agreements)
    assert statuses == ["active", "pending"]


# -- invoice numbers and payments ------------------------------------------------------------------------------
def _completed_jobs(api: Api, count: int) -> list[dict[str, Any]]:
    """`count` completed jobs: one deal won through the Sales API, its deal.won delivered again under new deal
    ids (as other won deals would reach Billing), each job then completed by provisioning."""
    won = billing.won_event(billing.won_deal(api)["id"])
    jobs = []
    for _ in range(count):
        event = copy.deepcopy(won)
        event["detail"]["metadata"]["event_id"] = str(uuid.uuid4())
        event["detail"]["data"]["deal_id"] = deal_id = str(uuid.uuid4())
        billing.deliver(billing.WON_CONSUMER, event)
        billing.deliver(billing.PROVISIONING_CONSUMER, billing.provisioning_completed(deal_id))
        jobs.append(deal_id)
    listed = api.get("/billing/jobs", query={"status": "completed", "page_size": 100}).data
    assert sorted(job["deal_id"] for job in listed) == sorted(jobs), listed
    return list(listed)


@pytest.mark.parametrize("first", ["won", "completed"])
def test_a_completion_racing_the_win_is_never_lost(
    api: Api, monkeypatch: pytest.MonkeyPatch, first: str, no_backoff: list[float]
) -> None:
    """One consumer reads the deal's claim, the other commits before it writes: the win opening the job while
    provisioning keeps its completion on the claim (or the other way round). The late writer's condition on the
    claim as it read it fails, its retry sees the rival's write, and the job ends completed either way."""
    deal = billing.won_deal(api)
    won, completed = billing.won_event(deal["id"]), billing.provisioning_completed(deal["id"])
    consumers = {"won": (billing.WON_CONSUMER, won), "completed": (billing.PROVISIONING_CONSUMER, completed)}
    late, rival = consumers[first], consumers["completed" if first == "won" else "won"]
    original = JobRepository.deal_job
    raced: list[dict[str, Any]] = []

    def deal_job(self: JobRepository, deal_id: str) -> Any:
        claim = original(self, deal_id)
        if not raced:
            raced.append({})  # the rival's own read of the claim runs no rival
            raced[0] = billing.deliver(rival[0], sqs_batch([rival[1]], "rival"))
        return claim

    monkeypatch.setattr(JobRepository, "deal_job", deal_job)
    assert billing.deliver(late[0], sqs_batch([late[1]], "late")) == {"batchItemFailures": []}
    assert raced == [{"batchItemFailures": []}]
    monkeypatch.setattr(JobRepository, "deal_job", original)
    job = billing.job_of(api, deal)
    assert job["status"] == "completed", job
    assert len(events_of(job["id"], "job.opened", table=BILLING_TABLE)) == 1
    assert len(events_of(job["id"], "job.completed", table=BILLING_TABLE)) == 1


def test_fifty_concurrent_invoices_take_fifty_consecutive_numbers(
    atomic_calls: None, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Like quotes: each issue steps the year's sequence on by one in the invoice's own transaction; a racing
    issue that loses reads the sequence again, so the numbers are gapless and none is taken twice."""
    monkeypatch.setattr("billing.invoice.use_cases.time.sleep", lambda _seconds: None)
    jobs = _completed_jobs(api, 50)
    clerks = [Lambdas() for _ in jobs]
    due = days_ahead(30)
    replies = _race(
        [
            lambda clerk=clerk, job=job: clerk.call(
                "POST",
                "/billing/invoices",
                {"job_id": job["id"], "due_date": due, "items": [{"description": "Service", "amount": 100}]},
            )
            for clerk, job in zip(clerks, jobs, strict=True)
        ]
    )
    assert [reply.status for reply in replies] == [201] * 50, [r.body for r in replies if r.status != 201]
    numbers = sorted(reply.data["invoice_number"] for reply in replies)
    year = date.today().year
    assert numbers == [f"INV-{year}-{n:06d}" for n in range(1, 51)]
    assert {reply.data["job_id"] for reply in replies} == {job["id"] for job in jobs}
    [usd] = api.get("/billing/stats/receivables").data["currencies"]
    assert (usd["currency"], usd["outstanding"], usd["invoice_count"]) == ("USD", 5000, 50)


def test_twenty_concurrent_payments_never_exceed_the_invoice_total(
    atomic_calls: None, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each payment is decided on the invoice's latest version and written on the condition that it is still
    that version: of twenty payments of 10 on an invoice of 100, ten are recorded and ten are overpayments."""
    monkeypatch.setattr("billing.payment.use_cases.time.sleep", lambda _seconds: None)
    invoice = billing.issued_invoice(api, amount=100)
    payers = [Lambdas() for _ in range(20)]
    body = {"invoice_id": invoice["id"], "amount": 10, "method": "card"}
    replies = _race([lambda payer=payer: payer.call("POST", "/billing/payments", body) for payer in payers])
    statuses = sorted(reply.status for reply in replies)
    assert statuses == [201] * 10 + [422] * 10, [reply.body for reply in replies]
    assert {reply.error_code for reply in replies if reply.status == 422} == {"OVERPAYMENT"}
    paid = api.get(f"/billing/invoices/{invoice['id']}").data
    assert (paid["status"], paid["amount_paid"], paid["balance_due"]) == ("paid", 100, 0)
    payments = api.get(f"/billing/invoices/{invoice['id']}/payments", query={"page_size": 100}).body
    assert payments["pagination"]["total"] == 10
    assert len(events_of(invoice["id"], "invoice.paid", table=BILLING_TABLE)) == 1
    recorded = [row for row in outbox_rows(BILLING_TABLE) if row["event_type"] == "payment.recorded"]
    assert len(recorded) == 10
