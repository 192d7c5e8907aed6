"""Edge models of the conversation operations: inputs and views."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, ValidationInfo, field_validator

from kernel.clock import to_rfc3339
from kernel.types import Id, Input, Line, ListQuery, Output, no_control
from sales.conversation.channels import ADDRESS_MAX, Channel
from sales.conversation.model import (
    BODY_MAX,
    COMMENT_MAX,
    RECIPIENTS_MAX,
    Conversation,
    Delivery,
    Folder,
    Message,
    MessageDirection,
)

# Addresses are checked against the conversation's channel by the use case (the channel is not in the request).
Address = Annotated[str, Field(min_length=1, max_length=ADDRESS_MAX)]
MessageBody = Annotated[str, Field(min_length=1, max_length=BODY_MAX), AfterValidator(no_control)]
Comment = Annotated[str, Field(max_length=COMMENT_MAX), AfterValidator(no_control)]


class CreateConversationInput(Input):
    contact_id: Id = Field(description="a live contact")
    channel: Channel
    address: Address = Field(
        description="the contact's handle on the channel: email address (email, web_form), E.164 number (phone), "
        "LINE user id, or Instagram/Facebook/LinkedIn handle; it need not be stored on the contact"
    )
    subject: Line | None = Field(default=None, description="one line; an email's subject")
    lead_id: Id | None = Field(default=None, description="at most one of lead_id, opportunity_id, deal_id")
    opportunity_id: Id | None = None
    deal_id: Id | None = None


class ConversationRef(Input):
    conversation_id: Id


class MoveFolderInput(ConversationRef):
    folder: Folder


class ConversationListQuery(ListQuery):
    folder: Folder = Field(default=Folder.INBOX, description="inbox when absent; deleted lists the soft-deleted")
    contact_id: Id | None = None
    channel: Channel | None = None


class PostMessageInput(ConversationRef):
    direction: MessageDirection
    body: MessageBody = Field(description="1-50,000 characters, kept verbatim (markup is text, never interpreted)")
    sender: Address | None = Field(
        default=None, description="inbound: who wrote (the conversation's address when absent); not for outbound"
    )
    recipients: list[Address] = Field(
        default_factory=list,
        max_length=RECIPIENTS_MAX,
        description="outbound: addresses on the channel (the conversation's address when empty)",
    )
    draft: bool = Field(default=False, description="outbound only: keep it as a draft; a later delivery sent sends it")

    # Field validators, not a model one: the error names the field at fault (direction is validated first).
    @field_validator("sender")
    @classmethod
    def _inbound_sender(cls, sender: str | None, info: ValidationInfo) -> str | None:
        if sender is not None and info.data.get("direction") is MessageDirection.OUT:
            raise ValueError("an outbound message is sent from the service's own address")
        return sender

    @field_validator("draft")
    @classmethod
    def _outbound_draft(cls, draft: bool, info: ValidationInfo) -> bool:
        if draft and info.data.get("direction") is MessageDirection.IN:
            raise ValueError("an inbound message cannot be a draft")
        return draft


class MessageListQuery(ListQuery):
    conversation_id: Id


class SetDeliveryInput(ConversationRef):
    message_id: Id
    delivery: Delivery


class ForwardInput(ConversationRef):
    scope: Literal["conversation", "thread"] = Field(
        description="conversation: one message (message_id, else the latest); thread: every message in order"
    )
    to: list[Address] = Field(min_length=1, max_length=RECIPIENTS_MAX, description="addresses on the channel")
    comment: Comment | None = Field(default=None, description="put before the forwarded messages")
    message_id: Id | None = Field(default=None, description="scope conversation only")

    @field_validator("message_id")
    @classmethod
    def _message_for_scope(cls, message_id: str | None, info: ValidationInfo) -> str | None:
        if message_id is not None and info.data.get("scope") == "thread":
            raise ValueError("a thread forward takes every message; name one with scope conversation")
        return message_id


class ConversationView(Output):
    id: str
    contact_id: str
    channel: Channel
    address: str
    subject: str | None
    folder: Folder
    lead_id: str | None
    opportunity_id: str | None
    deal_id: str | None
    last_message_at: str | None
    message_count: int
    version: int
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, conversation: Conversation) -> ConversationView:
        return cls(
            id=conversation.id,
            contact_id=conversation.contact_id,
            channel=conversation.channel,
            address=conversation.address,
            subject=conversation.subject,
            folder=conversation.folder,
            lead_id=conversation.lead_id,
            opportunity_id=conversation.opportunity_id,
            deal_id=conversation.deal_id,
            last_message_at=to_rfc3339(conversation.last_message_at) if conversation.last_message_at else None,
            message_count=conversation.message_count,
            version=conversation.version,
            created_at=to_rfc3339(conversation.created_at),
            updated_at=to_rfc3339(conversation.updated_at),
        )


class MessageView(Output):
    id: str
    conversation_id: str
    direction: MessageDirection
    body: str
    sender: str
    recipients: list[str]
    delivery: Delivery
    sent_at: str | None
    activity_id: str | None
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, conversation_id: str, message: Message) -> MessageView:
        return cls(
            id=message.id,
            conversation_id=conversation_id,
            direction=message.direction,
            body=message.body,
            sender=message.sender,
            recipients=list(message.recipients),
            delivery=message.delivery,
            sent_at=to_rfc3339(message.sent_at) if message.sent_at else None,
            activity_id=message.activity_id,
            created_at=to_rfc3339(message.created_at),
            updated_at=to_rfc3339(message.updated_at),
        )


class ForwardView(Output):
    conversation_id: str
    scope: Literal["conversation", "thread"]
    message_ids: list[str] = Field(description="the messages forwarded, in order")
    to: list[str]
    channel: Channel
    activity_id: str
