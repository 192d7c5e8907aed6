"""What a merge asks of every aggregate whose records name a contact: re-point them to the survivor.

After `contact.merged`, the merge worker (sales.contact.merge_worker) hands the merge to each re-pointer of
`sales.repointers.REPOINTERS` in turn, batch after batch, until none finds a record naming the duplicate. A
re-pointer's batch is one transaction of its own, each record written at the version it was read, so a batch
is all or nothing, a record changed meanwhile is read again, and a worker that stops anywhere (crash, timeout)
resumes by asking again what still names the duplicate: whatever was re-pointed is no longer found.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from kernel.context import RequestContext
from sales.contact.model import Contact


@dataclass(frozen=True)
class Merge:
    """The duplicate whose records move, the survivor they move to (as read when the worker started), and
    the context the writes are made under."""

    survivor: Contact
    duplicate_id: str
    ctx: RequestContext

    @property
    def survivor_id(self) -> str:
        return self.survivor.id


@dataclass(frozen=True)
class Progress:
    """One batch: how many records naming the duplicate it found, and how many of them it re-pointed (or
    dropped, where the survivor already had the same one). Found but none moved means the index still shows
    records already moved: the worker stops and comes back later rather than spin."""

    found: int
    moved: int


class Repointer(Protocol):
    """One aggregate's part of every merge. `name` labels its logs and metrics."""

    name: str

    def repoint_batch(self, merge: Merge) -> Progress: ...
