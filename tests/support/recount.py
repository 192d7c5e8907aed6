"""Stats recounted from the lists: what the stats endpoints and every list total must equal."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from tests.support.api import Api

PROBABILITY = {
    "intake": 0,
    "lead": 10,
    "qualified": 25,
    "proposal": 50,
    "negotiation": 75,
    "closed_won": 100,
    "closed_lost": 0,
}
STATUS = {"closed_won": "won", "closed_lost": "lost"}


def all_pages(api: Api, path: str, **query: Any) -> tuple[list[dict[str, Any]], int]:
    """Every item of a list endpoint (following next_cursor) and the total it reports."""
    items: list[dict[str, Any]] = []
    cursor = None
    for _page in range(1000):
        params = {"page_size": 100, **query, **({"cursor": cursor} if cursor else {})}
        reply = api.get(path, query=params)
        assert reply.status == 200, reply.body
        items.extend(reply.data)
        cursor = reply.body["pagination"]["next_cursor"]
        if not cursor:
            return items, reply.body["pagination"]["total"]
    raise AssertionError("the list never ended")


def _half_even_hundredth(amount: int) -> int:
    quotient, remainder = divmod(amount, 100)
    if remainder > 50 or (remainder == 50 and quotient % 2):
        quotient += 1
    return quotient


def expected_stats(deals: list[dict[str, Any]], first_month: str, last_month: str) -> dict[str, Any]:
    """Pipeline, won and forecast stats as a recount of `deals` (the live deals, from the lists)."""
    stages: Counter[str] = Counter({stage: 0 for stage in PROBABILITY})
    open_value: dict[str, dict[str, int]] = defaultdict(dict)
    won: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    forecast: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for deal in deals:
        stage, currency, value = deal["stage"], deal["currency"], deal["value"]
        stages[stage] += 1
        if deal["status"] == "open":
            open_value[stage][currency] = open_value[stage].get(currency, 0) + value
        if deal["status"] == "won":
            won[currency][0] += 1
            won[currency][1] += value
        month = (deal["expected_close_date"] or "")[:7]
        if deal["status"] == "open" and stage != "intake" and first_month <= month <= last_month:
            row = forecast[(month, currency)]
            row[0] += 1
            row[1] += value
            row[2] += value * PROBABILITY[stage]
    by_currency = [
        {"currency": currency, "count": count, "total_value": total} for currency, (count, total) in sorted(won.items())
    ]
    single = by_currency[0] if len(by_currency) == 1 else None
    return {
        "pipeline": {"stats": dict(stages), "open_value": {stage: dict(v) for stage, v in open_value.items()}},
        "won": {
            "count": sum(row["count"] for row in by_currency),
            "total_value": single["total_value"] if single else (0 if not by_currency else None),
            "currency": single["currency"] if single else None,
            "by_currency": by_currency,
        },
        "forecast": {
            "from": first_month,
            "to": last_month,
            "months": [
                {
                    "month": month,
                    "currency": currency,
                    "count": count,
                    "value": value,
                    "weighted_value": _half_even_hundredth(weighted),
                }
                for (month, currency), (count, value, weighted) in sorted(forecast.items())
            ],
        },
    }


def assert_stats_match_a_recount(api: Api, first_month: str, last_month: str) -> list[dict[str, Any]]:
    """Stats endpoints and every list total equal a recount of the deals the lists return.

    Returns the live deals, for further checks."""
    deals, total = all_pages(api, "/sales/deals")
    assert total == len(deals) == len({deal["id"] for deal in deals}), "list total and items disagree"
    for deal in deals:
        assert deal["probability"] == PROBABILITY[deal["stage"]], deal
        assert deal["status"] == STATUS.get(deal["stage"], "open"), deal
    expected = expected_stats(deals, first_month, last_month)
    assert api.get("/sales/deals/stats/pipeline").data == expected["pipeline"]
    assert api.get("/sales/deals/stats/won").data == expected["won"]
    forecast = api.get("/sales/deals/stats/forecast", query={"from": first_month, "to": last_month}).data
    assert forecast == expected["forecast"]
    for status in ("open", "won", "lost"):
        listed, listed_total = all_pages(api, "/sales/deals", status=status)
        assert listed_total == len(listed) == sum(1 for deal in deals if deal["status"] == status), status
    for stage in PROBABILITY:
        listed, listed_total = all_pages(api, f"/sales/deals/stage/{stage}")
        assert listed_total == len(listed) == sum(1 for deal in deals if deal["stage"] == stage), stage
    for owner in {deal["assigned_to"] for deal in deals}:
        listed, listed_total = all_pages(api, "/sales/deals", assigned_to=owner)
        assert listed_total == len(listed) == sum(1 for deal in deals if deal["assigned_to"] == owner), owner
    for customer in {deal["customer_id"] for deal in deals}:
        listed, listed_total = all_pages(api, f"/sales/contacts/{customer}/deals")
        assert listed_total == len(listed) == sum(1 for deal in deals if deal["customer_id"] == customer), customer
    return deals
