"""Scheduled functions: `GET /_local/schedules` lists them, `POST /_local/schedules/<name>` runs one now with
the event EventBridge (a scheduled rule) or EventBridge Scheduler would send. Nothing fires on its own."""

from __future__ import annotations

import re
import subprocess
import sys
from typing import Any

import pytest

from tests.e2e.harness import FIXTURE_PROJECT, REPO, LocalServer, clean_env

pytestmark = pytest.mark.e2e

ACCOUNT, REGION = "123456789012", "eu-west-1"
ENVELOPE = ["version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"]
TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


def run(server: LocalServer, name: str) -> dict[str, Any]:
    reply = server.request("POST", f"/_local/schedules/{name}")
    assert reply.status == 200, reply.body
    assert reply.json["status"] == "success"
    return dict(reply.json["data"])


def test_the_template_schedules_are_listed(fixture_server: LocalServer) -> None:
    reply = fixture_server.request("GET", "/_local/schedules")
    assert reply.status == 200, reply.body
    listed = sorted(reply.json["data"], key=lambda s: s["name"])
    assert listed == [
        {
            "name": "MonthlyTickRule",
            "function": "TickFunction",
            "type": "AWS::Events::Rule",
            "expression": "cron(0 6 1 * ? *)",
            "timezone": "UTC",
            "state": "DISABLED",
        },
        {
            "name": "TickFunctionHourly",
            "function": "TickFunction",
            "type": "ScheduleV2",
            "expression": "rate(1 hour)",
            "timezone": "Europe/Berlin",
            "state": "ENABLED",
        },
        {
            "name": "TickFunctionNightly",
            "function": "TickFunction",
            "type": "Schedule",
            "expression": "cron(0 2 * * ? *)",
            "timezone": "UTC",
            "state": "ENABLED",
        },
        {
            "name": "WeeklyReportSchedule",
            "function": "ReportFunction",
            "type": "AWS::Scheduler::Schedule",
            "expression": "cron(0 8 ? * MON *)",
            "timezone": "UTC",
            "state": "ENABLED",
        },
    ]


def test_a_scheduled_rule_sends_eventbridges_scheduled_event(fixture_server: LocalServer) -> None:
    data = run(fixture_server, "TickFunctionNightly")
    assert (data["schedule"], data["function"]) == ("TickFunctionNightly", "TickFunction")
    result = data["result"]
    assert result["function"] == "sales-local-TickFunction"
    assert result["table"] == "sales-local-items"  # the function's own environment
    event = result["event"]
    assert list(event) == ENVELOPE
    assert event["version"] == "0"
    assert event["detail-type"] == "Scheduled Event"
    assert event["source"] == "aws.events"
    assert (event["account"], event["region"]) == (ACCOUNT, REGION)
    assert event["resources"] == [f"arn:aws:events:{REGION}:{ACCOUNT}:rule/sales-local-TickFunctionNightly"]
    assert event["detail"] == {}
    assert TIME.fullmatch(event["time"])
    assert data["event"] == event
    assert run(fixture_server, "TickFunctionNightly")["event"]["id"] != event["id"]


def test_a_scheduler_schedule_sends_its_default_notification(fixture_server: LocalServer) -> None:
    # Named by its function (ReportFunction has this one schedule); the schedule's name comes from the template.
    data = run(fixture_server, "ReportFunction")
    assert (data["schedule"], data["function"]) == ("WeeklyReportSchedule", "ReportFunction")
    event = data["result"]["event"]
    assert list(event) == ENVELOPE
    assert (event["detail-type"], event["source"], event["detail"]) == ("Scheduled Event", "aws.scheduler", "{}")
    assert event["resources"] == [f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/reports/sales-local-weekly-report"]
    assert data["result"]["function"] == "sales-local-ReportFunction"


def test_an_input_replaces_the_event(fixture_server: LocalServer) -> None:
    event = run(fixture_server, "TickFunctionHourly")["result"]["event"]
    # EventBridge Scheduler fills in its context attributes.
    assert event["job"] == "hourly"
    assert event["schedule"] == f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/default/sales-local-TickFunctionHourly"
    assert TIME.fullmatch(event["at"])
    assert event["attempt"] == "1"
    assert set(event) == {"job", "schedule", "at", "attempt"}


def test_a_failing_function_is_a_502_with_its_error(fixture_server: LocalServer) -> None:
    # The monthly rule is DISABLED (it would never fire) but can still be run by hand; its input asks to fail.
    reply = fixture_server.request("POST", "/_local/schedules/MonthlyTickRule")
    assert reply.status == 502, reply.body
    assert reply.json["error"]["code"] == "FUNCTION_ERROR"
    assert reply.json["error"]["message"] == "TickFunction raised RuntimeError: job monthly failed as asked"


def test_unknown_and_ambiguous_names(fixture_server: LocalServer) -> None:
    unknown = fixture_server.request("POST", "/_local/schedules/NoSuchJob")
    assert unknown.status == 404
    assert unknown.json["status"] == "error"
    assert unknown.json["error"]["code"] == "SCHEDULE_NOT_FOUND"
    assert "WeeklyReportSchedule" in unknown.json["error"]["message"]
    # A function with several schedules must be run by the schedule's name.
    ambiguous = fixture_server.request("POST", "/_local/schedules/TickFunction")
    assert ambiguous.status == 409
    assert ambiguous.json["error"]["code"] == "AMBIGUOUS_SCHEDULE"
    for name in ("MonthlyTickRule", "TickFunctionHourly", "TickFunctionNightly"):
        assert name in ambiguous.json["error"]["message"]
    # A function without a schedule is not one.
    assert fixture_server.request("POST", "/_local/schedules/EchoFunction").status == 404
    wrong = fixture_server.request("GET", "/_local/schedules/TickFunctionNightly")
    assert wrong.status == 405
    assert wrong.header("Allow") == ["POST"]


def test_the_routes_command_lists_the_schedules() -> None:
    listing = subprocess.run(
        [sys.executable, "-m", "local", "routes", "--root", str(FIXTURE_PROJECT)],
        cwd=REPO,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    lines = [line.split() for line in listing.splitlines() if line.startswith("SCHEDULE")]
    assert ["SCHEDULE", "TickFunctionNightly", "cron(0", "2", "*", "*", "?", "*)", "TickFunction"] in lines
    assert len(lines) == 4
