"""What every operation costs in AWS requests, pinned: a new request, a new item in a transaction or a Scan fails.

Counts, not times, so the test is deterministic. It runs the benchmark's cases (bench/operations.py) once each
on a moto table seeded the way `make bench` seeds it (1,500 deals here, then 3,000 for the size comparison);
`make bench` prints the same table with latencies and cold starts (docs/performance.md). When an operation's
cost changes on purpose, update EXPECTED below in the same change, and say why in its review.
"""

from __future__ import annotations

import dataclasses
import math
import random
import uuid
from collections import Counter
from types import SimpleNamespace
from typing import Any, cast

import pytest

from bench import costs, report, targets
from bench.operations import _MONTH, _YEAR_ON, CASES, RELAY_EVENTS
from bench.world import World
from kernel.clock import add_months, months_between
from kernel.settings import settings
from sales import keys
from tools.registry import ALL

# The all-deals and status/stage lists read DEAL_INDEX_SHARDS shards, `Limit` = page_size each, and a deal's
# shard comes from a hash of its random id: a shard holding fewer than a page of matches reads fewer items, so
# items read are the same at both sizes (and pinned) only once every shard holds a full page. The scarcest case
# is `?status=won&page_size=10`: 10% of the seeded deals are won, 150 here, ~37 a shard (sd ~5); a shard with
# fewer than 10 has a probability below 1e-8. Requests never depend on it: always one Query per shard.
SMALL, LARGE = 1_500, 3_000
# The forecast reads FORECAST_SHARDS items per month of its window (the bench asks for a year from this month).
FORECAST_KEYS = keys.FORECAST_SHARDS * (months_between(_MONTH, _YEAR_ON) + 1)
# The all-deals and status/stage lists: one Query per write shard, `Limit` = page_size each (the default page is
# 20, the bench's filtered pages 10), merged in memory; their total is the 10 pipeline shards' BatchGetItem.
SHARDS = keys.DEAL_INDEX_SHARDS
SHARDED_PAGE = f"{SHARDS} Query + BatchGetItem"

# label -> (requests in call order, items read, items written). Items read: keys a GetItem/BatchGetItem asks
# for plus items a Query evaluates; items written: items of the TransactWriteItems (or single writes).
EXPECTED: dict[str, tuple[str, int, int]] = {
    "sales.deal.get": ("GetItem", 1, 0),
    "sales.deal.list": (SHARDED_PAGE, SHARDS * 20 + 10, 0),
    "sales.deal.list next page (cursor)": (SHARDED_PAGE, SHARDS * 20 + 10, 0),
    "sales.deal.list ?stage=lead": (SHARDED_PAGE, SHARDS * 10 + 10, 0),
    "sales.deal.list ?status=won": (SHARDED_PAGE, SHARDS * 10 + 10, 0),
    "sales.deal.list ?assigned_to=": ("Query + GetItem", 11, 0),
    "sales.deal.list ?customer_id=": ("Query + GetItem", 11, 0),
    "sales.deal.list ?customer_id=&assigned_to=": ("2 Query", 20, 0),
    # ?page=3 of 20: each shard reads its first 60 (pages 1 to 3), the merge drops the first 40: documented as
    # costly, and it grows with N (cursors do not).
    "sales.deal.list ?page=3": (SHARDED_PAGE, SHARDS * 60 + 10, 0),
    "sales.deal.list_by_stage": (SHARDED_PAGE, SHARDS * 10 + 10, 0),
    "sales.deal.pipeline_stats": ("BatchGetItem", 10, 0),
    "sales.deal.won_stats": ("BatchGetItem", 10, 0),
    # Forecast counters live on per-month items (4 shards a month), no longer on the pipeline shards: a year
    # is 48 small keys in one BatchGetItem; the longest window, two (see the forecast test below).
    "sales.deal.forecast": ("BatchGetItem", FORECAST_KEYS, 0),
    "sales.deal.history": ("Query", 3, 0),
    "sales.contact.get": ("GetItem", 1, 0),
    "sales.contact.list": ("Query + BatchGetItem", 20, 0),
    "sales.contact.list ?q=": ("2 Query", 2, 0),
    "sales.contact.list ?email=": ("2 GetItem", 2, 0),
    # Filtered contact lists: a page of the index answering the most selective filter, then its total by a
    # counting Query of the same partition(s) (items read grow with that partition, never with the table). Tag
    # and phone pages are list entries, the contacts read with one BatchGetItem. 150 contacts here: 30 a tag, 30
    # an owner, ~37 a lifecycle (two partitions, one per kind, for a lifecycle alone).
    "sales.contact.list ?phone=": ("2 Query + BatchGetItem", 3, 0),
    "sales.contact.list ?tag=": ("2 Query + BatchGetItem", 10 + 10 + 30, 0),
    "sales.contact.list ?lifecycle=": ("4 Query", 2 * 10 + 28, 0),
    "sales.contact.list ?kind=&lifecycle=": ("2 Query", 20 + 37, 0),
    "sales.contact.list ?owner_id=": ("2 Query", 10 + 30, 0),
    "sales.contact.deals": ("BatchGetItem + Query", 12, 0),
    # A command that changes a deal's forecast also ADDs to that month's forecast item (+1 item, same
    # transaction); a new close date would add two, the old month's and the new one's.
    "sales.deal.create": ("GetItem + TransactWriteItems", 1, 8),
    # + the command record that keeps a keyed command from applying twice (in its own transaction).
    "sales.deal.create Idempotency-Key": ("PutItem + GetItem + TransactWriteItems + UpdateItem", 1, 11),
    "sales.deal.update_basic_info": ("GetItem + TransactWriteItems", 1, 1),
    "sales.deal.update_value": ("GetItem + TransactWriteItems", 1, 4),
    "sales.deal.move_stage": ("GetItem + TransactWriteItems", 1, 7),
    # + the customer's read: deal.won carries the customer's bridge as it is when the deal is won.
    "sales.deal.win": ("2 GetItem + TransactWriteItems", 2, 7),
    "sales.deal.lose": ("GetItem + TransactWriteItems", 1, 7),
    "sales.deal.delete": ("GetItem + TransactWriteItems", 1, 6),
    "sales.deal.restore": ("GetItem + TransactWriteItems", 1, 7),
    # + the email's business-domain entry (duplicates look contacts up by it).
    "sales.contact.create": ("TransactWriteItems", 0, 5),
    # The bench's update replaces the contact's phone: + the new number's list entry, + the old one's delete.
    "sales.contact.update": ("GetItem + TransactWriteItems", 1, 4),
    "sales.contact.delete": ("GetItem + TransactWriteItems", 1, 4),
    "sales.contact.restore": ("GetItem + TransactWriteItems", 1, 3),
    # The contact, its whole edge partition (at most 200 edges; 5 here), the other ends' liveness in one
    # BatchGetItem: bounded by the contact's relationships, never by the table.
    # A customer with 5 related people: the root, its step (5 edges), the 5 people in one batch, a step from
    # each (its one edge back). One Query per contact expanded, one BatchGetItem per level that finds contacts.
    "sales.contact.network ?depth=2": ("GetItem + 6 Query + BatchGetItem", 1 + 5 + 5 + 5, 0),
    # The contact, then one Query per phone, business domain and its name (here each finds only the contact
    # itself, so no batch of look-alikes is read).
    "sales.contact.duplicates": ("GetItem + 3 Query", 4, 0),
    "sales.relationship.list": ("GetItem + Query + BatchGetItem", 1 + 5 + 5, 0),
    # The path's contact read (If-Match, 404); the relationship, its outbox row, its (from, to, type) claim, and
    # for each end a liveness check, an edge and the bounded relationship counter.
    "sales.relationship.create": ("GetItem + TransactWriteItems", 1, 3 + 2 * 3),
    "sales.contact.convert": ("GetItem + TransactWriteItems", 1, 2),
    # Both contacts and their relationship counters in one BatchGetItem (4 keys); then the
    # survivor and its outbox row, the duplicate, the email claim changing hands, the survivor's new
    # business-domain entry and the duplicate's removed one, and the live-contact counter.
    "sales.contact.merge": ("BatchGetItem + TransactWriteItems", 4, 7),
    # Campaigns: the item and its outbox row; a list page and its counting Query of the same partition
    # (campaigns are few); the figures are the campaign and its two counter items in one BatchGetItem.
    # Partners: the profile, its outbox row, and per command what it implies: on create the tier it joins with
    # (a history item), the contact's liveness-and-kind check and its one-profile claim; on a tier change the
    # history item; on a conversion the check of the reseller's open direct deals counter. Partners are few:
    # their lists are one index partition and a counting Query of it.
    "sales.partner.create": ("TransactWriteItems", 0, 5),
    "sales.partner.get": ("GetItem", 1, 0),
    "sales.partner.list ?tier=": ("2 Query", 4, 0),
    "sales.partner.change_tier": ("GetItem + TransactWriteItems", 1, 3),
    "sales.partner.tier_history": ("Query", 2, 0),
    "sales.partner.suspend": ("GetItem + TransactWriteItems", 1, 2),
    "sales.partner.reinstate": ("GetItem + TransactWriteItems", 1, 2),
    "sales.partner.convert_to_distributor": ("GetItem + TransactWriteItems", 1, 3),
    # Quotes: the create reads the deal and the year's sequence, then the customer and the reseller (two
    # BatchGetItems), and writes the quote, its outbox row and the sequence's conditional step. An acceptance
    # reads the quote, then its deal, and writes both with their outbox rows, the deal's accepted-quote claim
    # and the deal's counters. The PDF is one GetItem (the customer's name is on the quote).
    "sales.quote.create": ("2 BatchGetItem + TransactWriteItems", 3, 3),
    "sales.quote.get": ("GetItem", 1, 0),
    "sales.quote.list": ("GetItem + 2 Query", 1, 0),
    "sales.quote.send": ("GetItem + TransactWriteItems", 1, 2),
    "sales.quote.accept": ("2 GetItem + TransactWriteItems", 2, 4),
    "sales.quote.reject": ("GetItem + TransactWriteItems", 1, 2),
    "sales.quote.pdf": ("GetItem", 1, 0),
    # Agreements: both parties in one BatchGetItem, then the agreement, its outbox row and its copy listed under
    # the distributor. An activation or termination reads the agreement, then the pair item, and writes both.
    "sales.agreement.create": ("BatchGetItem + TransactWriteItems", 2, 3),
    "sales.agreement.get": ("GetItem", 1, 0),
    "sales.agreement.list": ("GetItem + 2 Query", 1, 0),
    "sales.agreement.activate": ("2 GetItem + TransactWriteItems", 2, 4),
    "sales.agreement.terminate": ("2 GetItem + TransactWriteItems", 2, 4),
    # Registration: the reseller (one BatchGetItem, with the distributor when routed through one), then the
    # deal, its outbox rows, history, the customer check, the reseller's guard, its list entry and counters.
    "sales.deal.register": ("BatchGetItem + TransactWriteItems", 1, 11),
    "sales.deal.decide_direct_exception": ("GetItem + TransactWriteItems", 1, 3),
    "sales.deal.reallocate_distributor": ("2 GetItem + TransactWriteItems", 2, 6),
    # The partner, a page of its list entries, the deals they name (consistent), the entries counted.
    "sales.deal.partner_list": ("GetItem + 2 Query + BatchGetItem", 1 + 3 + 3 + 3, 0),
    # A share: the lead, its outbox row, and the check that the partner is an active gold or platinum reseller.
    "sales.lead.share": ("GetItem + TransactWriteItems", 1, 3),
    "sales.campaign.create": ("TransactWriteItems", 0, 2),
    "sales.campaign.get": ("GetItem", 1, 0),
    "sales.campaign.list ?status=": ("2 Query", 4, 0),
    "sales.campaign.update": ("GetItem + TransactWriteItems", 1, 2),
    "sales.campaign.activate": ("GetItem + TransactWriteItems", 1, 2),
    "sales.campaign.complete": ("GetItem + TransactWriteItems", 1, 2),
    "sales.campaign.cancel": ("GetItem + TransactWriteItems", 1, 2),
    "sales.campaign.stats": ("BatchGetItem", 3, 0),
    # Leads: a new lead with its outbox row, the lead-counter shard and the contact's liveness check (+ the
    # campaign's status check, its entry and its lead counters for a campaign lead). The all-leads and status
    # lists are write-sharded like the deals' (4 Queries merged) with the total from the counter shards.
    "sales.lead.create": ("TransactWriteItems", 0, 4),
    "sales.lead.get": ("GetItem", 1, 0),
    "sales.lead.list ?status=": ("4 Query + BatchGetItem", 12, 0),
    "sales.lead.of_contact": ("GetItem + 2 Query", 3, 0),
    # No event and no counter moves: the lead item alone.
    "sales.lead.update": ("GetItem + TransactWriteItems", 1, 1),
    # + the lead-counter shard (status counts); qualify, disqualify and reopen add their outbox row.
    "sales.lead.start": ("GetItem + TransactWriteItems", 1, 2),
    "sales.lead.qualify": ("GetItem + TransactWriteItems", 1, 3),
    "sales.lead.disqualify": ("GetItem + TransactWriteItems", 1, 3),
    "sales.lead.reopen": ("GetItem + TransactWriteItems", 1, 3),
    # The lead, its outbox row and counter shard, and the opportunity it becomes with its own three.
    "sales.lead.convert": ("GetItem + TransactWriteItems", 1, 6),
    # Opportunities: the item, its outbox row, its counter shard and the customer's liveness check.
    "sales.opportunity.create": ("TransactWriteItems", 0, 4),
    "sales.opportunity.get": ("GetItem", 1, 0),
    "sales.opportunity.list ?status=": ("4 Query + BatchGetItem", 12, 0),
    "sales.opportunity.update": ("GetItem + TransactWriteItems", 1, 1),
    # The first variant moves the opportunity to solutioning: + its counter shard.
    "sales.opportunity.add_variant": ("GetItem + TransactWriteItems", 1, 2),
    "sales.opportunity.replace_variant": ("GetItem + TransactWriteItems", 1, 1),
    "sales.opportunity.remove_variant": ("GetItem + TransactWriteItems", 1, 2),
    "sales.opportunity.compare": ("GetItem", 1, 0),
    "sales.opportunity.validate": ("GetItem + TransactWriteItems", 1, 3),
    # The opportunity (+ outbox row, counter shard) and the deal it opens with all a deal create writes.
    "sales.opportunity.confirm": ("GetItem + TransactWriteItems", 1, 11),
    "sales.opportunity.decline": ("GetItem + TransactWriteItems", 1, 3),
    "sales.relationship.delete": ("GetItem + TransactWriteItems", 1, 3 + 2 * 2),
    # An activity: it, its copy on each of two timelines, their two counters, its outbox row and the two live
    # links checked.
    "sales.activity.log": ("TransactWriteItems", 0, 8),
    "sales.activity.get": ("GetItem", 1, 0),
    # A void rewrites the activity and its two timeline copies (+ outbox row).
    "sales.activity.void": ("GetItem + TransactWriteItems", 1, 4),
    # The record and its counter, then one page of the timeline (of its type with ?type=).
    "sales.activity.contact_timeline": ("BatchGetItem + Query", 5, 0),
    "sales.activity.contact_timeline ?type=call": ("BatchGetItem + Query", 4, 0),
    "sales.activity.lead_timeline": ("BatchGetItem + Query", 2, 0),
    "sales.activity.opportunity_timeline": ("BatchGetItem + Query", 2, 0),
    "sales.activity.deal_timeline": ("BatchGetItem + Query", 2, 0),
    # The conversation, its outbox row, its folder counter shard, the contact checked live.
    "sales.conversation.create": ("TransactWriteItems", 0, 4),
    "sales.conversation.get": ("GetItem", 1, 0),
    # A folder's list: its 4 write shards, then the folder counters' shards (one BatchGetItem).
    "sales.conversation.list": ("4 Query + BatchGetItem", 12, 0),
    "sales.conversation.list ?contact_id=": ("2 Query", 4, 0),
    "sales.conversation.move_folder": ("GetItem + TransactWriteItems", 1, 3),
    # The conversation, the message, its activity with its contact timeline copy and counter, two outbox rows
    # (message.sent, activity.logged), the outgoing email.
    "sales.conversation.post_message": ("GetItem + TransactWriteItems", 1, 8),
    "sales.conversation.list_messages": ("GetItem + Query", 3, 0),
    "sales.conversation.set_delivery": ("BatchGetItem + TransactWriteItems", 2, 2),
    # The conversation, the forward's activity with its copy and counter, two outbox rows, the outgoing email.
    "sales.conversation.forward": ("GetItem + Query + TransactWriteItems", 3, 7),
    # Billing. A status's jobs or invoices: one Query of its index partition, the total from the 10 counter
    # shards; a customer's, and the overdue list: a page, then a counting Query of the same partition. The bench
    # has no completed job left un-invoiced and no invoice past due, so those pages read no item.
    "billing.job.get": ("GetItem", 1, 0),
    "billing.job.list ?status=": ("Query + BatchGetItem", 10, 0),
    "billing.job.list ?customer_id=": ("2 Query", 2, 0),
    # The job, its outbox row (job.completed) and the status counter shard.
    "billing.job.complete": ("GetItem + TransactWriteItems", 1, 3),
    # The job with the year's sequence; the invoice, its outbox row, the sequence step, the job, the receivable
    # and status counter shards, and the job's status counter shard.
    "billing.invoice.issue": ("BatchGetItem + TransactWriteItems", 2, 7),
    "billing.invoice.get": ("GetItem", 1, 0),
    "billing.invoice.list ?status=": ("Query + BatchGetItem", 12, 0),
    "billing.invoice.list ?customer_id=": ("2 Query", 4, 0),
    "billing.invoice.list ?overdue=true": ("2 Query", 0, 0),
    # The invoice and its job; both written back, the outbox row and three counter shards.
    "billing.invoice.void": ("2 GetItem + TransactWriteItems", 2, 6),
    "billing.invoice.pdf": ("GetItem", 1, 0),
    "billing.invoice.receivables": ("BatchGetItem", 10, 0),
    # The payment, its outbox row, the invoice and its receivable counter shard (the status stays
    # partially_paid: no status counter).
    "billing.payment.record": ("GetItem + TransactWriteItems", 1, 5),
    "billing.payment.get": ("GetItem", 1, 0),
    "billing.payment.list": ("GetItem + 2 Query", 5, 0),
}


@pytest.fixture(scope="module")
def small() -> costs.SizeRun:
    return costs.run(SMALL, 1, hot_items=True)


@pytest.fixture(scope="module")
def large() -> costs.SizeRun:
    return costs.run(LARGE, 1, cases=tuple(case for case in CASES if case.size_free))


def test_every_operation_is_pinned() -> None:
    assert sorted(EXPECTED) == sorted(case.label for case in CASES)
    missing = {contract.key for contract in ALL} - {case.label.split(" ")[0] for case in CASES}
    assert not missing, f"operations with no bench case (bench/operations.py) and no pinned budget: {missing}"


def check_requests_per_operation(small: costs.SizeRun, large: costs.SizeRun) -> None:
    measured = {
        label: (result.recording.summary(), result.recording.items_read, result.recording.items_written)
        for label, result in small.results.items()
    }
    changed = {label: (EXPECTED.get(label), cost) for label, cost in measured.items() if EXPECTED.get(label) != cost}
    assert not changed, "operation costs changed (expected, measured): " + "; ".join(
        f"{label}: {was} -> {now}" for label, (was, now) in changed.items()
    )


def check_no_scan_anywhere(small: costs.SizeRun, large: costs.SizeRun) -> None:
    for run in (small, large):
        for label, result in run.results.items():
            assert "Scan" not in result.recording.by_operation, f"{label} scans the table"


def check_every_operation_within_its_budget(small: costs.SizeRun, large: costs.SizeRun) -> None:
    over = {
        label: (result.recording.summary(), verdict.detail)
        for label, result in small.results.items()
        if not (verdict := targets.request_budget(result.case.kind, result.recording)).met
    }
    assert not over, over


def check_relay_puts_ten_events_per_request(small: costs.SizeRun, large: costs.SizeRun) -> None:
    assert small.relay_events == RELAY_EVENTS
    assert small.relay.summary() == "3 PutEvents"
    assert small.relay.entries == RELAY_EVENTS


def check_cost_does_not_grow_with_the_table(small: costs.SizeRun, large: costs.SizeRun) -> None:
    grown = {
        label: (result.recording.summary(), result.recording.items_read, other.summary(), other.items_read)
        for label, result in small.results.items()
        if result.case.size_free
        and not targets.same_cost(result.recording, other := large.results[label].recording).met
    }
    assert not grown, f"costs differ between {SMALL} and {LARGE} deals: {grown}"


@pytest.mark.parametrize(("months", "requests"), [(1, "BatchGetItem"), (25, "BatchGetItem"), (36, "2 BatchGetItem")])
def test_forecast_reads_a_bounded_number_of_batches(months: int, requests: str) -> None:
    """months x 4 forecast keys, at most 100 per BatchGetItem: the window alone sets the requests."""
    with World() as world:
        world.seed(40)
        first = add_months(_MONTH, 2)  # the benchmark's close dates start 30 days out
        query = {"from": first, "to": add_months(first, months - 1)}
        result = world.invoke("GET", "/sales/deals/stats/forecast", query=query)
    assert result.status == 200, result.body
    assert result.data["months"], "the window holds forecast deals"
    assert (result.recording.summary(), result.recording.items_read) == (requests, keys.FORECAST_SHARDS * months)
    assert targets.request_budget("stats", result.recording).met


# -- counter items: size and write units (bench/costs.py hot_item, the report's Hot items) ------------------
def check_counter_items_stay_small_and_within_what_one_item_absorbs(small: costs.SizeRun, large: costs.SizeRun) -> None:
    hot = small.hot
    assert hot is not None
    assert (hot.forecast_shards, hot.shards) == (keys.FORECAST_SHARDS, 10)
    assert hot.forecast_items > 0, "the forecast is on per-month items"
    # Pipeline shards name no month, so ~18 months of close dates leave them under 1 KB; a forecast item holds
    # one month: 3 counters x 3 currencies.
    assert max(hot.shard_bytes) < 1024
    assert 0 < hot.forecast_bytes < 1024
    assert hot.wcu_per_update == hot.forecast_wcu_per_update == 2
    assert hot.busiest_item_wcu == max(hot.busiest_shard_wcu, hot.busiest_forecast_wcu)
    assert hot.busiest_item_wcu <= targets.PARTITION_WCU_PER_SECOND
    # New deals spread over the list shards by the store's own shard function: the busiest takes about a quarter.
    assert hot.list_shards == keys.DEAL_INDEX_SHARDS
    assert hot.list_index_wcu == hot.list_shard_writes_max * hot.list_index_wcu_per_write
    assert hot.list_shard_writes_max < hot.writes_per_second / 2
    assert hot.list_index_wcu < targets.PARTITION_WCU_PER_SECOND


# -- the write-sharded list partitions: write units of the busiest at the stated load -----------------------
def _deal_ids(rng: random.Random, first_ms: int, count: int) -> list[str]:
    """`count` UUIDv7 ids as kernel.ids makes them, 1 ms apart (a burst of creates), from a seeded generator."""
    made = []
    for n in range(count):
        value = (first_ms + n) << 80 | rng.getrandbits(76)
        value = value & ~(0xF << 76) | 0x7 << 76  # version 7
        made.append(str(uuid.UUID(int=value & ~(0x3 << 62) | 0x2 << 62)))  # RFC 4122 variant
    return made


def test_the_busiest_list_partition_stays_under_what_a_partition_absorbs() -> None:
    """At 1,000 deal writes a second, every one rewriting the deal's entry under `GSI1PK = DEAL#<n>` (the index
    projects ALL: the entry is the whole item), the busiest shard's write units in the busiest second of a
    200-second simulation, from the measured size of the benchmark's deal items, stay under 1,000 WCU/s."""
    import boto3

    with World() as world:
        world.seed(40)
        client, table = boto3.client("dynamodb"), settings().table_name
        entries = [
            client.get_item(TableName=table, Key={"PK": {"S": f"DEAL#{deal}"}, "SK": {"S": "DEAL"}})["Item"]
            for deal in world.seeded.deals
        ]
    assert all(entry["GSI1PK"]["S"] == f"DEAL#{keys.deal_index_shard(entry['id']['S'])}" for entry in entries)
    entry_bytes = max(costs.item_bytes(entry) for entry in entries)
    wcu_per_entry_write = math.ceil(entry_bytes / 1024)  # an index write is billed per started KB of the entry

    rate, seconds = targets.DEAL_WRITES_PER_SECOND, 200
    rng = random.Random(20261126)
    busiest = 0
    for second in range(seconds):
        # Creates are the worst case: each a new time-ordered id, all at the newest end of a shard's sort key
        # (updates of existing deals land on their own, equally hashed, shards and further down the key).
        ids = _deal_ids(rng, 1_767_225_600_000 + second * 1000, rate)
        busiest = max(busiest, *Counter(keys.deal_index_shard(deal) for deal in ids).values())
    mean = rate / keys.DEAL_INDEX_SHARDS
    assert mean < busiest < 1.4 * mean, busiest

    busiest_wcu = busiest * wcu_per_entry_write
    # The same counted twice, as if the command's transaction billed its index writes twice like its item writes.
    busiest_wcu_if_doubled = 2 * busiest_wcu
    # A stage change moves the deal's GSI2 entry within its status shard (delete + put: two index writes): with
    # every write a stage change, the busiest status shard takes twice the entry writes.
    busiest_status_wcu = 2 * busiest_wcu
    figures = (
        f"{entry_bytes} B entries, {wcu_per_entry_write} WCU each; busiest shard {busiest} writes/s: GSI1 "
        f"{busiest_wcu} WCU/s ({busiest_wcu_if_doubled} if doubled), GSI2 {busiest_status_wcu} WCU/s"
    )
    assert busiest_wcu_if_doubled < targets.PARTITION_WCU_PER_SECOND, figures
    assert busiest_status_wcu < targets.PARTITION_WCU_PER_SECOND, figures
    # One partition key, as before the shards: every write on it, at or over the limit.
    assert rate * wcu_per_entry_write >= targets.PARTITION_WCU_PER_SECOND


def _results(run: costs.SizeRun) -> report.Results:
    return cast(report.Results, SimpleNamespace(large=run))


def check_the_report_states_the_measured_write_units(small: costs.SizeRun, large: costs.SizeRun) -> None:
    hot = small.hot
    assert hot is not None
    section = report._hot_section(_results(small))
    for figure in (
        max(hot.shard_bytes),
        hot.busiest_shard_wcu,
        hot.forecast_bytes,
        hot.busiest_forecast_wcu,
        hot.busiest_item_wcu,
        hot.list_index_wcu,
    ):
        assert f"{figure:,}" in section, figure
    assert "STATS#DEAL#FORECAST#<YYYY-MM>#00..03" in section
    assert not [risk for risk in report.risks(_results(small)) if "item write units" in risk or "shard write" in risk]


def check_the_report_names_each_counter_item_over_the_limit(small: costs.SizeRun, large: costs.SizeRun) -> None:
    assert small.hot is not None
    big = dataclasses.replace(small.hot, forecast_bytes=6000, forecast_wcu_per_update=12, wcu_per_update=12)
    risks = report.risks(_results(dataclasses.replace(small, hot=big)))
    assert any(risk.startswith("pipeline shard write units") for risk in risks), risks
    assert any(risk.startswith("forecast item write units") for risk in risks), risks
    listed = "newest-first list index"
    small_deal = dataclasses.replace(small.hot, deal_bytes=700, list_shard_writes_max=300)
    assert not any(listed in risk for risk in report.risks(_results(dataclasses.replace(small, hot=small_deal))))
    big_deal = dataclasses.replace(small.hot, deal_bytes=4000, list_shard_writes_max=300)
    assert any(listed in risk for risk in report.risks(_results(dataclasses.replace(small, hot=big_deal))))


# Both bench runs take ~25 s each: one test builds them once and runs every check on them, a subtest each (under
# xdist, tests of one module may go to both workers, and each would build its own runs).
RUN_CHECKS = (
    check_requests_per_operation,
    check_no_scan_anywhere,
    check_every_operation_within_its_budget,
    check_relay_puts_ten_events_per_request,
    check_cost_does_not_grow_with_the_table,
    check_counter_items_stay_small_and_within_what_one_item_absorbs,
    check_the_report_states_the_measured_write_units,
    check_the_report_names_each_counter_item_over_the_limit,
)


def test_the_bench_runs(small: costs.SizeRun, large: costs.SizeRun, subtests: Any) -> None:
    for check in RUN_CHECKS:
        with subtests.test(msg=check.__name__):
            check(small, large)
