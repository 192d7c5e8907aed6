"""EventBridge publisher: PutEvents in chunks of 10 (the API limit), per-entry outcome reported."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from kernel import clients
from kernel.dynamodb.outbox import CHUNK


def put_events(entries: list[dict[str, Any]]) -> list[str | None]:
    """Publish up to 10 entries; return, per entry, None on success or the error code."""
    if len(entries) > CHUNK:
        raise ValueError(f"PutEvents takes at most {CHUNK} entries")
    try:
        response = clients.eventbridge().put_events(Entries=entries)  # type: ignore[arg-type]
    except ClientError as error:
        # Throttling or a service fault fails the whole call: every entry is to be retried.
        code = error.response.get("Error", {}).get("Code", "ClientError")
        return [code] * len(entries)
    results = response.get("Entries", [])
    if response.get("FailedEntryCount", 0) == 0 and len(results) == len(entries):
        return [None] * len(entries)
    outcome: list[str | None] = []
    for index in range(len(entries)):
        result: Any = results[index] if index < len(results) else {"ErrorCode": "MissingResult"}
        outcome.append(result.get("ErrorCode") if result.get("ErrorCode") or not result.get("EventId") else None)
    return outcome
