"""The activity operations: log an activity, read it, void it, and the timelines of contacts, leads,
opportunities and deals."""

from __future__ import annotations

from kernel.contract import Contract, Emits, ErrorCase, Example, Http, Scenario
from sales.activity import use_cases as use
from sales.activity import views as m

_OWNERS = ("@sales-engagement",)
_ID = {"id": "activity_id"}
NOT_FOUND = ErrorCase("ACTIVITY_NOT_FOUND", 404, "no activity has this id")
_RULES = (
    "Types: call, email, meeting, note, task, message. An activity links at least one contact, lead, opportunity, "
    "deal or conversation, each live. It is never deleted: a wrong one is voided with a reason and stays on its "
    "timelines with status void."
)

LOG = Contract(
    key="sales.activity.log",
    version="1.0.0",
    kind="command",
    description="Log a call, email, meeting, note, task or message on the timelines of the records it links.",
    goal="Keep every touch with a customer next to the contact, lead, opportunity or deal it concerns.",
    context=(
        "occurred_at defaults to now; the body is kept verbatim (markup is text, never interpreted). Every linked "
        "record is checked live in the activity's own transaction. " + _RULES
    ),
    http=Http("POST", "/sales/activities", 201),
    use_case=use.log_activity,
    input=m.LogActivityInput,
    output=m.ActivityView,
    owners=_OWNERS,
    tags=("activity", "timeline"),
    emits=(Emits("activity.logged", "1.0.0", "the activity is stored"),),
    errors=(
        ErrorCase(
            "LINKED_RECORD_NOT_FOUND",
            422,
            "a linked record is unknown, deleted or merged (a conversation: in the deleted folder); details name it",
        ),
    ),
    scenarios=(
        Scenario(
            "call-on-a-deal",
            ("A contact and its deal",),
            ("A rep logs a call linking both",),
            ("201, status logged; it heads both timelines; activity.logged",),
        ),
        Scenario(
            "no-links",
            ("Nothing",),
            ("A rep logs a note without links",),
            ("400 VALIDATION_ERROR naming links; nothing is stored",),
        ),
        Scenario(
            "deleted-contact",
            ("A deleted contact",),
            ("A rep logs a call on it",),
            ("422 LINKED_RECORD_NOT_FOUND naming links.contact_id; nothing is stored",),
        ),
    ),
    examples=(
        Example(
            "call",
            {
                "type": "call",
                "subject": "Discovery call",
                "body": "Talked about 40 devices for the Berlin office.",
                "occurred_at": "2026-11-30T09:30:00Z",
                "links": {"contact_id": "{contact.id}", "deal_id": "{deal.id}"},
            },
            {"type": "call", "status": "logged", "links": {"contact_id": "{contact.id}", "deal_id": "{deal.id}"}},
            201,
            setup=("contact", "deal"),
        ),
        Example(
            "deleted-contact",
            {"type": "note", "subject": "Left a voicemail", "links": {"contact_id": "{deleted_contact.id}"}},
            None,
            422,
            setup=("deleted_contact",),
            error_code="LINKED_RECORD_NOT_FOUND",
        ),
    ),
)

GET = Contract(
    key="sales.activity.get",
    version="1.0.0",
    kind="query",
    description="Read one activity, logged or void.",
    goal="Open an activity from a timeline.",
    context="ETag carries the version. " + _RULES,
    http=Http("GET", "/sales/activities/{id}", 200, _ID),
    use_case=use.get_activity,
    input=m.ActivityRef,
    output=m.ActivityView,
    owners=_OWNERS,
    tags=("activity",),
    errors=(NOT_FOUND,),
    scenarios=(Scenario("get", ("A logged call",), ("Read it",), ("200 with its links",)),),
    examples=(
        Example("get", {"activity_id": "{activity.id}"}, {"id": "{activity.id}", "type": "call"}, setup=("activity",)),
        Example(
            "get-unknown",
            {"activity_id": "01a1d539-d6e0-7b41-8a2f-000000000000"},
            None,
            404,
            error_code="ACTIVITY_NOT_FOUND",
        ),
    ),
)

VOID = Contract(
    key="sales.activity.void",
    version="1.0.0",
    kind="command",
    description="Void an activity with a reason; it stays on its timelines, shown as void.",
    goal="Correct a timeline without losing what was once logged.",
    context="A void activity cannot be voided again (409 INVALID_TRANSITION). " + _RULES,
    http=Http("POST", "/sales/activities/{id}/void", 200, _ID),
    use_case=use.void_activity,
    input=m.VoidActivityInput,
    output=m.ActivityView,
    owners=_OWNERS,
    tags=("activity",),
    emits=(Emits("activity.voided", "1.0.0", "the activity is void"),),
    errors=(NOT_FOUND, ErrorCase("INVALID_TRANSITION", 409, "the activity is already void")),
    scenarios=(
        Scenario(
            "void",
            ("A logged call",),
            ("A rep voids it with a reason",),
            ("200, status void with the reason; the timelines show it void",),
        ),
        Scenario("void-twice", ("A void activity",), ("Void it again",), ("409 INVALID_TRANSITION",)),
    ),
    examples=(
        Example(
            "void",
            {"activity_id": "{activity.id}", "reason": "Logged on the wrong contact"},
            {"status": "void", "void_reason": "Logged on the wrong contact"},
            setup=("activity",),
        ),
        Example(
            "void-twice",
            {"activity_id": "{void_activity.id}", "reason": "Again"},
            None,
            409,
            setup=("void_activity",),
            error_code="INVALID_TRANSITION",
        ),
    ),
)


def _timeline(kind: str, plural: str, query: type[m.TimelineQuery], not_found: str) -> Contract:
    return Contract(
        key=f"sales.activity.{kind}_timeline",
        version="1.0.0",
        kind="query",
        description=f"A {kind}'s timeline: the activities linking it, newest first, optionally of one type.",
        goal=f"See everything that happened with a {kind}, in order.",
        context=(
            "Void activities are shown with status void. A page is one Query of the timeline's own index partition "
            "(of its type's, with ?type=), whatever the table holds; the total comes from the timeline's counter. "
            f"An unknown, deleted or merged {kind} is a 404."
        ),
        http=Http("GET", f"/sales/{plural}/{{id}}/activities", 200, {"id": f"{kind}_id"}),
        use_case=getattr(use, f"{kind}_timeline"),
        input=query,
        output=m.ActivityView,
        paginated=True,
        owners=_OWNERS,
        tags=("activity", "timeline"),
        errors=(ErrorCase(not_found, 404, f"no live {kind} has this id"),),
        scenarios=(
            Scenario(
                "newest-first",
                (f"A {kind} with a call logged yesterday and a note today",),
                ("Read its timeline",),
                ("The note, then the call",),
            ),
            Scenario("by-type", (f"The same {kind}",), ("Read it with type=call",), ("Only the call",)),
        ),
        examples=(
            Example(
                "timeline",
                {f"{kind}_id": f"{{{kind}_activity.{kind}_id}}"},
                {"__pagination__": {"total": 1}},
                setup=(f"{kind}_activity",),
            ),
            Example(
                "calls-only",
                {f"{kind}_id": f"{{{kind}_activity.{kind}_id}}", "type": "call"},
                {"__items__": [{"type": "call"}]},
                setup=(f"{kind}_activity",),
            ),
        ),
    )


CONTACT_TIMELINE = _timeline("contact", "contacts", m.ContactTimelineQuery, "CONTACT_NOT_FOUND")
LEAD_TIMELINE = _timeline("lead", "leads", m.LeadTimelineQuery, "LEAD_NOT_FOUND")
OPPORTUNITY_TIMELINE = _timeline("opportunity", "opportunities", m.OpportunityTimelineQuery, "OPPORTUNITY_NOT_FOUND")
DEAL_TIMELINE = _timeline("deal", "deals", m.DealTimelineQuery, "DEAL_NOT_FOUND")

CONTRACTS: tuple[Contract, ...] = (
    LOG,
    GET,
    VOID,
    CONTACT_TIMELINE,
    LEAD_TIMELINE,
    OPPORTUNITY_TIMELINE,
    DEAL_TIMELINE,
)
