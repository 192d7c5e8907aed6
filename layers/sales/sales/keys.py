"""Every key of the Sales table in one place (the kernel adds outbox, command and counter-shard keys);
docs/data-model.md is the same table in prose."""

from __future__ import annotations

from kernel.dynamodb.keys import Key, index_shard, sharded_partition, stats_shard
from sales.contact.names import name_key

__all__ = ["Key", "stats_shard"]

DEAL = "DEAL"
CONTACT = "CONTACT"
HISTORY = "HISTORY#"
# Counter families: each is spread over `stats_shards` items (kernel.dynamodb.keys.stats_shard).
DEAL_STATS = "DEAL"
CONTACT_STATS = "CONTACT"
# Forecast counters live on items of their own, per expected-close month, each month spread over this many
# shards. Four, not `stats_shards`: even if every one of 1,000 deal writes a second went to the same month,
# a forecast shard would take ~250 of them, ~500 WCU/s at 2 WCU per transactional ADD of an item under
# 1 KB, half of what an item absorbs; and the longest forecast window (36 months) is 144 keys, two
# BatchGetItems of at most 100 (with 10 shards it would be 360 keys, four requests).
FORECAST_SHARDS = 4
BATCH_GET_MAX_KEYS = 100  # DynamoDB's limit per BatchGetItem
# Every deal write rewrites the deal's entry in the all-deals index partition (GSI1) and in its status's
# (GSI2): on one partition key each, 1,000 deal writes a second would be 1,000 to 2,000 WCU/s on one key, at or
# over the 1,000 WCU/s a partition absorbs, and creates (time-ordered ids, all at the newest end of the sort
# key) cannot be split apart by DynamoDB. So both keys are write-sharded: a deal's entries sit under
# `<key>#<n>`, n from a stable hash of its id. Four shards: at 1,000 deal writes a second the busiest takes
# ~300 in any second, ~300 WCU/s for deals under 1 KB and ~600 for 2 KB ones (tests/perf computes it from the
# measured deal size; docs/data-model.md, Index partitions, has the arithmetic and its limits). The price is
# on the read side: an unfiltered or status/stage list page queries every shard (4 Queries, merged), so more
# shards would make every such page dearer. Changing the number moves entries between partition keys: it
# needs the backfill of docs/data-model.md again.
DEAL_INDEX_SHARDS = 4
DEAL_LIST = DEAL  # GSI1 partition of every live deal, newest first (sharded)


def deal(deal_id: str) -> Key:
    return {"PK": f"DEAL#{deal_id}", "SK": DEAL}


def contact(contact_id: str) -> Key:
    return {"PK": f"CONTACT#{contact_id}", "SK": CONTACT}


def email_claim(email: str) -> Key:
    # `email` is an address as the Contact aggregate stores it, normalized (sales.contact.model.normalize_email),
    # so every spelling of one address is one key. Not normalized again here: a claim is released under the
    # exact key it was taken with, even one written before the normalization last changed.
    return {"PK": f"EMAIL#{email}", "SK": "EMAIL"}


def history(deal_id: str, version: int, index: int) -> Key:
    return {"PK": f"DEAL#{deal_id}", "SK": f"{HISTORY}{version:010d}#{index:02d}"}


def deal_forecast_shard(month: str, shard: int) -> Key:
    """`STATS#DEAL#FORECAST#<YYYY-MM>#<nn>`: that month's forecast counters, three per currency."""
    return stats_shard(f"{DEAL_STATS}#FORECAST#{month}", shard)


def owner_deal_counter(user_id: str) -> Key:
    return {"PK": f"USER#{user_id}", "SK": "COUNTER#DEALS"}


def customer_deal_counter(contact_id: str) -> Key:
    return {"PK": f"CONTACT#{contact_id}", "SK": "COUNTER#DEALS"}


# -- index keys (set only on live records: soft-deleted ones drop out of every list) -------------
def deal_status_list(status: str) -> str:
    """GSI2 partition (sharded like DEAL_LIST) of the live deals of one status, by stage then newest first."""
    return f"DEAL#STATUS#{status}"


def deal_index_shard(deal_id: str) -> int:
    return index_shard(deal_id, DEAL_INDEX_SHARDS)


def deal_indexes(deal_id: str, status: str, stage: str, owner: str, customer: str) -> dict[str, str]:
    # The all-deals and per-status keys take (nearly) every deal write: write-sharded, same shard for both.
    # Owner and customer keys take one rep's or one customer's writes only: one partition key each.
    shard = deal_index_shard(deal_id)
    return {
        "GSI1PK": sharded_partition(DEAL_LIST, shard),
        "GSI1SK": deal_id,
        "GSI2PK": sharded_partition(deal_status_list(status), shard),
        "GSI2SK": f"{stage}#{deal_id}",
        "GSI3PK": f"DEAL#OWNER#{owner}",
        "GSI3SK": f"{status}#{stage}#{deal_id}",
        "GSI4PK": customer_deals(customer),
        "GSI4SK": f"{status}#{stage}#{deal_id}",
    }


def customer_deals(customer: str) -> str:
    """GSI4 partition of a customer's live deals, by status, stage, then id."""
    return f"DEAL#CUSTOMER#{customer}"


def customer_deleted_deals(customer: str) -> str:
    """GSI4 partition of a customer's soft-deleted deals: listed nowhere, but a merge of the customer must find
    them too, so that no deal is left naming a merged contact."""
    return f"DEAL#CUSTOMER#{customer}#DELETED"


def deleted_deal_indexes(deal_id: str, customer: str) -> dict[str, str]:
    return {"GSI4PK": customer_deleted_deals(customer), "GSI4SK": deal_id}


# Every contact list is in name order: each of its index entries sorts by `<name key>#<id>`, so `q` (a name
# prefix) is a key condition on whichever index answers the other filters.
def contact_list_sort(contact_id: str, display_name: str) -> str:
    return f"{name_key(display_name)}#{contact_id}"


def contact_kind_list(kind: str, lifecycle: str) -> str:
    """GSI2 partition of the live contacts of one kind and lifecycle (a list by kind alone, or by lifecycle
    alone, merges the partitions of the other field's values)."""
    return f"CONTACT#KIND#{kind}#{lifecycle}"


def contact_owner_list(owner_id: str) -> str:
    return f"CONTACT#OWNER#{owner_id}"


def contact_under_list(contact_id: str) -> str:
    """GSI4 partition of the live contacts directly under an organization: its subsidiaries (parent_id) and
    its employees (employer_id); a contact has at most one of the two links."""
    return f"CONTACT#UNDER#{contact_id}"


def contact_indexes(
    contact_id: str, display_name: str, kind: str, lifecycle: str, owner_id: str, under: str | None
) -> dict[str, str]:
    sort = contact_list_sort(contact_id, display_name)
    entries = {
        "GSI1PK": CONTACT,
        "GSI1SK": sort,
        "GSI2PK": contact_kind_list(kind, lifecycle),
        "GSI2SK": sort,
        "GSI3PK": contact_owner_list(owner_id),
        "GSI3SK": sort,
    }
    if under is not None:
        entries.update(GSI4PK=contact_under_list(under), GSI4SK=sort)
    return entries


# A contact's tags and phones are many per contact, so each gets an entry item of its own
# (`ENTRY#CONTACT#<id>` / `TAG#<tag>`, `PHONE#<E.164>`), listed on GSI1 under the tag or the number. Their own
# partition, not the contact's: the functions that release them may delete there and nowhere near the contact.
TAG_MEMBER = "TAG"
PHONE_MEMBER = "PHONE"
DOMAIN_MEMBER = "DOMAIN"  # a business domain of its emails or website (duplicates), not a list filter


def contact_member(contact_id: str, family: str, value: str) -> Key:
    return {"PK": f"ENTRY#CONTACT#{contact_id}", "SK": f"{family}#{value}"}


def contact_member_list(family: str, value: str) -> str:
    return f"CONTACT#{family}#{value}"


def contact_member_indexes(family: str, value: str, contact_id: str, display_name: str) -> dict[str, str]:
    return {"GSI1PK": contact_member_list(family, value), "GSI1SK": contact_list_sort(contact_id, display_name)}


# -- relationships ---------------------------------------------------------------------------------------
def relationship(relationship_id: str) -> Key:
    return {"PK": f"RELATIONSHIP#{relationship_id}", "SK": "RELATIONSHIP"}


def relationship_claim(from_id: str, to_id: str, type_: str) -> Key:
    """One per live (from, to, type): a second such relationship fails `attribute_not_exists` on it."""
    return {"PK": f"ENTRY#RELATIONSHIP#{from_id}#{to_id}#{type_}", "SK": "CLAIM"}


# Each contact's edges (one per relationship it is an end of) in one partition of its own: its relationship list
# and the network's step from it are one Query, bounded by that contact's edges, never by the table.
EDGE = "REL#"


def contact_edges(contact_id: str) -> str:
    return f"ENTRY#EDGES#{contact_id}"


def contact_edge(contact_id: str, relationship_id: str) -> Key:
    return {"PK": contact_edges(contact_id), "SK": f"{EDGE}{relationship_id}"}


# A hierarchy link seen from above: an entry in the parent's, employer's or manager's edge partition per contact
# linked to it. Sorted after the relationship edges (`SUB#` > `REL#`), so a step of the network reads every
# relationship edge first, then as many linked contacts as it may still show.
SUBORDINATE = "SUB#"


def subordinate(above_id: str, link: str, contact_id: str) -> Key:
    return {"PK": contact_edges(above_id), "SK": f"{SUBORDINATE}{link}#{contact_id}"}


def relationship_counter(contact_id: str) -> Key:
    """How many live relationships a contact is an end of (bounded: sales.relationship.model)."""
    return {"PK": f"CONTACT#{contact_id}", "SK": "COUNTER#RELATIONSHIPS"}


# -- campaigns -------------------------------------------------------------------------------------------
# Campaigns are few (a marketing team runs dozens a year): one index partition each for all of them, one per
# status and one per type, newest first by their time-ordered ids, never sharded.
CAMPAIGN = "CAMPAIGN"


def campaign(campaign_id: str) -> Key:
    return {"PK": f"CAMPAIGN#{campaign_id}", "SK": CAMPAIGN}


def campaign_status_list(status: str) -> str:
    return f"CAMPAIGN#STATUS#{status}"


def campaign_type_list(type_: str) -> str:
    return f"CAMPAIGN#TYPE#{type_}"


def campaign_indexes(campaign_id: str, status: str, type_: str) -> dict[str, str]:
    return {
        "GSI1PK": CAMPAIGN,
        "GSI1SK": campaign_id,
        "GSI2PK": campaign_status_list(status),
        "GSI2SK": campaign_id,
        "GSI3PK": campaign_type_list(type_),
        "GSI3SK": campaign_id,
    }


def campaign_lead_counter(campaign_id: str) -> Key:
    """The campaign's lead counters (sales.campaign.stats), added to by every lead command."""
    return {"PK": f"CAMPAIGN#{campaign_id}", "SK": "COUNTER#LEADS"}


def campaign_won_counter(campaign_id: str) -> Key:
    """The campaign's won-deal counters, added to by the consumer of deal.won."""
    return {"PK": f"CAMPAIGN#{campaign_id}", "SK": "COUNTER#WON"}


# -- leads -----------------------------------------------------------------------------------------------
# Leads come in at deal-like rates (every form fill, every campaign response): the all-leads and per-status
# partitions are write-sharded like the deals' (a page queries every shard, merged), owner and contact
# partitions are one key each. A campaign lead also has an entry item listed under its campaign (the lead item
# has no index left for it), carrying copies of the attributes the other filters read.
LEAD = "LEAD"
LEAD_STATS = "LEAD"
LEAD_INDEX_SHARDS = 4


def lead(lead_id: str) -> Key:
    return {"PK": f"LEAD#{lead_id}", "SK": LEAD}


def lead_status_list(status: str) -> str:
    return f"LEAD#STATUS#{status}"


def lead_owner_list(owner_id: str) -> str:
    return f"LEAD#OWNER#{owner_id}"


def lead_contact_list(contact_id: str) -> str:
    return f"LEAD#CONTACT#{contact_id}"


def lead_campaign_list(campaign_id: str) -> str:
    return f"LEAD#CAMPAIGN#{campaign_id}"


def lead_indexes(lead_id: str, status: str, owner_id: str, contact_id: str) -> dict[str, str]:
    shard = index_shard(lead_id, LEAD_INDEX_SHARDS)
    return {
        "GSI1PK": sharded_partition(LEAD, shard),
        "GSI1SK": lead_id,
        "GSI2PK": sharded_partition(lead_status_list(status), shard),
        "GSI2SK": lead_id,
        "GSI3PK": lead_owner_list(owner_id),
        "GSI3SK": f"{status}#{lead_id}",
        "GSI4PK": lead_contact_list(contact_id),
        "GSI4SK": f"{status}#{lead_id}",
    }


def lead_campaign_entry(lead_id: str) -> Key:
    return {"PK": f"ENTRY#LEAD#{lead_id}", "SK": "CAMPAIGN"}


def lead_campaign_entry_indexes(campaign_id: str, lead_id: str) -> dict[str, str]:
    return {"GSI1PK": lead_campaign_list(campaign_id), "GSI1SK": lead_id}


# -- opportunities ---------------------------------------------------------------------------------------
OPPORTUNITY = "OPPORTUNITY"
OPPORTUNITY_STATS = "OPPORTUNITY"
OPPORTUNITY_INDEX_SHARDS = 4


def opportunity(opportunity_id: str) -> Key:
    return {"PK": f"OPPORTUNITY#{opportunity_id}", "SK": OPPORTUNITY}


def opportunity_status_list(status: str) -> str:
    return f"OPPORTUNITY#STATUS#{status}"


def opportunity_owner_list(owner_id: str) -> str:
    return f"OPPORTUNITY#OWNER#{owner_id}"


def opportunity_customer_list(customer_id: str) -> str:
    return f"OPPORTUNITY#CUSTOMER#{customer_id}"


def opportunity_indexes(opportunity_id: str, status: str, owner_id: str, customer_id: str) -> dict[str, str]:
    shard = index_shard(opportunity_id, OPPORTUNITY_INDEX_SHARDS)
    return {
        "GSI1PK": sharded_partition(OPPORTUNITY, shard),
        "GSI1SK": opportunity_id,
        "GSI2PK": sharded_partition(opportunity_status_list(status), shard),
        "GSI2SK": opportunity_id,
        "GSI3PK": opportunity_owner_list(owner_id),
        "GSI3SK": f"{status}#{opportunity_id}",
        "GSI4PK": opportunity_customer_list(customer_id),
        "GSI4SK": f"{status}#{opportunity_id}",
    }


# -- partner channel -------------------------------------------------------------------------------------
# Partners are few (a program counts hundreds): one index partition for all of them, one per status and one per
# subtype, newest first by their time-ordered ids, never sharded.
PARTNER = "PARTNER"
TIER_HISTORY = "TIER#"


def partner(partner_id: str) -> Key:
    return {"PK": f"PARTNER#{partner_id}", "SK": PARTNER}


def partner_claim(contact_id: str) -> Key:
    """One profile per contact: the profile's create puts it with `attribute_not_exists`."""
    return {"PK": f"CONTACT#{contact_id}", "SK": PARTNER}


def tier_change(partner_id: str, version: int, index: int) -> Key:
    """The profile's tier history sorts after the profile (`TIER#` > `PARTNER`), oldest first."""
    return {"PK": f"PARTNER#{partner_id}", "SK": f"{TIER_HISTORY}{version:010d}#{index:02d}"}


def partner_status_list(status: str) -> str:
    return f"PARTNER#STATUS#{status}"


def partner_subtype_list(subtype: str) -> str:
    return f"PARTNER#SUBTYPE#{subtype}"


def partner_indexes(partner_id: str, status: str, subtype: str) -> dict[str, str]:
    return {
        "GSI1PK": PARTNER,
        "GSI1SK": partner_id,
        "GSI2PK": partner_status_list(status),
        "GSI2SK": partner_id,
        "GSI3PK": partner_subtype_list(subtype),
        "GSI3SK": partner_id,
    }


def partner_deal_counter(partner_id: str) -> Key:
    """A reseller's open registered deals routed direct (`open_direct`), added to by every deal write: a
    conversion to distributor checks it is 0 in its own transaction."""
    return {"PK": f"PARTNER#{partner_id}", "SK": "COUNTER#DEALS"}


# -- quotes ------------------------------------------------------------------------------------------------
QUOTE = "QUOTE"


def quote(quote_id: str) -> Key:
    return {"PK": f"QUOTE#{quote_id}", "SK": QUOTE}


def deal_quotes(deal_id: str) -> str:
    """GSI1 partition of a deal's quotes, newest first (a deal has a handful)."""
    return f"QUOTE#DEAL#{deal_id}"


def quote_indexes(quote_id: str, deal_id: str) -> dict[str, str]:
    return {"GSI1PK": deal_quotes(deal_id), "GSI1SK": quote_id}


def quote_sequence(year: int) -> Key:
    """The last quote number taken in `year` (`last`): each create moves it on by exactly one, conditionally, in
    its own transaction, so numbers are gapless and never taken twice."""
    return {"PK": f"SEQUENCE#QUOTE#{year:04d}", "SK": "SEQUENCE"}


def accepted_quote_claim(deal_id: str) -> Key:
    """One accepted quote per deal: the acceptance puts it with `attribute_not_exists`."""
    return {"PK": f"DEAL#{deal_id}", "SK": "QUOTE#ACCEPTED"}


# -- distribution agreements -------------------------------------------------------------------------------
AGREEMENT = "AGREEMENT"


def agreement(agreement_id: str) -> Key:
    return {"PK": f"AGREEMENT#{agreement_id}", "SK": AGREEMENT}


def agreement_distributor_entry(agreement_id: str) -> Key:
    """A copy of the agreement listed under its distributor (the agreement itself is listed under its reseller)."""
    return {"PK": f"ENTRY#AGREEMENT#{agreement_id}", "SK": "DISTRIBUTOR"}


def partner_agreements(partner_id: str) -> str:
    """GSI1 partition of a partner's agreements, as reseller or distributor, newest first."""
    return f"AGREEMENT#PARTNER#{partner_id}"


def agreement_pair(reseller_id: str, distributor_id: str) -> Key:
    """The pair's active agreements (`active`: id -> [starts_on, ends_on]) with a `version` every activation and
    termination moves on conditionally: two activations of one pair that race cannot both pass the overlap check,
    and a win reads here whether an agreement covers its close date."""
    return {"PK": f"PAIR#{reseller_id}#{distributor_id}", "SK": "AGREEMENTS"}


# -- partner deals -----------------------------------------------------------------------------------------
def partner_deal_entry(deal_id: str, partner_id: str) -> Key:
    """A partner deal listed under a partner that registered it or had it routed through it, now or before."""
    return {"PK": f"ENTRY#DEAL#{deal_id}", "SK": f"PARTNER#{partner_id}"}


def partner_deals(partner_id: str) -> str:
    """GSI1 partition of the live deals a partner registered or had routed through it, newest first."""
    return f"DEAL#PARTNER#{partner_id}"


def channel_change(deal_id: str, version: int, index: int) -> Key:
    """A reallocation in the deal's history: after its stage changes of the same write (`#5x`)."""
    return {"PK": f"DEAL#{deal_id}", "SK": f"{HISTORY}{version:010d}#{50 + index:02d}"}


# -- activities --------------------------------------------------------------------------------------------
# An activity is one item, plus one timeline entry per contact, lead, opportunity or deal it links: a full copy
# of the activity in the activity's own partition, listed on GSI1 under the record's timeline and on GSI2 under
# the record's timeline of that type, both newest first by `<occurred_at>#<id>`. A timeline page (filtered by
# type or not) is one Query of one partition key, whatever the table holds; a void rewrites every copy.
ACTIVITY = "ACTIVITY"
TIMELINE_ENTRY = "TIMELINE#"


def activity(activity_id: str) -> Key:
    return {"PK": f"ACTIVITY#{activity_id}", "SK": ACTIVITY}


def activity_entry(activity_id: str, kind: str, record_id: str) -> Key:
    return {"PK": f"ACTIVITY#{activity_id}", "SK": f"{TIMELINE_ENTRY}{kind}#{record_id}"}


def timeline(kind: str, record_id: str) -> str:
    """GSI1 partition of a record's timeline (kind: contact, lead, opportunity, deal)."""
    return f"TIMELINE#{kind}#{record_id}"


def timeline_of_type(kind: str, record_id: str, type_: str) -> str:
    """GSI2 partition of a record's timeline of one activity type."""
    return f"TIMELINE#{kind}#{record_id}#{type_}"


def timeline_indexes(kind: str, record_id: str, type_: str, occurred_at: str, activity_id: str) -> dict[str, str]:
    sort = f"{occurred_at}#{activity_id}"
    return {
        "GSI1PK": timeline(kind, record_id),
        "GSI1SK": sort,
        "GSI2PK": timeline_of_type(kind, record_id, type_),
        "GSI2SK": sort,
    }


def timeline_counter(kind: str, record_id: str) -> Key:
    """How many activities a record's timeline holds, in all (`all`) and per type: the timeline's total."""
    return {"PK": timeline(kind, record_id), "SK": "COUNTER"}


# -- conversations -----------------------------------------------------------------------------------------
# A conversation's messages and outgoing emails live in its partition, the messages in time order (their ids
# are time-ordered). Conversation lists sort by the last message, newest first: the per-folder and
# per-channel-and-folder partitions take a write at every message of every thread, so they are write-sharded
# like the deal lists; a contact's conversations are one partition key.
CONVERSATION = "CONVERSATION"
MESSAGE = "MESSAGE#"
MAIL = "MAIL#"
CONVERSATION_INDEX_SHARDS = 4


def conversation(conversation_id: str) -> Key:
    return {"PK": f"CONVERSATION#{conversation_id}", "SK": CONVERSATION}


def message(conversation_id: str, message_id: str) -> Key:
    return {"PK": f"CONVERSATION#{conversation_id}", "SK": f"{MESSAGE}{message_id}"}


def outgoing_email(conversation_id: str, email_id: str) -> Key:
    """One email for SES to send (a message, or a forward): the email sender reads its stream insert, sends
    it, and marks it sent, so an email is sent once per id however often its send is retried."""
    return {"PK": f"CONVERSATION#{conversation_id}", "SK": f"{MAIL}{email_id}"}


def conversation_folder_list(folder: str) -> str:
    return f"CONVERSATION#FOLDER#{folder}"


def conversation_channel_list(channel: str, folder: str) -> str:
    return f"CONVERSATION#CHANNEL#{channel}#{folder}"


def conversation_contact_list(contact_id: str) -> str:
    return f"CONVERSATION#CONTACT#{contact_id}"


def conversation_indexes(
    conversation_id: str, folder: str, channel: str, contact_id: str, last_at: str
) -> dict[str, str]:
    shard = index_shard(conversation_id, CONVERSATION_INDEX_SHARDS)
    sort = f"{last_at}#{conversation_id}"
    return {
        "GSI1PK": sharded_partition(conversation_folder_list(folder), shard),
        "GSI1SK": sort,
        "GSI2PK": sharded_partition(conversation_channel_list(channel, folder), shard),
        "GSI2SK": sort,
        "GSI3PK": conversation_contact_list(contact_id),
        "GSI3SK": f"{folder}#{sort}",
    }


def record(kind: str, record_id: str) -> Key:
    """The item of a record an activity or a conversation may link."""
    return {"PK": f"{kind.upper()}#{record_id}", "SK": kind.upper()}
