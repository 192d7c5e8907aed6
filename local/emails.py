"""What SES was asked to send, read from the embedded moto (`GET /_local/emails`) and kept across restarts in
`emails.json` under the state directory.

moto's SES v2 stores what it accepts in SES v1's backend (`ses_backends[account][region].sent_messages`), so
emails sent with either client are listed. moto is imported on use only: `make invoke` against external
endpoints never loads it.
"""

from __future__ import annotations

import email
import email.policy
import json
import logging
import threading
from collections.abc import Iterator, Mapping
from email.utils import formataddr, getaddresses, parseaddr
from pathlib import Path
from typing import Any

from local.state import write_atomically

log = logging.getLogger("local.emails")

# What each kind of moto message keeps, in its constructor's order (the id first): the snapshot stores these.
_FIELDS: Mapping[str, tuple[str, ...]] = {
    "Message": ("id", "source", "subject", "body", "destinations"),
    "RawMessage": ("id", "source", "destinations", "raw_data"),
    "TemplateMessage": ("id", "source", "template", "template_data", "destinations"),
}
_FORMATS = {"Message": "simple", "RawMessage": "raw", "TemplateMessage": "template"}
_DESTINATIONS = (("to", "ToAddresses"), ("cc", "CcAddresses"), ("bcc", "BccAddresses"))


def _backends() -> Iterator[tuple[str, str, Any]]:
    """Every SES backend moto has created, as (account, region, backend), in a stable order. Handlers use the
    dummy credentials (one account), but may pin another region for SES, as deployed code often does."""
    from moto.ses.models import ses_backends

    for account in sorted(ses_backends.keys()):
        regions = ses_backends[account]
        for region in sorted(regions.keys()):
            yield account, region, regions[region]


def _address(text: str) -> str:
    """`Name <a@example.com>` -> `a@example.com`, compared case-insensitively."""
    return parseaddr(text)[1].lower()


def _recipients(destinations: Any) -> dict[str, list[str]]:
    """to, cc and bcc from an SES `Destination` ({"ToAddresses": [...], ...}) or a bulk send's list of them."""
    found: dict[str, list[str]] = {"to": [], "cc": [], "bcc": []}
    if isinstance(destinations, Mapping):
        destinations = [destinations]
    for destination in destinations or []:
        if isinstance(destination, str):
            found["to"].append(destination)
            continue
        destination = destination.get("Destination", destination)
        for key, field in _DESTINATIONS:
            found[key] += [str(address) for address in destination.get(field) or []]
    return found


def _raw_fields(raw: str, destinations: list[str]) -> dict[str, Any]:
    """Subject, body and recipients of a raw (MIME) email. moto keeps one list of recipients, the request's
    and the headers' together: those the To and Cc headers do not name were Bcc."""
    try:
        parsed = email.message_from_string(raw, policy=email.policy.default)
        headers: dict[str, list[str]] = {}
        for key in ("to", "cc"):
            pairs = getaddresses([str(value) for value in parsed.get_all(key, [])])
            headers[key] = [formataddr(pair) for pair in pairs if pair[1]]
        part = parsed.get_body(preferencelist=("plain", "html"))
        body = part.get_content() if part is not None else None
        subject = parsed.get("subject")
    except Exception as error:  # whatever MIME a handler sent, the listing answers; `raw` still has it all
        log.debug("a raw email is unreadable: %s", error)
        return {"to": list(destinations), "cc": [], "bcc": [], "subject": None, "body": None}
    named = {_address(address) for addresses in headers.values() for address in addresses}
    bcc: list[str] = []
    for address in destinations:
        if _address(address) not in named | {_address(other) for other in bcc}:
            bcc.append(address)
    return {**headers, "bcc": bcc, "subject": None if subject is None else str(subject), "body": body}


def describe(message: Any) -> dict[str, Any]:
    """One moto message as `GET /_local/emails` lists it, its text exactly as the sender gave it: `format` is
    `simple` (subject and body), `raw` (a MIME message: subject, body and recipients read from it, plus `raw`)
    or `template` (a v1 templated send: `template` and `template_data`, no subject or body)."""
    kind = type(message).__name__
    described: dict[str, Any] = {"message_id": message.id, "format": _FORMATS[kind], "from": message.source}
    if kind == "RawMessage":
        return {**described, **_raw_fields(message.raw_data, list(message.destinations)), "raw": message.raw_data}
    described.update(_recipients(message.destinations))
    if kind == "TemplateMessage":
        extra = {"template": message.template, "template_data": message.template_data}
        return {**described, "subject": None, "body": None, **extra}
    return {**described, "subject": message.subject, "body": message.body}


def sent_emails(recipient: str | None = None, sender: str | None = None) -> list[dict[str, Any]]:
    """What the embedded SES accepted, oldest first; `recipient` keeps the emails to, cc or bcc that address,
    `sender` those from it (addresses compared without display names, case-insensitively)."""
    listed = []
    for _account, _region, backend in _backends():
        for message in list(backend.sent_messages):  # a copy: handlers may be sending meanwhile
            if type(message).__name__ not in _FIELDS:
                continue
            described = describe(message)
            if sender is not None and _address(str(described["from"])) != _address(sender):
                continue
            addresses = described["to"] + described["cc"] + described["bcc"]
            if recipient is not None and _address(recipient) not in map(_address, addresses):
                continue
            listed.append(described)
    return listed


def clear_sent_emails() -> None:
    for _account, _region, backend in _backends():
        backend.sent_messages.clear()


class EmailSnapshot:
    """Dump and reload the embedded SES's sent emails, as moto keeps them (its own fields, per account and
    region), so a restarted runtime lists what was sent before (`make dev-reset` forgets them)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def save(self) -> int:
        with self._lock:
            saved = []
            for account, region, backend in _backends():
                for message in list(backend.sent_messages):
                    kind = type(message).__name__
                    if kind in _FIELDS:
                        fields = {name: getattr(message, name) for name in _FIELDS[kind]}
                        saved.append({"account": account, "region": region, "kind": kind, "fields": fields})
            write_atomically(self.path, json.dumps({"version": 1, "emails": saved}))
            return len(saved)

    def load(self) -> int:
        if not self.path.exists():
            return 0
        from moto.ses import models

        count = 0
        for saved in json.loads(self.path.read_text(encoding="utf-8")).get("emails", []):
            names = _FIELDS.get(saved.get("kind"))
            if names is None:
                log.warning("%s: an email of unknown kind %r is dropped", self.path, saved.get("kind"))
                continue
            # Back into moto's own list, so the listing, DELETE and the next save treat it like any other.
            message = getattr(models, saved["kind"])(*(saved["fields"][name] for name in names))
            models.ses_backends[saved["account"]][saved["region"]].sent_messages.append(message)
            count += 1
        return count
