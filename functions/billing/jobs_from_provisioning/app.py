"""Jobs completed by provisioning: provisioning.completed -> the deal's job is completed, or the completion is
kept until the job opens (consumer in billing.job.consumers; SQS queue fed by an EventBridge rule, with a
dead-letter queue)."""

from billing.job.consumers import on_provisioning_completed
from kernel.consumer import event_consumer

lambda_handler = event_consumer(on_provisioning_completed, name="billing.jobs-from-provisioning")
