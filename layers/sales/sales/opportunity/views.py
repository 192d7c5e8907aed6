"""Edge models of the opportunity operations: inputs and views."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field, StrictInt

from kernel.clock import to_rfc3339
from kernel.money import MAX_AMOUNT
from kernel.types import BusinessDate, Currency, Id, Input, ListQuery, LooseId, Output, ShortText, Text
from sales.opportunity.model import Opportunity, OpportunityStatus
from sales.opportunity.pricing import Comparison, Line, Variant, percent_text

# A percent with at most two decimals, 0 to 100, given as a JSON number or a decimal string ("12.5").
Percent = Annotated[Decimal, Field(ge=0, le=100, decimal_places=2, examples=["12.5"])]


class OpportunityRef(Input):
    opportunity_id: Id


class CreateOpportunityInput(Input):
    customer_id: Id = Field(description="a live contact")
    name: ShortText = Field(min_length=1)
    owner_id: LooseId | None = Field(default=None, description="defaults to the caller")
    partner_id: LooseId | None = None


class UpdateOpportunityInput(OpportunityRef):
    name: ShortText | None = Field(default=None, min_length=1)
    owner_id: LooseId | None = None


class LineInput(Input):
    description: ShortText = Field(min_length=1)
    product_code: str | None = Field(default=None, min_length=1, max_length=64)
    quantity: StrictInt = Field(ge=1, le=1_000_000)
    unit_price: StrictInt = Field(ge=0, le=MAX_AMOUNT, description="minor units")
    discount_percent: Percent = Decimal(0)

    def line(self) -> Line:
        return Line(
            description=self.description,
            product_code=self.product_code,
            quantity=self.quantity,
            unit_price=self.unit_price,
            discount_percent=self.discount_percent,
        )


class VariantInput(OpportunityRef):
    name: ShortText = Field(min_length=1)
    currency: Currency
    lines: list[LineInput] = Field(min_length=1, max_length=100)
    notes: Text | None = None


class VariantRef(OpportunityRef):
    variant_id: Id


class ReplaceVariantInput(VariantRef):
    name: ShortText = Field(min_length=1)
    currency: Currency
    lines: list[LineInput] = Field(min_length=1, max_length=100)
    notes: Text | None = None


class ValidateInput(OpportunityRef):
    variant_id: Id = Field(description="the variant the customer chose")


class ConfirmInput(OpportunityRef):
    expected_close_date: BusinessDate = Field(description="the deal's forecast close date, in the future")
    assigned_to: LooseId | None = Field(default=None, description="the deal's rep; defaults to the opportunity's owner")


class DeclineInput(OpportunityRef):
    reason: ShortText = Field(min_length=1)


class OpportunityListQuery(ListQuery):
    status: OpportunityStatus | None = None
    owner_id: LooseId | None = None
    customer_id: Id | None = None


class LineView(Output):
    description: str
    product_code: str | None
    quantity: int
    unit_price: int
    discount_percent: str
    discount: int
    total: int


class VariantView(Output):
    id: str
    name: str
    currency: str
    notes: str | None
    lines: list[LineView]
    subtotal: int
    discount_total: int
    total: int

    @classmethod
    def of(cls, variant: Variant) -> VariantView:
        totals = variant.totals()
        return cls(
            id=variant.id,
            name=variant.name,
            currency=variant.currency,
            notes=variant.notes,
            lines=[LineView(**line) for line in variant.line_snapshots()],
            subtotal=totals.subtotal,
            discount_total=totals.discount_total,
            total=totals.total,
        )


class OpportunityView(Output):
    id: str
    customer_id: str
    name: str
    owner_id: str
    lead_id: str | None
    partner_id: str | None
    status: OpportunityStatus
    variants: list[VariantView]
    validated_variant_id: str | None
    deal_id: str | None
    decline_reason: str | None
    version: int
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, opportunity: Opportunity) -> OpportunityView:
        return cls(
            id=opportunity.id,
            customer_id=opportunity.customer_id,
            name=opportunity.name,
            owner_id=opportunity.owner_id,
            lead_id=opportunity.lead_id,
            partner_id=opportunity.partner_id,
            status=opportunity.status,
            variants=[VariantView.of(variant) for variant in opportunity.variants],
            validated_variant_id=opportunity.validated_variant_id,
            deal_id=opportunity.deal_id,
            decline_reason=opportunity.decline_reason,
            version=opportunity.version,
            created_at=to_rfc3339(opportunity.created_at),
            updated_at=to_rfc3339(opportunity.updated_at),
        )


class VariantSummaryView(Output):
    id: str
    name: str
    currency: str
    subtotal: int
    discount_total: int
    total: int
    line_count: int


class LineComparisonView(Output):
    key: str = Field(description="the product code, else the description")
    per_variant: dict[str, dict[str, Any] | None] = Field(
        description="per variant id: {quantity, unit_price, discount_percent, total}, or null where it lacks the line"
    )


class ComparisonView(Output):
    opportunity_id: str
    variants: list[VariantSummaryView]
    lines: list[LineComparisonView]
    cheapest_by_currency: dict[str, str]

    @classmethod
    def of(cls, opportunity_id: str, comparison: Comparison) -> ComparisonView:
        return cls(
            opportunity_id=opportunity_id,
            variants=[
                VariantSummaryView(
                    id=summary.id,
                    name=summary.name,
                    currency=summary.currency,
                    subtotal=summary.subtotal,
                    discount_total=summary.discount_total,
                    total=summary.total,
                    line_count=summary.line_count,
                )
                for summary in comparison.variants
            ],
            lines=[
                LineComparisonView(
                    key=line.key,
                    per_variant={
                        variant_id: None
                        if offer is None
                        else {
                            "quantity": offer.quantity,
                            "unit_price": offer.unit_price,
                            "discount_percent": percent_text(offer.discount_percent),
                            "total": offer.total,
                        }
                        for variant_id, offer in line.per_variant.items()
                    },
                )
                for line in comparison.lines
            ],
            cheapest_by_currency=dict(comparison.cheapest_by_currency),
        )
