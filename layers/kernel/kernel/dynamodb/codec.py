"""Python values <-> DynamoDB attribute values, and the audit fields every aggregate item carries.

Numbers are integers end to end (money is minor units)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any

from kernel.aggregate import AggregateRoot
from kernel.clock import from_rfc3339, to_rfc3339

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


def date_of(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def instant_of(text: str | None) -> datetime | None:
    return from_rfc3339(text) if text else None


def audit_fields(aggregate: AggregateRoot) -> Item:
    """Identity, version and audit times: the first attributes of every aggregate item."""
    return {
        "id": aggregate.id,
        "version": aggregate.version,
        "created_at": to_rfc3339(aggregate.created_at),
        "updated_at": to_rfc3339(aggregate.updated_at),
        "deleted_at": to_rfc3339(aggregate.deleted_at) if aggregate.deleted_at else None,
    }
