"""The text of the emails a conversation sends: an outbound message is its body as written; a forward is the
comment first, then each forwarded message quoted in order under a header naming who wrote it and when."""

from __future__ import annotations

from collections.abc import Sequence

from kernel.clock import to_rfc3339
from sales.conversation.model import Message, MessageDirection


def message_text(message: Message) -> str:
    return message.body


def forward_text(comment: str | None, messages: Sequence[Message]) -> str:
    parts: list[str] = []
    if comment:
        parts.append(comment)
    total = len(messages)
    for number, message in enumerate(messages, start=1):
        recipients = ", ".join(message.recipients) if message.recipients else "-"
        direction = "received" if message.direction is MessageDirection.IN else "sent"
        parts.append(
            f"---------- Forwarded message {number} of {total} ({direction}) ----------\n"
            f"From: {message.sender}\n"
            f"To: {recipients}\n"
            f"Date: {to_rfc3339(message.sent_at or message.created_at)}\n"
            f"\n{message.body}"
        )
    return "\n\n".join(parts) + "\n"
