"""Jobs from won deals: deal.won -> the deal's one job (consumer in billing.job.consumers; SQS queue fed by an
EventBridge rule, with a dead-letter queue)."""

from billing.job.consumers import on_deal_won
from kernel.consumer import event_consumer

lambda_handler = event_consumer(on_deal_won, name="billing.jobs-from-won-deals")
