"""The operation contract: declared once, read by handlers, template checks, docs and tests.

Modelled on the operation contracts the business writes (meta, io, policy, side effects, acceptance),
plus the HTTP binding and the error codes the operation can answer with.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel

HttpMethod = Literal["GET", "POST", "PUT", "PATCH", "DELETE"]


class Role(StrEnum):
    SALES = "sales"
    ADMIN = "admin"
    PARTNER = "partner"
    # Billing staff: the billing context's routes (with admin); no Sales route lets them in.
    BILLING = "billing"


@dataclass(frozen=True)
class Policy:
    """Who may call: any of `roles`. Partners are further scoped to their own records by the use case."""

    roles: frozenset[Role] = frozenset({Role.SALES, Role.ADMIN})
    auth: Literal["user"] = "user"


@dataclass(frozen=True)
class Emits:
    key: str
    version: str
    when: str


@dataclass(frozen=True)
class ErrorCase:
    code: str
    status: int
    when: str


@dataclass(frozen=True)
class Http:
    method: HttpMethod
    path: str  # relative to the stage, placeholders as in template.yaml: /sales/deals/{id}
    status: int = 200
    # URL placeholder -> input field, e.g. {"id": "deal_id"}
    path_params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Scenario:
    key: str
    given: tuple[str, ...]
    when: tuple[str, ...]
    then: tuple[str, ...]


@dataclass(frozen=True)
class Example:
    """An executable example: `setup` names fixtures the acceptance runner creates first
    (e.g. "contact", "deal"); `input` may reference them as "{contact.id}"; `output` is a
    subset the response data must contain."""

    key: str
    input: dict[str, Any]
    output: dict[str, Any] | None
    status: int = 200
    setup: tuple[str, ...] = ()
    error_code: str | None = None


@dataclass(frozen=True)
class Contract:
    key: str
    version: str
    kind: Literal["command", "query"]
    description: str
    goal: str
    context: str
    http: Http
    use_case: Callable[..., Any]
    input: type[BaseModel] | None = None
    output: type[BaseModel] | None = None
    paginated: bool = False
    stability: Literal["experimental", "beta", "stable", "deprecated"] = "stable"
    owners: tuple[str, ...] = ("@sales-platform",)
    tags: tuple[str, ...] = ()
    policy: Policy = Policy()
    emits: tuple[Emits, ...] = ()
    errors: tuple[ErrorCase, ...] = ()
    scenarios: tuple[Scenario, ...] = ()
    examples: tuple[Example, ...] = ()
    # The extra Lambda layers (beyond the context's globals) the operation's code needs, by layer folder name,
    # e.g. ("phones",) for layers/phones/, deployed as PhonesLayer and listed in the function's own `Layers`.
    layers: tuple[str, ...] = ()
    # What a success answers with: the JSON envelope, or a file of this media type (the use case returns a
    # kernel.http.envelope.Document; the API's binary media types must list it).
    produces: str = "application/json"
    # The largest request body taken, in bytes (JSON as sent): more is 413 PAYLOAD_TOO_LARGE. Commands whose
    # fields are long texts raise it: a 50,000-character message is up to 600 KB of JSON if every character is
    # an astral one escaped as a JSON surrogate pair (12 bytes).
    max_body_bytes: int = 64 * 1024
    # Other keys the operation is known by (the contract it was written from, e.g. a seed's), shown in the docs.
    aliases: tuple[str, ...] = ()

    @property
    def bounded_context(self) -> str:
        """The bounded context the operation belongs to: sales.deal.win -> sales."""
        return self.key.split(".")[0]

    @property
    def aggregate(self) -> str:
        return self.key.split(".")[1]

    @property
    def function_folder(self) -> str:
        """functions/<folder>/app.py, derived from the key: sales.deal.move_stage -> sales/deal_move_stage."""
        return f"{self.bounded_context}/" + "_".join(self.key.split(".")[1:])

    @property
    def logical_id(self) -> str:
        """Template resource name, carrying the context: sales.deal.move_stage -> SalesDealMoveStageFunction."""
        words = self.key.replace(".", "_").split("_")
        return "".join(word.capitalize() for word in words) + "Function"


# Errors every operation can answer with; contracts list only their own.
COMMON_ERRORS: tuple[ErrorCase, ...] = (
    ErrorCase("UNAUTHENTICATED", 401, "no authenticated principal on the request"),
    ErrorCase("FORBIDDEN", 403, "the caller's role is not in the contract policy"),
    ErrorCase("VALIDATION_ERROR", 400, "the input breaks its schema (types, formats, unknown fields)"),
    ErrorCase("INTERNAL_ERROR", 500, "an unexpected fault; nothing was written"),
    ErrorCase(
        "SERVICE_UNAVAILABLE",
        503,
        "AWS kept throttling the request after every retry; it took no effect: send it again after the "
        "`Retry-After` header's seconds",
    ),
)
COMMAND_ERRORS: tuple[ErrorCase, ...] = (
    ErrorCase("PRECONDITION_FAILED", 412, "If-Match names a version that is no longer current"),
    ErrorCase("CONFLICT", 409, "the record kept changing under concurrent writers; retry"),
    ErrorCase("IDEMPOTENCY_KEY_REUSED", 422, "the Idempotency-Key was used before with another body"),
)


def error_status(contract: Contract, code: str) -> int | None:
    for case in (*contract.errors, *COMMON_ERRORS, *COMMAND_ERRORS):
        if case.code == code:
            return case.status
    return None
