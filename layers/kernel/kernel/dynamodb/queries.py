"""Read side: index queries with cursors, totals and stats from counters. Never a Scan.

Every read here ends the request when it stays throttled after the client's retries: ServiceUnavailable.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from kernel import clients
from kernel.dynamodb import keys
from kernel.dynamodb.codec import Item, from_attributes, to_attributes
from kernel.dynamodb.repository import get_item
from kernel.errors import FieldIssue, ServiceUnavailable, ValidationFailed
from kernel.settings import settings


@dataclass(frozen=True)
class IndexQuery:
    """A key condition on one index: partition value and optional sort-key prefix."""

    index: str
    partition: str
    prefix: str | None = None
    newest_first: bool = True
    filters: tuple[tuple[str, str], ...] = ()  # (attribute, value) equality post-filters


@dataclass(frozen=True)
class Page:
    items: list[Item]
    next_cursor: str | None


# A cursor is url-safe base64 of the LastEvaluatedKey (JSON) followed by its HMAC-SHA256, keyed by the
# configured cursor key over the query the page belongs to and the key: a cursor continues only the list
# (index, partition, prefix, order, filters) that issued it, and no edited or forged key reaches DynamoDB.
_MAC_SIZE = hashlib.sha256().digest_size
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")


def _key_attributes(index: str) -> frozenset[str]:
    """The attributes of a LastEvaluatedKey from a Query on `index`: the table's key and the index's."""
    return frozenset({"PK", "SK", f"{index}PK", f"{index}SK"})


def _signature(body: bytes, query: IndexQuery) -> bytes:
    scope = [query.index, query.partition, query.prefix, query.newest_first, [list(pair) for pair in query.filters]]
    # JSON escapes newlines inside strings, so the separator keeps scope and body apart unambiguously.
    message = json.dumps(scope, separators=(",", ":")).encode() + b"\n" + body
    key = settings().cursor_key.get_secret_value().encode()
    return hmac.new(key, message, hashlib.sha256).digest()


def encode_cursor(last_key: dict[str, Any], query: IndexQuery) -> str:
    body = json.dumps(last_key, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(body + _signature(body, query)).decode().rstrip("=")


def _is_start_key(last_key: Any, query: IndexQuery) -> bool:
    """Exactly the key attributes of the index, string values only, inside the query's key condition."""
    if not isinstance(last_key, dict) or set(last_key) != _key_attributes(query.index):
        return False
    if not all(isinstance(v, dict) and set(v) == {"S"} and isinstance(v["S"], str) for v in last_key.values()):
        return False
    partition: str = last_key[f"{query.index}PK"]["S"]
    sort: str = last_key[f"{query.index}SK"]["S"]
    return partition == query.partition and sort.startswith(query.prefix or "")


def decode_cursor(cursor: str, query: IndexQuery) -> dict[str, Any]:
    """A cursor is only valid for the query that produced it; anything else is a 400, not a 500."""
    last_key: Any = None
    try:
        if _BASE64URL.fullmatch(cursor):
            raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode())
            body, mac = raw[:-_MAC_SIZE], raw[-_MAC_SIZE:]
            if body and hmac.compare_digest(mac, _signature(body, query)):
                last_key = json.loads(body)
    except (ValueError, binascii.Error, UnicodeDecodeError, RecursionError):
        last_key = None
    if not _is_start_key(last_key, query):
        raise ValidationFailed("cursor is invalid or belongs to another query", [FieldIssue("cursor", "invalid")])
    return last_key  # type: ignore[no-any-return]


def _query_args(query: IndexQuery) -> dict[str, Any]:
    names = {"#pk": f"{query.index}PK"}
    values: dict[str, Any] = {":pk": query.partition}
    condition = "#pk = :pk"
    if query.prefix:
        names["#sk"] = f"{query.index}SK"
        values[":prefix"] = query.prefix
        condition += " AND begins_with(#sk, :prefix)"
    args: dict[str, Any] = {
        "TableName": settings().table_name,
        "IndexName": query.index,
        "KeyConditionExpression": condition,
        "ScanIndexForward": not query.newest_first,
    }
    if query.filters:
        filter_parts = []
        for index, (attribute, value) in enumerate(query.filters):
            names[f"#f{index}"] = attribute
            values[f":f{index}"] = value
            filter_parts.append(f"#f{index} = :f{index}")
        args["FilterExpression"] = " AND ".join(filter_parts)
    args["ExpressionAttributeNames"] = names
    args["ExpressionAttributeValues"] = to_attributes(values)
    return args


def query_page(query: IndexQuery, page_size: int, cursor: str | None = None, skip: int = 0) -> Page:
    """One page of items. `skip` serves ?page=N (walks keys, so prefer cursors)."""
    args = _query_args(query)
    start = decode_cursor(cursor, query) if cursor else None
    if skip:
        start = _skip(args, start, skip)
        if start is _EXHAUSTED:
            return Page([], None)
    items: list[Item] = []
    while len(items) < page_size:
        request = {**args, "Limit": page_size - len(items)}
        if start:
            request["ExclusiveStartKey"] = start
        with clients.unavailable_when_throttled():
            response = clients.dynamodb().query(**request)
        items.extend(from_attributes(raw) for raw in response.get("Items", []))
        start = response.get("LastEvaluatedKey")
        if not start:
            break
    next_cursor = encode_cursor(start, query) if start and items else None
    return Page(items, next_cursor)


_EXHAUSTED: dict[str, Any] = {}


def _skip(args: dict[str, Any], start: dict[str, Any] | None, count: int) -> dict[str, Any] | None:
    """Walk past `count` matching items; return where the page starts, or _EXHAUSTED."""
    remaining = count
    while remaining > 0:
        request = {**args, "Limit": remaining}
        if start:
            request["ExclusiveStartKey"] = start
        with clients.unavailable_when_throttled():
            response = clients.dynamodb().query(**request)
        remaining -= response.get("Count", 0)
        start = response.get("LastEvaluatedKey")
        if not start:
            return _EXHAUSTED
    return start


def count(query: IndexQuery) -> int:
    """Counting query, for the rare filter combination no counter covers; bounded by that index partition."""
    args = {**_query_args(query), "Select": "COUNT"}
    total, start = 0, None
    while True:
        if start:
            args["ExclusiveStartKey"] = start
        with clients.unavailable_when_throttled():
            response = clients.dynamodb().query(**args)
        total += response.get("Count", 0)
        start = response.get("LastEvaluatedKey")
        if not start:
            return total


def read_counters(family: str) -> Counter[str]:
    """Sum every shard of a counter family: one BatchGetItem, whatever the number of deals."""
    totals: Counter[str] = Counter()
    for shard in get_items([keys.stats_shard(family, shard) for shard in range(settings().stats_shards)]):
        totals.update(counters_of(shard))
    return totals


def scope_counter(key: keys.Key) -> Counter[str]:
    item = get_item(key) or {}
    return counters_of(item)


def counters_of(item: Item | None) -> Counter[str]:
    return Counter({name: value for name, value in (item or {}).items() if isinstance(value, int)})


def get_items(item_keys: list[keys.Key]) -> list[Item | None]:
    """Several items with one strongly consistent BatchGetItem, in the order asked (None where absent)."""
    table = settings().table_name
    pending: dict[str, Any] = {table: {"Keys": [to_attributes(dict(key)) for key in item_keys], "ConsistentRead": True}}
    found: dict[tuple[str, str], Item] = {}
    for _attempt in range(5):
        with clients.unavailable_when_throttled():
            response = clients.dynamodb().batch_get_item(RequestItems=pending)
        for raw in response.get("Responses", {}).get(table, []):
            item = from_attributes(raw)
            found[(item["PK"], item["SK"])] = item
        pending = response.get("UnprocessedKeys") or {}
        if not pending:
            return [found.get((key["PK"], key["SK"])) for key in item_keys]
    # DynamoDB leaves keys unprocessed when the read exceeds the table's capacity: throttling by another name.
    raise ServiceUnavailable()
