"""The events a distribution agreement publishes, one class per event."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field

from kernel.events import DomainEvent, EventSpec, catalogue


@dataclass(frozen=True, kw_only=True)
class AgreementSnapshot(DomainEvent):
    """What the agreement looks like after the change."""

    agreement_id: str
    reseller_id: Annotated[str, Field(description="partner profile id of the reseller")]
    distributor_id: Annotated[str, Field(description="partner profile id of the distributor")]
    territory: Annotated[
        list[str], Field(description="ISO 3166-1 alpha-2 country codes, upper case, sorted, no duplicates")
    ]
    starts_on: Annotated[str, Field(description="first day of the agreement, YYYY-MM-DD")]
    ends_on: Annotated[str | None, Field(description="last day of the agreement, YYYY-MM-DD; null: open-ended")]
    status: Literal["pending", "active", "terminated"]


@dataclass(frozen=True, kw_only=True)
class AgreementCreated(AgreementSnapshot):
    KEY = "agreement.created"
    DESCRIPTION = "A distribution agreement between a reseller and a distributor was drawn up; it is pending."


@dataclass(frozen=True, kw_only=True)
class AgreementActivated(AgreementSnapshot):
    KEY = "agreement.activated"
    DESCRIPTION = (
        "A distribution agreement came into force: the reseller may route deals through the distributor on the "
        "agreement's dates."
    )


@dataclass(frozen=True, kw_only=True)
class AgreementTerminated(AgreementSnapshot):
    KEY = "agreement.terminated"
    DESCRIPTION = "A distribution agreement was ended: it clears no deal's channel from now on, on any date."


EVENTS: tuple[EventSpec, ...] = catalogue("sales", AgreementCreated, AgreementActivated, AgreementTerminated)
