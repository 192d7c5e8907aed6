"""SES v2 in the local runtime: sender identities the template declares are created (so verified) at start,
`GET /_local/emails` lists what the handlers asked SES to send, and the list survives a restart."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from local.backend import Backend, bootstrap
from local.emails import EmailSnapshot, clear_sent_emails, sent_emails
from local.project import load_project
from tests.e2e.harness import FIXTURE_PROJECT, LocalServer

REGION = "eu-west-1"
SENDER = "no-reply@fixture.example"  # the fixture template's SenderAddress default
# Markup and quotes a template engine or an HTML page would interpret: the listing must carry them as data.
HOSTILE_BODY = 'Hello <b>"Ada"</b> & co,\n<script>alert(1)</script>\nThanks. — Grüße'


def _notify(server: LocalServer, to: str, subject: str = "Your quote", text: str = HOSTILE_BODY) -> str:
    reply = server.request("POST", "/notify", {"to": to, "subject": subject, "text": text})
    assert reply.status == 202, reply.body
    assert reply.json["data"]["from"] == SENDER  # !Ref SenderIdentity is the identity itself
    return str(reply.json["data"]["message_id"])


def _emails(server: LocalServer, query: str = "") -> list[dict[str, Any]]:
    reply = server.request("GET", f"/_local/emails{query}")
    assert reply.status == 200, reply.body
    assert reply.json["status"] == "success"
    return list(reply.json["data"])


def _expected(message_id: str, to: str, subject: str = "Your quote", body: str = HOSTILE_BODY) -> dict[str, Any]:
    return {
        "message_id": message_id,
        "format": "simple",
        "from": SENDER,
        "to": [to],
        "cc": [],
        "bcc": [],
        "subject": subject,
        "body": body,
    }


# -- against the fixture project over HTTP --------------------------------------------------------------------


@pytest.mark.e2e
def test_a_sent_email_is_listed_verbatim(fixture_server: LocalServer) -> None:
    assert fixture_server.request("DELETE", "/_local/emails").status == 204
    message_id = _notify(fixture_server, "ada@customer.example")
    reply = fixture_server.request("GET", "/_local/emails")
    assert reply.status == 200
    assert reply.json == {"status": "success", "data": [_expected(message_id, "ada@customer.example")]}
    # Verbatim in the JSON text too (no HTML escaping), served as JSON a browser will not sniff into a page.
    assert b"<script>alert(1)</script>" in reply.body
    assert reply.header("Content-Type") == ["application/json"]
    assert reply.header("X-Content-Type-Options") == ["nosniff"]


@pytest.mark.e2e
def test_emails_are_listed_oldest_first_and_filtered(fixture_server: LocalServer) -> None:
    first = _notify(fixture_server, "Bob <bob@customer.example>", subject="first")
    second = _notify(fixture_server, "carol@customer.example", subject="second")
    listed = _emails(fixture_server)
    assert [email["message_id"] for email in listed][-2:] == [first, second]
    # Addresses match without their display name and whatever the case.
    assert [email["subject"] for email in _emails(fixture_server, "?to=BOB@customer.example")] == ["first"]
    assert [email["message_id"] for email in _emails(fixture_server, "?to=carol@customer.example")] == [second]
    assert _emails(fixture_server, "?to=nobody@customer.example") == []
    assert len(_emails(fixture_server, f"?from={SENDER}")) == len(listed)
    assert _emails(fixture_server, "?from=someone@else.example") == []


@pytest.mark.e2e
def test_only_get_and_delete_are_allowed(fixture_server: LocalServer) -> None:
    reply = fixture_server.request("POST", "/_local/emails", {})
    assert reply.status == 405
    assert reply.json["error"]["code"] == "METHOD_NOT_ALLOWED"
    assert reply.header("Allow") == ["DELETE, GET"]


@pytest.mark.e2e
def test_sent_emails_survive_a_restart(tmp_path: Path) -> None:
    state_dir = tmp_path / "state"
    first = LocalServer(state_dir, root=FIXTURE_PROJECT).start()
    try:
        message_id = _notify(first, "dora@customer.example")
    finally:
        assert first.stop() == 0
    saved = json.loads((state_dir / "emails.json").read_text())
    assert [email["fields"]["id"] for email in saved["emails"]] == [message_id]

    second = LocalServer(state_dir, root=FIXTURE_PROJECT).start()
    try:
        assert _emails(second) == [_expected(message_id, "dora@customer.example")]
        later = _notify(second, "dora@customer.example", subject="again")
        assert [email["message_id"] for email in _emails(second)] == [message_id, later]
        assert second.request("DELETE", "/_local/emails").status == 204
        assert _emails(second) == []
    finally:
        assert second.stop() == 0
    assert json.loads((state_dir / "emails.json").read_text())["emails"] == []


# -- in-process, against moto's in-memory SES ------------------------------------------------------------------

ROOT_TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Parameters:
  Domain: {Type: String, Default: mail.example}
Resources:
  Mail:
    Type: AWS::Serverless::Application
    Properties:
      Location: stacks/mail.yaml
      Parameters:
        SenderDomain: !Ref Domain
"""

MAIL_STACK = """
Parameters:
  SenderAddress: {Type: String, Default: sales@mail.example}
  SenderDomain: {Type: String}
Resources:
  SalesSender:
    Type: AWS::SES::EmailIdentity
    Properties: {EmailIdentity: !Ref SenderAddress}
  DomainSender:
    Type: AWS::SES::EmailIdentity
    Properties: {EmailIdentity: !Ref SenderDomain}
"""

# Where boto3 sends each service's calls in AWS: mock_aws answers them in memory.
AWS_ENDPOINTS = {
    "dynamodb": f"https://dynamodb.{REGION}.amazonaws.com",
    "dynamodbstreams": f"https://streams.dynamodb.{REGION}.amazonaws.com",
    "events": f"https://events.{REGION}.amazonaws.com",
    "sqs": f"https://sqs.{REGION}.amazonaws.com",
    "sesv2": f"https://email.{REGION}.amazonaws.com",
}


@pytest.fixture
def ses() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("sesv2", region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing")


def test_identities_of_nested_stacks_are_created_once(tmp_path: Path, ses: Any) -> None:
    (tmp_path / "stacks").mkdir()
    (tmp_path / "template.yaml").write_text(ROOT_TEMPLATE)
    (tmp_path / "stacks" / "mail.yaml").write_text(MAIL_STACK)
    project = load_project(tmp_path / "template.yaml", region=REGION)
    backend = Backend(region=REGION, environ={}, endpoints=dict(AWS_ENDPOINTS))

    created = bootstrap(project, backend)
    assert created == ["email identity sales@mail.example", "email identity mail.example"]
    identities = {i["IdentityName"] for i in ses.list_email_identities()["EmailIdentities"]}
    assert identities == {"sales@mail.example", "mail.example"}
    assert project.resolver.resolve({"Ref": "SalesSender"}) == "sales@mail.example"
    assert bootstrap(project, backend) == []  # a restart against the same backend finds them in place

    # Verified: both the address and any address of the domain may send.
    for sender in ("sales@mail.example", "anyone@mail.example"):
        ses.send_email(
            FromEmailAddress=sender,
            Destination={"ToAddresses": ["to@customer.example"]},
            Content={"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}}},
        )
    assert [email["from"] for email in sent_emails()] == ["sales@mail.example", "anyone@mail.example"]


def test_raw_emails_are_read_from_their_mime_text(ses: Any) -> None:
    ses.create_email_identity(EmailIdentity=SENDER)
    raw = (
        f"From: {SENDER}\r\nTo: Ada <ada@customer.example>\r\nCc: ops@customer.example\r\nSubject: Invoice\r\n"
        'Content-Type: text/plain; charset="utf-8"\r\n\r\n<script>alert(1)</script>\r\n'
    )
    message_id = ses.send_email(
        FromEmailAddress=SENDER,
        Destination={"BccAddresses": ["audit@fixture.example"]},
        Content={"Raw": {"Data": raw.encode()}},
    )["MessageId"]
    assert sent_emails() == [
        {
            "message_id": message_id,
            "format": "raw",
            "from": SENDER,
            "to": ["Ada <ada@customer.example>"],
            "cc": ["ops@customer.example"],
            "bcc": ["audit@fixture.example"],  # in the request, in no header
            "subject": "Invoice",
            "body": "<script>alert(1)</script>\r\n",
            "raw": raw,
        }
    ]
    assert len(sent_emails(recipient="audit@fixture.example")) == 1


def test_the_snapshot_puts_emails_back_into_moto(tmp_path: Path, ses: Any) -> None:
    ses.create_email_identity(EmailIdentity=SENDER)
    content = {"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": HOSTILE_BODY}}}}
    ses.send_email(FromEmailAddress=SENDER, Destination={"ToAddresses": ["a@customer.example"]}, Content=content)
    before = sent_emails()
    snapshot = EmailSnapshot(tmp_path / "emails.json")
    assert snapshot.save() == 1
    clear_sent_emails()
    assert sent_emails() == []
    assert snapshot.load() == 1
    assert sent_emails() == before
