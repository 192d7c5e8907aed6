"""The merge worker: after `contact.merged`, every record naming the duplicate is made to name the survivor.

It hands the merge to each re-pointer of sales.repointers in turn, batch after batch (each batch its own
transaction), until none finds anything left; then the survivor's `merge_status` turns done, in the
transaction the consumer runtime commits with the event's claim. A worker stopped anywhere resumes on
redelivery by asking again what still names the duplicate; the claim is only taken with the last step, so an
unfinished merge is never acknowledged. A merge too big for one run (MAX_BATCHES_PER_RUN), or an index still
showing records already moved, ends the run with MergeUnfinished: the queue delivers the event again after
its visibility timeout, and the next run goes on where this one stopped.
"""

from __future__ import annotations

import copy

from aws_lambda_powertools.metrics import MetricUnit

from kernel.consumer import Envelope
from kernel.context import Principal, RequestContext
from kernel.dynamodb.transaction import Transaction
from kernel.http.observability import logger, metrics
from kernel.ids import is_uuid
from sales.contact.merging import Merge
from sales.contact.store import ContactRepository
from sales.repointers import REPOINTERS

# About 8,000 deals, or 2,400 relationships, a run: well inside the function's timeout.
MAX_BATCHES_PER_RUN = 200
ACTOR = "system:contact-merge"
CONTACTS = ContactRepository()


class MergeUnfinished(Exception):
    """Records still name the duplicate after this run: the event is left for redelivery."""


def on_contact_merged(envelope: Envelope, tx: Transaction) -> None:
    survivor_id, duplicate_id = envelope.data.get("contact_id"), envelope.data.get("duplicate_id")
    if envelope.detail_type != "contact.merged" or not all(
        isinstance(value, str) and is_uuid(value) for value in (survivor_id, duplicate_id)
    ):
        # Not ours to redo: no redelivery makes it a merge (the rule only sends contact.merged).
        metrics.add_metric(name="UnusableEvents", unit=MetricUnit.Count, value=1)
        logger.warning("not a contact.merged event with two contact ids", extra={"detail_type": envelope.detail_type})
        return
    survivor = CONTACTS.get(str(survivor_id))
    if survivor is None or duplicate_id not in survivor.pending_merges:
        logger.info("merge already finished", extra={"contact_id": survivor_id, "duplicate_id": duplicate_id})
        return
    ctx = RequestContext(Principal(ACTOR, frozenset()), envelope.metadata.correlation_id or envelope.event_id)
    merge = Merge(survivor, str(duplicate_id), ctx)
    batches = 0
    for repointer in REPOINTERS:
        moved = 0
        while True:
            progress = repointer.repoint_batch(merge)
            if progress.found == 0:
                break
            if progress.moved == 0:
                raise MergeUnfinished(f"{repointer.name}: the index still shows records already re-pointed")
            moved += progress.moved
            batches += 1
            if batches >= MAX_BATCHES_PER_RUN:
                _report(repointer.name, moved)
                raise MergeUnfinished(f"more than {MAX_BATCHES_PER_RUN} batches; the next delivery goes on")
        _report(repointer.name, moved)
    before = copy.deepcopy(survivor)
    survivor.finish_merge(merge.duplicate_id, now=ctx.now)
    CONTACTS.save(survivor, before, ctx, joining=tx)


def _report(name: str, moved: int) -> None:
    if moved:
        metrics.add_metric(name="RepointedRecords", unit=MetricUnit.Count, value=moved)
        logger.info("records re-pointed", extra={"records": name, "count": moved})
