"""Read side: index queries with cursors, totals and stats from counters. Never a Scan.

Every read here ends the request when it stays throttled after the client's retries: ServiceUnavailable.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import heapq
import hmac
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from kernel import clients
from kernel.dynamodb import keys
from kernel.dynamodb.codec import Item, from_attributes, to_attributes
from kernel.dynamodb.repository import get_item
from kernel.errors import FieldIssue, ServiceUnavailable, ValidationFailed
from kernel.settings import settings

TABLE = ""


@dataclass(frozen=True)
class IndexQuery:
    """A key condition on one index: partition value and optional sort-key prefix.

    `shards` > 1: the partition is write-sharded, its entries spread over the partition keys
    `<partition>#0` .. `<partition>#<shards - 1>` (keys.sharded_partition); a page then queries every shard
    and merges them by sort key, so its request count is `shards` whatever the table holds."""

    index: str  # TABLE: the table's own keys (PK, SK), e.g. a conversation's messages in its partition
    partition: str
    prefix: str | None = None
    newest_first: bool = True
    filters: tuple[tuple[str, str], ...] = ()  # (attribute, value) equality post-filters
    shards: int = 1
    # Several partitions of the index read as one list, merged by sort key as shards are (`partition` then
    # only names the list, for its cursors): e.g. one partition per value of a field, a list over some values.
    partitions: tuple[str, ...] = ()
    contains: tuple[tuple[str, str], ...] = ()  # (list attribute, value) post-filters: the list holds the value
    # Only sort keys below this one (exclusive), e.g. entries keyed by a date before today. One partition only:
    # a merged read resumes on a sort-key bound of its own (see _merged_page).
    before: str | None = None

    def __post_init__(self) -> None:
        if self.before is not None and (self.prefix or self.merged):
            raise ValueError("an upper sort-key bound reads one partition, without a prefix")

    @property
    def sort_key(self) -> str:
        return f"{self.index}SK"

    @property
    def partition_key(self) -> str:
        return f"{self.index}PK"

    @property
    def partition_keys(self) -> list[str]:
        if self.partitions:
            return list(self.partitions)
        if self.shards > 1:
            return [keys.sharded_partition(self.partition, shard) for shard in range(self.shards)]
        return [self.partition]

    @property
    def merged(self) -> bool:
        """Read from more than one partition key: pages are merged, cursors hold the last sort key."""
        return len(self.partition_keys) > 1


@dataclass(frozen=True)
class Page:
    items: list[Item]
    next_cursor: str | None


# A cursor is url-safe base64 of where the page ended (JSON) followed by its HMAC-SHA256, keyed by the
# configured cursor key over the query the page belongs to and that position: a cursor continues only the list
# (index, partition, prefix, order, filters, shards) that issued it, and no edited or forged key reaches
# DynamoDB. Where the page ended is the LastEvaluatedKey of a one-partition query, and the last sort key
# returned (`{"<index>SK": {"S": ...}}`) of a sharded one: every shard resumes below it.
_MAC_SIZE = hashlib.sha256().digest_size
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")
_SORT_KEY_MAX_BYTES = 1024  # DynamoDB's limit for a sort key value


def _key_attributes(index: str) -> frozenset[str]:
    """The attributes of a LastEvaluatedKey from a Query on `index`: the table's key and the index's."""
    return frozenset({"PK", "SK", f"{index}PK", f"{index}SK"})


def _signature(body: bytes, query: IndexQuery) -> bytes:
    scope: list[Any] = [
        query.index,
        query.partition,
        query.prefix,
        query.newest_first,
        [list(pair) for pair in query.filters],
    ]
    if query.shards > 1:  # one-partition scopes unchanged: their cursors outlive a release
        scope.append(query.shards)
    if query.partitions or query.contains:
        scope.append([list(query.partitions), [list(pair) for pair in query.contains]])
    # JSON escapes newlines inside strings, so the separator keeps scope and body apart unambiguously.
    message = json.dumps(scope, separators=(",", ":")).encode() + b"\n" + body
    key = settings().cursor_key.get_secret_value().encode()
    return hmac.new(key, message, hashlib.sha256).digest()


def encode_cursor(last_key: dict[str, Any], query: IndexQuery) -> str:
    body = json.dumps(last_key, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(body + _signature(body, query)).decode().rstrip("=")


def _is_start_key(last_key: Any, query: IndexQuery) -> bool:
    """Exactly the key attributes of the index (of a sharded query: its sort key alone), string values only,
    inside the query's key condition."""
    wanted = {query.sort_key} if query.merged else _key_attributes(query.index)
    if not isinstance(last_key, dict) or set(last_key) != wanted:
        return False
    if not all(isinstance(v, dict) and set(v) == {"S"} and isinstance(v["S"], str) for v in last_key.values()):
        return False
    if query.merged:
        after: str = last_key[query.sort_key]["S"]
        return 0 < len(after.encode()) <= _SORT_KEY_MAX_BYTES and after.startswith(query.prefix or "")
    partition: str = last_key[query.partition_key]["S"]
    sort: str = last_key[query.sort_key]["S"]
    return partition == query.partition and sort.startswith(query.prefix or "")


def _position_signature(body: bytes, scope: str) -> bytes:
    message = json.dumps(["position", scope], separators=(",", ":")).encode() + b"\n" + body
    return hmac.new(settings().cursor_key.get_secret_value().encode(), message, hashlib.sha256).digest()


def position_cursor(after: str, scope: str) -> str:
    """A cursor for a list paged in memory (a small partition read whole): the sort position the page ended at,
    signed for the list `scope` names, so it continues that list only."""
    body = after.encode()
    return base64.urlsafe_b64encode(body + _position_signature(body, scope)).decode().rstrip("=")


def position_of(cursor: str, scope: str) -> str:
    """The position a `position_cursor` holds; anything else, or one of another list, is a 400."""
    try:
        if _BASE64URL.fullmatch(cursor):
            raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode())
            body, mac = raw[:-_MAC_SIZE], raw[-_MAC_SIZE:]
            if body and hmac.compare_digest(mac, _position_signature(body, scope)):
                return body.decode()
    except (ValueError, binascii.Error, UnicodeDecodeError):
        pass
    raise ValidationFailed("cursor is invalid or belongs to another query", [FieldIssue("cursor", "invalid")])


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


def _query_args(query: IndexQuery, partition: str | None = None, after: str | None = None) -> dict[str, Any]:
    """Query arguments for `query`, on `partition` (a shard's key) if given; `after`: only the sort keys past it
    in the query's order (the prefix is then the caller's to check, see _ShardEntries)."""
    names = {"#pk": query.partition_key}
    values: dict[str, Any] = {":pk": query.partition if partition is None else partition}
    condition = "#pk = :pk"
    if after is not None:
        names["#sk"] = query.sort_key
        values[":after"] = after
        condition += " AND #sk < :after" if query.newest_first else " AND #sk > :after"
    elif query.prefix:
        names["#sk"] = query.sort_key
        values[":prefix"] = query.prefix
        condition += " AND begins_with(#sk, :prefix)"
    elif query.before is not None:
        names["#sk"] = query.sort_key
        values[":before"] = query.before
        condition += " AND #sk < :before"
    args: dict[str, Any] = {
        "TableName": settings().table_name,
        "KeyConditionExpression": condition,
        "ScanIndexForward": not query.newest_first,
    }
    if query.index != TABLE:
        args["IndexName"] = query.index
    filter_parts = []
    for index, (attribute, value) in enumerate(query.filters):
        names[f"#f{index}"] = attribute
        values[f":f{index}"] = value
        filter_parts.append(f"#f{index} = :f{index}")
    for index, (attribute, value) in enumerate(query.contains):
        names[f"#c{index}"] = attribute
        values[f":c{index}"] = value
        filter_parts.append(f"contains(#c{index}, :c{index})")
    if filter_parts:
        args["FilterExpression"] = " AND ".join(filter_parts)
    args["ExpressionAttributeNames"] = names
    args["ExpressionAttributeValues"] = to_attributes(values)
    return args


def query_page(query: IndexQuery, page_size: int, cursor: str | None = None, skip: int = 0) -> Page:
    """One page of items. `skip` serves ?page=N (walks keys, so prefer cursors)."""
    if query.merged:
        return _merged_page(query, page_size, cursor, skip)
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


class _ShardEntries:
    """One shard's entries in the query's order, past `after`, at most `wanted` of them, read lazily: a Query of
    `Limit` = what is still wanted, and a further one only when DynamoDB stopped early (its 1 MB page) and more
    is still wanted. `more`: the shard may hold entries past the last one read."""

    def __init__(self, query: IndexQuery, partition: str, after: str | None, wanted: int) -> None:
        self.query, self.partition, self.after, self.wanted = query, partition, after, wanted
        self.more = False

    def __iter__(self) -> Iterator[Item]:
        query = self.query
        args = _query_args(query, self.partition, self.after)
        prefix = query.prefix if self.after is not None else None
        start: dict[str, Any] | None = None
        given = 0
        while given < self.wanted:
            request = {**args, "Limit": self.wanted - given}
            if start:
                request["ExclusiveStartKey"] = start
            with clients.unavailable_when_throttled():
                response = clients.dynamodb().query(**request)
            start = response.get("LastEvaluatedKey")
            entries = [from_attributes(raw) for raw in response.get("Items", [])]
            if prefix is not None:
                # Resumed below (or above) `after`, which has the prefix: the entries with the prefix come
                # first, and the first one without it ends the prefix's range in this shard.
                inside = [entry for entry in entries if entry[query.sort_key].startswith(prefix)]
                if len(inside) < len(entries):
                    entries, start = inside, None
            self.more = bool(start)
            yield from entries
            given += len(entries)
            if not start:
                return


def _merged_page(query: IndexQuery, page_size: int, cursor: str | None, skip: int) -> Page:
    """A page of a sharded partition: every shard queried (`Limit` = skip + page_size each, resuming past the
    cursor's sort key), merged by sort key in the query's order; `skip` entries of the merged order dropped as
    they stream by. Each shard gives its first `Limit` entries, so the merge's first skip + page_size are exact.
    The next cursor is the page's last sort key, when any shard may hold more."""
    after = decode_cursor(cursor, query)[query.sort_key]["S"] if cursor else None
    wanted = skip + page_size
    shards = [_ShardEntries(query, partition, after, wanted) for partition in query.partition_keys]
    merged = heapq.merge(*shards, key=lambda entry: str(entry[query.sort_key]), reverse=query.newest_first)
    items = list(islice(merged, skip, wanted))
    more = next(merged, None) is not None or any(shard.more for shard in shards)
    if not (items and more):
        return Page(items, None)
    return Page(items, encode_cursor({query.sort_key: {"S": items[-1][query.sort_key]}}, query))


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
    """Counting query, for the rare filter combination no counter covers; bounded by that index partition
    (every shard of it, for a sharded one)."""
    total = 0
    for partition in query.partition_keys:
        args = {**_query_args(query, partition), "Select": "COUNT"}
        start = None
        while True:
            if start:
                args["ExclusiveStartKey"] = start
            with clients.unavailable_when_throttled():
                response = clients.dynamodb().query(**args)
            total += response.get("Count", 0)
            start = response.get("LastEvaluatedKey")
            if not start:
                break
    return total


def partition_items(
    partition: str, prefix: str = "", limit: int | None = None, between: tuple[str, str] | None = None
) -> list[Item]:
    """The items of one table partition (`PK = partition`, sort keys starting with `prefix`, or within `between`
    inclusive) in sort-key order, strongly consistent, at most `limit` of them: for partitions kept small by the
    aggregate that owns them."""
    if between is not None:
        condition = "PK = :pk AND SK BETWEEN :low AND :high"
        values = {":pk": partition, ":low": between[0], ":high": between[1]}
    elif prefix:
        condition, values = "PK = :pk AND begins_with(SK, :prefix)", {":pk": partition, ":prefix": prefix}
    else:
        condition, values = "PK = :pk", {":pk": partition}
    args: dict[str, Any] = {
        "TableName": settings().table_name,
        "KeyConditionExpression": condition,
        "ExpressionAttributeValues": to_attributes(values),
        "ConsistentRead": True,
    }
    items: list[Item] = []
    start: dict[str, Any] | None = None
    while limit is None or len(items) < limit:
        request = {**args, "Limit": limit - len(items)} if limit is not None else dict(args)
        if start:
            request["ExclusiveStartKey"] = start
        with clients.unavailable_when_throttled():
            response = clients.dynamodb().query(**request)
        items.extend(from_attributes(raw) for raw in response.get("Items", []))
        start = response.get("LastEvaluatedKey")
        if not start:
            break
    return items


def read_counters(family: str) -> Counter[str]:
    """Sum every shard of a counter family: one BatchGetItem, whatever the number of deals."""
    totals: Counter[str] = Counter()
    for shard in get_items([keys.stats_shard(family, shard) for shard in range(settings().stats_shards)]):
        totals.update(counters_of(shard))
    return totals


def status_page(
    index: str,
    partition_of: Callable[[str], str],
    statuses: Sequence[str],
    status: str | None,
    counters: str,
    page_size: int,
    cursor: str | None,
) -> tuple[list[Item], str | None, int]:
    """A page of one status's partition of `index` (`partition_of(status)`), or of every status's merged, newest
    first, with its total from the status counters of family `counters` (one BatchGetItem, never a count)."""
    if status is not None:
        query = IndexQuery(index, partition_of(status))
    else:
        query = IndexQuery(index, partition_of("all"), partitions=tuple(partition_of(value) for value in statuses))
    found = query_page(query, page_size, cursor)
    totals = read_counters(counters)
    total = totals[status] if status is not None else sum(totals[value] for value in statuses)
    return found.items, found.next_cursor, total


def scope_counter(key: keys.Key) -> Counter[str]:
    item = get_item(key) or {}
    return counters_of(item)


def counters_of(item: Item | None) -> Counter[str]:
    return Counter({name: value for name, value in (item or {}).items() if isinstance(value, int)})


def get_items(item_keys: list[keys.Key]) -> list[Item | None]:
    """Several items with one strongly consistent BatchGetItem, in the order asked (None where absent); no
    request for no keys."""
    if not item_keys:
        return []
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
