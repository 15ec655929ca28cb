#!/usr/bin/env python3
"""Push benchmark: how fast a write through the gateway reaches open EventSource clients, and what an idle
EventSource connection costs the gateway in memory.

It starts its own Radicale (scripts/backends.sh, state in .bench/push-backends, port 5284) and
`jmap-gateway serve` with a cache in a temporary directory, min_sync_age, poll_interval and auth_cache_ttl
"1h" (no request waits for a sync with Radicale) and [limits] max_concurrent_requests = 16 (EventSource
connections do not count against it). Every EventSource client is alice's, on its own HTTP/1.1 connection
(asyncio streams, standard library only):
  GET /jmap/eventsource?types=ContactCard&closeafter=no&ping=0, HTTP Basic, Accept: text/event-stream
so the gateway fans each change of her account out to every open channel.

  (m) memory first, each kind in a gateway process of its own (after the same warm-up: one EventSource
      client, one write pushed to it), so that none reuses memory another kind's connections freed: the
      gateway's RSS (/proc/PID/status VmRSS) before, then with 500 idle connections open (2 s after the
      last one opened), per connection = (RSS with them - RSS before) / 500, and 2 s after closing them.
      Kinds: the two baselines, what any connection to this HTTP server costs (connected and silent;
      after one GET /health on a keep-alive connection), then EventSource, twice: the second round reuses
      what the first freed, so its growth shows what closed connections leave behind.
  (1) latency with 1 client, then (500) with 500 clients (opened 50 at a time, each must answer 200):
      one untimed warm-up write, then --writes measured ones. A write is a ContactCard/set through
      POST /jmap/api creating one small card ({"name": {"full": "Push N"}}) on a keep-alive connection;
      its clock starts just before the POST is sent. A client's latency is the arrival (the read that
      completed the event, before JSON parsing) of its first `state` event whose ContactCard state equals
      the set's newState, minus the write's start. The card is destroyed after each write, and every
      client must have seen the destroy's state before the next write starts.
      Reported: median and p95 over all (client, write) latencies, the median over the writes of the
      slowest client's latency, and the median of the set request's own round trip.
  (b) the bare-DAV baseline, in the same run against the same Radicale: a DAV client PUTting the same
      kind of small vCard into alice's address book on a keep-alive connection (If-None-Match: *), timed
      from before the PUT to its answer (then DELETEd, untimed), --writes times. DAV has no push, so this
      is the least any change notification can take: the write itself. Reported with the ratio of the
      1-client event latency to it.

Arrival times are taken by the benchmark's single Python event loop, which reads all 500 sockets: at 500
clients they include the loop's own time to get round to each socket (a few ms on a small machine).

Prints a Markdown table with the issue's targets: median <= 50 ms at 500 clients, <= 20 KB of RSS per
idle connection.

Usage: benchmarks/push_benchmark.py [--binary PATH] [--writes 30] [--clients 500] [--json FILE]
  --binary  the gateway (default .build/release/jmap-gateway; build it first: swift build -c release)

On exit it closes every connection, stops the gateway and its Radicale and deletes the gateway's cache.
The created cards are destroyed as the run goes; Radicale's state stays in .bench/push-backends
(git-ignored); `BACKENDS_STATE=.bench/push-backends BACKENDS=radicale scripts/backends.sh reset` deletes it.
"""
import argparse
import asyncio
import base64
import concurrent.futures
import json
import os
import resource
import shutil
import tempfile
import time
import urllib.parse

import benchlib
from benchlib import DAVConnection, Gateway, PASSWORD, REPO, USER, load_average, log, median, percentile

STATE = os.path.join(REPO, ".bench", "push-backends")
PORTS = {"RADICALE_PORT": "5284"}
USING = ["urn:ietf:params:jmap:core", "urn:ietf:params:jmap:contacts"]
EVENTSOURCE = "/jmap/eventsource?types=ContactCard&closeafter=no&ping=0"
OPEN_BATCH = 50
EVENT_TIMEOUT = 10.0  # seconds a write's event may take before it counts as missing
TARGET_MEDIAN_MS = 50.0
TARGET_KB_PER_CONNECTION = 20.0


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


def open_fds(pid: int) -> int:
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return -1


def raise_nofile(needed: int):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        new = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))
        log(f"RLIMIT_NOFILE raised from {soft} to {new}")


# ------------------------------------------------------------------------------------- event source

class Client:
    """One EventSource connection: the ContactCard states it was pushed, with their arrival times."""

    def __init__(self, number: int, account: str, notify):
        self.number = number
        self.account = account
        self.notify = notify
        self.seen = {}  # ContactCard state -> perf_counter() of its first arrival
        self.reader = self.writer = None
        self.task = None
        self.error = None
        self.events = 0

    async def open(self, port: int, auth: str):
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", port)
        self.writer.write(
            f"GET {EVENTSOURCE} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: {auth}\r\n"
            "Accept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n".encode())
        await self.writer.drain()
        head = await asyncio.wait_for(self.reader.readuntil(b"\r\n\r\n"), 30)
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        parts = status_line.split(" ", 2)
        if len(parts) < 2 or parts[1] != "200":
            rest = b""
            try:
                rest = await asyncio.wait_for(self.reader.read(500), 1)
            except (asyncio.TimeoutError, OSError):
                pass
            raise RuntimeError(f"client {self.number}: {status_line!r} {rest[:300]!r}")
        headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if not headers.get("content-type", "").startswith("text/event-stream"):
            raise RuntimeError(f"client {self.number}: Content-Type {headers.get('content-type')!r}")
        chunked = "chunked" in headers.get("transfer-encoding", "").lower()
        self.task = asyncio.create_task(self.read(chunked))

    async def read(self, chunked: bool):
        raw = b""      # bytes read, not yet de-chunked
        body = b""     # event-stream text not yet split into events
        need = None    # bytes of the current chunk still to come (None: a size line is next)
        try:
            while True:
                data = await self.reader.read(65536)
                if not data:
                    self.error = self.error or "connection closed by the gateway"
                    return
                arrived = time.perf_counter()
                if chunked:
                    raw += data
                    while True:
                        if need is None:
                            end = raw.find(b"\r\n")
                            if end < 0:
                                break
                            size = int(raw[:end].split(b";")[0].strip() or b"0", 16)
                            raw = raw[end + 2:]
                            if size == 0:
                                self.error = "the gateway ended the stream (last chunk)"
                                return
                            need = size
                        if len(raw) < need + 2:
                            break
                        body += raw[:need]
                        raw = raw[need + 2:]  # the chunk's data and its CRLF
                        need = None
                else:
                    body += data
                body = body.replace(b"\r\n", b"\n")
                while True:
                    end = body.find(b"\n\n")
                    if end < 0:
                        break
                    block, body = body[:end], body[end + 2:]
                    self.handle(block, arrived)
        except (OSError, asyncio.IncompleteReadError) as error:
            self.error = f"{type(error).__name__}: {error}"
        except asyncio.CancelledError:
            pass

    def handle(self, block: bytes, arrived: float):
        kind, data = None, []
        for line in block.decode("utf-8", "replace").split("\n"):
            if line.startswith("event:"):
                kind = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].lstrip(" "))
        if kind != "state" or not data:
            return
        self.events += 1
        change = json.loads("\n".join(data))
        state = change.get("changed", {}).get(self.account, {}).get("ContactCard")
        if state is not None and state not in self.seen:
            self.seen[state] = arrived
            self.notify()

    async def close(self):
        if self.task:
            self.task.cancel()
            try:
                await self.task
            except BaseException:
                pass
        if self.writer:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except OSError:
                pass


class Pool:
    """The open clients and a wake-up for whoever waits for a state to reach them."""

    def __init__(self, port: int, account: str):
        self.port, self.account = port, account
        self.auth = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        self.clients = []
        self.changed = asyncio.Event()

    def notify(self):
        self.changed.set()

    async def open(self, count: int):
        failures = []
        while len(self.clients) < count:
            batch = [Client(len(self.clients) + i, self.account, self.notify)
                     for i in range(min(OPEN_BATCH, count - len(self.clients)))]
            results = await asyncio.gather(*(c.open(self.port, self.auth) for c in batch), return_exceptions=True)
            for client, result in zip(batch, results):
                if isinstance(result, BaseException):
                    failures.append(f"{type(result).__name__}: {result}")
                    await client.close()
                else:
                    self.clients.append(client)
            if failures:
                await self.close()
                raise RuntimeError(f"{len(failures)} EventSource connections failed; first: {failures[0]}")

    async def wait_for(self, state: str, timeout: float = EVENT_TIMEOUT):
        """Waits until every client saw STATE; returns the clients that did not within TIMEOUT."""
        deadline = time.perf_counter() + timeout
        while True:
            self.changed.clear()
            missing = [c for c in self.clients if state not in c.seen]
            if not missing:
                return []
            left = deadline - time.perf_counter()
            if left <= 0:
                return missing
            try:
                await asyncio.wait_for(self.changed.wait(), left)
            except asyncio.TimeoutError:
                pass

    def errors(self):
        return [f"client {c.number}: {c.error}" for c in self.clients if c.error]

    async def close(self):
        await asyncio.gather(*(c.close() for c in self.clients))
        self.clients = []


# -------------------------------------------------------------------------------------------- writes

class Writer:
    """ContactCard/set through the gateway's keep-alive connection, in a thread of its own so that the
    event loop keeps reading the clients' sockets meanwhile."""

    def __init__(self, gateway: Gateway, account: str):
        self.gateway, self.account = gateway, account
        self.executor = concurrent.futures.ThreadPoolExecutor(max_workers=1)
        self.count = 0

    def _set(self, arguments: dict):
        body = json.dumps({"using": USING, "methodCalls": [["ContactCard/set", arguments, "0"]]}).encode()
        started = time.perf_counter()
        status, _, data = self.gateway.conn.request("POST", "/jmap/api", body, {"Content-Type": "application/json"})
        finished = time.perf_counter()
        assert status == 200, (status, data[:300])
        name, result, _ = json.loads(data)["methodResponses"][0]
        assert name == "ContactCard/set", (name, result)
        return started, finished, result

    async def set(self, arguments: dict):
        return await asyncio.get_running_loop().run_in_executor(self.executor, self._set, arguments)

    async def create(self):
        self.count += 1
        started, finished, result = await self.set(
            {"accountId": self.account, "create": {"c": {"name": {"full": f"Push {self.count}"}}}})
        assert not result.get("notCreated"), result["notCreated"]
        return started, finished, result["created"]["c"]["id"], result["newState"]

    async def destroy(self, card_id: str) -> str:
        _, _, result = await self.set({"accountId": self.account, "destroy": [card_id]})
        assert result.get("destroyed") == [card_id], result
        return result["newState"]

    def close(self):
        self.executor.shutdown(wait=True)


async def one_write(pool: Pool, writer: Writer, notes: list):
    """Create (timed) and destroy one card; returns (latencies of the clients that got it, round trip ms)."""
    started, finished, card_id, state = await writer.create()
    missing = await pool.wait_for(state)
    latencies = [(c.seen[state] - started) * 1000 for c in pool.clients if state in c.seen]
    if missing:
        notes.append(f"write {writer.count}: {len(missing)} of {len(pool.clients)} clients had no state event "
                     f"with ContactCard state {state} within {EVENT_TIMEOUT:.0f} s")
    destroyed = await writer.destroy(card_id)
    missing = await pool.wait_for(destroyed)
    if missing:
        notes.append(f"destroy after write {writer.count}: {len(missing)} clients had no event for state {destroyed}")
    await asyncio.sleep(0.05)  # let any straggling bytes of the destroy's events settle
    for client in pool.clients:
        client.seen.clear()
    return latencies, (finished - started) * 1000


async def latency_run(pool: Pool, writer: Writer, clients: int, writes: int, notes: list) -> dict:
    log(f"opening {clients} EventSource connection(s) ...")
    await pool.open(clients)
    await asyncio.sleep(0.5)
    try:
        await one_write(pool, writer, notes)  # warm-up
        every, slowest, round_trips = [], [], []
        log(f"{clients} client(s): {writes} writes ...")
        for _ in range(writes):
            latencies, round_trip = await one_write(pool, writer, notes)
            every.extend(latencies)
            if latencies:
                slowest.append(max(latencies))
            round_trips.append(round_trip)
        errors = pool.errors()
        notes.extend(f"{clients} clients: {error}" for error in errors[:5])
        return {"clients": clients, "writes": writes, "samples": len(every), "expected": clients * writes,
                "median": median(every), "p95": percentile(every, 0.95), "max": max(every, default=float("nan")),
                "medianSlowest": median(slowest), "setRoundTripMedian": median(round_trips),
                "setRoundTripP95": percentile(round_trips, 0.95), "clientErrors": len(errors)}
    finally:
        await pool.close()


class PlainConnections:
    """Idle keep-alive connections that are not event sources, for the baselines: `connect` ones were
    accepted and sent nothing; `health` ones had one GET /health answered."""

    def __init__(self, port: int, kind: str):
        self.port, self.kind = port, kind
        self.connections = []

    async def open(self, count: int):
        while len(self.connections) < count:
            batch = await asyncio.gather(*(self.open_one() for _ in range(min(OPEN_BATCH, count - len(self.connections)))))
            self.connections.extend(batch)

    async def open_one(self):
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        if self.kind == "health":
            writer.write(f"GET /health HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n\r\n".encode())
            await writer.drain()
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
            if not head.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(f"GET /health: {head[:100]!r}")
        return reader, writer

    def errors(self):
        return []

    async def close(self):
        for _, writer in self.connections:
            writer.close()
        self.connections = []


async def memory_round(pool, pid: int, clients: int, notes: list) -> dict:
    await asyncio.sleep(2)
    before, fds_before = rss_kb(pid), open_fds(pid)
    log(f"memory: RSS {before} KB; opening {clients} {type(pool).__name__} connections ...")
    await pool.open(clients)
    await asyncio.sleep(2)
    after, fds_after = rss_kb(pid), open_fds(pid)
    errors = pool.errors()
    notes.extend(f"memory round: {error}" for error in errors[:5])
    await pool.close()
    await asyncio.sleep(2)
    closed, fds_closed = rss_kb(pid), open_fds(pid)
    log(f"memory: RSS {after} KB with {clients} idle connections, {closed} KB 2 s after closing them")
    return {"rss0KB": before, "rssOpenKB": after, "rssClosedKB": closed, "clients": clients,
            "perConnectionKB": (after - before) / clients, "fds0": fds_before, "fdsOpen": fds_after,
            "fdsClosed": fds_closed}


async def measure_async(args, gateway: Gateway, account: str, memory_kind: str | None) -> dict:
    """With `memory_kind`, the memory rounds of that kind of connection (2 for eventsource: the second
    shows whether closed connections leave anything behind); without, the latency runs."""
    notes = []
    pool = Pool(gateway.port, account)
    writer = Writer(gateway, account)
    results = {"notes": notes}
    try:
        # warm-up, the same in every gateway: one channel opened, one write pushed to it, the channel closed
        await pool.open(1)
        await one_write(pool, writer, notes)
        await pool.close()
        pid = gateway.process.pid
        if memory_kind == "eventsource":
            results["memory"] = [await memory_round(pool, pid, args.clients, notes) for _ in range(2)]
        elif memory_kind:
            results["memory"] = [await memory_round(PlainConnections(gateway.port, memory_kind), pid,
                                                    args.clients, notes)]
        else:
            results["latency"] = [await latency_run(pool, writer, n, args.writes, notes) for n in (1, args.clients)]
        await asyncio.sleep(2)
        results["rssEndKB"], results["fdsEnd"] = rss_kb(pid), open_fds(pid)
    finally:
        await pool.close()
        writer.close()
    return results


def bare_put_baseline(base: str, book: str, writes: int) -> dict:
    """(b): a bare DAV client's PUT of a small vCard, the write a gateway push follows."""
    connection = DAVConnection(base)
    path = urllib.parse.urlsplit(book).path.rstrip("/")
    times = []
    try:
        for number in range(writes + 1):  # the first is a warm-up
            uid = f"bare-push-{os.getpid()}-{number}"
            card = (f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:Bare {number}\r\nN:{number};Bare;;;\r\n"
                    "END:VCARD\r\n").encode()
            started = time.perf_counter()
            status, _, data = connection.request("PUT", f"{path}/{uid}.vcf", card,
                                                 {"Content-Type": "text/vcard; charset=utf-8", "If-None-Match": "*"})
            elapsed = (time.perf_counter() - started) * 1000
            assert status in (200, 201, 204), (status, data[:300])
            if number:
                times.append(elapsed)
            status, _, data = connection.request("DELETE", f"{path}/{uid}.vcf")
            assert status in (200, 204), (status, data[:300])
    finally:
        connection.close()
    return {"writes": writes, "median": median(times), "p95": percentile(times, 0.95)}


def measure(args, binary: str, base: str, book: str, workdir: str) -> dict:
    """Each memory kind in a gateway of its own, so each starts from a process that has not yet freed
    (and so could reuse) memory of other connections; then the latency runs in another."""
    results = {"notes": [], "memory": {}}
    for number, kind in enumerate(("connect", "health", "eventsource", None)):
        cache = os.path.join(workdir, f"cache-{number}")
        os.makedirs(cache)
        gateway = Gateway(binary, base, cache,
                          backend={"min_sync_age": "1h", "poll_interval": "1h", "auth_cache_ttl": "1h"},
                          sections={"limits": {"max_concurrent_requests": 16}})
        try:
            status, _, data = gateway.conn.request("GET", "/jmap/session")
            assert status == 200, (status, data[:300])
            account = json.loads(data)["primaryAccounts"]["urn:ietf:params:jmap:contacts"]
            run = asyncio.run(measure_async(args, gateway, account, kind))
            if gateway.process.poll() is not None:
                run["notes"].append(f"the gateway exited with {gateway.process.returncode} during the run")
        finally:
            gateway.close()
        results["notes"] += run["notes"]
        if kind:
            results["memory"][kind] = run["memory"]
        else:
            results["latency"], results["rssEndKB"], results["fdsEnd"] = run["latency"], run["rssEndKB"], run["fdsEnd"]
    log(f"bare DAV: {args.writes} vCard PUTs directly on Radicale ...")
    results["barePut"] = bare_put_baseline(base, book, args.writes)
    return results


# ------------------------------------------------------------------------------------------- report

def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def table(r: dict, args, binary: str) -> str:
    one, many = r["latency"]
    lines = [
        f"gateway: {binary}; Radicale; {args.writes} writes per client count after one warm-up; "
        f"load average before: {r['loadBefore']}, after: {r['loadAfter']} ({os.cpu_count()} cores)",
        "",
        "| EventSource clients | events | median | p95 | median of slowest client | set round trip (median) "
        "| target | |",
        "|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for run in (one, many):
        target = run is many
        lines.append(
            f"| {run['clients']} | {run['samples']}/{run['expected']} | {run['median']:.1f} ms | {run['p95']:.1f} ms "
            f"| {run['medianSlowest']:.1f} ms | {run['setRoundTripMedian']:.1f} ms "
            + (f"| median ≤ {TARGET_MEDIAN_MS:.0f} ms | "
               f"{verdict(run['median'] <= TARGET_MEDIAN_MS and run['samples'] == run['expected'])} |"
               if target else "| | |"))
    bare = r["barePut"]
    lines += [
        "",
        f"Bare DAV, same run: a vCard PUT directly on Radicale takes {bare['median']:.1f} ms median "
        f"(p95 {bare['p95']:.1f} ms, {bare['writes']} PUTs): the write alone, which DAV never announces. "
        f"Write → event with 1 client / bare PUT: {one['median'] / bare['median']:.2f}; with {many['clients']}: "
        f"{many['median'] / bare['median']:.2f}.",
        "",
        f"| memory, {args.clients} idle connections (a fresh gateway each) | RSS before | RSS with them "
        "| per connection | RSS 2 s after closing | gateway fds before / open / closed | target | |",
        "|---|---:|---:|---:|---:|---:|---|---|",
    ]
    labels = {"connect": "baseline: connected, no request", "health": "baseline: after one GET /health",
              "eventsource": "EventSource"}
    for kind, rounds in r["memory"].items():
        for number, m in enumerate(rounds, 1):
            label = labels[kind] + (f", round {number}" if len(rounds) > 1 else "")
            if number > 1:
                label += " (reuses what round 1 freed: a leak check)"
            target = kind == "eventsource" and number == 1
            lines.append(
                f"| {label} | {m['rss0KB'] / 1024:.1f} MB | {m['rssOpenKB'] / 1024:.1f} MB "
                f"| {m['perConnectionKB']:.1f} KB | {m['rssClosedKB'] / 1024:.1f} MB "
                f"| {m['fds0']} / {m['fdsOpen']} / {m['fdsClosed']} "
                + (f"| ≤ {TARGET_KB_PER_CONNECTION:.0f} KB | {verdict(m['perConnectionKB'] <= TARGET_KB_PER_CONNECTION)} |"
                   if target else "| | |"))
    lines += ["", f"At the end, all connections closed for 2 s: gateway RSS {r['rssEndKB'] / 1024:.1f} MB, "
                  f"{r['fdsEnd']} open fds."]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------- main

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.path.join(REPO, ".build", "release", "jmap-gateway"))
    parser.add_argument("--writes", type=int, default=30)
    parser.add_argument("--clients", type=int, default=500, help="the large client count (default 500)")
    parser.add_argument("--json", default=None, help="also write the results as JSON to this file")
    args = parser.parse_args()
    binary = benchlib.prepare_run(args.binary)
    raise_nofile(args.clients * 2 + 256)  # ours, and the gateway's, which inherits it
    load_before = load_average()
    log(f"load average: {load_before} ({os.cpu_count()} cores)")

    workdir = tempfile.mkdtemp(prefix="push-bench-")
    try:
        env = benchlib.backends("start", ["radicale"], STATE, PORTS)
        results = measure(args, binary, env["RADICALE_URL"], env["RADICALE_AB_ALICE"], workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        benchlib.backends("stop", ["radicale"], STATE, PORTS)
    results["loadBefore"], results["loadAfter"] = load_before, load_average()
    print(table(results, args, binary))
    for note in results["notes"]:
        print(f"- {note}")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(results, handle, indent=2)


if __name__ == "__main__":
    main()
