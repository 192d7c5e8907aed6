"""The conversion bridge: Federation's tenant.created / application_user.created -> the contact's bridge
(consumer in sales.contact.bridge; SQS queue fed by an EventBridge rule, with a dead-letter queue)."""

from kernel.consumer import event_consumer
from sales.contact.bridge import on_federation_event

lambda_handler = event_consumer(on_federation_event, name="sales.conversion-bridge")
