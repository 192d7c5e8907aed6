"""DynamoDB stream -> Lambda event source mapping: what runs the outbox relay locally.

One reader thread per stream polls GetRecords and hands the records to every mapping on that stream; each
mapping keeps its own position, applies its FilterCriteria and BatchSize, and retries a failed batch from
the lowest failed sequence number (ReportBatchItemFailures) a bounded number of times, as Lambda does.
"""

from __future__ import annotations

import base64
import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from local.filters import matches_any
from local.project import StreamSource

log = logging.getLogger("local.streams")

POLL_SECONDS = 0.2
SHARD_REFRESH_SECONDS = 10.0

Invoke = Callable[[str, Any], Any]


def _plain(value: Any) -> Any:
    """Binary attribute values arrive as bytes from boto3; Lambda events carry them base64-encoded."""
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def lambda_record(raw: Mapping[str, Any], stream_arn: str, region: str) -> dict[str, Any]:
    """A GetRecords record in the shape Lambda hands to a DynamoDB-triggered function."""
    dynamodb = _plain(dict(raw["dynamodb"]))
    created = raw["dynamodb"].get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        dynamodb["ApproximateCreationDateTime"] = int(created.timestamp())
    record = {
        "eventID": raw["eventID"],
        "eventName": raw["eventName"],
        "eventVersion": raw.get("eventVersion", "1.1"),
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": dynamodb,
        "eventSourceARN": stream_arn,
    }
    if raw.get("userIdentity"):
        record["userIdentity"] = raw["userIdentity"]
    return record


def _sequence(record: Mapping[str, Any]) -> int:
    return int(record["dynamodb"]["SequenceNumber"])


def failure_record(
    batch: list[dict[str, Any]], *, function_arn: str, attempts: int, condition: str, shard_id: str
) -> dict[str, Any]:
    """What Lambda sends a stream event source's on-failure destination: where the batch was, not the records."""
    first, last = batch[0]["dynamodb"], batch[-1]["dynamodb"]
    return {
        "requestContext": {
            "requestId": str(uuid.uuid4()),
            "functionArn": function_arn,
            "condition": condition,
            "approximateInvokeCount": attempts,
        },
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
        "version": "1.0",
        "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "DDBStreamBatchInfo": {
            "shardId": shard_id,
            "startSequenceNumber": first["SequenceNumber"],
            "endSequenceNumber": last["SequenceNumber"],
            "approximateArrivalOfFirstRecord": _iso(first.get("ApproximateCreationDateTime")),
            "approximateArrivalOfLastRecord": _iso(last.get("ApproximateCreationDateTime")),
            "batchSize": len(batch),
            "streamArn": batch[0]["eventSourceARN"],
        },
    }


def _iso(epoch: Any) -> str | None:
    if not isinstance(epoch, int | float):
        return None
    return datetime.fromtimestamp(epoch, UTC).isoformat().replace("+00:00", "Z")


@dataclass
class StreamMapping:
    """One function's event source mapping on one stream."""

    source: StreamSource
    invoke: Invoke
    on_failure: Callable[[dict[str, Any]], None] | None = None
    function_arn: str = ""
    shard_id: str = ""
    pending: deque[dict[str, Any]] = field(default_factory=deque)
    attempts: int = 0
    retry_at: float = 0.0
    limit: int = 0  # current batch size: BisectBatchOnFunctionError halves it after a function error

    def offer(self, record: dict[str, Any], shard_id: str) -> None:
        if matches_any(self.source.filters, record):
            self.pending.append(record)
            self.shard_id = shard_id

    def drain(self) -> None:
        """Deliver pending records batch by batch until empty or a batch must wait for its retry."""
        while self.pending and time.monotonic() >= self.retry_at:
            limit = self.limit or self.source.batch_size
            batch = [self.pending[i] for i in range(min(limit, len(self.pending)))]
            failed_from, crashed = self._deliver(batch)
            if failed_from is None:
                self._consume(len(batch))
                self.attempts, self.limit = 0, 0
                continue
            # Records before the first failure are done; retry from the failure on.
            self._consume(sum(1 for record in batch if _sequence(record) < failed_from))
            self.attempts += 1
            if crashed and self.source.bisect_on_error and len(batch) > 1:
                self.limit = max(1, len(batch) // 2)
            if self.attempts > self.source.max_retries:
                self._give_up([record for record in batch if _sequence(record) >= failed_from])
                continue
            self.retry_at = time.monotonic() + min(0.25 * 2**self.attempts, 5.0)
            return

    def _give_up(self, records: list[dict[str, Any]]) -> None:
        log.error(
            "%s: giving up on %d record(s) from sequence %s after %d retries (MaximumRetryAttempts)",
            self.source.function_id,
            len(records),
            records[0]["dynamodb"]["SequenceNumber"],
            self.source.max_retries,
        )
        if self.on_failure is not None:
            info = failure_record(
                records,
                function_arn=self.function_arn,
                attempts=self.attempts,
                condition="RetryAttemptsExhausted",
                shard_id=self.shard_id,
            )
            try:
                self.on_failure(info)
            except Exception:
                log.exception(
                    "%s: sending the failure record to its on-failure destination failed", self.source.function_id
                )
        self._consume(len(records))
        self.attempts, self.limit = 0, 0

    def _consume(self, count: int) -> None:
        for _ in range(count):
            self.pending.popleft()

    def _deliver(self, batch: list[dict[str, Any]]) -> tuple[int | None, bool]:
        """Invoke the function. Returns (lowest sequence number to retry from or None, whether it raised)."""
        function_id = self.source.function_id
        try:
            result = self.invoke(function_id, {"Records": batch})
        except Exception:
            log.exception("%s failed on a batch of %d stream record(s); will retry", function_id, len(batch))
            return _sequence(batch[0]), True
        failures = result.get("batchItemFailures") if isinstance(result, Mapping) else None
        if not failures:
            return None, False
        if not self.source.report_batch_item_failures:
            log.warning(
                "%s returned batchItemFailures but its event source does not declare "
                "FunctionResponseTypes: [ReportBatchItemFailures]; Lambda ignores them",
                function_id,
            )
            return None, False
        in_batch = {record["dynamodb"]["SequenceNumber"] for record in batch}
        identifiers = [str(failure.get("itemIdentifier", "")) for failure in failures]
        if not all(identifier in in_batch for identifier in identifiers):
            # Lambda treats an unknown or empty identifier as a failure of the whole batch.
            return _sequence(batch[0]), False
        log.warning("%s reported %d failed record(s); will retry", function_id, len(identifiers))
        return min(int(identifier) for identifier in identifiers), False


@dataclass
class _Shard:
    shard_id: str
    iterator: str | None


class StreamReader(threading.Thread):
    """Polls one stream from LATEST (records written before the reader started are not replayed)."""

    def __init__(
        self,
        stream_arn: str,
        mappings: list[StreamMapping],
        client: Any,
        region: str,
        stopping: threading.Event,
        after_poll: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(name=f"stream-{stream_arn.rsplit('/', 1)[-1]}", daemon=True)
        self.stream_arn = stream_arn
        self.mappings = mappings
        self.client = client
        self.region = region
        self.stopping = stopping
        self.after_poll = after_poll
        self.shards: dict[str, _Shard] = {}
        self._refreshed = 0.0
        self._refresh_shards(initial=True)

    def _refresh_shards(self, initial: bool = False) -> None:
        description = self.client.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]
        for shard in description.get("Shards", []):
            shard_id = shard["ShardId"]
            if shard_id in self.shards:
                continue
            # Shards that appear later (splits, rotation) are read from their start.
            position = "LATEST" if initial else "TRIM_HORIZON"
            iterator = self.client.get_shard_iterator(
                StreamArn=self.stream_arn, ShardId=shard_id, ShardIteratorType=position
            )["ShardIterator"]
            self.shards[shard_id] = _Shard(shard_id, iterator)
        self._refreshed = time.monotonic()

    def poll_once(self) -> int:
        received = 0
        for shard in list(self.shards.values()):
            if shard.iterator is None:
                continue
            response = self.client.get_records(ShardIterator=shard.iterator, Limit=1000)
            shard.iterator = response.get("NextShardIterator")
            for raw in response.get("Records", []):
                record = lambda_record(raw, self.stream_arn, self.region)
                received += 1
                for mapping in self.mappings:
                    mapping.offer(record, shard.shard_id)
        for mapping in self.mappings:
            mapping.drain()
        return received

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                if time.monotonic() - self._refreshed > SHARD_REFRESH_SECONDS:
                    self._refresh_shards()
                received = self.poll_once()
                if self.after_poll is not None:
                    self.after_poll()
            except Exception:
                log.exception("reading %s failed; retrying", self.stream_arn)
                received = 0
            if not received:
                self.stopping.wait(POLL_SECONDS)
