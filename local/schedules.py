"""Scheduled functions: listed by `GET /_local/schedules` and run on demand by `POST /_local/schedules/<name>`.

Nothing fires on its own. A run hands the function the event its scheduler would send: for an EventBridge
scheduled rule (`Schedule` event, `AWS::Events::Rule`) the `Scheduled Event` from `aws.events` with an empty
`detail`; for EventBridge Scheduler (`ScheduleV2` event, `AWS::Scheduler::Schedule`) its default notification
from `aws.scheduler`, whose `detail` is the string "{}". A target `Input` replaces that event, as it does in AWS;
Scheduler first fills in its context attributes (`<aws.scheduler.schedule-arn>` and the others).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from local.project import Project, Schedule
from local.template import default_physical_name

UTC_TIMEZONE = "UTC"


class UnknownScheduleError(LookupError):
    pass


class AmbiguousScheduleError(LookupError):
    pass


class ScheduleInputError(ValueError):
    """The template gives a schedule an `Input` that is not JSON (AWS would refuse the template)."""


@dataclass(frozen=True)
class Run:
    schedule: Schedule
    event: Any
    result: Any


def _timestamp(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Schedules:
    def __init__(self, project: Project, invoke: Callable[[str, Any], Any]) -> None:
        self.project = project
        self._invoke = invoke

    def listing(self) -> list[dict[str, Any]]:
        return [
            {
                "name": schedule.logical_id,
                "function": schedule.function_id,
                "type": schedule.kind,
                "expression": self._resolve(schedule.expression),
                "timezone": self._resolve(schedule.timezone) or UTC_TIMEZONE,
                "state": self.state(schedule),
            }
            for schedule in self.project.schedules
        ]

    def find(self, name: str) -> Schedule:
        """The schedule with that logical id, else the only schedule of the function with that logical id."""
        schedules = self.project.schedules
        for schedule in schedules:
            if schedule.logical_id == name:
                return schedule
        of_function = [schedule for schedule in schedules if schedule.function_id == name]
        if len(of_function) == 1:
            return of_function[0]
        if of_function:
            names = ", ".join(schedule.logical_id for schedule in of_function)
            raise AmbiguousScheduleError(f"{name} has {len(of_function)} schedules; run one by its name: {names}")
        known = ", ".join(schedule.logical_id for schedule in schedules) or "none"
        raise UnknownScheduleError(
            f"no schedule or scheduled function named {name!r} in the template (schedules: {known})"
        )

    def run(self, schedule: Schedule, now: datetime | None = None) -> Run:
        """Invoke the schedule's function once with its scheduled event (the function's errors propagate)."""
        event = self.event(schedule, now or datetime.now(UTC))
        return Run(schedule, event, self._invoke(schedule.function_id, event))

    def state(self, schedule: Schedule) -> str:
        if self._resolve(schedule.enabled) is False:
            return "DISABLED"
        return str(self._resolve(schedule.state) or "ENABLED")

    def arn(self, schedule: Schedule) -> str:
        """The ARN of the rule or schedule, which the event names in `resources`."""
        resolver = self.project.resolver
        name = self._resolve(schedule.name) or default_physical_name(schedule.logical_id)
        if schedule.by_scheduler:
            group = self._resolve(schedule.group) or "default"
            return f"arn:aws:scheduler:{resolver.region}:{resolver.account_id}:schedule/{group}/{name}"
        return f"arn:aws:events:{resolver.region}:{resolver.account_id}:rule/{name}"

    def event(self, schedule: Schedule, now: datetime) -> Any:
        resolver = self.project.resolver
        given = self._resolve(schedule.input)
        if given is not None:
            if not isinstance(given, str):
                return given
            if schedule.by_scheduler:
                given = self._scheduler_attributes(given, schedule, now)
            try:
                return json.loads(given)
            except ValueError as error:
                raise ScheduleInputError(f"{schedule.logical_id}: its Input is not JSON ({error})") from None
        return {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Scheduled Event",
            "source": "aws.scheduler" if schedule.by_scheduler else "aws.events",
            "account": resolver.account_id,
            "time": _timestamp(now),
            "region": resolver.region,
            "resources": [self.arn(schedule)],
            "detail": "{}" if schedule.by_scheduler else {},
        }

    def _scheduler_attributes(self, text: str, schedule: Schedule, now: datetime) -> str:
        values = {
            "<aws.scheduler.schedule-arn>": self.arn(schedule),
            "<aws.scheduler.scheduled-time>": _timestamp(now),
            "<aws.scheduler.execution-id>": str(uuid.uuid4()),
            "<aws.scheduler.attempt-number>": "1",
        }
        for placeholder, value in values.items():
            text = text.replace(placeholder, value)
        return text

    def _resolve(self, value: Any) -> Any:
        return None if value is None else self.project.resolver.resolve(value)
