"""EventBridge consumer: records that it saw `item.won` (and the event's envelope) in the table."""

from __future__ import annotations

import json
from typing import Any

from fixturelib import table


def lambda_handler(event: dict[str, Any], context: Any) -> None:
    item_id = event["detail"]["data"]["item_id"]
    envelope = {key: event.get(key) for key in ("id", "source", "detail-type", "account", "region")}
    table().put_item(Item={"pk": f"CONSUMED#{item_id}", "envelope": json.dumps(envelope)})
