"""Every key of the single table in one place; docs/data-model.md is the same table in prose."""

from __future__ import annotations

import hashlib

Key = dict[str, str]

DEAL = "DEAL"
CONTACT = "CONTACT"
OUTBOX = "OUTBOX#"
HISTORY = "HISTORY#"


def deal(deal_id: str) -> Key:
    return {"PK": f"DEAL#{deal_id}", "SK": DEAL}


def contact(contact_id: str) -> Key:
    return {"PK": f"CONTACT#{contact_id}", "SK": CONTACT}


def email_claim(email: str) -> Key:
    # `email` is an address as the Contact aggregate stores it, normalized (sales.domain.contact.normalize_email),
    # so every spelling of one address is one key. Not normalized again here: a claim is released under the
    # exact key it was taken with, even one written before the normalization last changed.
    return {"PK": f"EMAIL#{email}", "SK": "EMAIL"}


def history(deal_id: str, version: int, index: int) -> Key:
    return {"PK": f"DEAL#{deal_id}", "SK": f"{HISTORY}{version:010d}#{index:02d}"}


def outbox(aggregate_pk: str, version: int, index: int) -> Key:
    # Same partition as the aggregate: the stream keeps one aggregate's events in order.
    return {"PK": aggregate_pk, "SK": f"{OUTBOX}{version:010d}#{index:02d}"}


def command(command_key: str) -> Key:
    # Hashed: keys are caller-chosen text, the item key stays short and uniform.
    digest = hashlib.sha256(command_key.encode()).hexdigest()
    return {"PK": f"COMMAND#{digest}", "SK": "COMMAND"}


def stats_shard(family: str, shard: int) -> Key:
    return {"PK": f"STATS#{family}#{shard:02d}", "SK": "STATS"}


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
