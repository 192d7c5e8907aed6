"""Every key of the Sales table in one place (the kernel adds outbox, command and counter-shard keys);
docs/data-model.md is the same table in prose."""

from __future__ import annotations

from kernel.dynamodb.keys import Key, stats_shard
from sales.contact.names import name_key

__all__ = ["Key", "stats_shard"]

DEAL = "DEAL"
CONTACT = "CONTACT"
HISTORY = "HISTORY#"
# Counter families: each is spread over `stats_shards` items (kernel.dynamodb.keys.stats_shard).
DEAL_STATS = "DEAL"
CONTACT_STATS = "CONTACT"
# Forecast counters live on items of their own, per expected-close month, each month spread over this many
# shards. Four, not `stats_shards`: even if every one of 1,000 deal writes a second went to the same month,
# a forecast shard would take ~250 of them, ~500 WCU/s at 2 WCU per transactional ADD of an item under
# 1 KB, half of what an item absorbs; and the longest forecast window (36 months) is 144 keys, two
# BatchGetItems of at most 100 (with 10 shards it would be 360 keys, four requests).
FORECAST_SHARDS = 4
BATCH_GET_MAX_KEYS = 100  # DynamoDB's limit per BatchGetItem


def deal(deal_id: str) -> Key:
    return {"PK": f"DEAL#{deal_id}", "SK": DEAL}


def contact(contact_id: str) -> Key:
    return {"PK": f"CONTACT#{contact_id}", "SK": CONTACT}


def email_claim(email: str) -> Key:
    # `email` is an address as the Contact aggregate stores it, normalized (sales.contact.model.normalize_email),
    # so every spelling of one address is one key. Not normalized again here: a claim is released under the
    # exact key it was taken with, even one written before the normalization last changed.
    return {"PK": f"EMAIL#{email}", "SK": "EMAIL"}


def history(deal_id: str, version: int, index: int) -> Key:
    return {"PK": f"DEAL#{deal_id}", "SK": f"{HISTORY}{version:010d}#{index:02d}"}


def deal_forecast_shard(month: str, shard: int) -> Key:
    """`STATS#DEAL#FORECAST#<YYYY-MM>#<nn>`: that month's forecast counters, three per currency."""
    return stats_shard(f"{DEAL_STATS}#FORECAST#{month}", shard)


def owner_deal_counter(user_id: str) -> Key:
    return {"PK": f"USER#{user_id}", "SK": "COUNTER#DEALS"}


def customer_deal_counter(contact_id: str) -> Key:
    return {"PK": f"CONTACT#{contact_id}", "SK": "COUNTER#DEALS"}


# -- index keys (set only on live records: soft-deleted ones drop out of every list) -------------
def deal_indexes(deal_id: str, status: str, stage: str, owner: str, customer: str) -> dict[str, str]:
    return {
        "GSI1PK": DEAL,
        "GSI1SK": deal_id,
        "GSI2PK": f"DEAL#STATUS#{status}",
        "GSI2SK": f"{stage}#{deal_id}",
        "GSI3PK": f"DEAL#OWNER#{owner}",
        "GSI3SK": f"{status}#{stage}#{deal_id}",
        "GSI4PK": f"DEAL#CUSTOMER#{customer}",
        "GSI4SK": f"{status}#{stage}#{deal_id}",
    }


def contact_indexes(contact_id: str, display_name: str) -> dict[str, str]:
    return {"GSI1PK": CONTACT, "GSI1SK": f"{name_key(display_name)}#{contact_id}"}
