"""Fixtures for the jmaplib suite: a JMAP client of the published `jmaplib` package (imported as `jmap`)
talking to a running jmap-gateway, and a factory for cards that are destroyed again after each test.

Run through scripts/jmaplib-tests.sh, which starts the gateway in front of the Radicale test backend and
sets the environment:

  JMAPLIB_GATEWAY_URL   the gateway's base URL, e.g. http://127.0.0.1:18480/ (required)
  JMAPLIB_USER          default alice
  JMAPLIB_PASSWORD      default alice-pw

Other tests (the Swift suites, other runs of this one) may use the same account at the same time, so every
test asserts only on the cards it created itself: each card's uid and name carry a per-run token.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from jmap.auth import BasicAuth
from jmap.client import JMAPClient
from jmap.core.errors import JMAPError


@pytest.fixture(scope="session")
def base_url() -> str:
    url = os.environ.get("JMAPLIB_GATEWAY_URL")
    if not url:
        pytest.exit("JMAPLIB_GATEWAY_URL is not set (run scripts/jmaplib-tests.sh)", returncode=2)
    return url if url.endswith("/") else url + "/"


@pytest.fixture(scope="session")
def auth() -> BasicAuth:
    return BasicAuth(os.environ.get("JMAPLIB_USER", "alice"), os.environ.get("JMAPLIB_PASSWORD", "alice-pw"))


@pytest.fixture(scope="session")
def client(base_url: str, auth: BasicAuth) -> Iterator[JMAPClient]:
    """Connected the way a client is configured by hand: the server's base URL plus /.well-known/jmap
    (RFC 8620 §2.2); the library follows the redirect to the session resource."""
    with JMAPClient.connect(base_url + ".well-known/jmap", auth=auth) as connected:
        yield connected


@pytest.fixture(scope="session")
def run_token() -> str:
    """Unique per test session, letters only so that it is one token for the gateway's text search."""
    return "jmaplib" + "".join(chr(ord("a") + int(c, 16) % 26) for c in uuid.uuid4().hex[:10])


@pytest.fixture(scope="session")
def default_book(client: JMAPClient) -> str:
    with client.batch() as batch:
        books = batch.contacts.address_book.get(ids=None)
    defaults = [book.id for book in books.result.items if book.is_default]
    assert len(defaults) == 1, books.result.items
    return defaults[0]


CardFactory = Callable[..., str]


@pytest.fixture
def created(client: JMAPClient) -> Iterator[list[str]]:
    """Ids of cards a test created; those still there at the end of the test are destroyed."""
    ids: list[str] = []
    yield ids
    if ids:
        try:
            with client.batch() as batch:
                cleanup = batch.contacts.contact_card.set(destroy=ids)
            leftover = {i: e for i, e in cleanup.result.not_destroyed.items() if e.get("type") != "notFound"}
        except JMAPError as error:  # reported, but not in place of the test's own outcome
            print(f"cleanup of {ids} failed: {error!r}")
            return
        assert not leftover, f"cleanup failed: {leftover}"


@pytest.fixture
def make_card(client: JMAPClient, default_book: str, created: list[str]) -> CardFactory:
    """make_card(given, surname, **more) creates a card in the default address book with ContactCard/set
    and returns its id (destroyed again after the test); `more` are further wire properties."""
    counter = iter(range(1000))

    def make(given: str, surname: str, **more: Any) -> str:
        n = next(counter)
        card = {
            "@type": "Card",
            "version": "1.0",
            "uid": f"urn:uuid:{uuid.uuid4()}",
            "addressBookIds": {default_book: True},
            "name": {
                "components": [
                    {"kind": "given", "value": given},
                    {"kind": "surname", "value": surname},
                ],
                "isOrdered": True,
            },
            **more,
        }
        with client.batch() as batch:
            result = batch.contacts.contact_card.set(create={f"c{n}": card})
        response = result.result
        assert not response.has_errors, response.not_created
        card_id = response.created_id(f"c{n}")
        assert card_id, response
        created.append(card_id)
        return card_id

    return make
