"""Wires the pieces together: template -> backend -> resources -> restored state -> pollers."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from local.backend import Backend, bootstrap
from local.emails import EmailSnapshot, clear_sent_emails, sent_emails
from local.functions import FunctionRunner
from local.project import TABLE_TYPES, Project, load_project
from local.rules import bootstrap_rules
from local.schedules import Schedules
from local.state import EventLog, Snapshot, StateSaver, TableSnapshot
from local.streams import StreamMapping, StreamReader

log = logging.getLogger("local.runtime")

DEFAULT_BUS = "default"


class UnknownBusError(LookupError):
    pass


class PutEventsError(Exception):
    """The bus refused the event."""


class EmailsElsewhereError(LookupError):
    """SES is not the embedded moto: what it sent cannot be read from here."""


@dataclass(frozen=True)
class Settings:
    template: Path
    root: Path
    state_dir: Path
    region: str
    parameters: Mapping[str, str] = field(default_factory=dict)


class LocalRuntime:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.project: Project = load_project(
            settings.template, settings.root, region=settings.region, parameters=settings.parameters
        )
        self.backend = Backend(region=settings.region)
        self.stopping = threading.Event()
        self.runner = FunctionRunner(self.project, on_invoked=self._changed)
        self.schedules = Schedules(self.project, self.runner.invoke)
        self.event_log = EventLog(settings.state_dir / "events.jsonl")
        self.snapshot: TableSnapshot | None = None
        self.email_snapshot: EmailSnapshot | None = None
        self.saver: StateSaver | None = None
        self.threads: list[threading.Thread] = []
        self.created: list[str] = []
        self.restored_items = 0
        self.restored_emails = 0

    def start(self, *, background: bool = True) -> None:
        """Start the backend and create what is missing; with `background`, also restore state and run
        the stream relay, rule consumers and state saver (`make dev`). Without, it is `make invoke`."""
        self.backend.start()
        self.created = bootstrap(self.project, self.backend)
        if "dynamodb" in self.backend.embedded_services:
            tables = [self.project.resolver.physical_name(i) for i in self.project.resources_of(*TABLE_TYPES)]
            self.snapshot = TableSnapshot(
                self.settings.state_dir / "state.json", self.backend.client("dynamodb"), tables
            )
            self.restored_items = self.snapshot.load()
        if not background:
            return
        # Only `make dev` lists sent emails, so only it keeps them (`make invoke` leaves emails.json alone).
        if "sesv2" in self.backend.embedded_services:
            self.email_snapshot = EmailSnapshot(self.settings.state_dir / "emails.json")
            self.restored_emails = self.email_snapshot.load()
        # Stream readers start at LATEST, after the restore: restored items are not published again.
        self.threads += self._stream_readers()
        self.threads += bootstrap_rules(
            self.project, self.backend, self.runner.invoke, self.event_log.record, self.stopping
        )
        snapshots = self._snapshots()
        if snapshots:
            self.saver = StateSaver(snapshots, self.stopping)
            self.threads.append(self.saver)
        self.runner.preload()
        for thread in self.threads:
            thread.start()

    def _snapshots(self) -> list[Snapshot]:
        return [snapshot for snapshot in (self.snapshot, self.email_snapshot) if snapshot is not None]

    def _stream_readers(self) -> list[threading.Thread]:
        by_stream: dict[str, list[StreamMapping]] = defaultdict(list)
        for source in self.project.stream_sources:
            if not source.enabled:
                continue
            stream_arn = str(self.project.resolver.resolve(source.stream))
            if stream_arn.endswith("/stream/local"):
                log.warning("%s: table %s has no stream; event source ignored", source.function_id, source.table_id)
                continue
            mapping = StreamMapping(
                source,
                self.runner.invoke,
                on_failure=self._failure_destination(source.function_id, source.on_failure),
                function_arn=str(self.project.resolver.get_att(source.function_id, "Arn")),
            )
            by_stream[stream_arn].append(mapping)
        client = self.backend.client("dynamodbstreams")
        return [
            StreamReader(arn, mappings, client, self.settings.region, self.stopping, self.backend.trim_stream_iterators)
            for arn, mappings in by_stream.items()
        ]

    def _failure_destination(self, function_id: str, destination: Any) -> Callable[[dict[str, Any]], None] | None:
        """An SQS on-failure destination receives the failure record; other kinds are only logged."""
        if destination is None:
            return None
        arn = str(self.project.resolver.resolve(destination))
        if ":sqs:" not in arn:
            log.info("%s: on-failure destination %s is not emulated (the failure is logged)", function_id, arn)
            return None
        sqs = self.backend.client("sqs")
        queue_url = sqs.get_queue_url(QueueName=arn.rsplit(":", 1)[-1])["QueueUrl"]

        def send(record: dict[str, Any]) -> None:
            sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps(record))

        return send

    def buses(self) -> dict[str, str]:
        """The template's EventBridge buses: logical id -> name."""
        resolver = self.project.resolver
        return {i: resolver.physical_name(i) for i in self.project.resources_of("AWS::Events::EventBus")}

    def event_bus(self, name: str | None = None) -> str:
        """The bus an injected event goes to: the one named (logical id or name, or `default`), else the
        template's only bus, else the default bus."""
        buses = self.buses()
        if name is None:
            if len(buses) > 1:
                raise UnknownBusError(f"the template declares {len(buses)} buses; name one in bus: {_listed(buses)}")
            return next(iter(buses.values()), DEFAULT_BUS)
        if name in buses:
            return buses[name]
        if name in buses.values() or name == DEFAULT_BUS:
            return name
        raise UnknownBusError(f"bus {name!r} is not in the template ({_listed(buses)}, or {DEFAULT_BUS})")

    def put_event(self, source: str, detail_type: str, detail: Mapping[str, Any], bus: str) -> str:
        """Put one event on a bus through the backend, as a service's PutEvents call would: the bus's rules
        deliver it (the events log's among them). Returns the event id."""
        entry = {"Source": source, "DetailType": detail_type, "Detail": json.dumps(detail), "EventBusName": bus}
        try:
            reply = self.backend.client("events").put_events(Entries=[entry])
        except ClientError as error:
            raise PutEventsError(str(error)) from error
        outcome = reply["Entries"][0]
        if "EventId" not in outcome:
            raise PutEventsError(f"{outcome.get('ErrorCode')}: {outcome.get('ErrorMessage')}")
        return str(outcome["EventId"])

    def _embedded_ses(self) -> None:
        if "sesv2" not in self.backend.embedded_services:
            raise EmailsElsewhereError(
                f"SES runs at {self.backend.endpoints['sesv2']}, not in the local runtime: what it sent cannot be "
                "listed here (ask that endpoint, or unset AWS_ENDPOINT_URL_SESV2 / AWS_ENDPOINT_URL)"
            )

    def emails(self, recipient: str | None = None, sender: str | None = None) -> list[dict[str, Any]]:
        """What the handlers asked SES to send, oldest first (see local/emails.py)."""
        self._embedded_ses()
        return sent_emails(recipient=recipient, sender=sender)

    def clear_emails(self) -> None:
        self._embedded_ses()
        clear_sent_emails()
        if self.saver is not None:
            self.saver.mark_dirty()

    def _changed(self, function_id: str, event: Any) -> None:
        if self.saver is not None:
            self.saver.mark_dirty()

    def stop(self) -> None:
        self.stopping.set()
        deadline = time.monotonic() + 5
        for thread in self.threads:
            if thread.ident is not None:  # a start that failed half-way left some never started
                thread.join(timeout=max(0.0, deadline - time.monotonic()))
        if self.saver is not None:
            for snapshot in self._snapshots():
                try:
                    count = snapshot.save()
                    log.info("saved %d record(s) to %s", count, snapshot.path)
                except Exception:
                    log.exception("saving %s failed", snapshot.path)
        self.backend.stop()


def _listed(buses: Mapping[str, str]) -> str:
    return ", ".join(f"{logical_id} = {name}" for logical_id, name in buses.items()) or "none declared"
