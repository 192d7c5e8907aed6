"""Field types shared by the edge models: ids, money, dates, text. Strict where JSON is ambiguous."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StrictInt
from pydantic.alias_generators import to_camel

from kernel.clock import LAST_BUSINESS_DATE, LAST_BUSINESS_MONTH
from kernel.ids import is_uuid
from kernel.money import MAX_AMOUNT, is_currency

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _uuid(value: str) -> str:
    if not is_uuid(value):
        raise ValueError("must be a UUID")
    return value.lower()


def _no_control(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    return value


def no_control(value: str) -> str:
    """For free text of any length, kept verbatim: line breaks and tabs allowed, other control characters not."""
    return _no_control(value)


# Line breaks and C1 controls (NEL, U+0085, among them) too: a subject becomes a mail header, where a line break
# would start a header of its own.
_LINE_BREAK = re.compile(r"[\r\n\x80-\x9f\u2028\u2029]")


def _single_line(value: str) -> str:
    if _CONTROL.search(value) or _LINE_BREAK.search(value):
        raise ValueError("must be one line, without control characters")
    return value


def _iso_date(value: Any) -> Any:
    if not isinstance(value, str) or not _DATE.match(value):
        raise ValueError("must be a date as YYYY-MM-DD")
    return value


def _until_last_business_date(value: date) -> date:
    if value > LAST_BUSINESS_DATE:
        raise ValueError(f"must be on or before {LAST_BUSINESS_DATE.isoformat()}")
    return value


_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})")


def _timestamp_text(value: Any) -> Any:
    # RFC 3339 text only: a number would be seconds or milliseconds since the epoch, and no one can tell which.
    if not isinstance(value, str) or not _RFC3339.fullmatch(value):
        raise ValueError("must be an RFC 3339 timestamp string, e.g. 2026-11-30T09:30:00Z")
    return value


def _instant(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("must be an RFC 3339 timestamp with a time zone, e.g. 2026-11-30T09:30:00Z")
    bounds = f"must be between 1970 and {LAST_BUSINESS_DATE.isoformat()}"
    try:
        instant = value.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:30:00+01:00 has no UTC instant: a bad value, not a crash
        raise ValueError(bounds) from None
    # Bounded in UTC, the instant that is stored: 1970-01-01T00:30:00+01:00 is still 1969.
    if instant.year < 1970 or instant.date() > LAST_BUSINESS_DATE:
        raise ValueError(bounds)
    return instant


def _currency(value: str) -> str:
    if not is_currency(value):
        raise ValueError("must be an ISO 4217 currency code with a minor unit, e.g. USD, EUR, JPY")
    return value


def _month(value: str) -> str:
    if not _MONTH.fullmatch(value):
        raise ValueError("must be a month as YYYY-MM")
    if value > LAST_BUSINESS_MONTH:  # both four-digit YYYY-MM, so text order is month order
        raise ValueError(f"must be on or before {LAST_BUSINESS_MONTH}")
    return value


# json_schema_extra only documents (docs/openapi.json) what the validators already enforce.
_UUID_SCHEMA = {"format": "uuid"}
Id = Annotated[
    str,
    Field(
        min_length=36,
        max_length=36,
        examples=["019b72b7-339c-73ca-850c-8459913f2cde"],
        json_schema_extra=_UUID_SCHEMA,
    ),
    AfterValidator(_uuid),
]
LooseId = Annotated[str, Field(max_length=64, json_schema_extra=_UUID_SCHEMA), AfterValidator(_uuid)]
Text = Annotated[str, Field(max_length=2000), AfterValidator(_no_control)]
ShortText = Annotated[str, Field(max_length=200), AfterValidator(_no_control)]
Line = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_single_line)]
Tag = Annotated[str, Field(min_length=1, max_length=50), AfterValidator(_no_control)]
BusinessDate = Annotated[
    date, BeforeValidator(_iso_date), AfterValidator(_until_last_business_date), Field(examples=["2027-03-31"])
]
Month = Annotated[
    str, AfterValidator(_month), Field(examples=["2027-01"], json_schema_extra={"pattern": _MONTH.pattern})
]
# An instant as RFC 3339 text with its offset, stored in UTC.
Instant = Annotated[
    datetime, BeforeValidator(_timestamp_text), AfterValidator(_instant), Field(examples=["2026-11-30T09:30:00Z"])
]
Currency = Annotated[str, Field(min_length=3, max_length=3, examples=["USD"]), AfterValidator(_currency)]
Amount = Annotated[StrictInt, Field(ge=1, le=MAX_AMOUNT, description="minor units (cents for USD)")]


# defer_build: a model's validator and serializer are built on its first use, not on import, so a handler
# pays only for the models of its own operation (every function imports its whole contracts module).
class Input(BaseModel):
    """Request models: snake_case or camelCase keys, unknown keys rejected."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        extra="forbid",
        frozen=True,
        defer_build=True,
    )


class QueryInput(BaseModel):
    """Query-string models: values arrive as strings, so numbers are parsed (lax), unknown keys ignored."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        frozen=True,
        defer_build=True,
    )


class Output(BaseModel):
    """Response models: always snake_case."""

    model_config = ConfigDict(frozen=True, defer_build=True)


class Pagination(Output):
    total: int
    page_size: int
    next_cursor: str | None = None
    page: int | None = None
    total_pages: int | None = None


class ListQuery(QueryInput):
    page_size: int = Field(default=20, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=2048)


class MoneyInput(Input):
    """An amount of money in a request: integer minor units and its ISO 4217 currency."""

    amount: Amount
    currency: Currency


class MoneyView(Output):
    amount: int = Field(description="minor units (cents for USD)")
    currency: str


@dataclass(frozen=True)
class Document:
    """A use case's answer that is a file, not JSON (a quote's PDF): sent base64-encoded, as API Gateway wants a
    binary body from a proxy integration; it turns it back into bytes for a client whose Accept names the type."""

    content: bytes
    media_type: str
    filename: str
