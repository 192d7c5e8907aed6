"""Activities in the Sales table: the item and its timeline entries (one full copy per contact, lead,
opportunity or deal it links, so a timeline page is one Query), the timeline counters, the check that every
linked record is live, and the reads timelines and merges need."""

from __future__ import annotations

from collections.abc import Sequence

from kernel.clock import from_rfc3339, to_rfc3339
from kernel.context import RequestContext
from kernel.dynamodb import queries
from kernel.dynamodb.codec import Item, audit_fields, instant_of
from kernel.dynamodb.repository import Repository, unchanged
from kernel.dynamodb.transaction import Transaction, refuse
from kernel.errors import ReferenceNotFound
from kernel.settings import settings
from sales import keys
from sales.activity.model import Activity, ActivityStatus, ActivityType, Links, RecordKind
from sales.keys import Key

# Activities per merge batch: the activity and its (at most four) entries each, under DynamoDB's 100 items.
MERGE_BATCH = 15


def _fields(activity: Activity) -> Item:
    return {
        **audit_fields(activity),
        "activity_type": activity.type.value,
        "subject": activity.subject,
        "body": activity.body,
        "occurred_at": to_rfc3339(activity.occurred_at),
        "actor": activity.actor,
        "links": {
            "contact_id": activity.links.contact_id,
            "lead_id": activity.links.lead_id,
            "opportunity_id": activity.links.opportunity_id,
            "deal_id": activity.links.deal_id,
            "conversation_id": activity.links.conversation_id,
        },
        "status": activity.status.value,
        "message_id": activity.message_id,
        "void_reason": activity.void_reason,
        "voided_at": to_rfc3339(activity.voided_at) if activity.voided_at else None,
        "voided_by": activity.voided_by,
    }


def activity_item(activity: Activity) -> Item:
    return {**keys.activity(activity.id), "type": "Activity", **_fields(activity)}


def entry_items(activity: Activity) -> list[Item]:
    """The activity's copy on each timeline it is on."""
    occurred = to_rfc3339(activity.occurred_at)
    return [
        {
            **keys.activity_entry(activity.id, kind.value, record_id),
            "type": "TimelineEntry",
            **_fields(activity),
            **keys.timeline_indexes(kind.value, record_id, activity.type.value, occurred, activity.id),
        }
        for kind, record_id in activity.links.timelines()
    ]


def activity_from_item(item: Item) -> Activity:
    links = item.get("links") or {}
    return Activity(
        id=item["id"],
        version=int(item["version"]),
        created_at=from_rfc3339(item["created_at"]),
        updated_at=from_rfc3339(item["updated_at"]),
        type=ActivityType(item["activity_type"]),
        subject=item["subject"],
        body=item.get("body"),
        occurred_at=from_rfc3339(item["occurred_at"]),
        actor=item["actor"],
        links=Links(
            contact_id=links.get("contact_id"),
            lead_id=links.get("lead_id"),
            opportunity_id=links.get("opportunity_id"),
            deal_id=links.get("deal_id"),
            conversation_id=links.get("conversation_id"),
        ),
        status=ActivityStatus(item["status"]),
        message_id=item.get("message_id"),
        void_reason=item.get("void_reason"),
        voided_at=instant_of(item.get("voided_at")),
        voided_by=item.get("voided_by"),
    )


def _linked_record_not_found(kind: RecordKind, record_id: str) -> ReferenceNotFound:
    return ReferenceNotFound(
        f"{kind.value} {record_id} is not a live {kind.value}", "LINKED_RECORD_NOT_FOUND", f"links.{kind.value}_id"
    )


def guard_links(tx: Transaction, links: Links) -> None:
    """Every linked record exists and is live (not deleted or merged; a conversation not in the deleted folder),
    checked in the transaction, so a record deleted meanwhile cannot be linked."""
    for kind, record_id in links.records():
        if kind is RecordKind.CONVERSATION:
            condition, names, values = (
                "attribute_exists(PK) AND #folder <> :deleted",
                {"#folder": "folder"},
                {":deleted": "deleted"},
            )
        else:
            condition, names, values = "attribute_exists(PK) AND attribute_not_exists(deleted_at)", {}, {}
        tx.check(
            keys.record(kind.value, record_id),
            condition,
            names=names or None,
            values=values or None,
            on_condition_failed=refuse(_linked_record_not_found(kind, record_id)),
        )


class ActivityRepository(Repository[Activity]):
    aggregate_type = "Activity"

    def key(self, aggregate_id: str) -> Key:
        return keys.activity(aggregate_id)

    def to_item(self, aggregate: Activity) -> Item:
        return activity_item(aggregate)

    def from_item(self, item: Item) -> Activity:
        return activity_from_item(item)

    # -- writes ------------------------------------------------------------------------------------
    def write_new(self, tx: Transaction, activity: Activity) -> None:
        """A new activity's timeline entries and counters (the caller's transaction holds the activity)."""
        for entry in entry_items(activity):
            tx.put(entry)
        for kind, record_id in activity.links.timelines():
            tx.add_counters(keys.timeline_counter(kind.value, record_id), {"all": 1, activity.type.value: 1})

    def create(self, activity: Activity, ctx: RequestContext) -> None:
        """A logged activity: it, its entries and counters, every linked record checked live."""
        with self.saving(activity, ctx) as tx:
            self.write_new(tx, activity)
            guard_links(tx, activity.links)

    def join(self, tx: Transaction, activity: Activity, ctx: RequestContext) -> None:
        """A new activity inside another aggregate's transaction (a conversation's message or forward): its
        records were checked when the conversation was made, and an inbound message is never refused because
        its contact was deleted since."""
        with self.saving(activity, ctx, joining=tx):
            self.write_new(tx, activity)
        activity.pending_events.clear()

    def save(self, activity: Activity, before: Activity | None, ctx: RequestContext) -> None:
        """A void: the activity and every copy on its timelines."""
        if unchanged(activity, before):
            return
        with self.saving(activity, ctx) as tx:
            for entry in entry_items(activity):
                tx.put(entry)

    def save_contact_moves(self, moves: Sequence[tuple[Activity, Activity]], ctx: RequestContext) -> None:
        """Merged activities, each at the version read: the entry on the duplicate's timeline moves to the
        survivor's (its counters follow), all in one transaction."""
        if not moves:
            return
        tx = Transaction(settings().table_name)
        # One update per counter item: a transaction may not touch an item twice.
        deltas: dict[tuple[str, str], dict[str, int]] = {}
        for activity, before in moves:
            with self.saving(activity, ctx, joining=tx):
                for entry in entry_items(activity):
                    tx.put(entry)
                old_contact, new_contact = before.links.contact_id, activity.links.contact_id
                if old_contact and new_contact and old_contact != new_contact:
                    tx.delete(keys.activity_entry(activity.id, RecordKind.CONTACT.value, old_contact))
                    for contact_id, step in ((new_contact, 1), (old_contact, -1)):
                        counts = deltas.setdefault((RecordKind.CONTACT.value, contact_id), {})
                        for name in ("all", activity.type.value):
                            counts[name] = counts.get(name, 0) + step
        for (kind, record_id), counts in deltas.items():
            tx.add_counters(keys.timeline_counter(kind, record_id), counts)
        tx.commit()
        for activity, _before in moves:
            activity.pending_events.clear()

    # -- reads -------------------------------------------------------------------------------------
    def timeline(
        self, kind: RecordKind, record_id: str, type_: ActivityType | None, page_size: int, cursor: str | None
    ) -> tuple[bool, list[Activity], str | None, int]:
        """Whether the record is live, then one page of its timeline newest first (of one type, if given) and
        how many activities it holds: one BatchGetItem (the record, the counter) and one Query."""
        record, counter = queries.get_items(
            [keys.record(kind.value, record_id), keys.timeline_counter(kind.value, record_id)]
        )
        if record is None or record.get("deleted_at"):
            return False, [], None, 0
        if type_ is None:
            query = queries.IndexQuery("GSI1", keys.timeline(kind.value, record_id))
        else:
            query = queries.IndexQuery("GSI2", keys.timeline_of_type(kind.value, record_id, type_.value))
        found = queries.query_page(query, page_size, cursor)
        total = int((counter or {}).get(type_.value if type_ else "all", 0))
        return True, [activity_from_item(item) for item in found.items], found.next_cursor, total

    def on_contact_timeline(self, contact_id: str, limit: int) -> list[Activity]:
        """Up to `limit` activities on a contact's timeline (a merge moves them), read from the activity items
        themselves (the entries may lag behind a racing void)."""
        query = queries.IndexQuery("GSI1", keys.timeline(RecordKind.CONTACT.value, contact_id))
        entries = queries.query_page(query, limit).items
        found = queries.get_items([keys.activity(entry["id"]) for entry in entries])
        return [activity_from_item(item) for item in found if item]
