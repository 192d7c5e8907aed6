"""Edge models of the distribution agreement operations: inputs and views."""

from __future__ import annotations

from pydantic import Field

from kernel.clock import to_rfc3339
from kernel.types import BusinessDate, Id, Input, ListQuery, Output
from sales.agreement.model import AgreementStatus, DistributionAgreement


class AgreementRef(Input):
    agreement_id: Id


class CreateAgreementInput(Input):
    reseller_id: Id = Field(description="a reseller's partner profile")
    distributor_id: Id = Field(description="a distributor's partner profile")
    territory: list[str] = Field(
        min_length=1, max_length=250, description='ISO 3166-1 alpha-2 country codes, e.g. ["DE", "AT"]'
    )
    starts_on: BusinessDate
    ends_on: BusinessDate | None = Field(default=None, description="on or after starts_on; absent: open-ended")


class PartnerAgreementsQuery(ListQuery):
    partner_id: Id


class AgreementView(Output):
    id: str
    reseller_id: str
    distributor_id: str
    territory: list[str]
    starts_on: str
    ends_on: str | None
    status: AgreementStatus
    activated_at: str | None
    terminated_at: str | None
    version: int
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, agreement: DistributionAgreement) -> AgreementView:
        return cls(
            id=agreement.id,
            reseller_id=agreement.reseller_id,
            distributor_id=agreement.distributor_id,
            territory=list(agreement.territory),
            starts_on=agreement.starts_on.isoformat(),
            ends_on=agreement.ends_on.isoformat() if agreement.ends_on else None,
            status=agreement.status,
            activated_at=to_rfc3339(agreement.activated_at) if agreement.activated_at else None,
            terminated_at=to_rfc3339(agreement.terminated_at) if agreement.terminated_at else None,
            version=agreement.version,
            created_at=to_rfc3339(agreement.created_at),
            updated_at=to_rfc3339(agreement.updated_at),
        )
