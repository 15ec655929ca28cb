"""JMAP Calendars (draft-ietf-jmap-calendars-27) through jmaplib's calendars support, as a client uses it.

jmaplib 3.0.1 builds the calendars methods from jmap/capabilities/calendars.py (batch.calendars.calendar /
.calendar_event / .participant_identity, CalendarEvent/query with expandRecurrences, CalendarEvent/parse) and
reads the answers into its models (jmap.models.calendars.CalendarEvent). jmaplib marks the calendars
capability experimental (its draft is not an RFC yet), so the client opts in with `experimental=True`. Each
test creates its own events, tagged with the run token, and asserts only on those.
"""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from jmap.auth import BasicAuth
from jmap.client import JMAPClient
from jmap.core.errors import JMAPError

CALENDARS = "urn:ietf:params:jmap:calendars"


@pytest.fixture(scope="module")
def client(base_url: str, auth: BasicAuth) -> Iterator[JMAPClient]:
    """As conftest's client, opted in to jmaplib's experimental calendars capability."""
    with JMAPClient.connect(base_url + ".well-known/jmap", auth=auth, experimental=True) as connected:
        yield connected


@pytest.fixture
def events(client: JMAPClient) -> Iterator[list[str]]:
    """Ids of events a test created; those still there at the end are destroyed."""
    ids: list[str] = []
    yield ids
    if ids:
        try:
            with client.batch() as batch:
                cleanup = batch.calendars.calendar_event.set(destroy=ids)
            leftover = {i: e for i, e in cleanup.result.not_destroyed.items() if e.get("type") != "notFound"}
        except JMAPError as error:
            print(f"cleanup of {ids} failed: {error!r}")
            return
        assert not leftover, f"cleanup failed: {leftover}"


def event_state(client: JMAPClient) -> str:
    with client.batch() as batch:
        got = batch.calendars.calendar_event.get(ids=[])
    assert got.result.state
    return got.result.state


def test_session_has_the_calendars_capabilities(client: JMAPClient) -> None:
    """§1.5: the capability is in the session and the account, with maxCalendarsPerEvent 1."""
    session = client.session
    assert CALENDARS in session.capabilities
    account_id = session.primary_accounts[CALENDARS]
    capability = session.accounts[account_id].account_capabilities[CALENDARS]
    assert capability["maxCalendarsPerEvent"] == 1
    assert capability["maxExpandedQueryDuration"].startswith("P")


def test_calendars_and_identities(client: JMAPClient, run_token: str) -> None:
    """§4: Calendar/get, /set create-rename-destroy and ParticipantIdentity/get through jmaplib's models."""
    with client.batch() as batch:
        calendars = batch.calendars.calendar.get(ids=None)
        identities = batch.calendars.participant_identity.get(ids=None)
    assert [c for c in calendars.result.items if c.is_default], calendars.result.items
    assert identities.result.state
    with client.batch() as batch:
        created = batch.calendars.calendar.set(create={"c": {"name": f"Team {run_token}", "color": "#3366ff"}})
    assert created.result.not_created == {}, created.result.not_created
    calendar_id = created.result.created["c"].id
    with client.batch() as batch:
        renamed = batch.calendars.calendar.set(update={calendar_id: {"name": f"Crew {run_token}"}})
        got = batch.calendars.calendar.get(ids=[calendar_id])
    assert renamed.result.not_updated == {}
    assert got.result.items[0].name == f"Crew {run_token}"
    with client.batch() as batch:
        destroyed = batch.calendars.calendar.set(destroy=[calendar_id])
    assert destroyed.result.destroyed == [calendar_id]


def test_create_get_query_update_changes_destroy(client: JMAPClient, run_token: str, events: list[str]) -> None:
    state = event_state(client)
    with client.batch() as batch:
        created = batch.calendars.calendar_event.set(create={
            "series": {
                "title": f"Standup {run_token}", "start": "2026-05-04T09:00:00", "timeZone": "Europe/Paris",
                "duration": "PT15M",
                "recurrenceRule": {"@type": "RecurrenceRule", "frequency": "weekly", "count": 4},
            },
            "single": {"title": f"Dentist {run_token}", "start": "2026-05-06T15:00:00", "duration": "PT1H"},
        })
    assert created.result.not_created == {}, created.result.not_created
    series_id = created.result.created["series"].id
    single_id = created.result.created["single"].id
    events += [series_id, single_id]

    with client.batch() as batch:
        got = batch.calendars.calendar_event.get(ids=[series_id, single_id])
        found = batch.calendars.calendar_event.query(filter={"text": run_token}, sort=[{"property": "start"}])
    by_id = {event.id: event for event in got.result.items}
    assert by_id[series_id].title == f"Standup {run_token}"
    assert by_id[series_id].is_occurrence is False
    assert len(by_id[single_id].calendars) == 1
    assert found.result.ids == [series_id, single_id]

    # Expanded (§5.11): four Mondays in May 2026, each its own occurrence of the series.
    with client.batch() as batch:
        expanded = batch.calendars.calendar_event.query(
            filter={"title": "Standup " + run_token, "after": "2026-05-01T00:00:00", "before": "2026-06-01T00:00:00"},
            sort=[{"property": "start"}], expandRecurrences=True, timeZone="Europe/Paris")
    occurrence_ids = expanded.result.ids
    assert len(occurrence_ids) == 4
    with client.batch() as batch:
        occurrences = batch.calendars.calendar_event.get(ids=occurrence_ids, properties=["start", "title", "baseEventId"])
    assert [event.start.isoformat() for event in occurrences.result.items] == [
        "2026-05-04T09:00:00", "2026-05-11T09:00:00", "2026-05-18T09:00:00", "2026-05-25T09:00:00"]
    assert all(event.is_occurrence and event.base_event_id == series_id for event in occurrences.result.items)

    # One occurrence renamed, the whole series re-timed by a patch, then /changes sees exactly those two.
    with client.batch() as batch:
        updated = batch.calendars.calendar_event.set(update={
            occurrence_ids[1]: {"title": f"Retro {run_token}"},
            single_id: {"duration": "PT30M"},
        })
    assert updated.result.not_updated == {}, updated.result.not_updated
    with client.batch() as batch:
        changes = batch.calendars.calendar_event.changes(since_state=state)
        series = batch.calendars.calendar_event.get(ids=[series_id], properties=["recurrenceOverrides"])
    assert set(changes.result.created) == {series_id, single_id}
    overrides = series.result.items[0].recurrence_overrides
    assert overrides["2026-05-11T09:00:00"]["title"] == f"Retro {run_token}"

    with client.batch() as batch:
        destroyed = batch.calendars.calendar_event.set(destroy=[series_id, single_id])
        after = batch.calendars.calendar_event.query(filter={"text": run_token})
    assert sorted(destroyed.result.destroyed) == sorted([series_id, single_id])
    assert after.result.ids == []
    events.clear()


def test_parse_a_blob(client: JMAPClient, run_token: str) -> None:
    """§5.13: parse reads events out of an uploaded .ics without storing them."""
    ics = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//jmaplib test//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:parse-{run_token}\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260301T100000Z\r\n"
        f"DURATION:PT1H\r\nSUMMARY:Parsed {run_token}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n").encode()
    account_id = client.session.primary_accounts[CALENDARS]
    blob = client.upload(ics, content_type="text/calendar", account_id=account_id)
    with client.batch() as batch:
        parsed = batch.calendars.calendar_event.parse(blob_ids=[blob.blob_id])
        stored = batch.calendars.calendar_event.query(filter={"uid": f"parse-{run_token}"})
    events = parsed.result.events_of(blob.blob_id)
    assert [event.title for event in events] == [f"Parsed {run_token}"]
    assert stored.result.ids == []
