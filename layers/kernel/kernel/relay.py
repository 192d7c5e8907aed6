"""The outbox relay function: a context table's stream (outbox inserts only, by the event source mapping's
filter) -> the service bus. Every context's relay is this handler; entries carry the `source` their rows were
written with (EVENT_SOURCE)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from kernel.bus import put_events
from kernel.dynamodb.outbox import relay
from kernel.http.observability import logger, metrics, tracer
from kernel.settings import settings


def _malformed(record: dict[str, Any], error: Exception) -> None:
    logger.error(
        "malformed outbox row",
        extra={"sequence_number": record.get("dynamodb", {}).get("SequenceNumber"), "error": str(error)},
    )


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    records = event.get("Records") or []
    failed = relay(records, bus_name=settings().event_bus_name, publish=put_events, on_malformed=_malformed)
    metrics.add_metric(name="RelayedRecords", unit=MetricUnit.Count, value=len(records) - len(failed))
    if failed:
        metrics.add_metric(name="RelayFailures", unit=MetricUnit.Count, value=len(failed))
        logger.warning("events left for retry", extra={"sequence_numbers": failed})
    return {"batchItemFailures": [{"itemIdentifier": number} for number in failed]}
