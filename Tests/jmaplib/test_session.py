"""Session discovery and authentication, as jmaplib does them (RFC 8620 §2, §2.2)."""
from __future__ import annotations

import pytest
from jmap.auth import BasicAuth
from jmap.capabilities.contacts import CONTACTS_URN, ContactsCapability
from jmap.capabilities.core import CORE_URN
from jmap.client import JMAPClient
from jmap.core.errors import AuthenticationError


def test_well_known_leads_to_the_session(client: JMAPClient, base_url: str) -> None:
    # The client fixture connected through <base>/.well-known/jmap; the redirect was followed.
    session = client.session
    assert session.username == "alice"
    assert session.api_url == base_url + "jmap/api"
    assert session.upload_url.startswith(base_url + "jmap/upload/")
    assert CORE_URN in session.capabilities and CONTACTS_URN in session.capabilities
    contacts_accounts = session.accounts_with(CONTACTS_URN)
    assert len(contacts_accounts) == 1
    assert session.primary_account_for(CONTACTS_URN) == contacts_accounts[0]
    capability = ContactsCapability.of(session.capability_value(CONTACTS_URN, contacts_accounts[0]))
    assert capability.max_address_books_per_card == 1
    assert client.capabilities.supports("ContactCard/set")
    assert client.capabilities.supports("ContactCard/changes")


def test_session_resource_directly(client: JMAPClient, base_url: str, auth: BasicAuth) -> None:
    with JMAPClient.connect(base_url + "jmap/session", auth=auth) as direct:
        assert direct.session.api_url == client.session.api_url
        assert direct.session.accounts.keys() == client.session.accounts.keys()


def test_wrong_password_is_refused(base_url: str) -> None:
    with pytest.raises(AuthenticationError):
        JMAPClient.connect(base_url + ".well-known/jmap", auth=BasicAuth("alice", "not-the-password"))


def test_core_echo(client: JMAPClient) -> None:
    assert client.echo(hello="world", n=[1, 2]) == {"hello": "world", "n": [1, 2]}
