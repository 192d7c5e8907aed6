"""Least privilege: each function's IAM in template.yaml and its nested stacks (stacks/*.yaml, read as one)
grants what its code uses, and (but for a short, justified allowance) nothing else.

The needed actions are derived, not listed: every contract's acceptance examples (POST commands sent with
an Idempotency-Key, then replayed) run against the real handlers while a hook records each call the
service's own boto3 clients make; the relay publishes what they wrote. Calls map to IAM actions the way
IAM authorizes them: a TransactWriteItems is authorized per item (Put -> dynamodb:PutItem, Update ->
UpdateItem, Delete -> DeleteItem, ConditionCheck -> ConditionCheckItem), a Query on an index needs the
`<table>/index/*` resource, and the Powertools idempotency layer's calls land on the idempotency table.
Granted actions come from the function's `Policies` (the managed policies of its stack, by Ref, and inline
statements). What SAM adds by itself (CloudWatch Logs, X-Ray, the stream-reading role of an event
source) is outside `Policies` and outside this test.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest

from kernel.contract import Contract
from tests.support import billing
from tests.support.api import Api, LambdaContext, function_module
from tests.support.aws import CONTEXT_ENVIRONMENTS, ROOT, template
from tests.support.examples import example_request, fill, setup_records
from tests.support.faults import recording
from tests.support.streams import bus_event, events_of, relay_event, stream_records
from tests.support.table import wipe
from tools.registry import ALL

RELAY = "SalesOutboxRelayFunction"
BILLING_RELAY = "BillingOutboxRelayFunction"
BRIDGE = "SalesConversionBridgeFunction"
MERGE_WORKER = "SalesContactMergeWorkerFunction"
EMAIL_SENDER = "SalesEmailSenderFunction"
CAMPAIGN_WON = "SalesCampaignWonProjectionFunction"
JOBS_FROM_WON_DEALS = "BillingJobsFromWonDealsFunction"
JOBS_FROM_PROVISIONING = "BillingJobsFromProvisioningFunction"
OVERDUE = "BillingOverdueInvoicesFunction"
READ_ONLY = {"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"}
WRITES = {
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:BatchWriteItem",
}
TRANSACT_ACTION = {
    "Put": "dynamodb:PutItem",
    "Update": "dynamodb:UpdateItem",
    "Delete": "dynamodb:DeleteItem",
    "ConditionCheck": "dynamodb:ConditionCheckItem",
}


@dataclass(frozen=True)
class Access:
    """One IAM action on one resource of the template: (action, logical id, "table" | "index" | ...)."""

    action: str
    resource: str
    part: str = ""

    def __str__(self) -> str:
        return f"{self.action} on {self.resource}{'/' + self.part if self.part else ''}"


# Granted, yet not necessarily exercised by every function it is granted to, and why.
ALLOWANCE: dict[str, tuple[set[Access], str]] = {
    "query": (
        {Access(action, "SalesTable", part) for action in READ_ONLY for part in ("table", "index")},
        "query functions share SalesReadPolicy: only read actions, on the table and its indexes",
    ),
    "command": (
        {
            Access("dynamodb:GetItem", "SalesTable", "table"),
            Access("dynamodb:UpdateItem", "SalesTable", "table"),
            Access("dynamodb:ConditionCheckItem", "SalesTable", "table"),
        },
        "commands share SalesWritePolicy: a command's transaction carries counter updates only when a stat "
        "changes and a guard check only on some paths (customer on create/restore, live deals on delete)",
    ),
    "idempotent": (
        {
            Access("dynamodb:GetItem", "IdempotencyTable", "table"),
            Access("dynamodb:DeleteItem", "IdempotencyTable", "table"),
        },
        "Powertools reads a record back when a conditional put does not return it, and deletes the record of "
        "a command that failed",
    ),
    "consumer": (
        {Access("dynamodb:ConditionCheckItem", "SalesTable", "table")},
        "a consumer shares SalesWritePolicy with the commands; its own transaction (the event's claim, the "
        "contact, its outbox row) has no guard check",
    ),
    "relay": (
        {Access("sqs:SendMessage", "OutboxRelayFailureQueue", "queue")},
        "sent by Lambda's stream mapping (on-failure destination) with the function's role, not by its code",
    ),
    "email sender": (
        {Access("sqs:SendMessage", "EmailSenderFailureQueue", "queue")},
        "sent by Lambda's stream mapping (on-failure destination) with the function's role, not by its code",
    ),
    "billing relay": (
        {Access("sqs:SendMessage", "BillingOutboxRelayFailureQueue", "queue")},
        "sent by Lambda's stream mapping (on-failure destination) with the function's role, not by its code",
    ),
    "billing query": (
        {Access(action, "BillingTable", part) for action in READ_ONLY for part in ("table", "index")},
        "billing query functions share BillingReadPolicy: only read actions, on the table and its indexes",
    ),
    "billing command": (
        {
            Access("dynamodb:GetItem", "BillingTable", "table"),
            Access("dynamodb:BatchGetItem", "BillingTable", "table"),
            Access("dynamodb:UpdateItem", "BillingTable", "table"),
            Access("dynamodb:ConditionCheckItem", "BillingTable", "table"),
        },
        "billing commands share BillingLoadPolicy (the invoice issue loads its job and the year's sequence in one "
        "BatchGetItem) and the write actions of their own statements (counter updates ride only on commands whose "
        "status changes)",
    ),
    "billing idempotent": (
        {
            Access("dynamodb:GetItem", "BillingIdempotencyTable", "table"),
            Access("dynamodb:DeleteItem", "BillingIdempotencyTable", "table"),
        },
        "Powertools reads a record back when a conditional put does not return it, and deletes the record of "
        "a command that failed",
    ),
    "billing consumer": (
        {
            Access("dynamodb:BatchGetItem", "BillingTable", "table"),
            Access("dynamodb:ConditionCheckItem", "BillingTable", "table"),
        },
        "BillingJobsPolicy lets the job consumers load by either read and write jobs, claims, job counters and "
        "event claims; they load by GetItem and check nothing",
    ),
}

# Paths the acceptance examples do not take but the function must be able to: (setup, method, path, body).
EXTRA_REQUESTS: dict[str, list[tuple[tuple[str, ...], str, str, dict[str, Any] | None]]] = {
    # Changing a contact's emails releases the old address's claim item (a transactional Delete).
    "sales.contact.update": [(("contact",), "PATCH", "/sales/contacts/{contact.id}", {"emails": ["new@acme.example"]})],
    # A forward of one named message reads it by key (a BatchGetItem of one).
    "sales.conversation.forward": [
        (
            ("message",),
            "POST",
            "/sales/conversations/{message.conversation_id}/forward",
            {"scope": "conversation", "message_id": "{message.id}", "to": ["colleague@seller.example"]},
        )
    ],
}


# -- what the template grants ---------------------------------------------------------------------------
def _resources() -> dict[str, Any]:
    return template()["Resources"]  # type: ignore[no-any-return]


def _resource(value: Any) -> tuple[str, str]:
    """An IAM Resource of the template as (logical id, part)."""
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        logical_id, attribute = value["Fn::GetAtt"]
        assert attribute == "Arn", value
        kind = _resources()[logical_id]["Type"]
        return logical_id, {"AWS::DynamoDB::Table": "table", "AWS::SQS::Queue": "queue"}.get(kind, "")
    if isinstance(value, dict) and "Fn::Sub" in value:
        # A nested stack's parameters reach its Subs as variables: ["arn...${Name}", {"Name": {"Ref": "Name"}}].
        text = value["Fn::Sub"][0] if isinstance(value["Fn::Sub"], list) else value["Fn::Sub"]
        identity = re.fullmatch(
            r"arn:\$\{AWS::Partition\}:ses:\$\{AWS::Region\}:\$\{AWS::AccountId\}:identity/\$\{(\w+)\}", text
        )
        if identity:  # one SES identity, named by a parameter
            return identity.group(1), "identity"
        match = re.fullmatch(r"\$\{(\w+)\.Arn\}/index/\*", text)
        assert match, f"unexpected resource {value}"
        return match.group(1), "index"
    raise AssertionError(f"a wildcard or literal resource is not least privilege: {value!r}")


def _statements(policy: Any) -> Iterable[dict[str, Any]]:
    if isinstance(policy, dict) and set(policy) == {"Ref"}:
        resource = _resources()[policy["Ref"]]
        assert resource["Type"] == "AWS::IAM::ManagedPolicy", policy
        return resource["Properties"]["PolicyDocument"]["Statement"]  # type: ignore[no-any-return]
    if isinstance(policy, dict) and "Statement" in policy:
        return policy["Statement"]  # type: ignore[no-any-return]
    raise AssertionError(f"unsupported policy (AWS managed policies and SAM templates grant too much): {policy!r}")


@dataclass(frozen=True)
class Grant:
    access: Access
    leading_keys: tuple[str, ...] | None  # dynamodb:LeadingKeys patterns, when the statement is conditioned


def granted(function: str) -> list[Grant]:
    properties = _resources()[function]["Properties"]
    assert "Role" not in properties, "a hand-made role would bypass Policies"
    grants = []
    for policy in properties.get("Policies", []):
        for statement in _statements(policy):
            assert statement["Effect"] == "Allow" and "NotAction" not in statement and "NotResource" not in statement
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            condition = statement.get("Condition") or {}
            leading = None
            if condition:
                assert set(condition) == {"ForAllValues:StringLike"}, condition
                assert set(condition["ForAllValues:StringLike"]) == {"dynamodb:LeadingKeys"}, condition
                leading = tuple(condition["ForAllValues:StringLike"]["dynamodb:LeadingKeys"])
            for action in actions:
                assert "*" not in action, f"wildcard action {action}"
                for resource in resources:
                    grants.append(Grant(Access(action, *_resource(resource)), leading))
    return grants


# -- what the code uses ---------------------------------------------------------------------------------
def _logical_ids(function: str) -> dict[str, str]:
    """Physical names in the test environment -> logical ids, through the function's environment (its stack's
    Globals and its own: the test environment names the resources of every context alike)."""
    properties = _resources()[function]["Properties"]
    variables = properties.get("Environment", {}).get("Variables", {})
    context = str(properties["CodeUri"]).rstrip("/").split("/")[-2]
    environment = {**os.environ, **CONTEXT_ENVIRONMENTS[context]}
    return {
        environment[name]: value["Ref"]
        for name, value in variables.items()
        if isinstance(value, dict) and "Ref" in value and name in environment
    }


@dataclass(frozen=True)
class Use:
    access: Access
    leading_key: str | None = None  # the partition key value, for writes


def uses(function: str, calls: list[tuple[str, str, dict[str, Any]]]) -> set[Use]:
    names = _logical_ids(function)
    found: set[Use] = set()
    for service, operation, params in calls:
        if service == "events":
            assert operation == "PutEvents", operation
            for entry in params["Entries"]:
                found.add(Use(Access("events:PutEvents", names[entry["EventBusName"]], "")))
            continue
        if service == "email":  # SES v2: a send is authorized against the From address's identity
            assert operation == "SendEmail", operation
            found.add(Use(Access("ses:SendEmail", "EmailSenderAddress", "identity")))
            continue
        assert service == "dynamodb", service
        if operation == "TransactWriteItems":
            for item in params["TransactItems"]:
                ((kind, request),) = item.items()
                key = request.get("Key") or request.get("Item") or {}
                pk = next(iter(key.get("PK", {}).values()), None) if "PK" in key else None
                found.add(Use(Access(TRANSACT_ACTION[kind], names[request["TableName"]], "table"), pk))
        elif operation in ("BatchGetItem", "BatchWriteItem"):
            for table in params["RequestItems"]:
                found.add(Use(Access(f"dynamodb:{operation}", names[table], "table")))
        else:
            part = "index" if params.get("IndexName") else "table"
            key = params.get("Key") or params.get("Item") or {}
            pk = next(iter(key["PK"].values())) if "PK" in key else None
            found.add(Use(Access(f"dynamodb:{operation}", names[params["TableName"]], part), pk))
    return found


def _run_contract(api: Api, contract: Contract) -> set[Use]:
    """Every acceptance example (and extra request) of `contract`, each on emptied tables; only the
    operation's own request is recorded, not the setup that precedes it."""
    used: set[Use] = set()
    requests: list[tuple[tuple[str, ...], Any]] = [(example.setup, example) for example in contract.examples]
    requests += [(extra[0], extra) for extra in EXTRA_REQUESTS.get(contract.key, [])]
    for number, (setup, request) in enumerate(requests):
        wipe()
        made = setup_records(api, setup)
        if isinstance(request, tuple):
            _setup, method, path, body = request
            path = "/".join(str(fill(part, made)) for part in path.split("/"))
            calls = [(method, path, fill(body, made), None)]
        else:
            path, rest = example_request(contract, fill(request.input, made))
            method = contract.http.method
            if method in ("GET", "DELETE"):
                calls = [(method, path, None, rest or None)]
            else:
                calls = [(method, path, rest, None)]
        headers = {"Idempotency-Key": f"least-privilege-{number}"} if method == "POST" else None
        if headers:
            calls = calls * 2  # the first request, then its replay
        with recording() as recorder:
            for call_method, call_path, body, query in calls:
                reply = api.call(call_method, call_path, body, query=query, headers=headers)
                assert reply.status < 500, reply.body
        used |= uses(contract.logical_id, recorder.calls)
    return used


def _category(contract: Contract) -> list[str]:
    prefix = "billing " if contract.bounded_context == "billing" else ""
    categories = [prefix + contract.kind]
    if contract.http.method == "POST":
        categories.append(prefix + "idempotent")
    return categories


def _allowed(categories: list[str]) -> set[Access]:
    return set().union(*(ALLOWANCE[category][0] for category in categories))


def _check(function: str, used: set[Use], categories: list[str]) -> None:
    grants = granted(function)
    by_access: dict[Access, list[Grant]] = {}
    for grant in grants:
        by_access.setdefault(grant.access, []).append(grant)

    missing = [use for use in used if use.access not in by_access]
    assert not missing, f"{function} uses what it is not granted: {sorted(map(str, (u.access for u in missing)))}"
    # As IAM decides: a use is allowed when any statement granting its action covers it (no condition, or a
    # dynamodb:LeadingKeys pattern its key matches).
    for use in used:
        patterns = [grant.leading_keys for grant in by_access[use.access]]
        covered = any(
            keys is None or (use.leading_key is not None and any(fnmatch.fnmatchcase(use.leading_key, p) for p in keys))
            for keys in patterns
        )
        assert covered, f"{function}: {use.access} on key {use.leading_key} is outside {patterns}"

    unused = {grant.access for grant in grants} - {use.access for use in used} - _allowed(categories)
    assert not unused, f"{function} is granted what it never uses: {sorted(map(str, unused))}"

    if function.startswith("Billing"):
        # Billing grants its writes per function, key family by key family: a family no write of the function
        # takes is one too many.
        keys = {use.leading_key for use in used if use.leading_key is not None}
        patterns = {pattern for grant in grants for pattern in grant.leading_keys or ()}
        idle = sorted(pattern for pattern in patterns if not any(fnmatch.fnmatchcase(key, pattern) for key in keys))
        assert not idle, f"{function} may write keys it never writes: {idle} (it writes {sorted(keys)})"


CONTRACT_IDS = [contract.logical_id for contract in ALL]


@pytest.mark.parametrize("contract", ALL, ids=CONTRACT_IDS)
def test_each_operation_function_is_granted_exactly_what_it_uses(shared_api: Api, contract: Contract) -> None:
    used = _run_contract(shared_api, contract)
    assert used, "the examples made no AWS call at all"
    _check(contract.logical_id, used, _category(contract))
    actions = {grant.access.action for grant in granted(contract.logical_id)}
    assert not any(action.startswith("events:") for action in actions), "only the relay may put events"
    if contract.kind == "query":
        assert actions <= READ_ONLY, f"a read-only route may not write: {sorted(actions - READ_ONLY)}"


def test_the_relay_is_granted_exactly_what_it_uses(shared_api: Api) -> None:
    wipe()
    api = shared_api
    contact = api.post("/sales/contacts", {"kind": "person", "display_name": "Relayed"}).data
    api.patch(f"/sales/contacts/{contact['id']}", {"lifecycle": "active"})
    with recording() as recorder:
        latest = relay_event(stream_records())["Records"][-2:]  # contact.created, contact.updated
        result = function_module("sales/outbox_relay").lambda_handler({"Records": latest}, LambdaContext())
    assert result == {"batchItemFailures": []}
    used = uses(RELAY, recorder.calls)
    assert {use.access for use in used} == {Access("events:PutEvents", "ServiceEventBus", "")}
    _check(RELAY, used, ["relay"])


def test_the_billing_relay_is_granted_exactly_what_it_uses(shared_api: Api) -> None:
    """The billing relay publishes the sample rows of its stream (the same kernel relay as Sales) on the shared
    bus."""
    event = json.loads((ROOT / "events" / "billing" / "stream" / "outbox_relay.json").read_text(encoding="utf-8"))
    with recording() as recorder:
        result = function_module("billing/outbox_relay").lambda_handler(event, LambdaContext())
    assert result == {"batchItemFailures": []}
    used = uses(BILLING_RELAY, recorder.calls)
    assert {use.access for use in used} == {Access("events:PutEvents", "ServiceEventBus", "")}
    _check(BILLING_RELAY, used, ["billing relay"])


def test_the_conversion_bridge_is_granted_exactly_what_it_uses(shared_api: Api) -> None:
    """A contact asked for conversion, then Federation's creation event for it, as the queue delivers it."""
    contact = shared_api.post("/sales/contacts", {"kind": "organization", "display_name": "Bridged AG"}).data
    assert shared_api.post(f"/sales/contacts/{contact['id']}/convert", {"target": "tenant"}).status == 202
    event = json.loads((ROOT / "events" / "federation" / "tenant.created.json").read_text(encoding="utf-8"))
    event["detail"]["data"]["requested_by"]["contact_id"] = contact["id"]
    batch = {"Records": [{"messageId": "m-1", "body": json.dumps(event)}]}
    with recording() as recorder:
        result = function_module("sales/conversion_bridge").lambda_handler(batch, LambdaContext())
    assert result == {"batchItemFailures": []}
    assert shared_api.get(f"/sales/contacts/{contact['id']}").data["bridge"]["id"] == "tenant-7f3c2a"
    _check(BRIDGE, uses(BRIDGE, recorder.calls), ["command", "consumer"])


def test_the_merge_worker_is_granted_exactly_what_it_uses(shared_api: Api) -> None:
    """A merge whose duplicate has a deal, a relationship, an employee, an activity and a conversation, as the queue
    delivers contact.merged."""
    api = shared_api
    survivor = api.post("/sales/contacts", {"kind": "organization", "display_name": "Keeper AG"}).data
    duplicate = api.post("/sales/contacts", {"kind": "organization", "display_name": "Keeper"}).data
    other = api.post("/sales/contacts", {"kind": "person", "display_name": "Linked", "employer_id": duplicate["id"]})
    link = {"to_id": duplicate["id"], "type": "influences"}
    assert api.post(f"/sales/contacts/{other.data['id']}/relationships", link).status == 201
    deal = {"customer_id": duplicate["id"], "name": "Moves", "value": 100, "currency": "EUR"}
    deal["expected_close_date"] = (date.today() + timedelta(days=30)).isoformat()
    assert api.post("/sales/deals", deal).status == 201
    call = {"type": "call", "subject": "Moves too", "links": {"contact_id": duplicate["id"]}}
    assert api.post("/sales/activities", call).status == 201
    thread = {"contact_id": duplicate["id"], "channel": "email", "address": "moves@acme.example"}
    assert api.post("/sales/conversations", thread).status == 201
    assert api.post(f"/sales/contacts/{survivor['id']}/merge", {"duplicate_id": duplicate["id"]}).status == 200
    [merged] = [row for row in events_of(survivor["id"], "contact.merged")]
    batch = {"Records": [{"messageId": "m-1", "body": json.dumps(bus_event(merged))}]}
    with recording() as recorder:
        result = function_module("sales/contact_merge_worker").lambda_handler(batch, LambdaContext())
    assert result == {"batchItemFailures": []}
    assert api.get(f"/sales/contacts/{survivor['id']}").data["merge_status"] == "done"
    _check(MERGE_WORKER, uses(MERGE_WORKER, recorder.calls), ["query", "command", "consumer"])


def test_the_email_sender_is_granted_exactly_what_it_uses(shared_api: Api) -> None:
    """An outbound email message and a forward of its thread, as the stream hands their MAIL# inserts over."""
    api = shared_api
    contact = api.post("/sales/contacts", {"kind": "person", "display_name": "Mailed"}).data
    thread = {"contact_id": contact["id"], "channel": "email", "address": "mailed@acme.example"}
    conversation = api.post("/sales/conversations", thread).data
    assert (
        api.post(f"/sales/conversations/{conversation['id']}/messages", {"direction": "out", "body": "Hi"}).status
        == 201
    )
    forward = {"scope": "thread", "to": ["colleague@seller.example"]}
    assert api.post(f"/sales/conversations/{conversation['id']}/forward", forward).status == 200
    inserts = [
        record
        for record in stream_records()
        if record["dynamodb"]["Keys"]["SK"]["S"].startswith("MAIL#")
        and record["dynamodb"]["Keys"]["PK"]["S"] == f"CONVERSATION#{conversation['id']}"
    ]
    assert len(inserts) == 2
    with recording() as recorder:
        result = function_module("sales/email_sender").lambda_handler({"Records": inserts}, LambdaContext())
    assert result == {"batchItemFailures": []}
    used = uses(EMAIL_SENDER, recorder.calls)
    assert Access("ses:SendEmail", "EmailSenderAddress", "identity") in {use.access for use in used}
    _check(EMAIL_SENDER, used, ["email sender"])


def test_the_campaign_won_projection_is_granted_exactly_what_it_uses(shared_api: Api) -> None:
    """A campaign lead converted, its opportunity confirmed and the deal won, as the queue delivers deal.won."""
    api = shared_api
    contact = api.post("/sales/contacts", {"kind": "organization", "display_name": "Won via campaign"}).data
    launch = api.post("/sales/campaigns", {"name": "Won launch", "type": "event"}).data
    assert api.post(f"/sales/campaigns/{launch['id']}/activate").status == 200
    body = {"contact_id": contact["id"], "source": "campaign", "campaign_id": launch["id"], "title": "Fleet"}
    lead = api.post("/sales/leads", body).data
    assert api.post(f"/sales/leads/{lead['id']}/qualify").status == 200
    offer = api.post(f"/sales/leads/{lead['id']}/convert").data
    line = {"description": "Device", "quantity": 1, "unit_price": 1000}
    offer = api.post(f"/sales/opportunities/{offer['id']}/variants", {"name": "A", "currency": "EUR", "lines": [line]})
    variant = offer.data["variants"][0]["id"]
    assert api.post(f"/sales/opportunities/{offer.data['id']}/validate", {"variant_id": variant}).status == 200
    close = (date.today() + timedelta(days=30)).isoformat()
    deal = api.post(f"/sales/opportunities/{offer.data['id']}/confirm", {"expected_close_date": close}).data
    assert api.post(f"/sales/deals/{deal['id']}/win").status == 200
    [won] = events_of(deal["id"], "deal.won")
    batch = {"Records": [{"messageId": "m-1", "body": json.dumps(bus_event(won))}]}
    with recording() as recorder:
        result = function_module("sales/campaign_won_projection").lambda_handler(batch, LambdaContext())
    assert result == {"batchItemFailures": []}
    assert api.get(f"/sales/campaigns/{launch['id']}/stats").data["won_deals"] == 1
    _check(CAMPAIGN_WON, uses(CAMPAIGN_WON, recorder.calls), ["command", "consumer"])


def test_the_job_consumers_are_granted_exactly_what_they_use(shared_api: Api) -> None:
    """A won deal's deal.won opens its job; provisioning's completion completes it (as their queues deliver
    them), and a completion before the win is kept on the deal's claim item."""
    wipe()
    api = shared_api
    deal = billing.won_deal(api)
    early = billing.won_deal(api, name="Completed first")
    recorded: dict[str, set[Use]] = {JOBS_FROM_WON_DEALS: set(), JOBS_FROM_PROVISIONING: set()}
    for function, folder, event in (
        (JOBS_FROM_PROVISIONING, billing.PROVISIONING_CONSUMER, billing.provisioning_completed(early["id"])),
        (JOBS_FROM_WON_DEALS, billing.WON_CONSUMER, billing.won_event(deal["id"])),
        (JOBS_FROM_WON_DEALS, billing.WON_CONSUMER, billing.won_event(early["id"])),
        (JOBS_FROM_PROVISIONING, billing.PROVISIONING_CONSUMER, billing.provisioning_completed(deal["id"])),
    ):
        batch = {"Records": [{"messageId": "m-1", "body": json.dumps(event)}]}
        with recording() as recorder:
            assert billing.deliver(folder, batch) == {"batchItemFailures": []}
        recorded[function] |= uses(function, recorder.calls)
    assert billing.job_of(api, deal)["status"] == billing.job_of(api, early)["status"] == "completed"
    for function, used in recorded.items():
        _check(function, used, ["billing consumer"])


def test_the_overdue_run_is_granted_exactly_what_it_uses(shared_api: Api) -> None:
    """An invoice past its due date (set in the table) is marked by the daily run."""
    wipe()
    invoice = billing.issued_invoice(shared_api)
    billing.backdate(invoice["id"], "2020-01-31")
    with recording() as recorder:
        result = billing.deliver("billing/overdue_invoices", {"source": "aws.scheduler", "detail": "{}"})
    assert result["marked"] == 1, result
    _check(OVERDUE, uses(OVERDUE, recorder.calls), ["billing query", "billing command"])


def test_no_billing_function_may_touch_the_sales_table() -> None:
    """Billing knows sales only by the events on the bus: no grant of a billing function names a Sales
    resource."""
    for name, resource in _resources().items():
        if resource["Type"] != "AWS::Serverless::Function" or not str(name).startswith("Billing"):
            continue
        foreign = {grant.access.resource for grant in granted(name)} - {"ServiceEventBus"}
        foreign = {resource for resource in foreign if not resource.startswith("Billing")}
        assert not foreign, f"{name} is granted {sorted(foreign)} outside billing"


def test_every_function_of_the_template_is_checked() -> None:
    functions = {name for name, res in _resources().items() if res["Type"] == "AWS::Serverless::Function"}
    consumers = {RELAY, BILLING_RELAY, BRIDGE, MERGE_WORKER, CAMPAIGN_WON, EMAIL_SENDER}
    consumers |= {JOBS_FROM_WON_DEALS, JOBS_FROM_PROVISIONING, OVERDUE}
    assert functions == {contract.logical_id for contract in ALL} | consumers


def test_the_allowance_is_justified() -> None:
    for category, (accesses, reason) in ALLOWANCE.items():
        assert accesses and len(reason) > 40, category
        assert not any(access.action in WRITES for access in accesses if category == "query")
