"""The local runtime's pure pieces for schedules and dev tokens, in-process: reading scheduled functions from a
template, the events their schedulers send, and the one dev token parser the runtime shares with the kernel."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from kernel.http import principal
from local import apigw
from local.project import load_project
from local.schedules import AmbiguousScheduleError, ScheduleInputError, Schedules, UnknownScheduleError

TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Parameters:
  Every: {Type: String, Default: rate(5 minutes)}
Resources:
  Bus: {Type: AWS::Events::EventBus, Properties: {Name: bus}}
  Job:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: job/
      Handler: app.handler
      Events:
        Often:
          Type: Schedule
          Properties: {Schedule: !Ref Every, Enabled: false, Name: often-rule}
        Later:
          Type: ScheduleV2
          Properties: {ScheduleExpression: "at(2030-01-01T00:00:00)", Input: "not json"}
  Other:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: job/, Handler: app.handler}
  PatternRule:
    Type: AWS::Events::Rule
    Properties:
      EventBusName: !Ref Bus
      EventPattern: {source: [x]}
      Targets: [{Id: job, Arn: !GetAtt Job.Arn}]
  ClockRule:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: rate(1 day)
      Targets:
        - {Id: other, Arn: !GetAtt Other.Arn}
        - {Id: elsewhere, Arn: "arn:aws:lambda:eu-west-1:123456789012:function:not-ours"}
  ForeignSchedule:
    Type: AWS::Scheduler::Schedule
    Properties:
      ScheduleExpression: rate(1 day)
      FlexibleTimeWindow: {Mode: "OFF"}
      Target: {Arn: "arn:aws:sqs:eu-west-1:123456789012:q", RoleArn: "arn:aws:iam::123456789012:role/r"}
"""
NOW = datetime(2026, 3, 1, 2, 0, 5, tzinfo=UTC)


@pytest.fixture
def schedules(tmp_path: Path) -> Schedules:
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    project = load_project(tmp_path / "template.yaml", region="eu-west-1")
    return Schedules(project, lambda function_id, event: {"ran": function_id, "event": event})


def test_scheduled_rules_are_schedules_not_event_consumers(schedules: Schedules) -> None:
    project = schedules.project
    # A scheduled rule that targets a function is not a pattern rule: the runtime must not subscribe it to a bus.
    assert [(s.function_id, s.rule_key) for s in project.rule_sources] == [("Job", "PatternRule-job")]
    assert schedules.listing() == [
        {"name": "JobOften", "function": "Job", "type": "Schedule", "expression": "rate(5 minutes)",
         "timezone": "UTC", "state": "DISABLED"},
        {"name": "JobLater", "function": "Job", "type": "ScheduleV2", "expression": "at(2030-01-01T00:00:00)",
         "timezone": "UTC", "state": "ENABLED"},
        {"name": "ClockRule", "function": "Other", "type": "AWS::Events::Rule", "expression": "rate(1 day)",
         "timezone": "UTC", "state": "ENABLED"},
    ]  # fmt: skip


def test_names_find_a_schedule_or_a_functions_only_schedule(schedules: Schedules) -> None:
    assert schedules.find("JobOften").logical_id == "JobOften"
    assert schedules.find("Other").logical_id == "ClockRule"
    with pytest.raises(AmbiguousScheduleError, match="JobOften, JobLater"):
        schedules.find("Job")
    for unknown in ("ForeignSchedule", "PatternRule", "nothing"):
        with pytest.raises(UnknownScheduleError, match="JobOften, JobLater, ClockRule"):
            schedules.find(unknown)


def test_a_scheduled_rule_event(schedules: Schedules) -> None:
    run = schedules.run(schedules.find("JobOften"), NOW)
    event: dict[str, Any] = run.event
    assert run.result == {"ran": "Job", "event": event}
    assert event == {
        "version": "0",
        "id": event["id"],
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": "2026-03-01T02:00:05Z",
        "region": "eu-west-1",
        "resources": ["arn:aws:events:eu-west-1:123456789012:rule/often-rule"],
        "detail": {},
    }


def test_an_input_that_is_not_json_is_refused(schedules: Schedules) -> None:
    with pytest.raises(ScheduleInputError, match="JobLater"):
        schedules.run(schedules.find("JobLater"), NOW)


TOKENS = [
    "Bearer dev:u:sales",
    "Bearer dev:u:a,b:p",
    "Bearer dev:u:,sales,",
    "  Bearer dev:u:admin ",
    "Bearer dev:u",
    "Bearer dev:u::p",
    "Bearer dev:u:,",
    "Token x",
    "Bearer dev:u:a:p:extra",
    "bearer dev:u:sales",
    "",
]


@pytest.mark.parametrize("token", TOKENS)
def test_the_runtime_reads_dev_tokens_with_the_kernels_parser(token: str) -> None:
    try:
        expected = principal.dev_token_claims(token)
    except principal.DevTokenError as error:
        with pytest.raises(apigw.UnauthenticatedError) as refused:
            apigw.claims_for(token)
        assert str(error) in str(refused.value)
        assert principal.DEV_BEARER_FORMAT in str(refused.value)
    else:
        assert apigw.claims_for(token) == expected


def test_there_is_one_dev_token_parser() -> None:
    assert apigw.dev_token_claims is principal.dev_token_claims
    assert not [name for name in vars(apigw) if name.isupper() and "TOKEN" in name]  # no second format of its own
    assert apigw.claims_for(None)["sub"] == apigw.DEFAULT_CLAIMS["sub"]
