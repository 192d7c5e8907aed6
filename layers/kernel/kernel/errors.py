"""Domain errors carry a stable code; the runtime maps each class to an HTTP status once."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldIssue:
    field: str
    message: str


@dataclass
class DomainError(Exception):
    """Base of every business-rule failure. `code` is part of the public API: never change it."""

    message: str
    code: str = "DOMAIN_ERROR"
    details: list[FieldIssue] = field(default_factory=list)

    def __str__(self) -> str:
        return self.message


class ValidationFailed(DomainError):
    """Input is well-formed JSON but breaks a rule of the model (400)."""

    def __init__(self, message: str, details: list[FieldIssue] | None = None, code: str = "VALIDATION_ERROR"):
        super().__init__(message, code, details or [])


class RuleViolated(DomainError):
    """A command is not allowed in the aggregate's current state (400, the operation's code, e.g. MOVE_STAGE_FAILED)."""

    def __init__(self, message: str, code: str):
        super().__init__(message, code)


class NotFound(DomainError):
    """The addressed record does not exist, is soft-deleted, or the caller may not see it (404)."""

    def __init__(self, message: str, code: str = "NOT_FOUND", details: list[FieldIssue] | None = None):
        super().__init__(message, code, details or [])


class ReferenceNotFound(DomainError):
    """The command names another record that does not exist (422)."""

    def __init__(self, message: str, code: str, field_name: str):
        super().__init__(message, code, [FieldIssue(field_name, message)])


class Unprocessable(DomainError):
    """A well-formed command the record cannot serve as it is (422): e.g. forwarding a thread whose channel
    cannot forward, or one with nothing to forward."""

    def __init__(self, message: str, code: str, details: list[FieldIssue] | None = None):
        super().__init__(message, code, details or [])


class Conflict(DomainError):
    """The command clashes with other live data (409): duplicates, dependents, lost races."""

    def __init__(self, message: str, code: str = "CONFLICT", details: list[FieldIssue] | None = None):
        super().__init__(message, code, details or [])


class PreconditionFailed(DomainError):
    """If-Match named a version that is no longer current (412)."""

    def __init__(self, message: str = "the record changed since you read it; reload and retry"):
        super().__init__(message, "PRECONDITION_FAILED")


class Forbidden(DomainError):
    """The principal is known but its role does not allow the operation (403)."""

    def __init__(self, message: str = "your role does not allow this operation"):
        super().__init__(message, "FORBIDDEN")


class StaleVersion(DomainError):
    """The aggregate changed between load and save (optimistic concurrency lost a race)."""

    def __init__(self) -> None:
        super().__init__("the record changed while the command ran; retry", "CONFLICT")


class ServiceUnavailable(DomainError):
    """AWS kept throttling the request after every retry (503): it took no effect, and the same request may be
    sent again after `retry_after` seconds (the Retry-After header). Not a lost race, so never a 409."""

    def __init__(
        self,
        message: str = "the service is busy; the request took no effect, retry after the Retry-After interval",
        retry_after: int = 1,
    ) -> None:
        super().__init__(message, "SERVICE_UNAVAILABLE")
        self.retry_after = retry_after


class TransientWriteConflict(Exception):
    """A write lost a transaction race (or was throttled: WriteThrottled); nothing was written, retrying is safe."""


class WriteThrottled(TransientWriteConflict):
    """A write was refused for capacity or request rate, not for a race: retried like one, but when every
    attempt is throttled the answer is ServiceUnavailable, not a conflict."""


class AlreadyApplied(Exception):
    """This very command (same Idempotency-Key) already committed; `aggregate_id` is what it wrote."""

    def __init__(self, aggregate_id: str) -> None:
        super().__init__(aggregate_id)
        self.aggregate_id = aggregate_id
