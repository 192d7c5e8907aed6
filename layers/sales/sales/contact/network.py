"""The buying network around a contact: breadth-first over relationships and hierarchy links, both directions.

Pure: it asks `Adjacency` for a contact's neighbours and for the contacts themselves, so its reads are one step
per contact it expands and one batch per set of contacts it adds, however large the table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from sales.contact.model import Contact

MAX_DEPTH = 3
MAX_LIMIT = 500


@dataclass(frozen=True)
class Link:
    """An edge as the network shows it: hierarchy links run from the child to the parent, employer or manager."""

    from_id: str
    to_id: str
    type: str
    label: str | None = None

    def other_end(self, contact_id: str) -> str:
        return self.to_id if contact_id == self.from_id else self.from_id


class Adjacency(Protocol):
    def links_of(self, contact: Contact, most: int) -> list[Link]:
        """Every relationship `contact` is an end of, its own hierarchy links, and up to `most` hierarchy links
        of contacts under it."""
        ...

    def live(self, contact_ids: Iterable[str]) -> list[Contact]:
        """The live contacts among `contact_ids`."""
        ...


@dataclass
class Network:
    root: Contact
    depth: int
    nodes: dict[str, tuple[Contact, int]] = field(default_factory=dict)  # id -> (contact, distance)
    links: dict[tuple[str, str, str], Link] = field(default_factory=dict)
    truncated: bool = False


def explore(root: Contact, depth: int, limit: int, graph: Adjacency) -> Network:
    """The live contacts within `depth` steps of `root` (the root at distance 0 counts toward `limit`), nearest
    first, and the links between them. `truncated` when the limit left reachable contacts out."""
    network = Network(root=root, depth=depth)
    network.nodes[root.id] = (root, 0)
    frontier = [root]
    seen_links: list[Link] = []
    for distance in range(1, depth + 1):
        candidates: list[str] = []
        for contact in frontier:
            for link in graph.links_of(contact, limit):
                seen_links.append(link)
                other = link.other_end(contact.id)
                if other not in network.nodes and other not in candidates:
                    candidates.append(other)
        if not candidates:
            break
        found = {contact.id: contact for contact in graph.live(candidates)}
        frontier = []
        for contact_id in candidates:  # the order links were met: stable for a given graph
            reached = found.get(contact_id)
            if reached is None:
                continue
            if len(network.nodes) >= limit:
                network.truncated = True
                break
            network.nodes[contact_id] = (reached, distance)
            frontier.append(reached)
        if network.truncated:
            break
    # The links met on the way: every link of a contact nearer than `depth` whose two ends are both shown (links
    # among the outermost contacts only are not read: that would be one more step).
    for link in seen_links:
        if link.from_id in network.nodes and link.to_id in network.nodes:
            network.links.setdefault((link.from_id, link.to_id, link.type), link)
    return network
