"""Sends the outgoing emails conversations write (`MAIL#` items, read from the table's stream) through SES,
once per email id.

Before sending, the email's item is read again: one already marked sent (or failed for good) is skipped, so a
retried batch, a duplicate stream delivery or a second run never sends twice. After SES took it, the item is
marked sent with SES's message id. A throttled or failed send leaves the item unmarked and reports the record
for retry (the event source mapping retries it, then hands it to its failure queue). The one window left is a
crash between SES taking the email and the mark: that email would go again, which SES's API gives no way to
close (it has no idempotency token).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kernel.dynamodb.codec import Item, from_attributes
from kernel.mail import Email, SendFailed, send
from kernel.settings import settings
from sales import keys
from sales.conversation.mail import forward_text, message_text
from sales.conversation.store import ConversationRepository


@dataclass(frozen=True)
class Outcome:
    sent: int
    skipped: int
    failed: list[str]  # sequence numbers to retry
    rejected: int


def is_email_insert(record: dict[str, Any]) -> bool:
    sort_key = ((record.get("dynamodb") or {}).get("Keys") or {}).get("SK", {}).get("S", "")
    return record.get("eventName") == "INSERT" and sort_key.startswith(keys.MAIL)


def _email(row: Item, conversations: ConversationRepository) -> Email:
    messages = conversations.messages(row["conversation_id"], row["message_ids"])
    text = forward_text(row.get("comment"), messages) if row["kind"] == "forward" else message_text(messages[0])
    reply_to = (row["reply_to"],) if row.get("reply_to") else ()
    return Email(
        sender=settings().email_sender, to=tuple(row["to"]), reply_to=reply_to, subject=row["subject"], text=text
    )


def send_emails(records: list[dict[str, Any]], conversations: ConversationRepository | None = None) -> Outcome:
    store = conversations or ConversationRepository()
    sent = skipped = rejected = 0
    failed: list[str] = []
    for record in records:
        if not is_email_insert(record):
            continue
        sequence_number = record["dynamodb"]["SequenceNumber"]
        row = from_attributes(record["dynamodb"]["NewImage"])
        current = store.outgoing_email(row["conversation_id"], row["id"])
        if current is None or current.get("sent_at") or current.get("failed_at"):
            skipped += 1
            continue
        try:
            ses_id = send(_email(current, store))
        except SendFailed as error:
            if error.permanent:
                store.mark_email_failed(row["conversation_id"], row["id"], error.code)
                rejected += 1
            else:
                failed.append(sequence_number)
            continue
        store.mark_email_sent(row["conversation_id"], row["id"], ses_id)
        sent += 1
    return Outcome(sent=sent, skipped=skipped, failed=failed, rejected=rejected)
