"""The campaigns' won figures: deal.won -> deal's opportunity -> its lead -> its campaign's won counters
(consumer in sales.campaign.projection; SQS queue fed by an EventBridge rule, with a dead-letter queue)."""

from kernel.consumer import event_consumer
from sales.campaign.projection import on_deal_won

lambda_handler = event_consumer(on_deal_won, name="sales.campaign-won")
