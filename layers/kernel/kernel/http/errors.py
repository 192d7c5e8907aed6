"""One map from failure to HTTP answer, by exception type and stable code (never by message text)."""

from __future__ import annotations

from pydantic import ValidationError
from pydantic.alias_generators import to_snake

from kernel import errors as domain
from kernel.errors import FieldIssue

STATUS_BY_TYPE: tuple[tuple[type[domain.DomainError], int], ...] = (
    (domain.ValidationFailed, 400),
    (domain.RuleViolated, 400),
    (domain.Forbidden, 403),
    (domain.NotFound, 404),
    (domain.StaleVersion, 409),
    (domain.Conflict, 409),
    (domain.PreconditionFailed, 412),
    (domain.ReferenceNotFound, 422),
    (domain.Unprocessable, 422),
    (domain.ServiceUnavailable, 503),
)


class BadRequest(domain.DomainError):
    """The HTTP request itself is unusable (body not JSON, too large, bad header)."""

    def __init__(self, message: str, code: str = "VALIDATION_ERROR", status: int = 400, field: str | None = None):
        super().__init__(message, code, [FieldIssue(field, message)] if field else [])
        self.status = status


class Unauthenticated(domain.DomainError):
    def __init__(self) -> None:
        super().__init__("an authenticated principal is required", "UNAUTHENTICATED")


def status_of(error: domain.DomainError) -> int:
    own_status = getattr(error, "status", None)  # runtime errors that carry their own status
    if isinstance(own_status, int):
        return own_status
    if isinstance(error, Unauthenticated):
        return 401
    for kind, status in STATUS_BY_TYPE:
        if isinstance(error, kind):
            return status
    return 400


def field_path(location: tuple[int | str, ...]) -> str:
    """`items[0].amount`: the form the domain's own checks name list entries in, so one field reads one way."""
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            # Pydantic locates errors by alias; fields are documented in snake_case (explicit aliases such
            # as the forecast's `from` stay as they are, being snake_case already).
            path += f"{'.' if path else ''}{to_snake(part)}"
    return path or "body"


def from_validation(error: ValidationError) -> domain.ValidationFailed:
    """Pydantic's report as field/message pairs; the rejected value is never echoed back."""
    details = []
    for issue in error.errors(include_url=False, include_input=False):
        location = field_path(issue["loc"])
        message = issue["msg"]
        if issue["type"] == "extra_forbidden":
            message = "unknown field"
        details.append(FieldIssue(location, message))
    return domain.ValidationFailed("the request is invalid", details)
