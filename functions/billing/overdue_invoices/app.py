"""The daily overdue run: invoices past their due date, issued or partly paid, become overdue with an
invoice.overdue event each (billing.invoice.use_cases.mark_overdue; EventBridge Scheduler, once a day)."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from billing.invoice.use_cases import mark_overdue
from kernel.http.observability import logger, tracer


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    run = mark_overdue()
    return {"day": run.day.isoformat(), "examined": run.examined, "marked": run.marked}
