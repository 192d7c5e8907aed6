"""A merge's part for hierarchy links: every contact under the duplicate (its subsidiaries, employees and
reports, deleted ones too, since their links come back with them) is put under the survivor instead; a link
that would close a cycle (the contact is above the survivor) is cleared instead."""

from __future__ import annotations

import copy

from sales.contact.merging import Merge, Progress
from sales.contact.model import Contact
from sales.contact.store import ContactRepository
from sales.contact.use_cases import MAX_HIERARCHY_DEPTH

# Subordinate entries read per batch; the store writes as many of their contacts as one transaction holds
# (each rewrites its item, its list entries and its subordinate entries).
BATCH = 20


class LinkRepointer:
    name = "hierarchy_links"

    def __init__(self, contacts: ContactRepository | None = None) -> None:
        self.contacts = contacts or ContactRepository()

    def repoint_batch(self, merge: Merge) -> Progress:
        duplicate, survivor = merge.duplicate_id, merge.survivor
        linked = self.contacts.linked_under(duplicate, BATCH)
        if not linked:
            return Progress(0, 0)
        found = self.contacts.many([contact_id for contact_id, _link in linked])
        stray: list[tuple[str, str, str]] = []
        moves: list[tuple[Contact, Contact]] = []
        above: dict[str, set[str]] = {}
        for contact_id, link in linked:
            contact = found.get(contact_id)
            if contact is None or getattr(contact, link) != duplicate or contact.id == survivor.id:
                stray.append((duplicate, link, contact_id))
                continue
            if link not in above:
                above[link] = self._chain_above(survivor, link)
            before = copy.deepcopy(contact)
            target = None if contact.id in above[link] else survivor.id
            contact.relink(link, target, now=merge.ctx.now)
            moves.append((contact, before))
        written = self.contacts.save_link_moves(moves, stray, merge.ctx)
        return Progress(found=len(linked), moved=written + len(stray))

    def _chain_above(self, start: Contact, link: str) -> set[str]:
        """The contacts above `start` along `link` (the survivor's own chain, as far as a chain may reach)."""
        chain: set[str] = set()
        current: Contact | None = start
        for _level in range(MAX_HIERARCHY_DEPTH + 1):
            target = getattr(current, link) if current is not None else None
            if target is None or target in chain:
                break
            chain.add(target)
            current = self.contacts.get(target)
        return chain
