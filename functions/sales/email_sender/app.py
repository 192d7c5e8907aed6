"""Email sender: the Sales table's stream (outgoing-email inserts only) -> Amazon SES, once per email."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from kernel.http.observability import logger, metrics, tracer
from sales.conversation.email_sender import send_emails


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    outcome = send_emails(event.get("Records") or [])
    metrics.add_metric(name="EmailsSent", unit=MetricUnit.Count, value=outcome.sent)
    if outcome.rejected:
        metrics.add_metric(name="EmailsRejected", unit=MetricUnit.Count, value=outcome.rejected)
        logger.error("SES refused emails for good; kept as failed", extra={"count": outcome.rejected})
    if outcome.failed:
        metrics.add_metric(name="EmailSendRetries", unit=MetricUnit.Count, value=len(outcome.failed))
        logger.warning("emails left for retry", extra={"sequence_numbers": outcome.failed})
    return {"batchItemFailures": [{"itemIdentifier": number} for number in outcome.failed]}
