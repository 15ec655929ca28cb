"""Push (RFC 8620 §7.3, RFC 8887) through jmaplib's push support, as a client uses it: an event source
(jmap.push.EventSourceClient) and JMAP over WebSocket (jmap.push.WebSocketClient, jmaplib's `ws` extra),
each receiving the StateChange of a ContactCard/set made through the gateway, with the state /get returns.
"""
from __future__ import annotations

import threading
import time

from jmap.client import JMAPClient
from jmap.push import EventSourceClient, Ping, WebSocketClient
from jmap.models.push import StateChange

CONTACTS = "urn:ietf:params:jmap:contacts"


def create_card(client: JMAPClient, name: str) -> tuple[str, str]:
    """Creates a card through the HTTP API; returns its id and the ContactCard state after."""
    with client.batch() as batch:
        created = batch.contacts.contact_card.set(create={"c": {"name": {"full": name}}})
    assert created.result.not_created == {}, created.result.not_created
    return created.result.created["c"].id, created.result.new_state


def destroy_card(client: JMAPClient, card_id: str) -> None:
    with client.batch() as batch:
        batch.contacts.contact_card.set(destroy=[card_id])


def test_event_source_pushes_a_set(client: JMAPClient, run_token: str) -> None:
    account_id = client.session.primary_accounts[CONTACTS]
    source = EventSourceClient(client, types=["ContactCard"], ping=1)
    connected = threading.Event()
    stop = threading.Event()
    received: list[StateChange] = []

    def listen() -> None:
        events = source.events()
        try:
            for event in events:
                if isinstance(event, Ping):
                    connected.set()  # the stream is open: the write may go
                elif isinstance(event, StateChange):
                    received.append(event)
                if stop.is_set():
                    return
        finally:
            events.close()

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    assert connected.wait(10), "no ping within 10 s"
    card_id, state = create_card(client, f"Pushed {run_token}")
    try:
        # The write's own change, with the state /get returns after it (a sync the request made first
        # may push an earlier one).
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not any(
                change.states_for(account_id).get("ContactCard") == state for change in received):
            time.sleep(0.05)
        assert any(change.states_for(account_id).get("ContactCard") == state for change in received), received
    finally:
        stop.set()
        destroy_card(client, card_id)
        thread.join(5)
    # The stream's event id, kept for a reconnect once the stream ended (§7.3).
    assert source.last_event_id


def test_websocket_answers_requests_and_pushes(client: JMAPClient, run_token: str) -> None:
    account_id = client.session.primary_accounts[CONTACTS]
    with client.batch() as batch:
        over_http = batch.contacts.address_book.get(ids=None)
    with WebSocketClient(client) as ws:
        with ws.batch() as batch:
            over_ws = batch.contacts.address_book.get(ids=None)
        assert over_ws.result.state == over_http.result.state
        assert [b.id for b in over_ws.result.items] == [b.id for b in over_http.result.items]
        ws.enable_push(["ContactCard"])
        with ws.batch() as batch:
            created = batch.contacts.contact_card.set(create={"c": {"name": {"full": f"Socket {run_token}"}}})
        card_id = created.result.created["c"].id
        try:
            change = next(ws.notifications())
            assert change.states_for(account_id)["ContactCard"] == created.result.new_state
            assert ws.push_state
        finally:
            destroy_card(client, card_id)
