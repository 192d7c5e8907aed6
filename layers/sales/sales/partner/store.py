"""Partner profiles in the Sales table: the item mapping, the one save path (the profile, its tier history, on
create the contact's one-profile claim and the check that the contact is a live organization, on conversion the
check that no open direct deal is left) and the reads partners need."""

from __future__ import annotations

from kernel.clock import from_rfc3339, to_rfc3339
from kernel.context import RequestContext
from kernel.dynamodb import queries
from kernel.dynamodb.codec import Item, audit_fields, instant_of
from kernel.dynamodb.repository import Repository, unchanged
from kernel.dynamodb.transaction import Transaction
from kernel.errors import Conflict, FieldIssue, ReferenceNotFound, StaleVersion
from sales import keys
from sales.keys import Key
from sales.partner.model import PartnerFilter, PartnerProfile, PartnerStatus, Subtype, Tier, TierChange


def partner_item(partner: PartnerProfile) -> Item:
    return {
        **keys.partner(partner.id),
        "type": "PartnerProfile",
        **audit_fields(partner),
        "contact_id": partner.contact_id,
        "subtype": partner.subtype.value,
        "tier": partner.tier.value if partner.tier else None,
        "status": partner.status.value,
        **keys.partner_indexes(partner.id, partner.status.value, partner.subtype.value),
    }


def partner_from_item(item: Item) -> PartnerProfile:
    tier = item.get("tier")
    return PartnerProfile(
        id=item["id"],
        version=int(item["version"]),
        created_at=from_rfc3339(item["created_at"]),
        updated_at=from_rfc3339(item["updated_at"]),
        deleted_at=instant_of(item.get("deleted_at")),
        contact_id=item["contact_id"],
        subtype=Subtype(item["subtype"]),
        tier=Tier(tier) if tier else None,
        status=PartnerStatus(item["status"]),
    )


def _tier_change(item: Item) -> TierChange:
    previous = item.get("from_tier")
    return TierChange(
        from_tier=Tier(previous) if previous else None,
        to_tier=Tier(item["to_tier"]),
        reason=item["reason"],
        actor=item["actor"],
        at=from_rfc3339(item["at"]),
    )


def _index(filters: PartnerFilter) -> queries.IndexQuery:
    """A status, else a subtype (a tier implies resellers), picks the partition; the rest are post-filters."""
    subtype = filters.implied_subtype
    tier = (("tier", filters.tier.value),) if filters.tier is not None else ()
    if filters.status is not None:
        post = (("subtype", subtype.value),) if subtype is not None else ()
        return queries.IndexQuery("GSI2", keys.partner_status_list(filters.status.value), filters=post + tier)
    if subtype is not None:
        return queries.IndexQuery("GSI3", keys.partner_subtype_list(subtype.value), filters=tier)
    return queries.IndexQuery("GSI1", keys.PARTNER)


class PartnerRepository(Repository[PartnerProfile]):
    aggregate_type = "PartnerProfile"

    def key(self, aggregate_id: str) -> Key:
        return keys.partner(aggregate_id)

    def to_item(self, aggregate: PartnerProfile) -> Item:
        return partner_item(aggregate)

    def from_item(self, item: Item) -> PartnerProfile:
        return partner_from_item(item)

    def page(
        self, filters: PartnerFilter, page_size: int, cursor: str | None
    ) -> tuple[list[PartnerProfile], str | None, int]:
        """One page of the profiles `filters` selects, newest first, and how many it selects in all (a counting
        Query of the same partition: partners are few)."""
        if filters.selects_nothing:
            return [], None, 0
        query = _index(filters)
        found = queries.query_page(query, page_size, cursor)
        return [partner_from_item(item) for item in found.items], found.next_cursor, queries.count(query)

    def with_tier_history(self, partner_id: str) -> tuple[PartnerProfile | None, list[TierChange]]:
        """The profile and its tier history oldest first: one Query of the profile's partition, from the profile's
        sort key to the last history entry's (the outbox rows and counters sort before it)."""
        items = queries.partition_items(keys.partner(partner_id)["PK"], between=(keys.PARTNER, keys.TIER_HISTORY + "~"))
        profile = next((partner_from_item(item) for item in items if item["SK"] == keys.PARTNER), None)
        history = [_tier_change(item) for item in items if item["SK"].startswith(keys.TIER_HISTORY)]
        return profile, history

    def many(self, partner_ids: list[str]) -> dict[str, PartnerProfile]:
        """Several profiles in one BatchGetItem, by id (absent ones left out)."""
        found = queries.get_items([keys.partner(partner_id) for partner_id in partner_ids])
        return {item["id"]: partner_from_item(item) for item in found if item}

    def guard_reseller(self, tx: Transaction, partner_id: str) -> None:
        """Fail the transaction as a lost race unless the profile is still an active reseller (a conversion or a
        suspension committed since it was read): the command runs again and answers from what it is now."""
        tx.check(
            keys.partner(partner_id),
            "#subtype = :reseller AND #status = :active",
            names={"#subtype": "subtype", "#status": "status"},
            values={":reseller": "reseller", ":active": "active"},
            on_condition_failed=lambda _old: StaleVersion(),
        )

    def save(
        self, partner: PartnerProfile, before: PartnerProfile | None, ctx: RequestContext, *, converting: bool = False
    ) -> None:
        if unchanged(partner, before) and not partner.pending_tier_changes:
            return
        with self.saving(partner, ctx) as tx:
            for index, change in enumerate(partner.pending_tier_changes):
                tx.put(
                    {
                        **keys.tier_change(partner.id, partner.version, index),
                        "type": "TierChange",
                        "from_tier": change.from_tier.value if change.from_tier else None,
                        "to_tier": change.to_tier.value,
                        "reason": change.reason,
                        "actor": change.actor,
                        "at": to_rfc3339(change.at),
                    }
                )
            if before is None:
                _claim_contact(tx, partner)
            if converting:
                _no_open_direct_deals(tx, partner)
        partner.pending_tier_changes.clear()


def _claim_contact(tx: Transaction, partner: PartnerProfile) -> None:
    """The contact must be a live organization with no profile yet, both checked in the create's transaction."""

    def unusable(old: Item | None) -> Exception:
        if old is None or old.get("deleted_at"):
            return ReferenceNotFound(
                f"contact {partner.contact_id} is not a live contact", "CONTACT_NOT_FOUND", "contact_id"
            )
        return ReferenceNotFound(
            f"contact {partner.contact_id} is a {old.get('kind')}; partners are organizations",
            "INVALID_REFERENCE",
            "contact_id",
        )

    tx.check(
        keys.contact(partner.contact_id),
        "attribute_exists(PK) AND attribute_not_exists(deleted_at) AND #kind = :organization",
        names={"#kind": "kind"},
        values={":organization": "organization"},
        on_condition_failed=unusable,
    )

    def taken(old: Item | None) -> Exception:
        other = str(old.get("partner_id")) if old else "another profile"
        return Conflict(
            f"contact {partner.contact_id} already has partner profile {other}",
            "PARTNER_EXISTS",
            [FieldIssue("partner_id", other)],
        )

    tx.put(
        {**keys.partner_claim(partner.contact_id), "type": "PartnerClaim", "partner_id": partner.id},
        condition="attribute_not_exists(PK)",
        on_condition_failed=taken,
    )


def _no_open_direct_deals(tx: Transaction, partner: PartnerProfile) -> None:
    def open_deals(old: Item | None) -> Exception:
        count = int((old or {}).get("open_direct", 0))
        return Conflict(
            f"partner {partner.id} still has {count} open registered deal(s) routed direct",
            "OPEN_DIRECT_DEALS",
            [FieldIssue("open_direct_deals", str(count))],
        )

    tx.check(
        keys.partner_deal_counter(partner.id),
        "attribute_not_exists(open_direct) OR open_direct = :zero",
        values={":zero": 0},
        on_condition_failed=open_deals,
    )
