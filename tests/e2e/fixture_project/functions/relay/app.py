"""Outbox relay: stream records of outbox items -> EventBridge. An item flagged `fail_once` fails its first
delivery (reported as a batch item failure) to exercise the retry."""

from __future__ import annotations

import json
import os
from typing import Any

from fixturelib import events

_failed_once: set[str] = set()


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    failures = []
    for record in event["Records"]:
        image = record["dynamodb"]["NewImage"]
        key = image["pk"]["S"]
        if image.get("fail_once", {}).get("BOOL") and key not in _failed_once:
            _failed_once.add(key)
            failures.append({"itemIdentifier": record["dynamodb"]["SequenceNumber"]})
            continue
        detail = {
            "metadata": {"event_id": image["event_id"]["S"], "event_type": image["event_type"]["S"]},
            "data": json.loads(image["data"]["S"]),
        }
        entry = {
            "Source": "fixture",
            "DetailType": image["event_type"]["S"],
            "Detail": json.dumps(detail),
            "EventBusName": os.environ["BUS_NAME"],
        }
        events().put_events(Entries=[entry])
    return {"batchItemFailures": failures}
