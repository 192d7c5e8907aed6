"""The conversation operations: open a channel thread with a contact, read and list threads, move one between
folders, post messages, list a thread, move a message's delivery on, forward a message or the whole thread."""

from __future__ import annotations

from kernel.contract import Contract, Emits, ErrorCase, Example, Http, Scenario
from sales.conversation import use_cases as use
from sales.conversation import views as m

_OWNERS = ("@sales-engagement",)
_ID = {"id": "conversation_id"}
NOT_FOUND = ErrorCase("CONVERSATION_NOT_FOUND", 404, "no conversation has this id")
IN_DELETED = ErrorCase(
    "INVALID_TRANSITION", 409, "the conversation is in the deleted folder, or the message's delivery does not allow it"
)
_CHANNELS = (
    "Channels: web_form, email, line, instagram, facebook, linkedin, phone; the address is the contact's handle "
    "there (email address, E.164 number, LINE user id, social handle), checked for the channel."
)
_FOLDERS = "Folders: inbox, archived, junk, deleted (deleted is soft and reversible: move it back)."
_MESSAGES = (
    "Every message writes an activity of type message, in the same transaction, on the timelines of the "
    "conversation's contact and linked record. An outbound message of an email or web-form thread is sent through "
    "Amazon SES from the configured sender address, replies going to the conversation's address; other channels' "
    "connectors send from message.sent."
)
_UNKNOWN = "01a1d539-d6e0-7b41-8a2f-000000000000"

CREATE = Contract(
    key="sales.conversation.create",
    version="1.0.0",
    kind="command",
    description="Open a conversation: one channel thread with a contact, at the contact's address on the channel.",
    goal="Keep every exchange with a customer on a channel in one thread, next to the deal or lead it is about.",
    context=(
        "The contact must be live; at most one lead, opportunity or deal may be linked, also live. The address "
        "need not be stored on the contact. " + _CHANNELS
    ),
    http=Http("POST", "/sales/conversations", 201),
    use_case=use.create_conversation,
    input=m.CreateConversationInput,
    output=m.ConversationView,
    owners=_OWNERS,
    tags=("conversation",),
    layers=("phones",),
    emits=(Emits("conversation.created", "1.0.0", "the conversation is stored"),),
    errors=(
        ErrorCase("CONTACT_NOT_FOUND", 422, "contact_id is not a live contact"),
        ErrorCase("INVALID_REFERENCE", 422, "the linked lead, opportunity or deal is not live"),
    ),
    scenarios=(
        Scenario(
            "email-thread",
            ("A contact",),
            ("A rep opens an email conversation at the contact's address",),
            ("201, folder inbox, no messages yet",),
        ),
        Scenario(
            "wrong-address",
            ("A contact",),
            ("A rep opens a phone conversation at an email address",),
            ("400 VALIDATION_ERROR naming address",),
        ),
    ),
    examples=(
        Example(
            "email",
            {
                "contact_id": "{contact.id}",
                "channel": "email",
                "address": "Buyer@Acme.example",
                "subject": "Fleet renewal 2027",
                "deal_id": "{deal.id}",
            },
            {"channel": "email", "address": "buyer@acme.example", "folder": "inbox", "message_count": 0},
            201,
            setup=("contact", "deal"),
        ),
        Example(
            "line",
            {"contact_id": "{contact.id}", "channel": "line", "address": "U4af4980629d4f2f1e0a1b2c3d4e5f607"},
            {"channel": "line"},
            201,
            setup=("contact",),
        ),
        Example(
            "unknown-channel",
            {"contact_id": "{contact.id}", "channel": "fax", "address": "+4930123456"},
            None,
            400,
            setup=("contact",),
            error_code="VALIDATION_ERROR",
        ),
    ),
)

GET = Contract(
    key="sales.conversation.get",
    version="1.0.0",
    kind="query",
    description="Read one conversation, in whatever folder it is.",
    goal="Open a thread's header: channel, address, folder, last message.",
    context="ETag carries the version; every message, delivery change, forward and folder move changes it.",
    http=Http("GET", "/sales/conversations/{id}", 200, _ID),
    use_case=use.get_conversation,
    input=m.ConversationRef,
    output=m.ConversationView,
    owners=_OWNERS,
    tags=("conversation",),
    errors=(NOT_FOUND,),
    scenarios=(Scenario("get", ("An email conversation",), ("Read it",), ("200 with folder inbox",)),),
    examples=(
        Example(
            "get",
            {"conversation_id": "{conversation.id}"},
            {"id": "{conversation.id}", "channel": "email"},
            setup=("conversation",),
        ),
        Example("get-unknown", {"conversation_id": _UNKNOWN}, None, 404, error_code="CONVERSATION_NOT_FOUND"),
    ),
)

LIST = Contract(
    key="sales.conversation.list",
    version="1.0.0",
    kind="query",
    description="List conversations of one folder (inbox by default), newest message first, by contact or channel.",
    goal="Work the inbox, or see every thread with one customer.",
    context=(
        "A folder or folder-and-channel page reads its write-sharded index partitions (merged) and its total from "
        "counters; a contact's page reads the contact's own partition. " + _FOLDERS
    ),
    http=Http("GET", "/sales/conversations"),
    use_case=use.list_conversations,
    input=m.ConversationListQuery,
    output=m.ConversationView,
    paginated=True,
    owners=_OWNERS,
    tags=("conversation",),
    scenarios=(
        Scenario("inbox", ("An inbox and an archived thread",), ("List without filters",), ("Only the inbox one",)),
    ),
    examples=(
        Example("inbox", {}, {"__pagination__": {"page_size": 20}}, setup=("conversation",)),
        Example(
            "of-a-contact",
            {"contact_id": "{conversation.contact_id}", "channel": "email"},
            {"__items__": [{"channel": "email"}]},
            setup=("conversation",),
        ),
    ),
)

MOVE_FOLDER = Contract(
    key="sales.conversation.move_folder",
    version="1.0.0",
    kind="command",
    description="Move a conversation to another folder: inbox, archived, junk or deleted (and back).",
    goal="Keep the inbox to what needs an answer; delete without losing anything.",
    context="The same folder again changes nothing. " + _FOLDERS,
    http=Http("PUT", "/sales/conversations/{id}/folder", 200, _ID),
    use_case=use.move_folder,
    input=m.MoveFolderInput,
    output=m.ConversationView,
    owners=_OWNERS,
    tags=("conversation",),
    emits=(Emits("conversation.foldered", "1.0.0", "the folder changed"),),
    errors=(NOT_FOUND,),
    scenarios=(
        Scenario(
            "delete-and-restore",
            ("An inbox conversation",),
            ("Move it to deleted, then to inbox",),
            ("It leaves the inbox list, is listed under deleted, then is back in the inbox",),
        ),
    ),
    examples=(
        Example(
            "archive",
            {"conversation_id": "{conversation.id}", "folder": "archived"},
            {"folder": "archived"},
            setup=("conversation",),
        ),
    ),
)

POST_MESSAGE = Contract(
    key="sales.conversation.post_message",
    version="1.0.0",
    kind="command",
    description="Add a message to a conversation: inbound (delivered) or outbound (sent now, or kept as a draft).",
    goal="Record what a customer wrote, and answer on the same channel.",
    context=(
        "Bodies are kept verbatim, up to 50,000 characters; markup is text. Recipients (outbound, the "
        "conversation's address when empty) and the sender (inbound) are addresses on the channel. An inbound "
        "message brings an archived or deleted thread back to the inbox; an outbound one is refused in the "
        "deleted folder. " + _MESSAGES
    ),
    http=Http("POST", "/sales/conversations/{id}/messages", 201, _ID),
    use_case=use.post_message,
    input=m.PostMessageInput,
    output=m.MessageView,
    owners=_OWNERS,
    tags=("conversation", "message"),
    layers=("phones",),
    max_body_bytes=640 * 1024,
    emits=(
        Emits("message.received", "1.0.0", "an inbound message"),
        Emits("message.sent", "1.0.0", "an outbound message that is not a draft"),
        Emits("activity.logged", "1.0.0", "the message's activity"),
        Emits("conversation.foldered", "1.0.0", "an inbound message brought the thread back to the inbox"),
    ),
    errors=(NOT_FOUND, IN_DELETED),
    scenarios=(
        Scenario(
            "reply-by-email",
            ("An email conversation",),
            ("A rep posts an outbound message",),
            ("201, delivery sent; SES is asked once to send it; message.sent and activity.logged",),
        ),
        Scenario(
            "wrong-recipient",
            ("An email conversation",),
            ("A rep posts an outbound message to a phone number",),
            ("400 VALIDATION_ERROR naming recipients[0]; nothing is stored",),
        ),
    ),
    examples=(
        Example(
            "inbound",
            {
                "conversation_id": "{conversation.id}",
                "direction": "in",
                "body": "Could you quote 40 devices with three years of maintenance?",
            },
            {"direction": "in", "delivery": "delivered", "sender": "buyer@acme.example"},
            201,
            setup=("conversation",),
        ),
        Example(
            "draft-reply",
            {"conversation_id": "{conversation.id}", "direction": "out", "body": "Quote attached.", "draft": True},
            {"direction": "out", "delivery": "draft", "recipients": ["buyer@acme.example"]},
            201,
            setup=("conversation",),
        ),
        Example(
            "empty-body",
            {"conversation_id": "{conversation.id}", "direction": "out", "body": ""},
            None,
            400,
            setup=("conversation",),
            error_code="VALIDATION_ERROR",
        ),
    ),
)

LIST_MESSAGES = Contract(
    key="sales.conversation.list_messages",
    version="1.0.0",
    kind="query",
    description="A conversation's messages, oldest first.",
    goal="Read a thread in order.",
    context="One Query of the conversation's partition per page; the total is the conversation's message count.",
    http=Http("GET", "/sales/conversations/{id}/messages", 200, _ID),
    use_case=use.list_messages,
    input=m.MessageListQuery,
    output=m.MessageView,
    paginated=True,
    owners=_OWNERS,
    tags=("conversation", "message"),
    errors=(NOT_FOUND,),
    scenarios=(Scenario("thread", ("A thread of three messages",), ("List it",), ("The three, oldest first",)),),
    examples=(
        Example(
            "thread",
            {"conversation_id": "{message.conversation_id}"},
            {"__pagination__": {"total": 1}, "__items__": [{"direction": "in"}]},
            setup=("message",),
        ),
    ),
)

SET_DELIVERY = Contract(
    key="sales.conversation.set_delivery",
    version="1.0.0",
    kind="command",
    description="Move a message's delivery on: draft -> sent -> delivered -> read, never back.",
    goal="Let connectors report delivery and reading, and send a draft.",
    context=(
        "The same state again changes nothing; a state behind the current one, or a draft delivered before it was "
        "sent, is 409 INVALID_TRANSITION naming the current delivery. A draft moved to sent is sent (SES for "
        "email, message.sent for every channel). If-Match takes the conversation's ETag."
    ),
    http=Http(
        "PUT",
        "/sales/conversations/{id}/messages/{message_id}/delivery",
        200,
        {"id": "conversation_id", "message_id": "message_id"},
    ),
    use_case=use.set_delivery,
    input=m.SetDeliveryInput,
    output=m.MessageView,
    owners=_OWNERS,
    tags=("conversation", "message"),
    emits=(Emits("message.sent", "1.0.0", "a draft was sent"),),
    errors=(NOT_FOUND, ErrorCase("MESSAGE_NOT_FOUND", 404, "the conversation has no such message"), IN_DELETED),
    scenarios=(
        Scenario("read", ("An inbound message, delivered",), ("Set delivery read",), ("200, delivery read",)),
        Scenario(
            "backwards",
            ("A message that was read",),
            ("Set delivery delivered",),
            ("409 INVALID_TRANSITION naming read; nothing changes",),
        ),
    ),
    examples=(
        Example(
            "read",
            {"conversation_id": "{message.conversation_id}", "message_id": "{message.id}", "delivery": "read"},
            {"delivery": "read"},
            setup=("message",),
        ),
        Example(
            "backwards",
            {"conversation_id": "{message.conversation_id}", "message_id": "{message.id}", "delivery": "sent"},
            None,
            409,
            setup=("message",),
            error_code="INVALID_TRANSITION",
        ),
    ),
)

FORWARD = Contract(
    key="sales.conversation.forward",
    version="1.0.0",
    kind="command",
    description="Forward one message (the latest, or message_id) or the whole thread in order, on the "
    "conversation's own channel.",
    goal="Bring a colleague or a partner into what a customer said.",
    context=(
        "Recipients are addresses on the conversation's channel. A thread forward quotes every sent or received "
        "message in order (drafts are left out), at most 100. An email or web-form forward is one SES email, the "
        "comment first, then each message quoted. Phone threads cannot be forwarded (422 FORWARD_NOT_SUPPORTED). An "
        "activity records the forward."
    ),
    http=Http("POST", "/sales/conversations/{id}/forward", 200, _ID),
    use_case=use.forward,
    input=m.ForwardInput,
    output=m.ForwardView,
    owners=_OWNERS,
    tags=("conversation", "forward"),
    emits=(
        Emits("conversation.forwarded", "1.0.0", "the forward is recorded"),
        Emits("activity.logged", "1.0.0", "the forward's activity"),
    ),
    errors=(
        NOT_FOUND,
        IN_DELETED,
        ErrorCase("MESSAGE_NOT_FOUND", 404, "message_id is not a message of the conversation"),
        ErrorCase("FORWARD_NOT_SUPPORTED", 422, "the conversation is a phone thread"),
        ErrorCase("NOTHING_TO_FORWARD", 422, "the conversation has no sent or received message"),
        ErrorCase("FORWARD_TOO_LARGE", 422, "the thread has more than 100 messages"),
    ),
    scenarios=(
        Scenario(
            "thread-by-email",
            ("An email thread of three messages, one inbound",),
            ("Forward scope thread to two addresses with a comment",),
            (
                "One SES email: the comment, then the three bodies in order; one activity; conversation.forwarded "
                "naming the three message ids",
            ),
        ),
        Scenario(
            "phone",
            ("A phone conversation",),
            ("Forward it",),
            ("422 FORWARD_NOT_SUPPORTED; nothing is stored or sent",),
        ),
    ),
    examples=(
        Example(
            "latest-message",
            {
                "conversation_id": "{message.conversation_id}",
                "scope": "conversation",
                "to": ["colleague@seller.example"],
                "comment": "Can you take this one?",
            },
            {"scope": "conversation", "message_ids": ["{message.id}"], "to": ["colleague@seller.example"]},
            setup=("message",),
        ),
        Example(
            "phone-thread",
            {"conversation_id": "{phone_conversation.id}", "scope": "thread", "to": ["+4930123456"]},
            None,
            422,
            setup=("phone_conversation",),
            error_code="FORWARD_NOT_SUPPORTED",
        ),
    ),
)

CONTRACTS: tuple[Contract, ...] = (
    CREATE,
    GET,
    LIST,
    MOVE_FOLDER,
    POST_MESSAGE,
    LIST_MESSAGES,
    SET_DELIVERY,
    FORWARD,
)
