"""Distribution agreements in the Sales table: the agreement (listed under its reseller), its copy listed under
its distributor, and the pair item that holds the pair's active agreements under a version, so that activations
and terminations of one pair are serialized and a win can tell in one read whether an agreement covers a day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kernel.clock import from_rfc3339, to_rfc3339
from kernel.context import RequestContext
from kernel.dynamodb import queries
from kernel.dynamodb.codec import Item, audit_fields, date_of, instant_of
from kernel.dynamodb.repository import Repository, get_item
from kernel.dynamodb.transaction import Transaction
from kernel.errors import StaleVersion
from sales import keys
from sales.agreement.model import AgreementStatus, DistributionAgreement
from sales.keys import Key


def agreement_item(agreement: DistributionAgreement) -> Item:
    return {
        **keys.agreement(agreement.id),
        "type": "DistributionAgreement",
        **_fields(agreement),
        "GSI1PK": keys.partner_agreements(agreement.reseller_id),
        "GSI1SK": agreement.id,
    }


def _fields(agreement: DistributionAgreement) -> Item:
    return {
        **audit_fields(agreement),
        "reseller_id": agreement.reseller_id,
        "distributor_id": agreement.distributor_id,
        "territory": list(agreement.territory),
        "starts_on": agreement.starts_on.isoformat(),
        "ends_on": agreement.ends_on.isoformat() if agreement.ends_on else None,
        "status": agreement.status.value,
        "activated_at": to_rfc3339(agreement.activated_at) if agreement.activated_at else None,
        "terminated_at": to_rfc3339(agreement.terminated_at) if agreement.terminated_at else None,
    }


def agreement_from_item(item: Item) -> DistributionAgreement:
    starts_on = date_of(item["starts_on"])
    assert starts_on is not None
    return DistributionAgreement(
        id=item["id"],
        version=int(item["version"]),
        created_at=from_rfc3339(item["created_at"]),
        updated_at=from_rfc3339(item["updated_at"]),
        deleted_at=instant_of(item.get("deleted_at")),
        reseller_id=item["reseller_id"],
        distributor_id=item["distributor_id"],
        territory=tuple(item["territory"]),
        starts_on=starts_on,
        ends_on=date_of(item.get("ends_on")),
        status=AgreementStatus(item["status"]),
        activated_at=instant_of(item.get("activated_at")),
        terminated_at=instant_of(item.get("terminated_at")),
    )


@dataclass(frozen=True)
class Pair:
    """The pair item as read: its version (0 before its first activation) and its active agreements' dates."""

    version: int
    active: dict[str, tuple[date, date | None]]

    def covers(self, day: date) -> bool:
        """Whether an active agreement of the pair covers `day`."""
        return any(starts <= day and (ends is None or day <= ends) for starts, ends in self.active.values())

    def agreements(self, reseller_id: str, distributor_id: str) -> list[DistributionAgreement]:
        """The active agreements as the overlap rule reads them: their dates, nothing else."""
        return [
            DistributionAgreement(
                id=agreement_id,
                reseller_id=reseller_id,
                distributor_id=distributor_id,
                territory=(),
                starts_on=starts,
                ends_on=ends,
                status=AgreementStatus.ACTIVE,
                created_at=from_rfc3339("2000-01-01T00:00:00Z"),
                updated_at=from_rfc3339("2000-01-01T00:00:00Z"),
            )
            for agreement_id, (starts, ends) in self.active.items()
        ]


def pair_of(item: Item | None) -> Pair:
    if not item:
        return Pair(0, {})
    active = {
        agreement_id: (date.fromisoformat(span[0]), date.fromisoformat(span[1]) if span[1] else None)
        for agreement_id, span in (item.get("active") or {}).items()
    }
    return Pair(int(item.get("version", 0)), active)


class AgreementRepository(Repository[DistributionAgreement]):
    aggregate_type = "DistributionAgreement"

    def key(self, aggregate_id: str) -> Key:
        return keys.agreement(aggregate_id)

    def to_item(self, aggregate: DistributionAgreement) -> Item:
        return agreement_item(aggregate)

    def from_item(self, item: Item) -> DistributionAgreement:
        return agreement_from_item(item)

    def pair(self, reseller_id: str, distributor_id: str) -> Pair:
        return pair_of(get_item(keys.agreement_pair(reseller_id, distributor_id)))

    def guard_pair(self, tx: Transaction, reseller_id: str, distributor_id: str, pair: Pair) -> None:
        """Fail the transaction as a lost race when the pair's agreements changed since `pair` was read (an
        agreement the command relied on was terminated in between)."""
        tx.check(
            keys.agreement_pair(reseller_id, distributor_id),
            "#version = :read",
            names={"#version": "version"},
            values={":read": pair.version},
            on_condition_failed=lambda _old: StaleVersion(),
        )

    def of_partner(
        self, partner_id: str, page_size: int, cursor: str | None
    ) -> tuple[list[DistributionAgreement], str | None, int]:
        """One page of a partner's agreements, as reseller or distributor, newest first, and how many it has."""
        query = queries.IndexQuery("GSI1", keys.partner_agreements(partner_id))
        found = queries.query_page(query, page_size, cursor)
        return [agreement_from_item(item) for item in found.items], found.next_cursor, queries.count(query)

    def save(
        self,
        agreement: DistributionAgreement,
        before: DistributionAgreement | None,
        ctx: RequestContext,
        pair: Pair | None = None,
    ) -> None:
        """The agreement and its distributor copy; with `pair` (an activation or termination), the pair item
        moved on from the version read, with the agreement's dates in or out of its active ones."""
        with self.saving(agreement, ctx) as tx:
            tx.put(
                {
                    **keys.agreement_distributor_entry(agreement.id),
                    "type": "AgreementEntry",
                    **_fields(agreement),
                    "GSI1PK": keys.partner_agreements(agreement.distributor_id),
                    "GSI1SK": agreement.id,
                }
            )
            if pair is not None:
                _move_pair(tx, agreement, pair)


def _move_pair(tx: Transaction, agreement: DistributionAgreement, pair: Pair) -> None:
    active = {
        agreement_id: [starts.isoformat(), ends.isoformat() if ends else None]
        for agreement_id, (starts, ends) in pair.active.items()
        if agreement_id != agreement.id
    }
    if agreement.status is AgreementStatus.ACTIVE:
        active[agreement.id] = [
            agreement.starts_on.isoformat(),
            agreement.ends_on.isoformat() if agreement.ends_on else None,
        ]
    key = keys.agreement_pair(agreement.reseller_id, agreement.distributor_id)
    if pair.version == 0:
        condition, names, values = "attribute_not_exists(PK)", None, None
    else:
        condition, names, values = "#version = :read", {"#version": "version"}, {":read": pair.version}
    tx.put(
        {**key, "type": "AgreementPair", "version": pair.version + 1, "active": active},
        condition=condition,
        names=names,
        values=values,
        on_condition_failed=lambda _old: StaleVersion(),
    )
