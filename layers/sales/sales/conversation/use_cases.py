"""Conversation use cases: open a thread, read and list threads, move one between folders, post a message,
list a thread's messages, move a message's delivery on, forward one message or the whole thread."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from kernel.commands import apply_once, create_once
from kernel.context import RequestContext
from kernel.errors import Conflict, FieldIssue, NotFound
from kernel.listing import ListResult, paginate
from kernel.settings import settings
from sales.conversation.channels import Channel, address_on, addresses_on, is_email
from sales.conversation.model import (
    FORWARD_MAX_MESSAGES,
    Conversation,
    Folder,
    Message,
    MessageDirection,
    message_not_found,
)
from sales.conversation.store import ConversationRepository, command_digest
from sales.conversation.views import (
    ConversationListQuery,
    ConversationRef,
    ConversationView,
    CreateConversationInput,
    ForwardInput,
    ForwardView,
    MessageListQuery,
    MessageView,
    MoveFolderInput,
    PostMessageInput,
    SetDeliveryInput,
)


class ConversationStore(Protocol):
    """What the conversation use cases need of storage: the DynamoDB repository, or an in-memory fake."""

    def get(self, aggregate_id: str) -> Conversation | None: ...

    def save(self, conversation: Conversation, before: Conversation | None, ctx: RequestContext) -> None: ...

    def with_message(self, conversation_id: str, message_id: str) -> tuple[Conversation | None, Message | None]: ...

    def page_of_messages(
        self, conversation_id: str, page_size: int, cursor: str | None
    ) -> tuple[list[Message], str | None]: ...

    def thread(self, conversation_id: str, most: int) -> list[Message]: ...

    def newest_messages(self, conversation_id: str, most: int) -> list[Message]: ...

    def message(self, conversation_id: str, message_id: str) -> Message | None: ...

    def messages(self, conversation_id: str, message_ids: Sequence[str]) -> list[Message]: ...

    def page(
        self, folder: Folder, contact_id: str | None, channel: Channel | None, page_size: int, cursor: str | None
    ) -> tuple[list[Conversation], str | None, int]: ...


CONVERSATIONS: ConversationStore = ConversationRepository()


def not_found(conversation_id: str) -> NotFound:
    return NotFound(f"conversation {conversation_id} not found", "CONVERSATION_NOT_FOUND")


def _existing(conversation: Conversation | None, conversation_id: str) -> Conversation:
    if conversation is None:
        raise not_found(conversation_id)
    return conversation


def _sender_address(channel: Channel, ctx: RequestContext) -> str:
    """Outbound email (an email or web-form thread) leaves from the configured sender address; other channels'
    connectors send as the business's own account, so the message names the user who wrote it."""
    if is_email(channel) and settings().email_sender:
        return settings().email_sender
    return ctx.actor


def create_conversation(
    cmd: CreateConversationInput, ctx: RequestContext, conversations: ConversationStore = CONVERSATIONS
) -> ConversationView:
    conversation = Conversation.create(
        channel=cmd.channel,
        contact_id=cmd.contact_id,
        address=address_on(cmd.channel, cmd.address, "address"),
        subject=cmd.subject,
        lead_id=cmd.lead_id,
        opportunity_id=cmd.opportunity_id,
        deal_id=cmd.deal_id,
        now=ctx.now,
    )
    stored = create_once(ctx, conversation, lambda new: conversations.save(new, None, ctx), conversations.get)
    return ConversationView.of(stored)


def get_conversation(
    query: ConversationRef, ctx: RequestContext, conversations: ConversationStore = CONVERSATIONS
) -> ConversationView:
    return ConversationView.of(_existing(conversations.get(query.conversation_id), query.conversation_id))


def list_conversations(
    query: ConversationListQuery, ctx: RequestContext, conversations: ConversationStore = CONVERSATIONS
) -> ListResult[ConversationView]:
    page, next_cursor, total = conversations.page(
        query.folder, query.contact_id, query.channel, query.page_size, query.cursor
    )
    return paginate([ConversationView.of(item) for item in page], total, query.page_size, next_cursor, None)


def move_folder(
    cmd: MoveFolderInput, ctx: RequestContext, conversations: ConversationStore = CONVERSATIONS
) -> ConversationView:
    changed = apply_once(
        ctx,
        cmd.conversation_id,
        lambda: _existing(conversations.get(cmd.conversation_id), cmd.conversation_id),
        lambda conversation: conversation.move_to(cmd.folder, actor=ctx.actor, now=ctx.now),
        lambda conversation, before: conversations.save(conversation, before, ctx),
        lambda: conversations.get(cmd.conversation_id),
    )
    return ConversationView.of(changed)


def post_message(
    cmd: PostMessageInput, ctx: RequestContext, conversations: ConversationStore = CONVERSATIONS
) -> MessageView:
    command = command_digest(ctx.command_key)
    posted: list[Message] = []

    def change(conversation: Conversation) -> None:
        channel = conversation.channel
        recipients = addresses_on(channel, cmd.recipients, "recipients")
        posted.clear()
        if cmd.direction is MessageDirection.IN:
            sender = address_on(channel, cmd.sender, "sender") if cmd.sender is not None else None
            posted.append(
                conversation.receive(
                    body=cmd.body, sender=sender, recipients=recipients, actor=ctx.actor, now=ctx.now, command=command
                )
            )
        else:
            posted.append(
                conversation.send(
                    body=cmd.body,
                    recipients=recipients,
                    draft=cmd.draft,
                    sender=_sender_address(channel, ctx),
                    actor=ctx.actor,
                    now=ctx.now,
                    command=command,
                )
            )

    def current() -> Conversation | None:
        # A keyed post that committed before: answer with the message it posted.
        conversation = conversations.get(cmd.conversation_id)
        done = conversation.done_by(command) if conversation and command else None
        found = conversations.message(cmd.conversation_id, done["message_id"]) if done else None
        if found is None:
            return None
        posted[:] = [found]
        return conversation

    apply_once(
        ctx,
        cmd.conversation_id,
        lambda: _existing(conversations.get(cmd.conversation_id), cmd.conversation_id),
        change,
        lambda conversation, before: conversations.save(conversation, before, ctx),
        current,
    )
    return MessageView.of(cmd.conversation_id, posted[0])


def list_messages(
    query: MessageListQuery, ctx: RequestContext, conversations: ConversationStore = CONVERSATIONS
) -> ListResult[MessageView]:
    conversation = _existing(conversations.get(query.conversation_id), query.conversation_id)
    page, next_cursor = conversations.page_of_messages(conversation.id, query.page_size, query.cursor)
    return paginate(
        [MessageView.of(conversation.id, message) for message in page],
        conversation.message_count,
        query.page_size,
        next_cursor,
        None,
    )


def set_delivery(
    cmd: SetDeliveryInput, ctx: RequestContext, conversations: ConversationStore = CONVERSATIONS
) -> MessageView:
    loaded: dict[str, Message] = {}

    def load() -> Conversation:
        conversation, message = conversations.with_message(cmd.conversation_id, cmd.message_id)
        found = _existing(conversation, cmd.conversation_id)
        if message is None:
            raise message_not_found(cmd.conversation_id, cmd.message_id)
        loaded["message"] = message
        return found

    def current() -> Conversation | None:
        conversation, message = conversations.with_message(cmd.conversation_id, cmd.message_id)
        if message is not None:
            loaded["message"] = message
        return conversation

    apply_once(
        ctx,
        cmd.conversation_id,
        load,
        lambda conversation: conversation.set_delivery(loaded["message"], cmd.delivery, now=ctx.now),
        lambda conversation, before: conversations.save(conversation, before, ctx),
        current,
    )
    return MessageView.of(cmd.conversation_id, loaded["message"])


def _forwarded_messages(
    cmd: ForwardInput, conversation: Conversation, conversations: ConversationStore
) -> list[Message]:
    if cmd.scope == "thread":
        # Drafts were never sent: a thread forward quotes what was said, in order.
        sent = [m for m in conversations.thread(conversation.id, 2 * FORWARD_MAX_MESSAGES + 1) if not m.is_draft]
        return sent
    if cmd.message_id is not None:
        found = conversations.messages(conversation.id, [cmd.message_id])
        if not found:
            raise message_not_found(conversation.id, cmd.message_id)
        if found[0].is_draft:
            raise Conflict(
                f"message {cmd.message_id} is a draft; send it before forwarding it",
                "INVALID_TRANSITION",
                [FieldIssue("delivery", found[0].delivery.value)],
            )
        return found
    latest = next((m for m in conversations.newest_messages(conversation.id, 20) if not m.is_draft), None)
    return [latest] if latest is not None else []


def forward(cmd: ForwardInput, ctx: RequestContext, conversations: ConversationStore = CONVERSATIONS) -> ForwardView:
    command = command_digest(ctx.command_key)
    done: dict[str, object] = {}

    def change(conversation: Conversation) -> None:
        channel = conversation.channel
        # The channel decides first: a phone thread is refused whatever the recipients.
        to = addresses_on(channel, cmd.to, "to") if channel is not Channel.PHONE else tuple(cmd.to)
        messages = _forwarded_messages(cmd, conversation, conversations) if channel is not Channel.PHONE else []
        activity = conversation.forward(
            scope=cmd.scope,
            messages=messages,
            to=to,
            comment=cmd.comment,
            actor=ctx.actor,
            now=ctx.now,
            command=command,
        )
        done.update(activity_id=activity.id, message_ids=[m.id for m in messages], to=list(to))

    def current() -> Conversation | None:
        conversation = conversations.get(cmd.conversation_id)
        last = conversation.done_by(command) if conversation and command else None
        if not last:
            return None
        done.update(activity_id=last["activity_id"], message_ids=last["message_ids"], to=last["to"])
        return conversation

    conversation = apply_once(
        ctx,
        cmd.conversation_id,
        lambda: _existing(conversations.get(cmd.conversation_id), cmd.conversation_id),
        change,
        lambda changed, before: conversations.save(changed, before, ctx),
        current,
    )
    return ForwardView(
        conversation_id=conversation.id,
        scope=cmd.scope,
        message_ids=list(done["message_ids"]),  # type: ignore[call-overload]
        to=list(done["to"]),  # type: ignore[call-overload]
        channel=conversation.channel,
        activity_id=str(done["activity_id"]),
    )
