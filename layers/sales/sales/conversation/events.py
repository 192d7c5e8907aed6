"""The events a conversation publishes, one class per event."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kernel.events import DomainEvent, EventSpec, catalogue

ChannelName = Literal["web_form", "email", "line", "instagram", "facebook", "linkedin", "phone"]
FolderName = Literal["inbox", "archived", "junk", "deleted"]


@dataclass(frozen=True, kw_only=True)
class ConversationCreated(DomainEvent):
    KEY = "conversation.created"
    DESCRIPTION = "A channel thread with a contact was opened."

    conversation_id: str
    contact_id: str
    channel: ChannelName
    address: str
    subject: str | None
    lead_id: str | None
    opportunity_id: str | None
    deal_id: str | None


@dataclass(frozen=True, kw_only=True)
class ConversationFoldered(DomainEvent):
    KEY = "conversation.foldered"
    DESCRIPTION = (
        "A conversation moved to another folder (deleted is a soft, reversible delete); a new inbound message "
        "moves an archived or deleted thread back to the inbox."
    )

    conversation_id: str
    from_folder: FolderName
    to_folder: FolderName
    actor: str


@dataclass(frozen=True, kw_only=True)
class MessageReceived(DomainEvent):
    KEY = "message.received"
    DESCRIPTION = "An inbound message joined a conversation (its body verbatim, up to 50,000 characters)."

    conversation_id: str
    message_id: str
    contact_id: str
    channel: ChannelName
    sender: str
    body: str
    activity_id: str


@dataclass(frozen=True, kw_only=True)
class MessageSent(DomainEvent):
    KEY = "message.sent"
    DESCRIPTION = (
        "An outbound message was sent (created as sent, or a draft moved to sent). Email and web-form replies are "
        "sent by the service through Amazon SES; every other channel's connector sends it from this event, "
        "filtering on `channel`."
    )

    conversation_id: str
    message_id: str
    contact_id: str
    channel: ChannelName
    sender: str
    recipients: list[str]
    subject: str | None
    body: str
    activity_id: str


@dataclass(frozen=True, kw_only=True)
class ConversationForwarded(DomainEvent):
    KEY = "conversation.forwarded"
    DESCRIPTION = (
        "One message (scope conversation) or the whole thread in order (scope thread) was forwarded on the "
        "conversation's channel; an activity records it."
    )

    conversation_id: str
    scope: Literal["conversation", "thread"]
    message_ids: list[str]
    to: list[str]
    channel: ChannelName
    actor: str
    activity_id: str


EVENTS: tuple[EventSpec, ...] = catalogue(
    "sales", ConversationCreated, ConversationFoldered, MessageReceived, MessageSent, ConversationForwarded
)
