"""Conversations in the Sales table: the conversation item and its list entries, its messages and outgoing
emails in its partition, the activities its messages and forwards write (joined to its transaction), the
folder counters behind the list totals, and the reads conversations need."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from kernel.clock import from_rfc3339, to_rfc3339, utc_now
from kernel.context import RequestContext
from kernel.dynamodb import queries
from kernel.dynamodb.codec import Item, audit_fields, instant_of
from kernel.dynamodb.repository import Repository, get_item, unchanged
from kernel.dynamodb.transaction import Transaction, pick_shard, refuse
from kernel.errors import ReferenceNotFound
from kernel.settings import settings
from sales import keys
from sales.activity.store import ActivityRepository
from sales.conversation.channels import Channel
from sales.conversation.model import Conversation, Delivery, Folder, Message, MessageDirection, OutgoingEmail
from sales.keys import Key

CONVERSATION_STATS = "CONVERSATION"
# Conversations per merge batch (each one item), under DynamoDB's 100.
MERGE_BATCH = 50


def command_digest(command_key: str | None) -> str | None:
    return hashlib.sha256(command_key.encode()).hexdigest()[:32] if command_key else None


def _last_at(conversation: Conversation) -> str:
    return to_rfc3339(conversation.last_message_at or conversation.created_at)


def conversation_item(conversation: Conversation) -> Item:
    return {
        **keys.conversation(conversation.id),
        "type": "Conversation",
        **audit_fields(conversation),
        "channel": conversation.channel.value,
        "contact_id": conversation.contact_id,
        "address": conversation.address,
        "subject": conversation.subject,
        "folder": conversation.folder.value,
        "lead_id": conversation.lead_id,
        "opportunity_id": conversation.opportunity_id,
        "deal_id": conversation.deal_id,
        "last_message_at": to_rfc3339(conversation.last_message_at) if conversation.last_message_at else None,
        "message_count": conversation.message_count,
        "recent_commands": conversation.recent_commands,
        **keys.conversation_indexes(
            conversation.id,
            conversation.folder.value,
            conversation.channel.value,
            conversation.contact_id,
            _last_at(conversation),
        ),
    }


def conversation_from_item(item: Item) -> Conversation:
    return Conversation(
        id=item["id"],
        version=int(item["version"]),
        created_at=from_rfc3339(item["created_at"]),
        updated_at=from_rfc3339(item["updated_at"]),
        channel=Channel(item["channel"]),
        contact_id=item["contact_id"],
        address=item["address"],
        subject=item.get("subject"),
        folder=Folder(item["folder"]),
        lead_id=item.get("lead_id"),
        opportunity_id=item.get("opportunity_id"),
        deal_id=item.get("deal_id"),
        last_message_at=instant_of(item.get("last_message_at")),
        message_count=int(item.get("message_count", 0)),
        recent_commands=list(item.get("recent_commands") or []),
    )


def message_item(conversation_id: str, message: Message) -> Item:
    return {
        **keys.message(conversation_id, message.id),
        "type": "Message",
        "id": message.id,
        "conversation_id": conversation_id,
        "direction": message.direction.value,
        "body": message.body,
        "sender": message.sender,
        "recipients": list(message.recipients),
        "delivery": message.delivery.value,
        "created_at": to_rfc3339(message.created_at),
        "updated_at": to_rfc3339(message.updated_at),
        "sent_at": to_rfc3339(message.sent_at) if message.sent_at else None,
        "activity_id": message.activity_id,
    }


def message_from_item(item: Item) -> Message:
    return Message(
        id=item["id"],
        direction=MessageDirection(item["direction"]),
        body=item["body"],
        sender=item["sender"],
        recipients=tuple(item.get("recipients") or ()),
        delivery=Delivery(item["delivery"]),
        created_at=from_rfc3339(item["created_at"]),
        updated_at=from_rfc3339(item["updated_at"]),
        sent_at=instant_of(item.get("sent_at")),
        activity_id=item.get("activity_id"),
    )


def email_item(conversation_id: str, email: OutgoingEmail) -> Item:
    return {
        **keys.outgoing_email(conversation_id, email.id),
        "type": "OutgoingEmail",
        "id": email.id,
        "conversation_id": conversation_id,
        "kind": email.kind,
        "message_ids": list(email.message_ids),
        "to": list(email.to),
        "reply_to": email.reply_to,
        "subject": email.subject,
        "comment": email.comment,
        "created_at": to_rfc3339(email.created_at),
    }


def _list_query(folder: Folder, contact_id: str | None, channel: Channel | None) -> queries.IndexQuery:
    """A contact's conversations (its own partition, by folder), else a channel's in the folder, else the folder's:
    newest message first."""
    if contact_id is not None:
        post = (("channel", channel.value),) if channel is not None else ()
        return queries.IndexQuery(
            "GSI3", keys.conversation_contact_list(contact_id), prefix=f"{folder.value}#", filters=post
        )
    if channel is not None:
        return queries.IndexQuery(
            "GSI2", keys.conversation_channel_list(channel.value, folder.value), shards=keys.CONVERSATION_INDEX_SHARDS
        )
    return queries.IndexQuery(
        "GSI1", keys.conversation_folder_list(folder.value), shards=keys.CONVERSATION_INDEX_SHARDS
    )


def _counter_names(conversation: Conversation) -> tuple[str, str]:
    return conversation.folder.value, f"{conversation.channel.value}#{conversation.folder.value}"


class ConversationRepository(Repository[Conversation]):
    aggregate_type = "Conversation"

    def __init__(self, activities: ActivityRepository | None = None) -> None:
        self.activities = activities or ActivityRepository()

    def key(self, aggregate_id: str) -> Key:
        return keys.conversation(aggregate_id)

    def to_item(self, aggregate: Conversation) -> Item:
        return conversation_item(aggregate)

    def from_item(self, item: Item) -> Conversation:
        return conversation_from_item(item)

    # -- reads -------------------------------------------------------------------------------------
    def with_message(self, conversation_id: str, message_id: str) -> tuple[Conversation | None, Message | None]:
        """The conversation and one of its messages, in one BatchGetItem."""
        conversation, message = queries.get_items(
            [keys.conversation(conversation_id), keys.message(conversation_id, message_id)]
        )
        return (
            conversation_from_item(conversation) if conversation else None,
            message_from_item(message) if message else None,
        )

    def page_of_messages(
        self, conversation_id: str, page_size: int, cursor: str | None
    ) -> tuple[list[Message], str | None]:
        """One page of the thread, oldest first: one Query of the conversation's partition."""
        query = queries.IndexQuery(
            queries.TABLE, f"CONVERSATION#{conversation_id}", prefix=keys.MESSAGE, newest_first=False
        )
        found = queries.query_page(query, page_size, cursor)
        return [message_from_item(item) for item in found.items], found.next_cursor

    def thread(self, conversation_id: str, most: int) -> list[Message]:
        """Up to `most` messages of the thread, oldest first."""
        items = queries.partition_items(keys.conversation(conversation_id)["PK"], prefix=keys.MESSAGE, limit=most)
        return [message_from_item(item) for item in items]

    def newest_messages(self, conversation_id: str, most: int) -> list[Message]:
        query = queries.IndexQuery(queries.TABLE, f"CONVERSATION#{conversation_id}", prefix=keys.MESSAGE)
        return [message_from_item(item) for item in queries.query_page(query, most).items]

    def message(self, conversation_id: str, message_id: str) -> Message | None:
        found = get_item(keys.message(conversation_id, message_id))
        return message_from_item(found) if found else None

    def page(
        self, folder: Folder, contact_id: str | None, channel: Channel | None, page_size: int, cursor: str | None
    ) -> tuple[list[Conversation], str | None, int]:
        """One page, newest message first, and the total: the folder counters for a folder (and channel) list,
        a counting Query of the contact's own partition for a contact's."""
        query = _list_query(folder, contact_id, channel)
        found = queries.query_page(query, page_size, cursor)
        if contact_id is None:
            counters = queries.read_counters(CONVERSATION_STATS)
            total = counters[f"{channel.value}#{folder.value}" if channel else folder.value]
        else:
            total = queries.count(query)
        return [conversation_from_item(item) for item in found.items], found.next_cursor, total

    def outgoing_email(self, conversation_id: str, email_id: str) -> Item | None:
        return queries.get_items([keys.outgoing_email(conversation_id, email_id)])[0]

    def mark_email_sent(self, conversation_id: str, email_id: str, ses_message_id: str) -> None:
        """SES took the email: never send it again."""
        _mark(
            keys.outgoing_email(conversation_id, email_id),
            {"sent_at": to_rfc3339(utc_now()), "ses_message_id": ses_message_id},
        )

    def mark_email_failed(self, conversation_id: str, email_id: str, code: str) -> None:
        """SES refused the email for good (rejected, unverified sender): kept with the reason, not retried."""
        _mark(keys.outgoing_email(conversation_id, email_id), {"failed_at": to_rfc3339(utc_now()), "error": code})

    def messages(self, conversation_id: str, message_ids: Sequence[str]) -> list[Message]:
        """Messages by id, in the order asked (absent ones left out): one BatchGetItem per 100."""
        found: list[Message] = []
        for start in range(0, len(message_ids), keys.BATCH_GET_MAX_KEYS):
            chunk = message_ids[start : start + keys.BATCH_GET_MAX_KEYS]
            items = queries.get_items([keys.message(conversation_id, message_id) for message_id in chunk])
            found.extend(message_from_item(item) for item in items if item)
        return found

    def of_contact(self, contact_id: str, most: int) -> list[Conversation]:
        """Up to `most` conversations of a contact, every folder (a merge's batch), read consistently."""
        query = queries.IndexQuery("GSI3", keys.conversation_contact_list(contact_id))
        entries = queries.query_page(query, most).items
        items = queries.get_items([keys.conversation(str(entry["id"])) for entry in entries])
        return [conversation_from_item(item) for item in items if item]

    # -- writes ------------------------------------------------------------------------------------
    def save(self, conversation: Conversation, before: Conversation | None, ctx: RequestContext) -> None:
        if (
            unchanged(conversation, before)
            and not conversation.pending_messages
            and not conversation.pending_activities
        ):
            return
        with self.saving(conversation, ctx) as tx:
            self._write(tx, conversation, before, ctx)
        self._clear(conversation)

    def save_contact_moves(self, moves: Sequence[tuple[Conversation, Conversation]], ctx: RequestContext) -> None:
        """Conversations given to another contact (a merge's batch), each at the version read, in one transaction."""
        if not moves:
            return
        tx = Transaction(settings().table_name)
        for conversation, _before in moves:
            with self.saving(conversation, ctx, joining=tx):
                pass
        tx.commit()
        for conversation, _before in moves:
            conversation.pending_events.clear()

    def _write(
        self, tx: Transaction, conversation: Conversation, before: Conversation | None, ctx: RequestContext
    ) -> None:
        for message in conversation.pending_messages:
            tx.put(message_item(conversation.id, message))
        for activity in conversation.pending_activities:
            self.activities.join(tx, activity, ctx)
        for email in conversation.pending_emails:
            # Never written twice: a second put of the same email would be a second send.
            tx.put(email_item(conversation.id, email), condition="attribute_not_exists(PK)")
        if before is None:
            _guard_create(tx, conversation)
        self._count(tx, conversation, before)

    def _count(self, tx: Transaction, conversation: Conversation, before: Conversation | None) -> None:
        deltas: dict[str, int] = {}
        if before is None or before.folder is not conversation.folder:
            for name in _counter_names(conversation):
                deltas[name] = deltas.get(name, 0) + 1
            if before is not None:
                for name in _counter_names(before):
                    deltas[name] = deltas.get(name, 0) - 1
        if deltas:
            tx.add_counters(keys.stats_shard(CONVERSATION_STATS, pick_shard(settings().stats_shards)), deltas)

    @staticmethod
    def _clear(conversation: Conversation) -> None:
        conversation.pending_messages.clear()
        conversation.pending_activities.clear()
        conversation.pending_emails.clear()


def _mark(key: Key, fields: dict[str, str]) -> None:
    tx = Transaction(settings().table_name)
    names = {f"#f{index}": name for index, name in enumerate(fields)}
    values = {f":f{index}": value for index, value in enumerate(fields.values())}
    tx.update(
        key,
        "SET " + ", ".join(f"#f{index} = :f{index}" for index in range(len(fields))),
        names=names,
        values=values,
    )
    tx.commit()


def _guard_create(tx: Transaction, conversation: Conversation) -> None:
    """The contact, and the lead, opportunity or deal linked, exist and are live: checked in the create's own
    transaction."""
    wanted = [("contact", conversation.contact_id, "contact_id", "CONTACT_NOT_FOUND")]
    for kind, record_id in (
        ("lead", conversation.lead_id),
        ("opportunity", conversation.opportunity_id),
        ("deal", conversation.deal_id),
    ):
        if record_id is not None:
            wanted.append((kind, record_id, f"{kind}_id", "INVALID_REFERENCE"))
    for kind, record_id, field_name, code in wanted:
        tx.check(
            keys.record(kind, record_id),
            "attribute_exists(PK) AND attribute_not_exists(deleted_at)",
            on_condition_failed=refuse(ReferenceNotFound(f"{kind} {record_id} is not a live {kind}", code, field_name)),
        )
