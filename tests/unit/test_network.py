"""The network walk on its own: levels, order, the limit, and links shown only between shown contacts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sales.contact.model import Contact, ContactKind
from sales.contact.network import Link, explore

NOW = datetime(2026, 11, 30, tzinfo=UTC)


def person(contact_id: str) -> Contact:
    return Contact(
        id=contact_id, kind=ContactKind.PERSON, display_name=contact_id, owner_id="o", created_at=NOW, updated_at=NOW
    )


class Graph:
    def __init__(self, links: list[tuple[str, str]], deleted: set[str] | None = None) -> None:
        self.links = [Link(a, b, "colleague") for a, b in links]
        self.deleted = deleted or set()
        self.steps: list[str] = []

    def links_of(self, contact: Contact, most: int) -> list[Link]:
        self.steps.append(contact.id)
        return [link for link in self.links if contact.id in (link.from_id, link.to_id)]

    def live(self, contact_ids: Iterable[str]) -> list[Contact]:
        return [person(contact_id) for contact_id in contact_ids if contact_id not in self.deleted]


def test_levels_are_distances_and_only_shown_contacts_are_linked() -> None:
    graph = Graph([("a", "b"), ("b", "c"), ("c", "d"), ("a", "e")])
    network = explore(person("a"), 2, 100, graph)
    assert {cid: distance for cid, (_, distance) in network.nodes.items()} == {"a": 0, "b": 1, "e": 1, "c": 2}
    assert set(network.links) == {("a", "b", "colleague"), ("b", "c", "colleague"), ("a", "e", "colleague")}
    assert graph.steps == ["a", "b", "e"]  # the outermost level is not expanded
    assert network.truncated is False


def test_the_limit_counts_the_root_and_deleted_contacts_are_skipped() -> None:
    graph = Graph([("a", "b"), ("a", "c"), ("a", "d")], deleted={"b"})
    network = explore(person("a"), 1, 2, graph)
    assert list(network.nodes) == ["a", "c"] and network.truncated is True
    assert explore(person("a"), 1, 3, graph).truncated is False


def test_a_cycle_in_the_graph_ends_the_walk() -> None:
    graph = Graph([("a", "b"), ("b", "a"), ("b", "c"), ("c", "a")])
    network = explore(person("a"), 3, 100, graph)
    assert set(network.nodes) == {"a", "b", "c"}
