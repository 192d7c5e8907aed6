"""Aggregates <-> DynamoDB items. Numbers are integers end to end (money is minor units)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any

from sales.adapters.dynamodb import keys
from sales.domain.clock import from_rfc3339, to_rfc3339
from sales.domain.contact import Contact, ContactKind, Lifecycle
from sales.domain.deal import Channel, ChannelRoute, Deal, DealSource, Stage
from sales.domain.money import Money

if TYPE_CHECKING:
    from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

Item = dict[str, Any]


@cache
def _types() -> tuple[TypeSerializer, TypeDeserializer]:
    """boto3's attribute-value codec, imported with the first item (as clients.py imports boto3 with the
    first client): importing boto3 here would put it back on every handler's import path."""
    from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

    return TypeSerializer(), TypeDeserializer()


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else value
    if isinstance(value, dict):
        return {key: _plain(inner) for key, inner in value.items()}
    if isinstance(value, list | set | tuple):
        return [_plain(inner) for inner in value]
    return value


def to_attributes(item: Item) -> dict[str, Any]:
    serializer = _types()[0]
    return {key: serializer.serialize(value) for key, value in item.items() if value is not None}


def from_attributes(attributes: dict[str, Any]) -> Item:
    deserializer = _types()[1]
    return {key: _plain(deserializer.deserialize(value)) for key, value in attributes.items()}


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _instant(text: str | None) -> datetime | None:
    return from_rfc3339(text) if text else None


def _audit(aggregate: Deal | Contact) -> Item:
    return {
        "id": aggregate.id,
        "version": aggregate.version,
        "created_at": to_rfc3339(aggregate.created_at),
        "updated_at": to_rfc3339(aggregate.updated_at),
        "deleted_at": to_rfc3339(aggregate.deleted_at) if aggregate.deleted_at else None,
    }


# -- deal -----------------------------------------------------------------------------------------
def deal_item(deal: Deal) -> Item:
    item: Item = {
        **keys.deal(deal.id),
        "type": "Deal",
        **_audit(deal),
        "customer_id": deal.customer_id,
        "assigned_to": deal.assigned_to,
        "name": deal.name,
        "value": deal.value.amount,
        "currency": deal.value.currency,
        "stage": deal.stage.value,
        "status": deal.status.value,
        "probability": deal.probability,
        "source": deal.source.value,
        "expected_close_date": deal.expected_close_date.isoformat() if deal.expected_close_date else None,
        "actual_close_date": deal.actual_close_date.isoformat() if deal.actual_close_date else None,
        "loss_reason": deal.loss_reason,
        "note": deal.note,
        "actual_value": deal.actual_value,
        "tags": list(deal.tags),
        "opportunity_id": deal.opportunity_id,
        "variant_id": deal.variant_id,
        "quote_id": deal.quote_id,
        "lines": list(deal.lines),
        "channel": deal.channel.as_dict(),
        "customer_bridge": deal.customer_bridge,
        "stage_entered_at": to_rfc3339(deal.stage_entered_at) if deal.stage_entered_at else None,
    }
    if not deal.is_deleted:
        item.update(keys.deal_indexes(deal.id, deal.status.value, deal.stage.value, deal.assigned_to, deal.customer_id))
    return item


def deal_from_item(item: Item) -> Deal:
    channel = item.get("channel") or {}
    return Deal(
        id=item["id"],
        version=int(item["version"]),
        created_at=from_rfc3339(item["created_at"]),
        updated_at=from_rfc3339(item["updated_at"]),
        deleted_at=_instant(item.get("deleted_at")),
        customer_id=item["customer_id"],
        assigned_to=item["assigned_to"],
        name=item["name"],
        value=Money(int(item["value"]), item["currency"]),
        stage=Stage(item["stage"]),
        source=DealSource(item["source"]),
        expected_close_date=_date(item.get("expected_close_date")),
        actual_close_date=_date(item.get("actual_close_date")),
        loss_reason=item.get("loss_reason"),
        note=item.get("note"),
        actual_value=item.get("actual_value"),
        tags=list(item.get("tags") or []),
        opportunity_id=item.get("opportunity_id"),
        variant_id=item.get("variant_id"),
        quote_id=item.get("quote_id"),
        lines=list(item.get("lines") or []),
        channel=Channel(
            reseller_id=channel.get("reseller_id"),
            distributor_id=channel.get("distributor_id"),
            route=ChannelRoute(channel.get("route", ChannelRoute.DIRECT.value)),
        ),
        customer_bridge=item.get("customer_bridge"),
        stage_entered_at=_instant(item.get("stage_entered_at")),
    )


# -- contact --------------------------------------------------------------------------------------
def contact_item(contact: Contact) -> Item:
    item: Item = {
        **keys.contact(contact.id),
        "type": "Contact",
        **_audit(contact),
        "kind": contact.kind.value,
        "display_name": contact.display_name,
        "owner_id": contact.owner_id,
        "emails": list(contact.emails),
        "phones": list(contact.phones),
        "lifecycle": contact.lifecycle.value,
        "tags": list(contact.tags),
        "bridge": contact.bridge,
    }
    if not contact.is_deleted:
        item.update(keys.contact_indexes(contact.id, contact.display_name))
    return item


def contact_from_item(item: Item) -> Contact:
    return Contact(
        id=item["id"],
        version=int(item["version"]),
        created_at=from_rfc3339(item["created_at"]),
        updated_at=from_rfc3339(item["updated_at"]),
        deleted_at=_instant(item.get("deleted_at")),
        kind=ContactKind(item["kind"]),
        display_name=item["display_name"],
        owner_id=item["owner_id"],
        emails=list(item.get("emails") or []),
        phones=list(item.get("phones") or []),
        lifecycle=Lifecycle(item["lifecycle"]),
        tags=list(item.get("tags") or []),
        bridge=item.get("bridge"),
    )
