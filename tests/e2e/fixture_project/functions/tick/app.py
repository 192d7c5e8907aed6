"""Scheduled jobs (TickFunction, ReportFunction): answer what they were invoked with, so tests can check the
scheduled event; an input saying `fail` makes the job raise."""

from __future__ import annotations

import os
from typing import Any


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    if isinstance(event, dict) and event.get("fail"):
        raise RuntimeError(f"job {event.get('job')} failed as asked")
    return {"function": context.function_name, "table": os.environ["TABLE_NAME"], "event": event}
