"""The write shard of a deal's list entries: stable, and spread evenly whatever the ids look like."""

from __future__ import annotations

import hashlib
import random
import uuid
from collections import Counter

from kernel.dynamodb.keys import index_shard, sharded_partition
from sales import keys

SHARDS = keys.DEAL_INDEX_SHARDS


def uuid7(milliseconds: int, rng: random.Random | None = None) -> str:
    """A UUIDv7 as kernel.ids makes them (48-bit time, then random bits under the version and variant), from a
    seeded generator (no generator: random bits all 0)."""
    value = (milliseconds & (2**48 - 1)) << 80 | (rng.getrandbits(76) if rng else 0)
    value = value & ~(0xF << 76) | 0x7 << 76  # version 7
    value = value & ~(0x3 << 62) | 0x2 << 62  # RFC 4122 variant
    return str(uuid.UUID(int=value))


def test_the_shard_is_a_stable_function_of_the_id() -> None:
    # Pinned: a release that changed the hash would strand every stored entry under another shard's key.
    assert index_shard("019b72b7-339c-73ca-850c-8459913f2cde", 4) == 0
    assert index_shard("019b72b7-339c-73ca-850c-8459913f2cdf", 4) == 2
    for deal_id in ("019b72b7-339c-73ca-850c-8459913f2cde", "x", ""):
        digest = hashlib.sha256(deal_id.encode()).digest()
        assert index_shard(deal_id, 4) == int.from_bytes(digest[:8], "big") % 4
    assert sharded_partition("DEAL", 3) == "DEAL#3"


def test_a_deals_entries_share_its_shard_and_only_the_busy_keys_are_sharded() -> None:
    deal_id = "019b72b7-339c-73ca-850c-8459913f2cde"
    shard = keys.deal_index_shard(deal_id)
    assert 0 <= shard < SHARDS
    indexes = keys.deal_indexes(deal_id, "open", "lead", "owner-1", "customer-1")
    assert indexes["GSI1PK"] == f"DEAL#{shard}" and indexes["GSI1SK"] == deal_id
    assert indexes["GSI2PK"] == f"DEAL#STATUS#open#{shard}" and indexes["GSI2SK"] == f"lead#{deal_id}"
    assert indexes["GSI3PK"] == "DEAL#OWNER#owner-1" and indexes["GSI4PK"] == "DEAL#CUSTOMER#customer-1"
    assert (
        keys.contact_indexes("c-1", "Acme", "person", "active", "owner-1", None)["GSI1PK"] == "CONTACT"
    )  # not sharded


def _spread(ids: list[str]) -> Counter[int]:
    return Counter(keys.deal_index_shard(deal_id) for deal_id in ids)


def test_ids_spread_evenly_over_the_shards() -> None:
    rng = random.Random(20261126)
    # 40,000 ids made 1 ms apart (uuid6 steps the clock by 1 ms per id when called faster), as a burst of creates.
    burst = [uuid7(1_767_225_600_000 + n, rng) for n in range(40_000)]
    # The same millisecond, only the random bits differing; and ids whose random bits are all equal, only the
    # time differing: the hash, not the id's own layout, spreads them.
    same_time = [uuid7(1_767_225_600_000, rng) for _ in range(40_000)]
    same_random = [uuid7(1_767_225_600_000 + n) for n in range(40_000)]
    assert uuid.UUID(burst[0]).version == 7 and uuid.UUID(burst[0]).variant == uuid.RFC_4122
    for name, ids in (("burst", burst), ("same millisecond", same_time), ("same random bits", same_random)):
        assert len(set(ids)) == len(ids), name
        spread = _spread(ids)
        assert set(spread) == set(range(SHARDS)), name
        expected = len(ids) / SHARDS
        # Binomial sd here is ~87: a shard more than 3% (~11 sd) off the mean would mean a biased hash.
        assert max(abs(count - expected) for count in spread.values()) < 0.03 * expected, (name, spread)


def test_every_second_of_creates_spreads_so_no_shard_takes_much_more_than_its_share() -> None:
    """1,000 creates a second (consecutive time-ordered ids): the busiest shard in any of 200 seconds takes
    about 300, not 1,000 (its mean is 250)."""
    rng = random.Random(7)
    busiest = 0
    for second in range(200):
        start = 1_767_225_600_000 + second * 1000
        busiest = max(busiest, max(_spread([uuid7(start + n, rng) for n in range(1000)]).values()))
    assert 250 < busiest < 340, busiest
