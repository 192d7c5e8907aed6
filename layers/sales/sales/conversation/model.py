"""The Conversation aggregate: one channel thread with a contact, its messages, and its forwards.

A conversation sits in one folder (inbox, archived, junk, deleted; deleted is soft and reversible). Messages go
in (delivered on arrival) or out (sent, or kept as a draft until sent); a message's delivery only moves forward,
draft -> sent -> delivered -> read. Every message, and every forward, writes an Activity of type `message` in
the same transaction, on the timelines of the conversation's contact and linked record. An outbound message of
an email or web-form thread (a web form is answered by email, at the address it gave), and a forward of one,
becomes an outgoing email the service sends through SES.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal, cast

from kernel.aggregate import AggregateRoot
from kernel.errors import Conflict, FieldIssue, NotFound, Unprocessable, ValidationFailed
from kernel.ids import new_id
from sales.activity.model import Activity, ActivityType, Links
from sales.conversation.channels import Channel, is_email
from sales.conversation.events import (
    ChannelName,
    ConversationCreated,
    ConversationFoldered,
    ConversationForwarded,
    MessageReceived,
    MessageSent,
)

BODY_MAX = 50_000
COMMENT_MAX = 5_000
# The excerpt of a message its activity carries: timelines show a preview, the conversation holds the body.
EXCERPT = 280
# A thread forward quotes at most this many messages in one email.
FORWARD_MAX_MESSAGES = 100
RECIPIENTS_MAX = 50
RECENT_COMMANDS = 10


class Folder(StrEnum):
    INBOX = "inbox"
    ARCHIVED = "archived"
    JUNK = "junk"
    DELETED = "deleted"


class MessageDirection(StrEnum):
    IN = "in"
    OUT = "out"


class Delivery(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"


_DELIVERY_ORDER = {Delivery.DRAFT: 0, Delivery.SENT: 1, Delivery.DELIVERED: 2, Delivery.READ: 3}

Scope = Literal["conversation", "thread"]


@dataclass(kw_only=True)
class Message:
    id: str
    direction: MessageDirection
    body: str
    sender: str
    recipients: tuple[str, ...]
    delivery: Delivery
    created_at: datetime
    updated_at: datetime
    sent_at: datetime | None = None
    activity_id: str | None = None

    @property
    def is_draft(self) -> bool:
        return self.delivery is Delivery.DRAFT


@dataclass(frozen=True, slots=True)
class OutgoingEmail:
    """An email for SES to send: an outbound message (its id is the message's) or a forward (the activity's)."""

    id: str
    kind: Literal["message", "forward"]
    message_ids: tuple[str, ...]
    to: tuple[str, ...]
    reply_to: str | None
    subject: str
    comment: str | None
    created_at: datetime


def _excerpt(body: str) -> str:
    return body if len(body) <= EXCERPT else body[: EXCERPT - 1] + "\u2026"


def _body(body: str, field_name: str = "body") -> str:
    if not body.strip() or len(body) > BODY_MAX:
        issue = f"must be 1-{BODY_MAX} characters, not only spaces"
        raise ValidationFailed(f"{field_name} {issue}", [FieldIssue(field_name, issue)])
    return body


@dataclass(kw_only=True)
class Conversation(AggregateRoot):
    channel: Channel
    contact_id: str
    address: str
    subject: str | None = None
    folder: Folder = Folder.INBOX
    lead_id: str | None = None
    opportunity_id: str | None = None
    deal_id: str | None = None
    last_message_at: datetime | None = None
    message_count: int = 0
    # What the last few keyed commands (hashed Idempotency-Keys) did: a post or forward whose first run committed
    # but could not record its response answers, on retry, with the message or forward it made.
    recent_commands: list[dict[str, Any]] = field(default_factory=list)
    # What the last command wrote besides the conversation, stored in its transaction.
    pending_messages: list[Message] = field(default_factory=list, repr=False, compare=False)
    pending_activities: list[Activity] = field(default_factory=list, repr=False, compare=False)
    pending_emails: list[OutgoingEmail] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def create(
        cls,
        *,
        channel: Channel,
        contact_id: str,
        address: str,
        subject: str | None,
        lead_id: str | None,
        opportunity_id: str | None,
        deal_id: str | None,
        now: datetime,
    ) -> Conversation:
        if sum(link is not None for link in (lead_id, opportunity_id, deal_id)) > 1:
            issue = "link at most one of lead_id, opportunity_id, deal_id"
            raise ValidationFailed(f"a conversation may {issue}", [FieldIssue("lead_id", issue)])
        conversation = cls(
            id=new_id(),
            created_at=now,
            updated_at=now,
            channel=channel,
            contact_id=contact_id,
            address=address,
            subject=(subject.strip() or None) if subject is not None else None,
            lead_id=lead_id,
            opportunity_id=opportunity_id,
            deal_id=deal_id,
        )
        conversation.record(
            ConversationCreated(
                conversation_id=conversation.id,
                contact_id=contact_id,
                channel=channel.value,
                address=address,
                subject=conversation.subject,
                lead_id=lead_id,
                opportunity_id=opportunity_id,
                deal_id=deal_id,
            )
        )
        return conversation

    @property
    def links(self) -> Links:
        return Links(
            contact_id=self.contact_id,
            lead_id=self.lead_id,
            opportunity_id=self.opportunity_id,
            deal_id=self.deal_id,
            conversation_id=self.id,
        )

    @property
    def is_deleted_folder(self) -> bool:
        return self.folder is Folder.DELETED

    def _headline(self) -> str:
        return self.subject or f"{self.channel.value.replace('_', ' ')} conversation"

    # -- folders -----------------------------------------------------------------------------------
    def move_to(self, folder: Folder, *, actor: str, now: datetime) -> None:
        """The same folder again changes nothing."""
        if folder is self.folder:
            return
        previous = self.folder
        self.folder = folder
        self.touch(now)
        self.record(
            ConversationFoldered(
                conversation_id=self.id, from_folder=previous.value, to_folder=folder.value, actor=actor
            )
        )

    def _writable(self) -> None:
        if self.is_deleted_folder:
            raise Conflict(
                f"conversation {self.id} is in the deleted folder; move it to another folder first",
                "INVALID_TRANSITION",
                [FieldIssue("folder", self.folder.value)],
            )

    # -- messages ----------------------------------------------------------------------------------
    def _message_activity(self, message: Message, actor: str, now: datetime) -> Activity:
        activity = Activity.log(
            type_=ActivityType.MESSAGE,
            subject=self._headline(),
            body=_excerpt(message.body),
            occurred_at=now,
            links=self.links,
            actor=actor,
            now=now,
            message_id=message.id,
        )
        message.activity_id = activity.id
        self.pending_activities.append(activity)
        return activity

    def _remember(self, command: str | None, **done: Any) -> None:
        if command is not None:
            self.recent_commands = [*self.recent_commands, {"command": command, **done}][-RECENT_COMMANDS:]

    def done_by(self, command: str) -> dict[str, Any] | None:
        return next((entry for entry in self.recent_commands if entry.get("command") == command), None)

    def _added(self, message: Message, now: datetime, command: str | None) -> None:
        self._remember(command, message_id=message.id)
        self.pending_messages.append(message)
        self.message_count += 1
        self.last_message_at = now
        self.touch(now)

    def receive(
        self,
        *,
        body: str,
        sender: str | None,
        recipients: tuple[str, ...],
        actor: str,
        now: datetime,
        command: str | None = None,
    ) -> Message:
        """An inbound message, delivered on arrival. Never refused for the folder: a reply to an archived or
        deleted thread brings it back to the inbox."""
        message = Message(
            id=new_id(),
            direction=MessageDirection.IN,
            body=_body(body),
            sender=sender or self.address,
            recipients=recipients,
            delivery=Delivery.DELIVERED,
            created_at=now,
            updated_at=now,
        )
        activity = self._message_activity(message, actor, now)
        self._added(message, now, command)
        if self.folder in (Folder.ARCHIVED, Folder.DELETED):
            self.move_to(Folder.INBOX, actor=actor, now=now)
        self.record(
            MessageReceived(
                conversation_id=self.id,
                message_id=message.id,
                contact_id=self.contact_id,
                channel=self.channel.value,
                sender=message.sender,
                body=message.body,
                activity_id=activity.id,
            )
        )
        return message

    def send(
        self,
        *,
        body: str,
        recipients: tuple[str, ...],
        draft: bool,
        sender: str,
        actor: str,
        now: datetime,
        command: str | None = None,
    ) -> Message:
        """An outbound message, to the conversation's address unless recipients are given: sent now, or kept
        as a draft until its delivery is set to sent."""
        self._writable()
        if len(recipients) > RECIPIENTS_MAX:
            issue = f"at most {RECIPIENTS_MAX} recipients"
            raise ValidationFailed(f"recipients: {issue}", [FieldIssue("recipients", issue)])
        message = Message(
            id=new_id(),
            direction=MessageDirection.OUT,
            body=_body(body),
            sender=sender,
            recipients=recipients or (self.address,),
            delivery=Delivery.DRAFT if draft else Delivery.SENT,
            created_at=now,
            updated_at=now,
        )
        self._message_activity(message, actor, now)
        self._added(message, now, command)
        if not draft:
            self._sent(message, now)
        return message

    def _sent(self, message: Message, now: datetime) -> None:
        message.sent_at = now
        assert message.activity_id is not None
        if is_email(self.channel):
            self.pending_emails.append(
                OutgoingEmail(
                    id=message.id,
                    kind="message",
                    message_ids=(message.id,),
                    to=message.recipients,
                    reply_to=self.address,
                    subject=self.subject or "(no subject)",
                    comment=None,
                    created_at=now,
                )
            )
        self.record(
            MessageSent(
                conversation_id=self.id,
                message_id=message.id,
                contact_id=self.contact_id,
                channel=self.channel.value,
                sender=message.sender,
                recipients=list(message.recipients),
                subject=self.subject,
                body=message.body,
                activity_id=message.activity_id,
            )
        )

    def set_delivery(self, message: Message, delivery: Delivery, *, now: datetime) -> None:
        """Forward only: draft -> sent -> delivered -> read (steps may be skipped once sent); the same state again
        changes nothing; anything backwards, or a draft delivered before it was sent, is 409."""
        if delivery is message.delivery:
            return
        backwards = _DELIVERY_ORDER[delivery] < _DELIVERY_ORDER[message.delivery]
        if backwards or (message.is_draft and delivery is not Delivery.SENT):
            raise Conflict(
                f"message {message.id} is {message.delivery.value}; delivery never goes back, and a draft is sent "
                "before it is delivered",
                "INVALID_TRANSITION",
                [FieldIssue("delivery", message.delivery.value)],
            )
        if message.is_draft:
            self._writable()
        was_draft = message.is_draft
        message.delivery = delivery
        message.updated_at = now
        self.pending_messages.append(message)
        self.touch(now)
        if was_draft:
            self._sent(message, now)

    # -- forwarding --------------------------------------------------------------------------------
    def forward(
        self,
        *,
        scope: Scope,
        messages: list[Message],
        to: tuple[str, ...],
        comment: str | None,
        actor: str,
        now: datetime,
        command: str | None = None,
    ) -> Activity:
        """Forward `messages` (one for scope conversation, the thread in order for scope thread) to `to` on the
        conversation's own channel; phone threads cannot be forwarded."""
        if self.channel is Channel.PHONE:
            raise Unprocessable("a phone conversation cannot be forwarded", "FORWARD_NOT_SUPPORTED")
        self._writable()
        if not messages:
            raise Unprocessable(
                f"conversation {self.id} has no sent or received message to forward", "NOTHING_TO_FORWARD"
            )
        if len(messages) > FORWARD_MAX_MESSAGES:
            raise Unprocessable(
                f"a thread forward quotes at most {FORWARD_MAX_MESSAGES} messages; forward single messages instead",
                "FORWARD_TOO_LARGE",
            )
        if len(to) > RECIPIENTS_MAX:
            issue = f"at most {RECIPIENTS_MAX} recipients"
            raise ValidationFailed(f"to: {issue}", [FieldIssue("to", issue)])
        cleaned = (comment.strip() or None) if comment is not None else None
        activity = Activity.log(
            type_=ActivityType.MESSAGE,
            subject=f"Forwarded: {self._headline()}"[:200],
            body=_excerpt(cleaned) if cleaned else None,
            occurred_at=now,
            links=self.links,
            actor=actor,
            now=now,
        )
        self.pending_activities.append(activity)
        message_ids = tuple(message.id for message in messages)
        if is_email(self.channel):
            self.pending_emails.append(
                OutgoingEmail(
                    id=activity.id,
                    kind="forward",
                    message_ids=message_ids,
                    to=to,
                    reply_to=None,
                    subject=f"Fwd: {self.subject or '(no subject)'}",
                    comment=cleaned,
                    created_at=now,
                )
            )
        self._remember(command, activity_id=activity.id, message_ids=list(message_ids), to=list(to))
        self.touch(now)
        self.record(
            ConversationForwarded(
                conversation_id=self.id,
                scope=scope,
                message_ids=list(message_ids),
                to=list(to),
                channel=cast(ChannelName, self.channel.value),
                actor=actor,
                activity_id=activity.id,
            )
        )
        return activity

    def change_contact(self, survivor_id: str, *, now: datetime) -> None:
        """A merge: the thread is the surviving contact's now (no event: contact.merged tells it)."""
        self.contact_id = survivor_id
        self.touch(now)


def message_not_found(conversation_id: str, message_id: str) -> NotFound:
    return NotFound(f"conversation {conversation_id} has no message {message_id}", "MESSAGE_NOT_FOUND")
