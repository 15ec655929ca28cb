#!/usr/bin/env python3
"""Contacts benchmark: how fast the gateway answers JMAP for Contacts from a warm cache of 10,000 cards.

It starts its own Radicale (scripts/backends.sh, state in .bench/contacts-backends, port 5272), seeds alice's
address book there with --cards vCards through Radicale's bulk path (benchlib.seed_radicale, the same cards
as sync_benchmark.py; skipped when the address book already holds exactly those cards, --reseed forces it),
starts `jmap-gateway serve` with a cache in a temporary directory, [limits] max_objects_in_get = --cards,
min_sync_age and poll_interval "1h" (so that no request waits for a sync with Radicale: this measures what the
gateway itself adds), does one ContactCard/get of every card so that the cache is warm, then measures,
client-side wall time over one keep-alive HTTP connection (request sent to body read, JSON parsing not
included), median and p90 of --runs runs after one untimed run:

  (1) ContactCard/get of all cards, every property (ids: null)
  (2) ContactCard/query with a text filter that matches a few percent of the cards (--query-text)
  (3) ContactCard/changes with no change (sinceState = the current state)
  (4) requests/s of a small ContactCard/get (5 ids, properties name and emails) under wrk, against the
      requests/s of a bare Hummingbird server (benchmarks/hello, GET / -> "Hello") under the same wrk settings

and prints a Markdown table with the issue's targets: (1) median <= 150 ms, (3) median <= 2 ms,
(4) >= 50% of the hello server's requests/s.

Usage: benchmarks/contacts_benchmark.py [--binary PATH] [--hello-binary PATH] [--cards 10000] [--runs 20]
                                        [--wrk-threads 2] [--wrk-connections 16] [--wrk-duration 10s]
                                        [--reseed] [--json FILE]
  --binary        the gateway (default .build/release/jmap-gateway; build it first: swift build -c release)
  --hello-binary  default: built by this script with
                  swift build -c release --package-path benchmarks/hello --scratch-path /tmp/hello-build
wrk comes from the Debian package `wrk` (installed with apt-get, through sudo when not root, if missing).

On exit it stops the gateway, the hello server and its Radicale and deletes the gateway's cache and its other
temporary files. The seeded address book is left in .bench/contacts-backends (git-ignored), so that the next
run need not seed again; `BACKENDS_STATE=.bench/contacts-backends scripts/backends.sh reset` deletes it.
"""
import argparse
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import xml.etree.ElementTree as ET

import benchlib
from benchlib import DAVConnection, Gateway, PASSWORD, REPO, USER, load_average, log, median, percentile, seed_radicale

STATE = os.path.join(REPO, ".bench", "contacts-backends")
PORTS = {"RADICALE_PORT": "5272"}
USING = ["urn:ietf:params:jmap:core", "urn:ietf:params:jmap:contacts"]
DEFAULT_QUERY = '"Engineer 7"'  # TITLE:Engineer {i % 13}: a phrase, so "Engineer 7" but not "Engineer 17"
TARGET_GET_ALL_MS = 150.0
TARGET_CHANGES_MS = 2.0
TARGET_RPS_RATIO = 0.5


# ------------------------------------------------------------------------------------------ setup

def as_root(command):
    if os.geteuid() == 0:
        return command
    if shutil.which("sudo"):
        return ["sudo"] + command
    raise SystemExit(f"need root or sudo to run: {' '.join(command)}")


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    log("wrk is missing: apt-get install wrk")
    if not any("Packages" in name for name in os.listdir("/var/lib/apt/lists")):
        subprocess.run(as_root(["apt-get", "update", "-qq"]), check=True)
    subprocess.run(as_root(["env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-qq",
                            "--no-install-recommends", "wrk"]), check=True, stdout=subprocess.DEVNULL)
    path = shutil.which("wrk")
    if not path:
        raise SystemExit("wrk is still not on PATH after apt-get install wrk")
    return path


def swift() -> str:
    path = shutil.which("swift") or "/opt/swift/usr/bin/swift"
    if not os.path.exists(path):
        raise SystemExit("swift not found on PATH nor at /opt/swift/usr/bin/swift (or pass --hello-binary)")
    return path


def build_hello(scratch: str) -> str:
    log(f"building benchmarks/hello (release) into {scratch}; the first build takes a few minutes ...")
    subprocess.run([swift(), "build", "-c", "release", "--package-path", os.path.join(REPO, "benchmarks", "hello"),
                    "--scratch-path", scratch], check=True, stdout=sys.stderr)
    return os.path.join(scratch, "release", "hello")


def member_count(base: str, path: str) -> int:
    """Cards in the address book whose href is a bench card (one PROPFIND Depth 1)."""
    conn = DAVConnection(base)
    body = b'<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>'
    status, _, data = conn.request("PROPFIND", path, body, {"Depth": "1"})
    conn.close()
    if status != 207:
        return -1
    hrefs = [r.findtext("{DAV:}href") or "" for r in ET.fromstring(data).iter("{DAV:}response")]
    members = [h for h in hrefs if h.rstrip("/") != path.rstrip("/")]
    if not all("bench-card-" in urllib.parse.unquote(h) for h in members):
        return -1
    return len(members)


# --------------------------------------------------------------------------------------- measuring

def jmap(gateway: Gateway, method: str, arguments: dict):
    """One call; returns (milliseconds, the response's arguments). Fails on a method error."""
    elapsed, data = gateway.api([[method, arguments, "0"]], using=USING)
    name, result, _ = json.loads(data)["methodResponses"][0]
    assert name == method, (name, result)
    return elapsed, result, len(data)


def timed_runs(gateway: Gateway, method: str, arguments: dict, runs: int, check) -> dict:
    """One untimed run, then RUNS timed ones; CHECK(result) validates each response after its clock stopped."""
    _, result, size = jmap(gateway, method, arguments)
    check(result)
    times = []
    for _ in range(runs):
        milliseconds, result, size = jmap(gateway, method, arguments)
        check(result)
        times.append(milliseconds)
    return {"median": median(times), "p90": percentile(times, 0.9), "bytes": size, "runs": runs}


def run_wrk(wrk: str, url: str, threads: int, connections: int, duration: str, script: str = None) -> dict:
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{duration}", "--latency"]
    if script:
        command += ["-s", script]
    output = subprocess.run(command + [url], check=True, capture_output=True, text=True).stdout
    rps = re.search(r"Requests/sec:\s*([\d.]+)", output)
    if not rps:
        raise RuntimeError(f"no Requests/sec in wrk's output:\n{output}")
    non2xx = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", output)
    errors = re.search(r"Socket errors:(.*)", output)
    latency = re.search(r"^\s*50%\s+(\S+)", output, re.MULTILINE)
    return {"rps": float(rps.group(1)), "non2xx": int(non2xx.group(1)) if non2xx else 0,
            "socketErrors": errors.group(1).strip() if errors else "none", "p50": latency.group(1) if latency else "?",
            "output": output}


def lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string literal of ASCII text is a valid Lua string literal


def wrk_script(directory: str, body: str, user: str, password: str) -> str:
    path = os.path.join(directory, "small-get.lua")
    auth = base64.b64encode(f"{user}:{password}".encode()).decode()
    with open(path, "w") as handle:
        handle.write(
            "-- POST one small ContactCard/get, HTTP Basic\n"
            'wrk.method = "POST"\n'
            f"wrk.body = {lua_string(body)}\n"
            'wrk.headers["Content-Type"] = "application/json"\n'
            f'wrk.headers["Authorization"] = "Basic {auth}"\n')
    return path


class Hello:
    """benchmarks/hello on a free port."""

    def __init__(self, binary: str):
        self.port = benchlib.free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.process = subprocess.Popen([binary, str(self.port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        conn = DAVConnection(self.url)
        deadline = time.monotonic() + 30
        while True:
            try:
                status, _, data = conn.request("GET", "/")
                if status == 200 and data == b"Hello":
                    break
            except OSError:
                conn.conn = None
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.close()
                raise RuntimeError("hello did not start")
            time.sleep(0.05)
        conn.close()

    def close(self):
        benchlib.stop_process(self.process)


def measure(args, binary: str, hello_binary: str, wrk: str, base: str, workdir: str) -> dict:
    cache = os.path.join(workdir, "cache")
    os.makedirs(cache)
    gateway = Gateway(
        binary, base, cache,
        backend={"min_sync_age": "1h", "poll_interval": "1h", "auth_cache_ttl": "1h"},
        sections={"limits": {"max_objects_in_get": args.cards,
                             # wrk's connections all belong to alice: let them all in
                             "max_concurrent_requests": max(4, args.wrk_connections)}})
    results = {}
    try:
        status, _, data = gateway.conn.request("GET", "/jmap/session")
        assert status == 200, (status, data[:300])
        account = json.loads(data)["primaryAccounts"]["urn:ietf:params:jmap:contacts"]

        log("warming the cache (login and first sync of every card) ...")
        started = time.perf_counter()
        _, result, _ = jmap(gateway, "ContactCard/get", {"accountId": account, "ids": None, "properties": ["id"]})
        results["warmupMilliseconds"] = (time.perf_counter() - started) * 1000
        ids = [card["id"] for card in result["list"]]
        assert len(ids) == args.cards, (len(ids), args.cards)

        def all_cards(result):
            assert len(result["list"]) == args.cards and not result["notFound"], len(result["list"])
            assert "name" in result["list"][0] and "emails" in result["list"][0], result["list"][0]

        log(f"(1) ContactCard/get of all {args.cards} cards x {args.runs} ...")
        results["getAll"] = timed_runs(gateway, "ContactCard/get", {"accountId": account, "ids": None},
                                       args.runs, all_cards)

        expected = sum(1 for i in range(args.cards) if i % 13 == 7) if args.query_text == DEFAULT_QUERY else None
        matched = []

        def query_result(result):
            if expected is not None:
                assert result["total"] == expected and len(result["ids"]) == expected, (result["total"], expected)
            matched.append(result["total"])

        log(f"(2) ContactCard/query text {args.query_text!r} x {args.runs} ...")
        results["query"] = timed_runs(
            gateway, "ContactCard/query",
            {"accountId": account, "filter": {"text": args.query_text}, "calculateTotal": True},
            args.runs, query_result)
        results["query"]["matched"] = matched[-1]

        _, result, _ = jmap(gateway, "ContactCard/get", {"accountId": account, "ids": []})
        state = result["state"]

        def no_change(result):
            assert result["newState"] == state and not (result["created"] or result["updated"] or result["destroyed"]), result

        log(f"(3) ContactCard/changes with no change x {args.runs} ...")
        results["changes"] = timed_runs(gateway, "ContactCard/changes", {"accountId": account, "sinceState": state},
                                        args.runs, no_change)

        small = [ids[i * (len(ids) // 5)] for i in range(5)]
        small_arguments = {"accountId": account, "ids": small, "properties": ["name", "emails"]}
        _, result, size = jmap(gateway, "ContactCard/get", small_arguments)
        assert [card["id"] for card in result["list"]] == small, result
        body = json.dumps({"using": USING, "methodCalls": [["ContactCard/get", small_arguments, "0"]]})
        script = wrk_script(workdir, body, USER, PASSWORD)
        settings = (args.wrk_threads, args.wrk_connections)
        log(f"(4) wrk -t{settings[0]} -c{settings[1]} -d{args.wrk_duration}: small ContactCard/get ({size} bytes) ...")
        run_wrk(wrk, gateway.url + "jmap/api", *settings, "2s", script)  # warm-up
        # The warm-up's last requests still run (and count against maxConcurrentRequests) after wrk closed
        # their connections; without a pause the next run's first requests get 400 urn:ietf:params:jmap:error:limit.
        time.sleep(2)
        results["wrkGateway"] = run_wrk(wrk, gateway.url + "jmap/api", *settings, args.wrk_duration, script)
        results["wrkGateway"]["bytes"] = size
    finally:
        gateway.close()

    hello = Hello(hello_binary)
    try:
        log(f"(4) wrk -t{settings[0]} -c{settings[1]} -d{args.wrk_duration}: hello GET / ...")
        run_wrk(wrk, hello.url, *settings, "2s")  # warm-up
        time.sleep(2)  # as for the gateway
        results["wrkHello"] = run_wrk(wrk, hello.url, *settings, args.wrk_duration)
    finally:
        hello.close()
    return results


# ------------------------------------------------------------------------------------------- report

def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def table(r: dict, args, binary: str) -> str:
    get_all, query, changes = r["getAll"], r["query"], r["changes"]
    gw, hello = r["wrkGateway"], r["wrkHello"]
    ratio = gw["rps"] / hello["rps"] if hello["rps"] else float("nan")
    wrk = f"wrk -t{args.wrk_threads} -c{args.wrk_connections} -d{args.wrk_duration}"
    percent = 100.0 * query["matched"] / args.cards
    lines = [
        f"gateway: {binary}; {args.cards} cards on Radicale; medians and p90 of {args.runs} runs, one keep-alive "
        f"connection; load average before: {r['loadBefore']}, after: {r['loadAfter']}",
        "",
        "| measurement | median | p90 | target | |",
        "|---|---:|---:|---|---|",
        f"| (1) ContactCard/get, all {args.cards} cards, all properties ({get_all['bytes'] / 1e6:.1f} MB) "
        f"| {get_all['median']:.1f} ms | {get_all['p90']:.1f} ms | median ≤ {TARGET_GET_ALL_MS:.0f} ms "
        f"| {verdict(get_all['median'] <= TARGET_GET_ALL_MS)} |",
        f"| (2) ContactCard/query, text {query_text_cell(args.query_text)} ({query['matched']} cards, {percent:.1f}%) "
        f"| {query['median']:.1f} ms | {query['p90']:.1f} ms | – | |",
        f"| (3) ContactCard/changes, no change | {changes['median']:.2f} ms | {changes['p90']:.2f} ms "
        f"| median ≤ {TARGET_CHANGES_MS:.0f} ms | {verdict(changes['median'] <= TARGET_CHANGES_MS)} |",
        "",
        f"| ({wrk}) | requests/s | p50 latency | non-2xx | socket errors | target | |",
        "|---|---:|---:|---:|---|---|---|",
        f"| (4) small ContactCard/get: 5 ids, name + emails ({gw['bytes']} bytes) | {gw['rps']:.0f} | {gw['p50']} "
        f"| {gw['non2xx']} | {gw['socketErrors']} | ≥ {TARGET_RPS_RATIO:.0%} of hello | "
        f"{verdict(ratio >= TARGET_RPS_RATIO and gw['non2xx'] == 0)} |",
        f"| hello (Hummingbird, GET / → \"Hello\") | {hello['rps']:.0f} | {hello['p50']} | {hello['non2xx']} "
        f"| {hello['socketErrors']} | | |",
        f"| ratio (4) / hello | {ratio:.2f} | | | | ≥ {TARGET_RPS_RATIO:.2f} | |",
    ]
    return "\n".join(lines)


def query_text_cell(text: str) -> str:
    return "`" + text.replace("|", "\\|") + "`"


# --------------------------------------------------------------------------------------------- main

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.path.join(REPO, ".build", "release", "jmap-gateway"))
    parser.add_argument("--hello-binary", default=None, help="a built benchmarks/hello (default: build it)")
    parser.add_argument("--hello-scratch", default="/tmp/hello-build", help="scratch path for building hello")
    parser.add_argument("--cards", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--query-text", default=DEFAULT_QUERY)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--wrk-connections", type=int, default=16)
    parser.add_argument("--wrk-duration", default="10s")
    parser.add_argument("--reseed", action="store_true", help="seed the address book even if it looks seeded")
    parser.add_argument("--json", default=None, help="also write the results as JSON to this file")
    args = parser.parse_args()
    binary = benchlib.prepare_run(args.binary)
    wrk = ensure_wrk()
    hello_binary = os.path.abspath(args.hello_binary) if args.hello_binary else build_hello(args.hello_scratch)
    load_before = load_average()
    log(f"load average: {load_before} ({os.cpu_count()} cores)")

    workdir = tempfile.mkdtemp(prefix="contacts-bench-")
    env = benchlib.backends("start", ["radicale"], STATE, PORTS)
    try:
        base = env["RADICALE_URL"]
        path = urllib.parse.urlsplit(env["RADICALE_AB_ALICE"]).path
        count = member_count(base, path)
        if args.reseed or count != args.cards:
            log(f"seeding {args.cards} cards into {base.rstrip('/')}{path} (address book held {count}) ...")
            started = time.perf_counter()
            seed_radicale(base, path, args.cards)
            log(f"seeded in {time.perf_counter() - started:.0f} s")
            assert member_count(base, path) == args.cards
        else:
            log(f"{base.rstrip('/')}{path} already holds the {args.cards} bench cards (--reseed to seed again)")
        results = measure(args, binary, hello_binary, wrk, base, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        benchlib.backends("stop", ["radicale"], STATE, PORTS)
    results["loadBefore"], results["loadAfter"] = load_before, load_average()
    print(table(results, args, binary))
    if args.json:
        for run in ("wrkGateway", "wrkHello"):
            results[run].pop("output", None)
        with open(args.json, "w") as handle:
            json.dump(results, handle, indent=2)


if __name__ == "__main__":
    main()
