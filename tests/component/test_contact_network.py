"""The network query under moto: breadth-first over relationships and hierarchy links in both directions,
the limit and `truncated`, deleted contacts left out, and a request count that follows the nodes returned,
never the table."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from bench.counting import Recorder
from kernel.context import Principal, RequestContext
from sales.contact.model import Contact, ContactKind
from sales.contact.store import ContactRepository
from sales.relationship.model import Relationship, RelationshipType
from sales.relationship.store import RelationshipRepository
from tests.support.api import Api

CTX = RequestContext(Principal("0192f1c4-7d3e-7a10-8b55-3c1d2e4f5a6b", frozenset({"sales"})), "test")


def contact(api: Api, name: str, kind: str = "person", **links: Any) -> str:
    reply = api.post("/sales/contacts", {"kind": kind, "display_name": name, **links})
    assert reply.status == 201, reply.body
    return str(reply.data["id"])


def network(api: Api, contact_id: str, **query: Any) -> dict[str, Any]:
    reply = api.get(f"/sales/contacts/{contact_id}/network", query=query or None)
    assert reply.status == 200, reply.body
    return dict(reply.data)


def test_the_network_walks_relationships_and_hierarchy_both_ways(api: Api) -> None:
    group = contact(api, "Group", "organization")
    acme = contact(api, "Acme", "organization", parent_id=group)
    boss = contact(api, "Boss", employer_id=acme)
    ada = contact(api, "Ada", employer_id=acme, manager_id=boss)
    advisor = contact(api, "Advisor")
    api.post(f"/sales/contacts/{advisor}/relationships", {"to_id": ada, "type": "influences"})
    one = network(api, ada)
    assert {node["id"]: node["distance"] for node in one["nodes"]} == {ada: 0, acme: 1, boss: 1, advisor: 1}
    assert {(edge["from_id"], edge["to_id"], edge["type"]) for edge in one["edges"]} == {
        (ada, acme, "employer"),
        (ada, boss, "manager"),
        (advisor, ada, "influences"),
    }
    assert (one["root_id"], one["depth"], one["truncated"]) == (ada, 1, False)
    two = network(api, ada, depth=2)
    assert {node["id"]: node["distance"] for node in two["nodes"]}[group] == 2
    assert (acme, group, "parent") in {(e["from_id"], e["to_id"], e["type"]) for e in two["edges"]}


def test_the_limit_counts_the_root_and_sets_truncated(api: Api) -> None:
    hub = contact(api, "Hub", "organization")
    for number in range(5):
        contact(api, f"Staff {number}", employer_id=hub)
    capped = network(api, hub, limit=3)
    assert len(capped["nodes"]) == 3 and capped["truncated"] is True
    full = network(api, hub, limit=6)
    assert len(full["nodes"]) == 6 and full["truncated"] is False


def test_deleted_contacts_are_not_nodes(api: Api) -> None:
    hub = contact(api, "Hub", "organization")
    gone = contact(api, "Gone", employer_id=hub)
    kept = contact(api, "Kept", employer_id=hub)
    assert api.delete(f"/sales/contacts/{gone}").status == 204
    ids = {node["id"] for node in network(api, hub)["nodes"]}
    assert ids == {hub, kept}


def _graph(size: int, hubs: int) -> list[str]:
    """`size` contacts written straight through the repositories: `hubs` small clusters (a hub organization,
    four employees, relationships among them) and the rest unrelated to them."""
    contacts, relationships = ContactRepository(), RelationshipRepository()
    roots = []
    made = 0
    for cluster in range(hubs):
        hub = Contact.create(kind=ContactKind.ORGANIZATION, display_name=f"Hub {cluster}", owner_id="o", now=CTX.now)
        contacts.save(hub, None, CTX)
        members = []
        for member in range(4):
            person = Contact.create(
                kind=ContactKind.PERSON,
                display_name=f"M {cluster}.{member}",
                owner_id="o",
                now=CTX.now,
                employer_id=hub.id,
            )
            contacts.save(person, None, CTX)
            members.append(person.id)
        for left, right in pairwise(members):
            link = Relationship.create(
                from_id=left, to_id=right, type=RelationshipType.COLLEAGUE, label=None, now=CTX.now
            )
            relationships.save(link, None, CTX)
        roots.append(hub.id)
        made += 5
    for number in range(size - made):
        loner = Contact.create(kind=ContactKind.PERSON, display_name=f"Loner {number}", owner_id="o", now=CTX.now)
        contacts.save(loner, None, CTX)
    return roots


def test_requests_follow_the_nodes_returned_not_the_table(api: Api) -> None:
    [root, *_] = _graph(2_000, hubs=3)
    recorder = Recorder()
    with recorder.recording() as small:
        first = network(api, root, depth=2)
    _graph(1_000, hubs=1)
    with recorder.recording() as large:
        second = network(api, root, depth=2)
    assert first == second and len(first["nodes"]) == 5
    assert (small.summary(), small.items_read) == (large.summary(), large.items_read)
    # The root; depth 1: the hub's step (one Query) and its 4 employees (one BatchGetItem); depth 2: a step from
    # each employee (4 Queries), which finds no one new, so no batch.
    assert small.summary() == "GetItem + 5 Query + BatchGetItem", small.summary()
