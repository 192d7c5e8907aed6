"""The campaigns' won figures, fed by `deal.won`: a won deal that came from an opportunity, which came from a
lead, which a campaign raised, adds one deal and its value to that campaign's won counters.

Three GetItems at most (the opportunity, the lead; the campaign's counter item is only added to), never a scan.
Each event is counted once: the consumer runtime commits the counter update with the event's claim. A deal
won outside the funnel (no opportunity, a lead raised outside a campaign) is acknowledged and changes nothing.
The figures trail the win by the time the event takes through the relay, the bus and the queue (about a
second under `make dev`, where the relay and the queue are polled).
"""

from __future__ import annotations

from kernel.consumer import Envelope
from kernel.dynamodb.transaction import Transaction
from kernel.http.observability import logger
from kernel.ids import is_uuid
from kernel.money import is_currency
from sales import keys
from sales.campaign.stats import won_counters
from sales.lead.store import LeadRepository
from sales.opportunity.store import OpportunityRepository

OPPORTUNITIES = OpportunityRepository()
LEADS = LeadRepository()


def on_deal_won(envelope: Envelope, tx: Transaction) -> None:
    data = envelope.data
    opportunity_id, value, currency = data.get("opportunity_id"), data.get("value"), data.get("currency")
    if not isinstance(opportunity_id, str) or not is_uuid(opportunity_id):
        return  # a deal opened directly, not from an opportunity
    if (
        not isinstance(value, int)
        or isinstance(value, bool)
        or not isinstance(currency, str)
        or not is_currency(currency)
    ):
        logger.warning("deal.won without a value in a currency", extra={"deal_id": data.get("deal_id")})
        return
    opportunity = OPPORTUNITIES.get(opportunity_id)
    if opportunity is None or opportunity.lead_id is None:
        return
    lead = LEADS.get(opportunity.lead_id)
    if lead is None or lead.campaign_id is None:
        return
    tx.add_counters(keys.campaign_won_counter(lead.campaign_id), won_counters(currency, value))
