"""Every key of the Sales table in one place (the kernel adds outbox, command and counter-shard keys);
docs/data-model.md is the same table in prose."""

from __future__ import annotations

from kernel.dynamodb.keys import Key, stats_shard

__all__ = ["Key", "stats_shard"]

DEAL = "DEAL"
CONTACT = "CONTACT"
HISTORY = "HISTORY#"
# Counter families: each is spread over `stats_shards` items (kernel.dynamodb.keys.stats_shard).
DEAL_STATS = "DEAL"
CONTACT_STATS = "CONTACT"


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


def name_key(display_name: str) -> str:
    return " ".join(display_name.casefold().split())


def contact_indexes(contact_id: str, display_name: str) -> dict[str, str]:
    return {"GSI1PK": CONTACT, "GSI1SK": f"{name_key(display_name)}#{contact_id}"}
