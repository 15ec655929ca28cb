"""JMAP for Contacts (RFC 9610) through jmaplib's typed builders (batch.contacts.address_book / .contact_card).

Every method used here has a typed builder in jmaplib 3.0.1 (jmap/capabilities/contacts.py declares
AddressBook/get|changes|set and ContactCard/get|changes|query|queryChanges|set|copy), so the generic
client.call()/batch.add() path is not needed. Each test creates its own cards (see conftest.make_card)
and asserts only on those.
"""
from __future__ import annotations

import uuid

from jmap.client import JMAPClient
from jmap.core.patch import PatchBuilder
from jmap.models.contacts import ContactCard
from jmap.models.jscontact.contact import EmailAddress, Phone
from jmap.models.jscontact.name import Name, NameComponent
from jmap.sync import ChangeStream

from conftest import CardFactory


def card_state(client: JMAPClient) -> str:
    """The ContactCard state, from a /get of no ids (RFC 8620 §5.1)."""
    with client.batch() as batch:
        got = batch.contacts.contact_card.get(ids=[])
    assert got.result.items == []
    assert got.result.state
    return got.result.state


def get_card(client: JMAPClient, card_id: str, properties: list[str] | None = None) -> ContactCard:
    with client.batch() as batch:
        got = batch.contacts.contact_card.get(ids=[card_id], **({"properties": properties} if properties else {}))
    assert got.result.not_found == []
    assert [card.id for card in got.result.items] == [card_id]
    return got.result.items[0]


def components(card: ContactCard) -> list[tuple[str | None, str | None]]:
    assert card.name is not None and card.name.components is not None
    return [(c.kind, c.value) for c in card.name.components]


# ------------------------------------------------------------------------------------------- AddressBook

def test_address_book_get(client: JMAPClient, default_book: str) -> None:
    with client.batch() as batch:
        everything = batch.contacts.address_book.get(ids=None)
        one = batch.contacts.address_book.get(ids=[default_book, "no-such-book"], properties=["name", "myRights"])
    books = everything.result.items
    assert everything.result.state
    assert default_book in [book.id for book in books]
    book = next(book for book in books if book.id == default_book)
    assert book.name
    assert book.is_default is True
    assert book.my_rights is not None and book.my_rights.may_read and book.my_rights.may_write
    assert one.result.not_found == ["no-such-book"]
    assert [b.id for b in one.result.items] == [default_book]
    assert one.result.items[0].name == book.name


# ------------------------------------------------------------------------------------------- ContactCard

def test_create_and_get(client: JMAPClient, default_book: str, created: list[str], run_token: str) -> None:
    uid = f"urn:uuid:{uuid.uuid4()}"
    card = ContactCard(
        uid=uid,
        address_book_ids={default_book: True},
        name=Name(
            components=[NameComponent(kind="given", value="Ada"), NameComponent(kind="surname", value=run_token)],
            is_ordered=True,
        ),
        emails={"e1": EmailAddress(address=f"ada.{run_token}@example.com", contexts={"work": True})},
        phones={"p1": Phone(number="+44 20 7946 0001", features={"voice": True})},
    )
    with client.batch() as batch:
        result = batch.contacts.contact_card.set(create={"ada": card})
    response = result.result
    assert not response.has_errors, response.not_created
    card_id = response.created_id("ada")
    assert card_id
    created.append(card_id)
    assert response.new_state and response.new_state != response.old_state

    fetched = get_card(client, card_id)
    assert fetched.uid == uid
    assert fetched.address_book_ids == {default_book: True}
    assert components(fetched) == [("given", "Ada"), ("surname", run_token)]
    assert fetched.emails is not None and fetched.emails["e1"].address == f"ada.{run_token}@example.com"
    assert fetched.emails["e1"].contexts == {"work": True}
    assert fetched.phones is not None and fetched.phones["p1"].number == "+44 20 7946 0001"

    # Only the asked-for properties, plus id, which is always returned (RFC 8620 §5.1).
    partial = get_card(client, card_id, properties=["uid", "emails"])
    wire = partial.to_wire()
    assert set(wire) == {"id", "uid", "emails"}, wire


def test_get_unknown_id_is_not_found(client: JMAPClient, make_card: CardFactory, run_token: str) -> None:
    card_id = make_card("Grace", run_token)
    with client.batch() as batch:
        got = batch.contacts.contact_card.get(ids=[card_id, "not-a-card-id"], properties=["uid"])
    assert [card.id for card in got.result.items] == [card_id]
    assert got.result.not_found == ["not-a-card-id"]


def test_query_with_filter_and_sort(
    client: JMAPClient, default_book: str, make_card: CardFactory, run_token: str
) -> None:
    # Three cards that share the run token in their surname; one has a distinctive email.
    carol = make_card("Carol", run_token)
    alice = make_card("Alice", run_token, emails={"e1": {"address": f"alice.{run_token}@example.net"}})
    bob = make_card("Bob", run_token)

    with client.batch() as batch:
        ascending = batch.contacts.contact_card.query(
            filter={"operator": "AND", "conditions": [{"inAddressBook": default_book}, {"text": run_token}]},
            sort=[{"property": "name/given", "isAscending": True}],
            calculate_total=True,
        )
        descending = batch.contacts.contact_card.query(
            filter={"name/surname": run_token},
            sort=[{"property": "name/given", "isAscending": False}],
        )
        by_email = batch.contacts.contact_card.query(filter={"email": f"alice.{run_token}"})
        not_bob = batch.contacts.contact_card.query(
            filter={"operator": "AND", "conditions": [
                {"text": run_token}, {"operator": "NOT", "conditions": [{"name/given": "bob"}]}]},
            sort=[{"property": "name/given"}],
        )
        # The query's ids feed a /get in the same request (a result reference, RFC 8620 §3.7).
        cards = batch.contacts.contact_card.get(ids=ascending.ref_ids(), properties=["name"])

    assert ascending.result.ids == [alice, bob, carol]
    assert ascending.result.total == 3
    assert ascending.result.position == 0
    assert ascending.result.query_state
    assert descending.result.ids == [carol, bob, alice]
    assert by_email.result.ids == [alice]
    assert not_bob.result.ids == [alice, carol]
    assert [components(card)[0][1] for card in cards.result.items] == ["Alice", "Bob", "Carol"]

    with client.batch() as batch:
        page = batch.contacts.contact_card.query(
            filter={"text": run_token}, sort=[{"property": "name/given"}], position=1, limit=1)
    assert page.result.ids == [bob]
    assert page.result.position == 1


def test_update_nested_properties(client: JMAPClient, make_card: CardFactory, run_token: str) -> None:
    card_id = make_card(
        "Edsger", run_token,
        emails={"e1": {"address": f"edsger.{run_token}@example.com"}, "e2": {"address": "ewd@example.org"}},
        notes={"n1": {"note": "keep me"}},
    )
    before = get_card(client, card_id)

    patch = (
        PatchBuilder()
        .set("name/components", [
            {"kind": "given", "value": "Edsger"},
            {"kind": "given2", "value": "Wybe"},
            {"kind": "surname", "value": run_token},
        ])
        .set("emails/e1/address", f"ewd.{run_token}@example.com")
        .build()
    )
    assert patch.keys() == {"name/components", "emails/e1/address"}
    with client.batch() as batch:
        result = batch.contacts.contact_card.set(update={card_id: patch})
    response = result.result
    assert not response.has_errors, response.not_updated
    assert card_id in response.updated
    assert response.new_state != response.old_state

    after = get_card(client, card_id)
    assert components(after) == [("given", "Edsger"), ("given2", "Wybe"), ("surname", run_token)]
    assert after.emails is not None
    assert after.emails["e1"].address == f"ewd.{run_token}@example.com"
    # Untouched by the patch:
    assert after.emails["e2"].address == "ewd@example.org"
    assert after.uid == before.uid
    assert after.notes is not None and after.notes["n1"].note == "keep me"

    # The new name is what the query sees ("name/given" would not: it looks only at kind "given").
    with client.batch() as batch:
        found = batch.contacts.contact_card.query(filter={"name": "wybe", "text": run_token})
    assert found.result.ids == [card_id]


def test_uid_is_immutable(client: JMAPClient, make_card: CardFactory, run_token: str) -> None:
    card_id = make_card("Barbara", run_token)
    with client.batch() as batch:
        result = batch.contacts.contact_card.set(update={card_id: {"uid": f"urn:uuid:{uuid.uuid4()}"}})
    errors = result.result.update_errors
    assert card_id in errors, result.result
    assert errors[card_id].type == "invalidProperties"
    assert "uid" in (errors[card_id].properties or ())


def test_update_unknown_id_is_not_found(client: JMAPClient) -> None:
    with client.batch() as batch:
        result = batch.contacts.contact_card.set(update={"not-a-card-id": {"name/full": "x"}})
    assert result.result.update_errors["not-a-card-id"].type == "notFound"


def test_changes(client: JMAPClient, make_card: CardFactory, run_token: str) -> None:
    state0 = card_state(client)
    card_id = make_card("Niklaus", run_token)

    with client.batch() as batch:
        since0 = batch.contacts.contact_card.changes(since_state=state0)
    assert card_id in since0.result.created
    assert card_id not in since0.result.destroyed
    assert since0.result.old_state == state0
    state1 = since0.result.new_state
    assert state1 and state1 != state0

    with client.batch() as batch:
        batch.contacts.contact_card.set(
            update={card_id: PatchBuilder().set("emails", {"e1": {"address": f"nw.{run_token}@example.com"}}).build()})
        since1 = batch.contacts.contact_card.changes(since_state=state1)
    assert card_id in since1.result.updated
    assert card_id not in since1.result.created
    state2 = since1.result.new_state
    assert state2 != state1

    # From before the create, the card created and then updated is reported (created, possibly also updated).
    with client.batch() as batch:
        again = batch.contacts.contact_card.changes(since_state=state0)
    assert card_id in again.result.created

    # No change since the current state: the same state back and nothing listed.
    with client.batch() as batch:
        idle = batch.contacts.contact_card.changes(since_state=state2)
    assert idle.result.new_state == state2
    assert not idle.result.has_more_changes
    assert card_id not in idle.result.created + idle.result.updated + idle.result.destroyed

    with client.batch() as batch:
        batch.contacts.contact_card.set(destroy=[card_id])
        since2 = batch.contacts.contact_card.changes(since_state=state2)
    assert card_id in since2.result.destroyed
    assert card_id not in since2.result.created + since2.result.updated


def test_change_stream(client: JMAPClient, make_card: CardFactory, run_token: str) -> None:
    """jmaplib's ChangeStream (its /changes follower) against the gateway, in pages of one change."""
    stream = ChangeStream(client, "ContactCard")
    stream.seed(card_state(client))
    first = make_card("Tony", run_token)
    second = make_card("Robin", run_token)
    changes = stream.catch_up(max_changes=1)
    assert {first, second} <= set(changes.created)
    caught_up = stream.state
    assert caught_up is not None
    later = stream.catch_up()
    assert first not in later.touched and second not in later.touched


def test_destroy(client: JMAPClient, make_card: CardFactory, run_token: str) -> None:
    keep = make_card("Frances", run_token)
    gone = make_card("Dennis", run_token)
    with client.batch() as batch:
        result = batch.contacts.contact_card.set(destroy=[gone])
    assert result.result.destroyed == [gone]
    assert not result.result.has_errors

    with client.batch() as batch:
        got = batch.contacts.contact_card.get(ids=[gone, keep], properties=["uid"])
        found = batch.contacts.contact_card.query(filter={"text": run_token})
        twice = batch.contacts.contact_card.set(destroy=[gone])
    assert got.result.not_found == [gone]
    assert [card.id for card in got.result.items] == [keep]
    assert gone not in found.result.ids and keep in found.result.ids
    assert twice.result.destroy_errors[gone].type == "notFound"
