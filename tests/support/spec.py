"""Facts quoted from ../shared/SPEC.md, kept apart from the code so tests check the code against them."""

# SPEC §4: every key deal.won carries (null where not known yet).
DEAL_WON_KEYS = frozenset(
    {
        "deal_id",
        "customer_id",
        "bridge",
        "name",
        "value",
        "currency",
        "close_date",
        "actual_value",
        "note",
        "assigned_to",
        "opportunity_id",
        "variant_id",
        "quote_id",
        "lines",
        "channel",
    }
)
