"""Distribution agreement use cases: make one between a reseller and a distributor, read one, list a partner's,
activate (no overlap with the pair's other active agreements, even when two activations race), terminate."""

from __future__ import annotations

import copy
from typing import Protocol

from kernel.commands import check_precondition, create_once, with_retries
from kernel.context import RequestContext
from kernel.dynamodb.repository import command_applied
from kernel.errors import AlreadyApplied, DomainError, NotFound, ReferenceNotFound
from kernel.listing import ListResult, paginate
from sales.agreement.model import DistributionAgreement, check_parties
from sales.agreement.store import AgreementRepository, Pair
from sales.agreement.views import AgreementRef, AgreementView, CreateAgreementInput, PartnerAgreementsQuery
from sales.partner.model import PartnerProfile
from sales.partner.store import PartnerRepository
from sales.partner.use_cases import visible


class AgreementStore(Protocol):
    def get(self, aggregate_id: str) -> DistributionAgreement | None: ...

    def pair(self, reseller_id: str, distributor_id: str) -> Pair: ...

    def of_partner(
        self, partner_id: str, page_size: int, cursor: str | None
    ) -> tuple[list[DistributionAgreement], str | None, int]: ...

    def save(
        self,
        agreement: DistributionAgreement,
        before: DistributionAgreement | None,
        ctx: RequestContext,
        pair: Pair | None = None,
    ) -> None: ...


class PartnerReader(Protocol):
    def get(self, aggregate_id: str) -> PartnerProfile | None: ...

    def many(self, partner_ids: list[str]) -> dict[str, PartnerProfile]: ...


AGREEMENTS: AgreementStore = AgreementRepository()
PARTNERS: PartnerReader = PartnerRepository()


def _not_found(agreement_id: str) -> NotFound:
    return NotFound(f"distribution agreement {agreement_id} not found", "AGREEMENT_NOT_FOUND")


def _visible(agreement: DistributionAgreement | None, agreement_id: str, ctx: RequestContext) -> DistributionAgreement:
    """A partner principal sees the agreements it is a party to; any other is unknown to it."""
    if agreement is None or agreement.is_deleted:
        raise _not_found(agreement_id)
    principal = ctx.principal
    if not (principal.acts_for(agreement.reseller_id) or principal.acts_for(agreement.distributor_id)):
        raise _not_found(agreement_id)
    return agreement


def create_agreement(
    cmd: CreateAgreementInput,
    ctx: RequestContext,
    agreements: AgreementStore = AGREEMENTS,
    partners: PartnerReader = PARTNERS,
) -> AgreementView:
    """A pending agreement between a reseller and a distributor, each a partner profile of that subtype."""
    agreement = DistributionAgreement.create(
        reseller_id=cmd.reseller_id,
        distributor_id=cmd.distributor_id,
        territory=cmd.territory,
        starts_on=cmd.starts_on,
        ends_on=cmd.ends_on,
        now=ctx.now,
    )
    found = partners.many([cmd.reseller_id, cmd.distributor_id])
    for field_name, partner_id in (("reseller_id", cmd.reseller_id), ("distributor_id", cmd.distributor_id)):
        partner = found.get(partner_id)
        if partner is None or partner.is_deleted:
            raise ReferenceNotFound(f"{field_name} names no partner", "INVALID_REFERENCE", field_name)
    check_parties(found[cmd.reseller_id].subtype.value, found[cmd.distributor_id].subtype.value)
    stored = create_once(ctx, agreement, lambda new: agreements.save(new, None, ctx), agreements.get)
    return AgreementView.of(stored)


def get_agreement(query: AgreementRef, ctx: RequestContext, agreements: AgreementStore = AGREEMENTS) -> AgreementView:
    return AgreementView.of(_visible(agreements.get(query.agreement_id), query.agreement_id, ctx))


def partner_agreements(
    query: PartnerAgreementsQuery,
    ctx: RequestContext,
    agreements: AgreementStore = AGREEMENTS,
    partners: PartnerReader = PARTNERS,
) -> ListResult[AgreementView]:
    visible(partners.get(query.partner_id), query.partner_id, ctx)
    page, next_cursor, total = agreements.of_partner(query.partner_id, query.page_size, query.cursor)
    return paginate([AgreementView.of(agreement) for agreement in page], total, query.page_size, next_cursor, None)


def _move(cmd: AgreementRef, ctx: RequestContext, agreements: AgreementStore, activating: bool) -> AgreementView:
    """Load the agreement and its pair item, change, and save both from the versions read: a rival activation
    or termination of the pair in between fails the save, and the retry sees what it did."""

    def attempt() -> DistributionAgreement:
        try:
            agreement = _visible(agreements.get(cmd.agreement_id), cmd.agreement_id, ctx)
            check_precondition(agreement, ctx)
            pair = agreements.pair(agreement.reseller_id, agreement.distributor_id)
            before = copy.deepcopy(agreement)
            if activating:
                active = pair.agreements(agreement.reseller_id, agreement.distributor_id)
                agreement.activate(now=ctx.now, active_of_pair=active)
            else:
                agreement.terminate(now=ctx.now)
            agreements.save(agreement, before, ctx, pair)
            return agreement
        except (DomainError, AlreadyApplied) as error:
            applied = error.aggregate_id if isinstance(error, AlreadyApplied) else command_applied(ctx)
            if applied == cmd.agreement_id and (replay := agreements.get(cmd.agreement_id)) is not None:
                return replay
            raise

    return AgreementView.of(with_retries(ctx, attempt))


def activate_agreement(
    cmd: AgreementRef, ctx: RequestContext, agreements: AgreementStore = AGREEMENTS
) -> AgreementView:
    return _move(cmd, ctx, agreements, activating=True)


def terminate_agreement(
    cmd: AgreementRef, ctx: RequestContext, agreements: AgreementStore = AGREEMENTS
) -> AgreementView:
    return _move(cmd, ctx, agreements, activating=False)
