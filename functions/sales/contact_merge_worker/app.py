"""The merge worker: contact.merged -> every record naming the duplicate names the survivor
(consumer in sales.contact.merge_worker; SQS queue fed by an EventBridge rule, with a dead-letter queue)."""

from kernel.consumer import event_consumer
from sales.contact.merge_worker import on_contact_merged

lambda_handler = event_consumer(on_contact_merged, name="sales.contact-merge")
