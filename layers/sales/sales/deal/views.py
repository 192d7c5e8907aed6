"""Edge models of the deal operations: what integrators send (inputs) and receive (views)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from kernel.clock import LAST_BUSINESS_DATE, LAST_BUSINESS_MONTH, to_rfc3339
from kernel.types import (
    Amount,
    BusinessDate,
    Currency,
    Id,
    Input,
    ListQuery,
    LooseId,
    Month,
    Output,
    QueryInput,
    ShortText,
    Tag,
    Text,
)
from sales.contact.model import ContactKind
from sales.deal.model import ChannelRoute, Deal, DealSource, DealStatus, DirectException, Stage


class DealRef(Input):
    deal_id: Id


class CreateDealInput(Input):
    customer_id: Id = Field(description="an existing live contact")
    assigned_to: LooseId | None = Field(default=None, description="sales rep's user id; defaults to the caller")
    name: ShortText = Field(min_length=1)
    value: Amount
    currency: Currency
    expected_close_date: BusinessDate = Field(
        description=f"forecast close date, must be in the future and on or before {LAST_BUSINESS_DATE.isoformat()}"
    )
    source: DealSource = DealSource.INBOUND
    tags: list[Tag] = Field(default_factory=list, max_length=20)


class UpdateBasicInfoInput(DealRef):
    name: ShortText | None = Field(default=None, min_length=1)
    expected_close_date: BusinessDate | None = None
    source: DealSource | None = None
    tags: list[Tag] | None = Field(default=None, max_length=20)
    assigned_to: LooseId | None = None


class UpdateValueInput(DealRef):
    value: Amount
    currency: Currency


class MoveStageInput(DealRef):
    stage: Stage


class WinDealInput(DealRef):
    close_date: BusinessDate | None = Field(default=None, description="defaults to today (UTC)")
    actual_value: Amount | None = Field(default=None, description="closing price; replaces the value")
    note: Text | None = None


class LoseDealInput(DealRef):
    close_date: BusinessDate | None = Field(default=None, description="defaults to today (UTC)")
    reason: Text | None = None


class DealListQuery(ListQuery):
    page: int | None = Field(
        default=None, ge=1, le=10_000, description="page number, for clients that page by number (prefer cursor)"
    )
    stage: Stage | None = None
    status: DealStatus | None = None
    assigned_to: LooseId | None = None
    customer_id: Id | None = None


class StageListQuery(ListQuery):
    stage: Stage
    page: int | None = Field(default=None, ge=1, le=10_000)


class ForecastQuery(QueryInput):
    from_month: Month | None = Field(
        default=None, alias="from", description=f"first month, YYYY-MM, at most {LAST_BUSINESS_MONTH}"
    )
    to_month: Month | None = Field(
        default=None, alias="to", description=f"last month, YYYY-MM, at most {LAST_BUSINESS_MONTH}"
    )


class NoInput(QueryInput):
    pass


class ChannelView(Output):
    reseller_id: str | None
    distributor_id: str | None
    route: str
    direct_exception: str | None = Field(
        default=None, description="direct route: requested, then granted or denied by an admin; else null"
    )
    decided_by: str | None = None
    decided_at: str | None = None


class ChannelChangeView(Output):
    from_distributor_id: str | None
    to_distributor_id: str
    reason: str
    actor: str
    at: str


class DealView(Output):
    id: str
    customer_id: str
    assigned_to: str
    name: str
    value: int
    currency: str
    stage: Stage
    probability: int
    status: DealStatus
    source: DealSource
    expected_close_date: str | None
    actual_close_date: str | None
    loss_reason: str | None
    note: str | None
    actual_value: int | None
    tags: list[str]
    opportunity_id: str | None
    variant_id: str | None
    quote_id: str | None
    lines: list[dict[str, Any]]
    channel: ChannelView
    version: int
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, deal: Deal) -> DealView:
        return cls(
            id=deal.id,
            customer_id=deal.customer_id,
            assigned_to=deal.assigned_to,
            name=deal.name,
            value=deal.value.amount,
            currency=deal.value.currency,
            stage=deal.stage,
            probability=deal.probability,
            status=deal.status,
            source=deal.source,
            expected_close_date=deal.expected_close_date.isoformat() if deal.expected_close_date else None,
            actual_close_date=deal.actual_close_date.isoformat() if deal.actual_close_date else None,
            loss_reason=deal.loss_reason,
            note=deal.note,
            actual_value=deal.actual_value,
            tags=list(deal.tags),
            opportunity_id=deal.opportunity_id,
            variant_id=deal.variant_id,
            quote_id=deal.quote_id,
            lines=list(deal.lines),
            channel=ChannelView(**deal.channel.as_view_dict()),
            version=deal.version,
            created_at=to_rfc3339(deal.created_at),
            updated_at=to_rfc3339(deal.updated_at),
        )


class StageChangeView(Output):
    from_stage: Stage | None
    to_stage: Stage
    actor: str
    at: str
    time_in_stage_seconds: int | None = Field(
        description="how long the deal stayed in from_stage before this change (null for the first entry)"
    )


class DealHistoryView(Output):
    deal_id: str
    stage: Stage
    entries: list[StageChangeView]
    channel_changes: list[ChannelChangeView] = Field(
        default_factory=list, description="a partner deal's reallocations to another distributor, oldest first"
    )


class PartnerDealView(DealView):
    """A deal as a partner's list shows it: a distributor the deal was rerouted away from sees it without its
    value and lines (`masked`)."""

    value: int | None = Field(description="minor units; null when masked")  # type: ignore[assignment]
    lines: list[dict[str, Any]] | None = Field(description="null when masked")  # type: ignore[assignment]
    masked: bool

    @classmethod
    def for_partner(cls, deal: Deal, partner_id: str) -> PartnerDealView:
        shown = DealView.of(deal).model_dump()
        masked = partner_id in deal.former_distributors and partner_id != deal.channel.distributor_id
        if masked:
            shown.update(value=None, lines=None)
        return cls(**shown, masked=masked)


class NewCustomerInput(Input):
    """The customer a registration creates, when it is not a contact yet."""

    kind: ContactKind
    display_name: ShortText = Field(min_length=1)
    emails: list[str] = Field(default_factory=list, max_length=10)
    country: str | None = Field(default=None, max_length=2, description="ISO 3166-1 alpha-2")


class RegisterDealInput(Input):
    partner_id: Id = Field(description="the registering reseller (the path's id)")
    customer_id: Id | None = Field(default=None, description="a live contact; or give `customer` to create one")
    customer: NewCustomerInput | None = None
    name: ShortText = Field(min_length=1)
    value: Amount
    currency: Currency
    expected_close_date: BusinessDate
    route: ChannelRoute
    distributor_id: Id | None = Field(default=None, description="required for route distributor, absent for direct")
    assigned_to: LooseId | None = Field(default=None, description="the rep who works the deal; defaults to the caller")


class DirectExceptionInput(DealRef):
    decision: DirectException = Field(description="granted or denied")


class ReallocateInput(DealRef):
    distributor_id: Id
    reason: str = Field(min_length=1, max_length=500)


class PartnerDealsQuery(ListQuery):
    partner_id: Id


class PipelineStatsView(Output):
    stats: dict[str, int] = Field(description="live deals per stage")
    open_value: dict[str, dict[str, int]] = Field(description="open value per stage per currency (minor units)")


class CurrencyTotal(Output):
    currency: str
    count: int
    total_value: int


class WonStatsView(Output):
    count: int
    total_value: int | None = Field(description="set only when every won deal shares one currency")
    currency: str | None
    by_currency: list[CurrencyTotal]


class ForecastRow(Output):
    month: str
    currency: str
    count: int
    value: int
    weighted_value: int = Field(description="sum of value x probability / 100, rounded half-even")


class ForecastView(Output):
    from_month: str = Field(serialization_alias="from")
    to_month: str = Field(serialization_alias="to")
    months: list[ForecastRow]
