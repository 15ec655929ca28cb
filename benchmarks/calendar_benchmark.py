#!/usr/bin/env python3
"""Calendar benchmark: the gateway's JMAP for Calendars against a bare CalDAV client, same servers, same data.

For each server (--servers, default radicale,xandikos) it starts its own backends (scripts/backends.sh, state in
.bench/calendar-backends, ports Radicale 5282, Xandikos 8093 behind nginx 8084), seeds alice's calendar with
--events deterministic events (default 1,000), PUT one by one with If-None-Match: * (skipped when the calendar
already holds exactly these events, --reseed forces it). A quarter of them recur (daily with COUNT, weekly with
BYDAY, every other week until a date, monthly by day or by weekday, weekly with an EXDATE and an overridden
occurrence); the others are single. They use Europe/Berlin, America/New_York and Asia/Tokyo (VTIMEZONE
included), all-day dates, floating and UTC times; some have VALARMs, ORGANIZER and ATTENDEEs. They start all
over 2026, so that one month holds a realistic share.

It starts `jmap-gateway serve` with a cache in a temporary directory, [limits] max_objects_in_get = --events,
min_sync_age, poll_interval and auth_cache_ttl "1h" (so that no timed request waits for the DAV server: this
measures what the gateway itself adds), warms the cache with one CalendarEvent/get of every event, then
measures, client-side wall time over one keep-alive HTTP connection to each (Radicale speaks HTTP/1.0 and
closes after each answer, so its requests include a TCP connect, as for any of its clients):

  (1) CalendarEvent/get of all events (ids null), every property: the count must be --events
  (2) CalendarEvent/query, expandRecurrences, filter after/before the month (--month, default 2026-06; the
      query's timeZone is the default Etc/UTC), sorted by start: the ids of the month's occurrences
  (3) CalendarEvent/changes with no change (sinceState = the current state): nothing may have changed
  (4) the bare CalDAV reference: calendar-query REPORT, Depth 1, a VEVENT time-range of the same month in UTC,
      asking for getetag and calendar-data (what a bare client needs to show the month), the body read and
      parsed with ElementTree (inside the timing)
  (4b) the same REPORT asking for getetag only

Each round runs (1), (2), (3), (4) and (4b) once, so that all see the same load; one untimed round, then --runs
timed ones; medians and p90. Between them, six more untimed REPORTs: Xandikos indexes a filter after it has
seen it five times and answers from the index from then on (faster, and with a few false positives), so the
timed REPORTs all see that steady state; a change of answer is printed. JMAP times stop when the body is read (JSON parsing not included; (2)'s answer is
a list of ids). It prints a Markdown table per server with the issue's target: (2) median <= 0.5 x (4) median.

(2) counts occurrences and (4) resources, so the numbers differ. As a check (untimed, never failing the run,
but printed loudly) it maps the query's ids to UIDs with one CalendarEvent/get (properties uid) and compares
them with the UIDs in the REPORT's calendar-data: both sides must name the same events. It also asks the
server to expand the month itself (<C:expand> in a calendar-query) and compares the number of occurrences per
UID with the gateway's; the servers' expansion has known faults (see the lab notes), so a difference there is
a hint, not a verdict. Last, CalendarEvent/query with the same filter but without expandRecurrences must match
the events the expanded query's occurrences belong to (§5.11.1: an event matches when one occurrence does).

Usage: benchmarks/calendar_benchmark.py [--binary PATH] [--servers radicale,xandikos] [--events 1000]
                                        [--runs 20] [--month 2026-06] [--reseed] [--json FILE]
  --binary  the gateway (default .build/release/jmap-gateway; build it first: swift build -c release)

On exit it stops the gateway and its backends and deletes the gateway's cache. The seeded calendars are left in
.bench/calendar-backends (git-ignored), so that the next run need not seed again;
`BACKENDS_STATE=$PWD/.bench/calendar-backends scripts/backends.sh reset` deletes them (an absolute state dir:
nginx does not start with a relative one). Standard library only.
"""
import argparse
import collections
import concurrent.futures
import datetime as dt
import hashlib
import json
import os
import random
import shutil
import tempfile
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET

import benchlib
from benchlib import DAVConnection, Gateway, REPO, load_average, log, median, percentile

STATE = os.path.join(REPO, ".bench", "calendar-backends")
# sync_benchmark.py uses 5262/8092/8083, contacts_benchmark.py 5272, the default backends 5232/8090/8081
PORTS = {"RADICALE_PORT": "5282", "XANDIKOS_PORT": "8093", "XANDIKOS_NGINX_PORT": "8084"}
USING = ["urn:ietf:params:jmap:core", "urn:ietf:params:jmap:calendars"]
CALENDARS = "urn:ietf:params:jmap:calendars"
TARGET_RATIO = 0.5
DAV = "{DAV:}"
CAL = "{urn:ietf:params:xml:ns:caldav}"
XANDIKOS_INDEX_WARMUP = 6  # untimed REPORTs, see measure()
GENERATOR = "calendar-bench-1"  # change when make_event changes: the seeded calendars are then seeded again


# --------------------------------------------------------------------------------------------- events
# Adapted from the lab's generator (lab/gen_data.py make_event), with an exact share of recurring events and
# occurrences (EXDATE, RECURRENCE-ID) that always exist.

VTIMEZONES = {
    "Europe/Berlin": [
        "BEGIN:VTIMEZONE", "TZID:Europe/Berlin",
        "BEGIN:DAYLIGHT", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "TZNAME:CEST", "DTSTART:19700329T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "END:DAYLIGHT",
        "BEGIN:STANDARD", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "TZNAME:CET", "DTSTART:19701025T030000",
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "END:STANDARD", "END:VTIMEZONE"],
    "America/New_York": [
        "BEGIN:VTIMEZONE", "TZID:America/New_York",
        "BEGIN:DAYLIGHT", "TZOFFSETFROM:-0500", "TZOFFSETTO:-0400", "TZNAME:EDT", "DTSTART:19700308T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU", "END:DAYLIGHT",
        "BEGIN:STANDARD", "TZOFFSETFROM:-0400", "TZOFFSETTO:-0500", "TZNAME:EST", "DTSTART:19701101T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU", "END:STANDARD", "END:VTIMEZONE"],
    "Asia/Tokyo": [
        "BEGIN:VTIMEZONE", "TZID:Asia/Tokyo",
        "BEGIN:STANDARD", "TZOFFSETFROM:+0900", "TZOFFSETTO:+0900", "TZNAME:JST", "DTSTART:19700101T000000",
        "END:STANDARD", "END:VTIMEZONE"],
}
ZONES = ["Europe/Berlin", "Europe/Berlin", "America/New_York", "America/New_York", "Asia/Tokyo"]
SUMMARIES = ["Team standup", "1:1 with {p}", "Dentist", "Project kickoff", "Lunch with {p}", "Quarterly review",
             "Yoga class", "Flight to {c}", "Sprint planning", "Call {p}", "Code review", "Piano lesson",
             "Offsite in {c}", "Déjeuner avec {p}", "Besprechung: Straße & Brücke"]
PEOPLE = ["José García", "Søren Ødegaard", "Łukasz Nowak", "Shōhei Ōtani", "Anna Schmidt", "Chen Wang",
          "Fatima Haddad", "Olu Adeyemi", "Mia Rossi", "Ravi Iyer"]
CITIES = ["Berlin", "New York", "Tokyo", "Kraków", "São Paulo", "Reykjavík"]
LOCATIONS = ["Room 101", "Café Central, Vienna", "https://meet.example.com/abc-defg", "Building 4; 2nd floor", ""]
NOTES = ["Bring the slides.", "Line one\nLine two, with a comma; and a semicolon",
         "Ünïcödé ✓ — emoji 🎉 and CJK 你好"]
RECURRENCES = ["daily-count", "weekly-byday", "biweekly-until", "monthly-bymonthday", "monthly-byday",
               "weekly-exdate-override"]
DTSTAMP = "20260101T000000Z"


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace(",", "\\,").replace(";", "\\;")


def fold(line: str) -> str:
    """Folds at 75 octets without splitting a UTF-8 sequence (RFC 5545 §3.1)."""
    if len(line.encode()) <= 75:
        return line
    parts, current, limit = [], b"", 75
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > limit:
            parts.append(current.decode())
            current, limit = b" ", 75
        current += encoded
    parts.append(current.decode())
    return "\r\n".join(parts)


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return day.replace(year=day.year + month // 12, month=month % 12 + 1)


def event_name(i: int) -> str:
    return f"bench-event-{i}.ics"


def make_event(i: int) -> str:
    """The deterministic iCalendar object of event I (UID bench-event-I): every fourth one recurs."""
    r = random.Random(f"{GENERATOR}:{i}")
    uid = f"bench-event-{i}"
    recurrence = RECURRENCES[(i // 4) % len(RECURRENCES)] if i % 4 == 3 else None
    mode = r.choices(["tz", "date", "utc", "floating"], weights=[60, 15, 15, 10] if recurrence is None
                     else [70, 10, 10, 10])[0]
    if recurrence == "monthly-byday":
        mode = "tz"  # the weekday of a DTSTART in a zone is the same everywhere
    zone = r.choice(ZONES)
    day = dt.date(2026, 1, 1) + dt.timedelta(days=r.randrange(365))
    if recurrence == "monthly-bymonthday":
        day = day.replace(day=min(day.day, 28))
    if recurrence == "monthly-byday":  # the second Tuesday of its month, so that DTSTART is the first occurrence
        first = day.replace(day=1)
        day = first + dt.timedelta(days=(1 - first.weekday()) % 7 + 7)
    start = dt.datetime.combine(day, dt.time(r.choice([7, 8, 9, 10, 13, 14, 16, 18, 22]), r.choice([0, 15, 30, 45])))
    duration = dt.timedelta(minutes=r.choice([15, 30, 45, 60, 60, 90, 120, 240]))
    if mode == "date":
        start = dt.datetime.combine(day, dt.time())
        duration = dt.timedelta(days=r.choice([1, 1, 1, 2, 3]))
    if mode == "utc":
        start = start.replace(hour=(start.hour + 17) % 24)  # UTC times that are office hours somewhere else
    used_zones = set()

    def date_time(name: str, value: dt.datetime) -> str:
        if mode == "tz":
            used_zones.add(zone)
            return f"{name};TZID={zone}:{value:%Y%m%dT%H%M%S}"
        if mode == "utc":
            return f"{name}:{value:%Y%m%dT%H%M%S}Z"
        if mode == "date":
            return f"{name};VALUE=DATE:{value:%Y%m%d}"
        return f"{name}:{value:%Y%m%dT%H%M%S}"

    person, city = r.choice(PEOPLE), r.choice(CITIES)
    summary = r.choice(SUMMARIES).format(p=person, c=city)
    lines = ["BEGIN:VEVENT", f"UID:{uid}", f"DTSTAMP:{DTSTAMP}", "CREATED:20251201T120000Z",
             "LAST-MODIFIED:20251201T120000Z", date_time("DTSTART", start)]
    if mode == "date" or r.random() < 0.6:
        lines.append(date_time("DTEND", start + duration))
    else:
        hours, minutes = divmod(int(duration.total_seconds()) // 60, 60)
        lines.append("DURATION:PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else ""))
    lines.append(f"SUMMARY:{escape(summary)}")
    location = r.choice(LOCATIONS)
    if location:
        lines.append(f"LOCATION:{escape(location)}")
    if r.random() < 0.4:
        lines.append(f"DESCRIPTION:{escape(r.choice(NOTES))}")
    if r.random() < 0.3:
        lines.append("CATEGORIES:" + ",".join(r.sample(["Work", "Family", "Gym", "Travel"], r.randint(1, 2))))
    lines.append("STATUS:" + r.choice(["CONFIRMED", "CONFIRMED", "CONFIRMED", "TENTATIVE"]))
    lines.append("TRANSP:" + ("TRANSPARENT" if mode == "date" else "OPAQUE"))
    if r.random() < 0.3:
        lines.append("ORGANIZER;CN=Alice Example:mailto:alice@example.com")
        lines.append("ATTENDEE;CN=Alice Example;PARTSTAT=ACCEPTED;ROLE=CHAIR:mailto:alice@example.com")
        for k in range(r.randint(1, 3)):
            status = r.choice(["NEEDS-ACTION", "ACCEPTED", "DECLINED", "TENTATIVE"])
            rsvp = ";RSVP=TRUE" if status == "NEEDS-ACTION" else ""
            name = PEOPLE[(i + k) % len(PEOPLE)]
            lines.append(f"ATTENDEE;CN={name};CUTYPE=INDIVIDUAL;PARTSTAT={status};ROLE=REQ-PARTICIPANT{rsvp}"
                         f":mailto:guest{k}.{i}@example.org")

    overrides = []
    if recurrence:
        step = None  # the distance between occurrences of a simple rule, for EXDATE and RECURRENCE-ID
        if recurrence == "daily-count":
            rule, step = f"FREQ=DAILY;COUNT={r.randint(5, 30)}", dt.timedelta(days=1)
        elif recurrence == "weekly-byday":
            days = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
            byday = sorted({days[start.weekday()]} | set(r.sample(days[:5], r.randint(1, 2))), key=days.index)
            rule = "FREQ=WEEKLY;BYDAY=" + ",".join(byday) + r.choice(["", f";COUNT={r.randint(10, 40)}"])
        elif recurrence == "biweekly-until":
            until = start + dt.timedelta(days=r.randint(60, 240))
            # UNTIL is a date for a date DTSTART, local for a floating one and UTC otherwise (RFC 5545 §3.3.10)
            rule = "FREQ=WEEKLY;INTERVAL=2;UNTIL=" + (
                f"{until:%Y%m%d}" if mode == "date" else f"{until:%Y%m%dT235959}" if mode == "floating"
                else f"{until:%Y%m%d}T235959Z")
            step = dt.timedelta(days=14)
        elif recurrence == "monthly-bymonthday":
            rule = f"FREQ=MONTHLY;BYMONTHDAY={start.day}" + r.choice(["", ";COUNT=12"])
        elif recurrence == "monthly-byday":
            rule = "FREQ=MONTHLY;BYDAY=2TU" + r.choice(["", ";COUNT=6"])
        else:  # weekly-exdate-override
            rule, step = "FREQ=WEEKLY" + r.choice(["", f";COUNT={r.randint(8, 30)}"]), dt.timedelta(days=7)
        lines.append(f"RRULE:{rule}")
        if recurrence == "monthly-bymonthday" and r.random() < 0.5:
            lines.append(date_time("EXDATE", start.replace(year=add_months(start.date(), 2).year,
                                                           month=add_months(start.date(), 2).month)))
        if step is not None and (recurrence == "weekly-exdate-override" or r.random() < 0.3):
            lines.append(date_time("EXDATE", start + step * r.randint(1, 2)))
        if step is not None and (recurrence == "weekly-exdate-override" or r.random() < 0.3):
            recurrence_id = start + step * 3
            moved = recurrence_id + (dt.timedelta(days=1) if mode == "date" else dt.timedelta(hours=2))
            override = ["BEGIN:VEVENT", f"UID:{uid}", f"DTSTAMP:{DTSTAMP}", date_time("RECURRENCE-ID", recurrence_id),
                        date_time("DTSTART", moved), date_time("DTEND", moved + duration),
                        f"SUMMARY:{escape(summary)} (moved)", "SEQUENCE:1"]
            if r.random() < 0.5:
                override.append("LOCATION:Room 202 (changed)")
            override.append("END:VEVENT")
            overrides.append(override)

    if r.random() < 0.4:
        for k in range(r.choice([1, 1, 2])):
            trigger = "-PT15H" if mode == "date" and k == 0 else r.choice(["-PT15M", "-PT5M", "-PT1H", "-P1D", "PT0S"])
            alarm = ["BEGIN:VALARM", f"UID:{uid}-alarm-{k}", "ACTION:DISPLAY", f"DESCRIPTION:{escape(summary)}",
                     f"TRIGGER:{trigger}"]
            if r.random() < 0.2:
                alarm += ["REPEAT:2", "DURATION:PT5M"]
            lines += alarm + ["END:VALARM"]
    lines.append("END:VEVENT")
    calendar = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//jmap-gateway//{GENERATOR}//EN", "CALSCALE:GREGORIAN"]
    for name in sorted(used_zones):
        calendar += VTIMEZONES[name]
    calendar += lines
    for override in overrides:
        calendar += override
    calendar.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in calendar)


def fingerprint(count: int) -> str:
    digest = hashlib.sha256()
    for i in range(count):
        digest.update(make_event(i).encode())
    return digest.hexdigest()


def vevent_lines(calendar_data: str):
    """The unfolded content lines of the VEVENTs themselves (not of their VALARMs, nor of VTIMEZONEs)."""
    unfolded = calendar_data.replace("\r\n", "\n").replace("\n ", "").replace("\n\t", "")
    stack = []
    for line in unfolded.split("\n"):
        upper = line.upper()
        if upper.startswith("BEGIN:"):
            stack.append(upper[6:].strip())
        elif upper.startswith("END:"):
            if stack:
                stack.pop()
        elif stack and stack[-1] == "VEVENT":
            yield line


def recurs(calendar_data: str) -> bool:
    return any(line.upper().startswith(("RRULE", "RDATE")) for line in vevent_lines(calendar_data))


def vevent_uids(calendar_data: str) -> collections.Counter:
    """UID -> the number of VEVENTs with it (UIDs of VALARMs and others not counted)."""
    counts = collections.Counter()
    for line in vevent_lines(calendar_data):
        if line[:3].upper() == "UID" and line[3:4] in (":", ";"):
            counts[line.split(":", 1)[1].strip()] += 1
    return counts


# -------------------------------------------------------------------------------------------- seeding

PROPFIND_ETAG = b'<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>'


def members(base: str, path: str) -> list:
    """The names of the calendar's members (one PROPFIND Depth 1)."""
    conn = DAVConnection(base)
    status, _, data = conn.request("PROPFIND", path, PROPFIND_ETAG, {"Depth": "1"})
    conn.close()
    assert status == 207, (status, data[:300])
    hrefs = [urllib.parse.unquote(r.findtext(f"{DAV}href") or "") for r in ET.fromstring(data).iter(f"{DAV}response")]
    return [h.rsplit("/", 1)[-1] for h in hrefs if h.rstrip("/") != path.rstrip("/")]


def parallel(base: str, work, items, threads: int = 4):
    """Calls WORK(connection, item) for each item on THREADS keep-alive connections; returns the results."""
    local = threading.local()
    connections = []

    def run(item):
        if not hasattr(local, "conn"):
            local.conn = DAVConnection(base)
            connections.append(local.conn)
        return work(local.conn, item)

    try:
        with concurrent.futures.ThreadPoolExecutor(threads) as pool:
            return list(pool.map(run, items))
    finally:
        for conn in connections:
            conn.close()


def seed(base: str, path: str, count: int, existing: list):
    if existing:
        log(f"  deleting the {len(existing)} resources in the calendar ...")

        def delete(conn, name):
            status, _, data = conn.request("DELETE", path + urllib.parse.quote(name))
            assert status in (200, 204, 404), (name, status, data[:300])

        parallel(base, delete, existing)

    def put(conn, i):
        status, _, data = conn.request("PUT", path + event_name(i), make_event(i).encode(),
                                       {"Content-Type": "text/calendar; charset=utf-8", "If-None-Match": "*"})
        assert status in (201, 204), (event_name(i), status, data[:300])

    parallel(base, put, range(count))


def ensure_seeded(server: str, base: str, path: str, count: int, reseed: bool):
    stamp = os.path.join(STATE, server, "bench-calendar.seeded")  # deleted with the server's state
    expected = fingerprint(count)
    existing = members(base, path)
    seeded = (sorted(existing) == sorted(event_name(i) for i in range(count)) and os.path.exists(stamp)
              and open(stamp).read().strip() == expected)
    if seeded and not reseed:
        log(f"{server}: {base.rstrip('/')}{path} already holds the {count} bench events (--reseed to seed again)")
        return None
    if os.path.exists(stamp):
        os.remove(stamp)
    log(f"{server}: seeding {count} events into {base.rstrip('/')}{path} by PUT (calendar held {len(existing)}) ...")
    started = time.perf_counter()
    seed(base, path, count, existing)
    seconds = time.perf_counter() - started
    log(f"{server}: seeded in {seconds:.0f} s")
    assert len(members(base, path)) == count
    with open(stamp, "w") as handle:
        handle.write(expected + "\n")
    return seconds


# ---------------------------------------------------------------------------------------- measuring

def month_bounds(month: str):
    year, number = (int(part) for part in month.split("-"))
    start = dt.date(year, number, 1)
    end = add_months(start, 1)
    return start, end


def calendar_query_body(start: dt.date, end: dt.date, data: bool, expand: bool = False) -> bytes:
    utc_start, utc_end = f"{start:%Y%m%d}T000000Z", f"{end:%Y%m%d}T000000Z"
    calendar_data = ""
    if expand:
        calendar_data = f'<c:calendar-data><c:expand start="{utc_start}" end="{utc_end}"/></c:calendar-data>'
    elif data:
        calendar_data = "<c:calendar-data/>"
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">'
        f"<d:prop><d:getetag/>{calendar_data}</d:prop>"
        '<c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT">'
        f'<c:time-range start="{utc_start}" end="{utc_end}"/>'
        "</c:comp-filter></c:comp-filter></c:filter></c:calendar-query>"
    ).encode()


def multiget_expand_body(hrefs, start: dt.date, end: dt.date) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">'
        f'<d:prop><c:calendar-data><c:expand start="{start:%Y%m%d}T000000Z" end="{end:%Y%m%d}T000000Z"/>'
        "</c:calendar-data></d:prop>" + "".join(f"<d:href>{href}</d:href>" for href in hrefs)
        + "</c:calendar-multiget>"
    ).encode()


def report(conn: DAVConnection, path: str, body: bytes):
    """One calendar-query REPORT, the body parsed: (milliseconds, milliseconds without parsing, bytes, the
    members' (href, calendar-data) of 200 propstats)."""
    started = time.perf_counter()
    status, _, data = conn.request("REPORT", path, body, {"Depth": "1"})
    received = time.perf_counter()
    if status != 207:
        raise DAVError(f"REPORT {path} answered {status}: {data[:500]!r}")
    root = ET.fromstring(data)
    found = []
    for response in root.iter(f"{DAV}response"):
        href = response.findtext(f"{DAV}href")
        for propstat in response.findall(f"{DAV}propstat"):
            if " 200 " in (propstat.findtext(f"{DAV}status") or ""):
                found.append((href, propstat.findtext(f"{DAV}prop/{CAL}calendar-data")))
    finished = time.perf_counter()
    return (finished - started) * 1000, (received - started) * 1000, len(data), found


class JMAPError(Exception):
    pass


class DAVError(Exception):
    pass


def jmap(gateway: Gateway, method: str, arguments: dict):
    """One call; returns (milliseconds, the response's arguments, bytes). Raises on a method error."""
    elapsed, data = gateway.api([[method, arguments, "0"]], using=USING)
    name, result, _ = json.loads(data)["methodResponses"][0]
    if name != method:
        raise JMAPError(f"{method} answered {json.dumps([name, result])}")
    return elapsed, result, len(data)


def stats(times) -> dict:
    return {"median": median(times), "p90": percentile(times, 0.9), "runs": len(times)}


def measure(server: str, env: dict, args, binary: str, workdir: str) -> dict:
    base = env[f"{server.upper()}_URL"]
    path = urllib.parse.urlsplit(env[f"{server.upper()}_CAL_{benchlib.USER.upper()}"]).path
    results = {"server": server, "calendar": base.rstrip("/") + path, "loadBefore": load_average()}
    results["seedSeconds"] = ensure_seeded(server, base, path, args.events, args.reseed)
    dav = DAVConnection(base)
    # Xandikos does work left over from writes on the next request: let it happen before anything is timed.
    dav.request("PROPFIND", path, PROPFIND_ETAG, {"Depth": "0"})

    cache = os.path.join(workdir, f"cache-{server}")
    os.makedirs(cache)
    log_path = os.path.join(workdir, f"gateway-{server}.log")
    log_file = open(log_path, "w")
    gateway = Gateway(binary, base, cache, log_level="warning", log=log_file,
                      backend={"min_sync_age": "1h", "poll_interval": "1h", "auth_cache_ttl": "1h"},
                      sections={"limits": {"max_objects_in_get": args.events}})
    start, end = month_bounds(args.month)
    try:
        status, _, data = gateway.conn.request("GET", "/jmap/session")
        assert status == 200, (status, data[:300])
        account = json.loads(data)["primaryAccounts"][CALENDARS]

        log(f"{server}: warming the gateway's cache (login and first sync of every event) ...")
        started = time.perf_counter()
        _, result, _ = jmap(gateway, "CalendarEvent/get", {"accountId": account, "ids": None, "properties": ["id"]})
        results["warmupMilliseconds"] = (time.perf_counter() - started) * 1000
        assert len(result["list"]) == args.events, (len(result["list"]), args.events)
        _, result, _ = jmap(gateway, "CalendarEvent/get", {"accountId": account, "ids": []})
        state = result["state"]

        query = {"accountId": account, "expandRecurrences": True,
                 "filter": {"after": f"{start:%Y-%m-%d}T00:00:00", "before": f"{end:%Y-%m-%d}T00:00:00"},
                 "sort": [{"property": "start"}]}
        report_full = calendar_query_body(start, end, data=True)
        report_etag = calendar_query_body(start, end, data=False)

        def get_all():
            milliseconds, result, size = jmap(gateway, "CalendarEvent/get", {"accountId": account, "ids": None})
            assert len(result["list"]) == args.events and not result["notFound"], len(result["list"])
            return milliseconds, size, len(result["list"])

        def expanded_query():
            milliseconds, result, size = jmap(gateway, "CalendarEvent/query", query)
            assert "limit" not in result, f"the gateway capped the query at {result['limit']} ids"
            return milliseconds, size, tuple(result["ids"])

        def changes():
            milliseconds, result, size = jmap(gateway, "CalendarEvent/changes", {"accountId": account,
                                                                                 "sinceState": state})
            assert result["newState"] == state and not (result["created"] or result["updated"] or
                                                        result["destroyed"]), result
            return milliseconds, size, None

        unparsed = {}  # the REPORTs' times without parsing, by measurement

        def bare(body, name):
            def run():
                milliseconds, unparsed[name], size, found = report(dav, path, body)
                return milliseconds, size, tuple(sorted(href for href, _ in found))
            return run

        measurements = [("getAll", get_all), ("query", expanded_query), ("changes", changes),
                        ("report", bare(report_full, "report")), ("reportEtag", bare(report_etag, "reportEtag"))]
        times, answers, sizes = collections.defaultdict(list), collections.defaultdict(list), {}
        log(f"{server}: one untimed round, then {args.runs} rounds of (1) get all, (2) expanded query {args.month}, "
            "(3) changes, (4) REPORT with calendar-data, (4b) REPORT getetag only ...")
        for run in range(args.runs + 1):
            if run == 1:
                # Xandikos indexes a filter once it has seen it more than 5 times (its AutoIndexManager,
                # DEFAULT_INDEXING_THRESHOLD) and answers from the index from then on: time the steady state.
                for _ in range(XANDIKOS_INDEX_WARMUP):
                    report(dav, path, report_etag)
            for name, function in measurements:
                milliseconds, sizes[name], answer = function()
                answers[name].append(answer)
                if run:
                    times[name].append(milliseconds)
                    if name in unparsed:
                        times[name + "Unparsed"].append(unparsed[name])
        for name in ("query", "report", "reportEtag"):
            untimed, timed = answers[name][0], answers[name][1:]
            if len(set(timed)) != 1:
                log(f"!!! {server}: {name} did not answer the same in every timed round "
                    f"({len(set(timed))} different answers)")
            elif untimed != timed[0]:
                log(f"{server}: {name} answered {len(untimed)} items in the untimed round before the warm-up, "
                    f"{len(timed[0])} in the timed ones; only in the untimed one: "
                    f"{sorted(set(untimed) - set(timed[0]))[:10]}, only in the timed ones: "
                    f"{sorted(set(timed[0]) - set(untimed))[:10]}")
                results.setdefault("answerChangedAfterWarmup", []).append(name)
        for name, _ in measurements:
            results[name] = dict(stats(times[name]), bytes=sizes[name])
        for name in ("report", "reportEtag"):
            results[name]["medianWithoutParsing"] = median(times[name + "Unparsed"])
        query_ids = list(answers["query"][-1])
        results["query"]["instances"] = len(query_ids)
        results["report"]["resources"] = len(answers["report"][-1])
        results["reportEtag"]["resources"] = len(answers["reportEtag"][-1])
        results["checks"] = check(server, gateway, account, dav, path, query, query_ids, start, end, args.events)
    finally:
        dav.close()
        gateway.close()
        log_file.close()
        results["loadAfter"] = load_average()
        with open(log_path) as handle:
            lines = handle.read().splitlines()
        if lines:
            log(f"!!! {server}: the gateway logged {len(lines)} lines at warning or above; the first ones:")
            for line in lines[:20]:
                log("    " + line)
        results["gatewayLogLines"] = lines[:50]
    return results


def uids_of(server: str, gateway: Gateway, account: str, ids: list, chunk: int) -> collections.Counter:
    """UID -> how many of IDS (events or occurrences) have it: CalendarEvent/get, properties uid."""
    uids = collections.Counter()
    for offset in range(0, len(ids), chunk):
        _, result, _ = jmap(gateway, "CalendarEvent/get",
                            {"accountId": account, "ids": ids[offset:offset + chunk], "properties": ["uid"]})
        if result["notFound"]:
            log(f"!!! {server}: CalendarEvent/get did not find {len(result['notFound'])} of the query's ids, "
                f"e.g. {result['notFound'][:5]}")
        for event in result["list"]:
            uids[event.get("uid")] += 1
    return uids


def check(server: str, gateway: Gateway, account: str, dav: DAVConnection, path: str, query: dict, query_ids: list,
          start: dt.date, end: dt.date, events: int) -> dict:
    """Untimed: the query's occurrences against the REPORT's resources, by UID (never fails the run)."""
    gateway_uids = uids_of(server, gateway, account, query_ids, events)
    # The same filter without expandRecurrences matches an event when one of its occurrences is in the
    # window (draft-ietf-jmap-calendars-27 §5.11.1): the same events as the expanded query.
    _, result, _ = jmap(gateway, "CalendarEvent/query", {"accountId": account, "filter": query["filter"]})
    plain_uids = set(uids_of(server, gateway, account, result["ids"], events))
    plain_missing = sorted(set(gateway_uids) - plain_uids, key=uid_order)
    plain_extra = sorted(plain_uids - set(gateway_uids), key=uid_order)
    if plain_missing or plain_extra:
        log(f"!!! {server}: CORRECTNESS: CalendarEvent/query with the same filter but without expandRecurrences "
            f"matches {len(plain_uids)} events, the expanded query's occurrences belong to {len(gateway_uids)}: "
            f"{len(plain_missing)} missing, {len(plain_extra)} extra; e.g.")
        for uid in (plain_missing[:8] + plain_extra[:4]):
            side = "missing" if uid in gateway_uids else "extra  "
            log(f"!!!   {side} {uid} ({gateway_uids[uid]} occurrences in the window): {describe(uid)}")
    else:
        log(f"{server}: the query without expandRecurrences matches the same {len(plain_uids)} events")
    _, _, _, found = report(dav, path, calendar_query_body(start, end, data=True))
    report_uids = set()
    for href, data in found:
        report_uids |= set(vevent_uids(data or ""))
    server_instances, expand_error, failed = collections.Counter(), None, []
    try:
        _, _, _, expanded = report(dav, path, calendar_query_body(start, end, data=True, expand=True))
        for href, data in expanded:
            server_instances.update(vevent_uids(data or ""))
    except DAVError as error:
        # Radicale 3.9.0 answers 500 to the whole REPORT when one event trips its expansion: ask for each
        # resource on its own (calendar-multiget with <C:expand>) and count the ones that fail.
        log(f"{server}: the server's own <C:expand> in a calendar-query failed ({str(error)[:80]}); "
            f"asking for each recurring one of the {len(found)} resources with calendar-multiget + <C:expand> ...")
        for href, data in found:
            if not recurs(data or ""):
                # Radicale 3.9.0's calendar-multiget with <C:expand> leaves out events that do not recur;
                # the REPORT above already says that the one occurrence of such an event is in the month.
                server_instances.update(vevent_uids(data or ""))
                continue
            try:
                _, _, _, expanded = report(dav, path, multiget_expand_body([href], start, end))
                for _, data in expanded:
                    server_instances.update(vevent_uids(data or ""))
            except DAVError:
                failed.append(urllib.parse.unquote(href).rsplit("/", 1)[-1].removesuffix(".ics"))
        if failed:
            expand_error = (f"calendar-query with <C:expand> failed; calendar-multiget with <C:expand> failed for "
                            f"{len(failed)} resources: {', '.join(sorted(failed, key=uid_order)[:10])}")
            log(f"{server}: {expand_error}; those are left out of the per-UID comparison")

    only_gateway = sorted(set(gateway_uids) - report_uids, key=uid_order)
    only_report = sorted(report_uids - set(gateway_uids), key=uid_order)
    count_differences = {uid: (gateway_uids[uid], server_instances[uid])
                         for uid in sorted(set(gateway_uids) | set(server_instances), key=uid_order)
                         if gateway_uids[uid] != server_instances[uid]}
    log(f"{server}: the expanded query has {sum(gateway_uids.values())} occurrences of {len(gateway_uids)} events; "
        f"the REPORT has {len(found)} resources with {len(report_uids)} UIDs")
    if only_gateway or only_report:
        log(f"!!! {server}: CORRECTNESS: the query and the REPORT name different events "
            f"(only in the query: {len(only_gateway)}, only in the REPORT: {len(only_report)})")
        for uid in (only_gateway + only_report)[:20]:
            side = "only in the query " if uid in gateway_uids else "only in the REPORT"
            log(f"!!!   {side} {uid}: {describe(uid)}")
    else:
        log(f"{server}: UID check passed: every event in the REPORT has an occurrence in the query, and back")
    if expand_error:
        failed_uids = set(failed)
        count_differences = {uid: pair for uid, pair in count_differences.items() if uid not in failed_uids}
    if count_differences:
        log(f"!!! {server}: occurrences per UID differ between the gateway and the server's own <C:expand> for "
            f"{len(count_differences)} events (gateway, server); the server's expansion has known faults:")
        for uid, (ours, theirs) in list(count_differences.items())[:20]:
            log(f"!!!   {uid}: gateway {ours}, {server} {theirs}: {describe(uid)}")
    else:
        log(f"{server}: occurrences per UID agree with the server's own <C:expand> "
            f"({sum(server_instances.values())} occurrences)")
    return {"queryInstances": sum(gateway_uids.values()), "queryEvents": len(gateway_uids),
            "reportResources": len(found), "reportUIDs": len(report_uids), "onlyInQuery": only_gateway,
            "onlyInReport": only_report, "serverExpandInstances": sum(server_instances.values()),
            "instanceCountDifferences": {uid: list(pair) for uid, pair in count_differences.items()},
            "serverExpandError": expand_error, "unexpandedQueryEvents": len(plain_uids),
            "unexpandedQueryMissing": plain_missing, "unexpandedQueryExtra": plain_extra}


def uid_order(uid):
    tail = str(uid).rsplit("-", 1)[-1]
    return (0, int(tail), "") if tail.isdigit() else (1, 0, str(uid))


def describe(uid) -> str:
    """The lines of the generated event that decide its times, for a report."""
    tail = str(uid).rsplit("-", 1)[-1]
    if not tail.isdigit():
        return "(not a bench event)"
    keep = ("DTSTART", "DTEND", "DURATION", "RRULE", "EXDATE", "RECURRENCE-ID")
    lines = [line for line in vevent_lines(make_event(int(tail))) if line.split(";")[0].split(":")[0] in keep]
    return " | ".join(lines)


# ------------------------------------------------------------------------------------------- report

def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def table(r: dict, args, binary: str) -> str:
    get_all, query, changes, full, etag = r["getAll"], r["query"], r["changes"], r["report"], r["reportEtag"]
    ratio = query["median"] / full["median"]
    recurring = sum(1 for i in range(args.events) if i % 4 == 3)
    lines = [
        f"**{r['server']}** ({r['calendar']}) — gateway: {binary}; {args.events} events ({recurring} recurring); "
        f"month {args.month}; medians and p90 of {args.runs} rounds after one untimed round, one keep-alive "
        f"connection each to the gateway and to {r['server']}; load average before: {r['loadBefore']}, "
        f"after: {r['loadAfter']}",
        "",
        "| measurement | median | p90 | answer | target | |",
        "|---|---:|---:|---|---|---|",
        f"| (1) CalendarEvent/get, all events, all properties | {get_all['median']:.1f} ms | {get_all['p90']:.1f} ms "
        f"| {args.events} events, {get_all['bytes'] / 1e6:.2f} MB | | |",
        f"| (2) CalendarEvent/query, expandRecurrences, {args.month}, sort start | {query['median']:.2f} ms "
        f"| {query['p90']:.2f} ms | {query['instances']} occurrences ({r['checks']['queryEvents']} events), "
        f"{query['bytes'] / 1e3:.1f} kB | ≤ {TARGET_RATIO} × (4) | |",
        f"| (3) CalendarEvent/changes, no change | {changes['median']:.2f} ms | {changes['p90']:.2f} ms "
        "| no change | | |",
        f"| (4) bare calendar-query REPORT, time-range {args.month}, getetag + calendar-data, parsed "
        f"| {full['median']:.1f} ms | {full['p90']:.1f} ms | {full['resources']} resources, "
        f"{full['bytes'] / 1e3:.1f} kB (unparsed median {full['medianWithoutParsing']:.1f} ms) | | |",
        f"| (4b) the same REPORT, getetag only | {etag['median']:.1f} ms | {etag['p90']:.1f} ms "
        f"| {etag['resources']} resources, {etag['bytes'] / 1e3:.1f} kB | | |",
        f"| ratio (2) / (4) | {ratio:.3f} | | | ≤ {TARGET_RATIO:.2f} | {verdict(ratio <= TARGET_RATIO)} |",
        f"| ratio (2) / (4b) | {query['median'] / etag['median']:.3f} | | | | |",
    ]
    checks = r["checks"]
    mismatch = checks["onlyInQuery"] or checks["onlyInReport"]
    if checks["serverExpandError"] and not checks["serverExpandInstances"]:
        server_expand = f"The server's own <C:expand> failed: {checks['serverExpandError'][:120]}."
    else:
        server_expand = (f"The server's own <C:expand>: {checks['serverExpandInstances']} occurrences; the number per "
                         f"UID differs from the gateway's for {len(checks['instanceCountDifferences'])} events"
                         + (" (events it could not expand left out)." if checks["serverExpandError"] else "."))
    unexpanded = checks["unexpandedQueryMissing"] or checks["unexpandedQueryExtra"]
    lines += [
        "",
        f"UID check: {'**MISMATCH**' if mismatch else 'same events'}: the query's {checks['queryInstances']} "
        f"occurrences belong to {checks['queryEvents']} events; the REPORT has {checks['reportResources']} resources "
        f"({checks['reportUIDs']} UIDs); only in the query: {len(checks['onlyInQuery'])}, only in the REPORT: "
        f"{len(checks['onlyInReport'])}. {server_expand}",
        "",
        f"Unexpanded query check: {'**MISMATCH**' if unexpanded else 'same events'}: CalendarEvent/query with the "
        f"same filter without expandRecurrences matches {checks['unexpandedQueryEvents']} events "
        f"({len(checks['unexpandedQueryMissing'])} of the expanded query's events missing, "
        f"{len(checks['unexpandedQueryExtra'])} extra).",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------- main

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.path.join(REPO, ".build", "release", "jmap-gateway"))
    parser.add_argument("--servers", default="radicale,xandikos")
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--month", default="2026-06", help="the month to query, YYYY-MM (default 2026-06)")
    parser.add_argument("--reseed", action="store_true", help="seed the calendars even if they look seeded")
    parser.add_argument("--json", default=None, help="also write the results as JSON to this file")
    args = parser.parse_args()
    month_bounds(args.month)  # fails early on a bad month
    binary = benchlib.prepare_run(args.binary)
    servers = args.servers.split(",")
    log(f"load average: {load_average()} ({os.cpu_count()} cores)")
    workdir = tempfile.mkdtemp(prefix="calendar-bench-")
    results = []
    try:
        env = benchlib.backends("start", servers, STATE, PORTS)
        for server in servers:
            results.append(measure(server, env, args, binary, workdir))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        benchlib.backends("stop", servers, STATE, PORTS)
    print("\n\n".join(table(r, args, binary) for r in results))
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"binary": binary, "events": args.events, "runs": args.runs, "month": args.month,
                       "servers": results}, handle, indent=2)


if __name__ == "__main__":
    main()
