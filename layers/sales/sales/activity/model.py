"""The Activity aggregate: one call, email, meeting, note, task or message on the timelines of the records it
links (a contact, a lead, an opportunity, a deal, a conversation: at least one).

An activity is never deleted: a wrong one is voided with a reason and stays on its timelines, shown as void.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from kernel.aggregate import AggregateRoot
from kernel.clock import to_rfc3339
from kernel.errors import Conflict, FieldIssue, ValidationFailed
from kernel.ids import new_id
from sales.activity.events import ActivityLogged, ActivityVoided, LinksData

SUBJECT_MAX = 200
BODY_MAX = 10_000
REASON_MAX = 500


class ActivityType(StrEnum):
    CALL = "call"
    EMAIL = "email"
    MEETING = "meeting"
    NOTE = "note"
    TASK = "task"
    MESSAGE = "message"


class ActivityStatus(StrEnum):
    LOGGED = "logged"
    VOID = "void"


class RecordKind(StrEnum):
    """What an activity may link to; all but conversations have a timeline of their own."""

    CONTACT = "contact"
    LEAD = "lead"
    OPPORTUNITY = "opportunity"
    DEAL = "deal"
    CONVERSATION = "conversation"


TIMELINE_KINDS = (RecordKind.CONTACT, RecordKind.LEAD, RecordKind.OPPORTUNITY, RecordKind.DEAL)


@dataclass(frozen=True, slots=True)
class Links:
    contact_id: str | None = None
    lead_id: str | None = None
    opportunity_id: str | None = None
    deal_id: str | None = None
    conversation_id: str | None = None

    def records(self) -> list[tuple[RecordKind, str]]:
        """Every linked record, contact first."""
        found = [
            (RecordKind.CONTACT, self.contact_id),
            (RecordKind.LEAD, self.lead_id),
            (RecordKind.OPPORTUNITY, self.opportunity_id),
            (RecordKind.DEAL, self.deal_id),
            (RecordKind.CONVERSATION, self.conversation_id),
        ]
        return [(kind, record_id) for kind, record_id in found if record_id is not None]

    def timelines(self) -> list[tuple[RecordKind, str]]:
        """The linked records whose timelines show the activity."""
        return [(kind, record_id) for kind, record_id in self.records() if kind in TIMELINE_KINDS]

    def data(self) -> LinksData:
        return LinksData(
            contact_id=self.contact_id,
            lead_id=self.lead_id,
            opportunity_id=self.opportunity_id,
            deal_id=self.deal_id,
            conversation_id=self.conversation_id,
        )


def clean_text(value: str, field: str, limit: int, *, required: bool = True) -> str:
    """Trimmed; 1 to `limit` characters when required, else at most `limit`."""
    cleaned = value.strip()
    if (required and not cleaned) or len(cleaned) > limit:
        bound = f"must be 1-{limit} characters" if required else f"must be at most {limit} characters"
        raise ValidationFailed(f"{field} {bound}", [FieldIssue(field, bound)])
    return cleaned


@dataclass(kw_only=True)
class Activity(AggregateRoot):
    type: ActivityType
    subject: str
    body: str | None
    occurred_at: datetime
    actor: str
    links: Links
    status: ActivityStatus = ActivityStatus.LOGGED
    # The message a `message` activity stands for, when a conversation wrote it.
    message_id: str | None = None
    void_reason: str | None = None
    voided_at: datetime | None = None
    voided_by: str | None = None

    @classmethod
    def log(
        cls,
        *,
        type_: ActivityType,
        subject: str,
        body: str | None,
        occurred_at: datetime | None,
        links: Links,
        actor: str,
        now: datetime,
        message_id: str | None = None,
    ) -> Activity:
        if not links.records():
            issue = "name at least one of contact_id, lead_id, opportunity_id, deal_id, conversation_id"
            raise ValidationFailed(f"links must {issue}", [FieldIssue("links", issue)])
        activity = cls(
            id=new_id(),
            created_at=now,
            updated_at=now,
            type=type_,
            subject=clean_text(subject, "subject", SUBJECT_MAX),
            body=(clean_text(body, "body", BODY_MAX, required=False) or None) if body is not None else None,
            occurred_at=occurred_at or now,
            actor=actor,
            links=links,
            message_id=message_id,
        )
        activity.record(
            ActivityLogged(
                activity_id=activity.id,
                type=activity.type.value,
                subject=activity.subject,
                occurred_at=to_rfc3339(activity.occurred_at),
                actor=actor,
                links=links.data(),
                message_id=message_id,
            )
        )
        return activity

    @property
    def is_void(self) -> bool:
        return self.status is ActivityStatus.VOID

    def void(self, reason: str, *, actor: str, now: datetime) -> None:
        cleaned = clean_text(reason, "reason", REASON_MAX)
        if self.is_void:
            raise Conflict(
                f"activity {self.id} is already void", "INVALID_TRANSITION", [FieldIssue("status", self.status.value)]
            )
        self.status = ActivityStatus.VOID
        self.void_reason = cleaned
        self.voided_at = now
        self.voided_by = actor
        self.touch(now)
        self.record(ActivityVoided(activity_id=self.id, reason=cleaned, actor=actor, links=self.links.data()))

    def change_contact(self, survivor_id: str, *, now: datetime) -> None:
        """A merge: the activity now links the surviving contact (no event: contact.merged tells it)."""
        self.links = replace(self.links, contact_id=survivor_id)
        self.touch(now)
