"""Push (RFC 8620 §7, RFC 8887) through jmaplib's push support, as a client uses it: an event source
(jmap.push.EventSourceClient), JMAP over WebSocket (jmap.push.WebSocketClient, jmaplib's `ws` extra) and a
PushSubscription with keys whose messages jmaplib decrypts (jmap.push.PushKeyPair, its `push` extra), each
receiving the StateChange of a ContactCard/set made through the gateway, with the state /get returns.
"""
from __future__ import annotations

import base64
import http.server
import os
import threading
import time
import urllib.request

from jmap.client import JMAPClient
from jmap.push import EventSourceClient, Ping, PushKeyPair, WebSocketClient, read_push, verification_update
from jmap.models.push import PushVerification, StateChange

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
                    assert event.interval == 1, "§7.3: the ping carries the interval asked for"
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


class Receiver(http.server.ThreadingHTTPServer):
    """A push endpoint on 127.0.0.1 (plain HTTP, which the test script's [push] config allows) keeping
    every body POSTed to it with its Content-Encoding."""

    def __init__(self) -> None:
        self.bodies: list[tuple[str | None, bytes]] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(handler) -> None:  # noqa: N802 (http.server's naming)
                body = handler.rfile.read(int(handler.headers.get("Content-Length", "0")))
                self.bodies.append((handler.headers.get("Content-Encoding"), body))
                handler.send_response(201)
                handler.send_header("Content-Length", "0")
                handler.end_headers()

            def log_message(handler, *args) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def wait_for(self, keys: PushKeyPair, predicate, timeout: float = 10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for _, body in list(self.bodies):
                pushed = read_push(body, keys)
                if predicate(pushed):
                    return pushed
            time.sleep(0.05)
        return None


def test_push_subscription_with_keys(client: JMAPClient, run_token: str) -> None:
    account_id = client.session.primary_accounts[CONTACTS]
    keys = PushKeyPair.generate()
    receiver = Receiver()
    url = f"http://127.0.0.1:{receiver.server_address[1]}/push"
    try:
        # Built by hand: jmap.push.new_subscription refuses a URL that is not https://.
        with client.batch() as batch:
            created = batch.core.push_subscription.set(create={"s": {
                "deviceClientId": f"jmaplib-{run_token}", "url": url, "types": ["ContactCard"],
                "keys": keys.keys.to_wire()}})
        subscription_id = created.result.created["s"].id
        verification = receiver.wait_for(keys, lambda pushed: isinstance(pushed, PushVerification))
        assert verification is not None, "no PushVerification"
        assert verification.push_subscription_id == subscription_id
        assert all(encoding == "aes128gcm" for encoding, _ in receiver.bodies)
        with client.batch() as batch:
            verified = batch.core.push_subscription.set(
                update={subscription_id: verification_update(verification.verification_code)})
        assert subscription_id in (verified.result.updated or {}), verified.result.not_updated
        with client.batch() as batch:
            listed = batch.core.push_subscription.get(ids=None)
        mine = [s for s in listed.result.items if s.id == subscription_id]
        assert mine and mine[0].verification_code == verification.verification_code

        card_id, state = create_card(client, f"Subscribed {run_token}")
        try:
            change = receiver.wait_for(
                keys, lambda pushed: isinstance(pushed, StateChange) and pushed.matches(account_id, "ContactCard", state))
            assert change is not None, "no StateChange with the state /set returned"
        finally:
            destroy_card(client, card_id)
        with client.batch() as batch:
            destroyed = batch.core.push_subscription.set(destroy=[subscription_id])
        assert destroyed.result.destroyed == [subscription_id]
    finally:
        receiver.shutdown()


def test_event_source_closes_after_state_and_sees_direct_dav_writes(client: JMAPClient, run_token: str) -> None:
    """closeafter=state through jmaplib's client: the stream ends after the first StateChange, which here is
    a vCard PUT made directly on Radicale, behind the gateway's back, found by its poller."""
    account_id = client.session.primary_accounts[CONTACTS]
    book = os.environ.get("JMAPLIB_DAV_ADDRESS_BOOK")
    assert book, "JMAPLIB_DAV_ADDRESS_BOOK is not set (run scripts/jmaplib-tests.sh)"
    with client.batch() as batch:
        before = batch.contacts.contact_card.get(ids=[])  # the cache is filled, so the next change is ours
    source = EventSourceClient(client, types=["ContactCard"], close_after_state=True, ping=1)
    received: list[StateChange] = []
    opened = threading.Event()
    ended = threading.Event()

    def listen() -> None:
        for event in source.events():
            if isinstance(event, Ping):
                opened.set()
            elif isinstance(event, StateChange):
                received.append(event)
        ended.set()

    threading.Thread(target=listen, daemon=True).start()
    assert opened.wait(10), "no ping within 10 s"
    uid = f"direct-{run_token}"
    href = book.rstrip("/") + f"/{uid}.vcf"
    card = f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:Direct {run_token}\r\nN:{run_token};Direct;;;\r\nEND:VCARD\r\n"
    authorization = "Basic " + base64.b64encode(
        f"{os.environ.get('JMAPLIB_USER', 'alice')}:{os.environ.get('JMAPLIB_PASSWORD', 'alice-pw')}".encode()).decode()

    def dav(method: str, body: bytes | None = None) -> int:
        headers = {"Authorization": authorization}
        if body is not None:
            headers["Content-Type"] = "text/vcard; charset=utf-8"
        with urllib.request.urlopen(urllib.request.Request(href, data=body, method=method, headers=headers)) as answer:
            return answer.status

    assert dav("PUT", card.encode()) in (200, 201, 204)
    try:
        assert ended.wait(15), "closeafter=state: the stream did not end within poll_interval + margin"
        assert len(received) == 1, received
        pushed = received[0].states_for(account_id).get("ContactCard")
        assert pushed and pushed != before.result.state
        with client.batch() as batch:
            after = batch.contacts.contact_card.get(ids=[])
        assert after.result.state == pushed, "§7.1: the pushed state is what /get returns"
    finally:
        dav("DELETE")
