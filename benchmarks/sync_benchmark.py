#!/usr/bin/env python3
"""Sync benchmark: the gateway against a bare DAV client, same servers, same data, same run.

For each server (Radicale, Xandikos) and size (1,000 and 10,000 vCards in alice's address book,
seeded through the servers' bulk paths) it measures:

  (a) bare full sync: PROPFIND Depth 1 getetag + addressbook-multiget in batches of 100, bodies parsed
  (b) gateway cold sync: `jmap-gateway sync` into an empty cache (sync time and the process's peak RSS)
  (c) gateway incremental sync after one card changed on the server, in the running gateway
      (`jmap-gateway serve`, min_sync_age 0): the time of a ContactCard/get request, which syncs the
      address books first, as a client sees it; its state must have moved, and the cache must hold
      the new ETag afterwards
  (c') the same from a new `jmap-gateway sync` process (pays principal discovery and home listings)
  (d) bare sync-collection with no change
  (m) bare addressbook-multiget of one card
  (e) what a bare client needs for the same incremental sync as (c): sync-collection after one card
      changed, then a multiget of that card

After each direct PUT the bare client sends one PROPFIND Depth 0 before (c) or (e) is timed: Xandikos
does work left over from a write on the next request, whatever it is (40-190 ms at 10,000 cards), which
is the server's cost of the write, not of the sync; both (c) and (e) are timed without it.

and prints a Markdown table with the ratios the issue targets: (b)/(a) <= 1.0 and
(c) <= 1.3 x (d) + (m). Medians of --runs runs. Standard library only.

Usage: benchmarks/sync_benchmark.py [--sizes 1000,10000] [--servers radicale,xandikos] [--runs 3]
                                    [--binary PATH] [--json FILE] [--backend-option KEY=VALUE ...]
It starts its own backends (scripts/backends.sh with a separate state dir and ports) and stops them.
"""
import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import xml.etree.ElementTree as ET

import benchlib
from benchlib import PASSWORD, REPO, USER, DAVConnection, Gateway, median, seed_radicale, vcard

STATE = os.path.join(REPO, ".bench")
PORTS = {"RADICALE_PORT": "5262", "XANDIKOS_PORT": "8092", "XANDIKOS_NGINX_PORT": "8083"}
DAV = "{DAV:}"
CARD = "{urn:ietf:params:xml:ns:carddav}"


PROPFIND_ETAG = b'<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>'


def multiget_body(paths) -> bytes:
    hrefs = "".join(f"<d:href>{p}</d:href>" for p in paths)
    return (
        '<?xml version="1.0"?><c:addressbook-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav">'
        f"<d:prop><d:getetag/><c:address-data/></d:prop>{hrefs}</c:addressbook-multiget>"
    ).encode()


def bare_full_sync(conn: DAVConnection, path: str, batch: int = 100) -> int:
    status, _, data = conn.request("PROPFIND", path, PROPFIND_ETAG, {"Depth": "1"})
    assert status == 207, status
    hrefs = [
        r.findtext(f"{DAV}href") for r in ET.fromstring(data).iter(f"{DAV}response")
        if r.find(f".//{DAV}getetag") is not None and r.findtext(f"{DAV}href").rstrip("/") != path.rstrip("/")
    ]
    cards = 0
    for start in range(0, len(hrefs), batch):
        status, _, data = conn.request("REPORT", path, multiget_body(hrefs[start:start + batch]), {"Depth": "1"})
        assert status == 207, status
        for response in ET.fromstring(data).iter(f"{DAV}response"):
            if response.findtext(f".//{CARD}address-data"):
                cards += 1
    return cards


def sync_collection(conn: DAVConnection, path: str, token: str) -> tuple:
    body = (
        '<?xml version="1.0"?><d:sync-collection xmlns:d="DAV:">'
        f"<d:sync-token>{token}</d:sync-token><d:sync-level>1</d:sync-level>"
        "<d:prop><d:getetag/></d:prop></d:sync-collection>"
    ).encode()
    status, _, data = conn.request("REPORT", path, body, {"Depth": "0"})
    assert status == 207, (status, data[:200])
    root = ET.fromstring(data)
    return root.findtext(f"{DAV}sync-token"), len(list(root.iter(f"{DAV}response")))


def settle(conn: DAVConnection, path: str):
    """One request that lets the server finish its post-write work before the next timed one."""
    body = (b'<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/">'
            b"<d:prop><cs:getctag/></d:prop></d:propfind>")
    status, _, _ = conn.request("PROPFIND", path, body, {"Depth": "0"})
    assert status == 207, status


def timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return (time.perf_counter() - started) * 1000, result


# --------------------------------------------------------------------------------------- seeding

def seed_xandikos(count: int):
    """Xandikos's bulk path: each collection is a git work tree; write the files and commit."""
    directory = os.path.join(STATE, "backends", "xandikos", "data", USER, "contacts", "addressbook")
    for name in os.listdir(directory):
        if name.endswith(".vcf"):
            os.remove(os.path.join(directory, name))
    for i in range(count):
        with open(os.path.join(directory, f"bench-card-{i}.vcf"), "w", newline="") as handle:
            handle.write(vcard(i))
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com"]
    subprocess.run(["git", "add", "-A", "."], cwd=directory, check=True)
    subprocess.run(git + ["commit", "-q", "-m", f"bench {count}", "--allow-empty"], cwd=directory, check=True)


# ----------------------------------------------------------------------------------------- gateway

def gateway_sync(binary: str, base: str, cache: str, options=None) -> dict:
    """Runs `jmap-gateway sync --json`; returns its report plus the process's peak RSS in MB."""
    config = os.path.join(cache, "config.toml")
    extra = "".join(f"{key} = {benchlib.toml_value(value)}\n" for key, value in (options or {}).items())
    with open(config, "w") as handle:
        handle.write(f'[backend]\nurl = "{base}"\n{extra}[cache]\npath = "{cache}"\n[log]\nlevel = "error"\n')
    started = time.perf_counter()
    process = subprocess.Popen(
        [binary, "sync", "--config", config, "--user", USER, "--password-stdin", "--json"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdin.write(f"{PASSWORD}\n".encode())
    process.stdin.close()
    output = process.stdout.read()
    errors = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = status
    if status != 0:
        raise RuntimeError(f"jmap-gateway sync failed: {errors.decode()[-2000:]}")
    report = json.loads(output)
    report["wallMilliseconds"] = (time.perf_counter() - started) * 1000
    report["peakRSSMegabytes"] = usage.ru_maxrss / 1024
    return report


class RunningGateway(Gateway):
    """`jmap-gateway serve` on a free port, syncing before every request (min_sync_age 0), no polls."""

    def __init__(self, binary: str, base: str, cache: str, log_level: str = "error", log=None, options=None):
        super().__init__(binary, base, cache, backend={"min_sync_age": "0s", "poll_interval": "1h", **(options or {})},
                         log_level=log_level, log=log)

    def request(self) -> float:
        """One contacts request (ContactCard/get of no ids, which answers the state); the gateway syncs
        the account's address books first. Milliseconds."""
        if not hasattr(self, "account"):
            status, _, data = self.conn.request("GET", "/jmap/session")
            assert status == 200, status
            self.account = json.loads(data)["primaryAccounts"]["urn:ietf:params:jmap:contacts"]
        elapsed, data = self.api([["ContactCard/get", {"accountId": self.account, "ids": []}, "0"]],
                                 using=("urn:ietf:params:jmap:core", "urn:ietf:params:jmap:contacts"))
        self.state = json.loads(data)["methodResponses"][0][1]["state"]
        return elapsed

    def cached_etag(self, name: str):
        with sqlite3.connect(f"file:{self.database}?mode=ro", uri=True) as db:
            row = db.execute("SELECT etag FROM object WHERE href LIKE ? AND NOT destroyed", (f"%/{name}",)).fetchone()
        return row[0] if row else None


# ------------------------------------------------------------------------------------------- main

def backends(command: str, servers):
    return benchlib.backends(command, servers, os.path.join(STATE, "backends"), PORTS)


def measure(server: str, size: int, env: dict, binary: str, runs: int, options: dict) -> dict:
    base = env[f"{server.upper()}_URL"]
    path = urllib.parse.urlsplit(env[f"{server.upper()}_AB_ALICE"]).path
    if server == "radicale":
        seed_radicale(base, path, size)
    else:
        seed_xandikos(size)
    conn = DAVConnection(base)
    bare_full_sync(conn, path)  # warm-up, as the lab baseline does

    full, cold, rss, incremental, process_incremental, idle, single, bare_incremental = [], [], [], [], [], [], [], []
    for _ in range(runs):
        milliseconds, cards = timed(bare_full_sync, conn, path)
        assert cards == size, (cards, size)
        full.append(milliseconds)
    cache = tempfile.mkdtemp(prefix="bench-cache-")
    try:
        for _ in range(runs):
            shutil.rmtree(cache)
            os.makedirs(cache)
            report = gateway_sync(binary, base, cache, options)
            assert report["fetched"] >= size, report
            cold.append(report["syncMilliseconds"])
            rss.append(report["peakRSSMegabytes"])
        token, _ = sync_collection(conn, path, "")
        for run in range(runs):
            # One card changed on the server, then an incremental sync from the warm cache.
            index = run * 7
            status, _, _ = conn.request("PUT", f"{path}bench-card-{index}.vcf", vcard(index, revision=run + 1).encode(),
                                        {"Content-Type": "text/vcard"})
            assert status in (201, 204), status
            settle(conn, path)
            report = gateway_sync(binary, base, cache, options)
            assert report["fetched"] == 1, report
            process_incremental.append(report["syncMilliseconds"])
        shutil.rmtree(cache)
        os.makedirs(cache)
        gateway = RunningGateway(binary, base, cache, options=options)
        try:
            gateway.request()  # login and cold sync
            gateway.request()  # the server's inline-body support is known from here on
            for run in range(runs):
                index = run * 7 + 3
                name = f"bench-card-{index}.vcf"
                status, headers, _ = conn.request(
                    "PUT", f"{path}{name}", vcard(index, revision=run + 10).encode(), {"Content-Type": "text/vcard"})
                assert status in (201, 204), status
                settle(conn, path)
                before = gateway.state
                incremental.append(gateway.request())
                assert gateway.state != before, "the request did not see the change"
                etag = headers.get("ETag") or headers.get("etag")
                assert etag is None or gateway.cached_etag(name) == etag, (gateway.cached_etag(name), etag)
        finally:
            gateway.close()
        token, _ = sync_collection(conn, path, "")
        for _ in range(max(runs, 5)):
            milliseconds, (token, _) = timed(sync_collection, conn, path, token)
            idle.append(milliseconds)
            milliseconds, _ = timed(conn.request, "REPORT", path, multiget_body([f"{path}bench-card-1.vcf"]),
                                    {"Depth": "1"})
            single.append(milliseconds)
        for run in range(max(runs, 5)):
            index = run * 11 + 5
            name = f"{path}bench-card-{index}.vcf"
            status, _, _ = conn.request("PUT", name, vcard(index, revision=run + 100).encode(),
                                        {"Content-Type": "text/vcard"})
            assert status in (201, 204), status
            settle(conn, path)
            started = time.perf_counter()
            token, changed = sync_collection(conn, path, token)
            assert changed == 1, changed
            conn.request("REPORT", path, multiget_body([name]), {"Depth": "1"})
            bare_incremental.append((time.perf_counter() - started) * 1000)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    return {
        "server": server, "cards": size, "bareFullSync": median(full), "gatewayColdSync": median(cold),
        "gatewayPeakRSS": max(rss), "gatewayIncremental": median(incremental),
        "gatewayIncrementalProcess": median(process_incremental), "bareSyncNoChange": median(idle),
        "bareMultigetOne": median(single), "bareIncremental": median(bare_incremental),
    }


def table(rows) -> str:
    lines = [
        "| server | cards | (a) bare full sync | (b) gateway cold sync | (b)/(a) | peak RSS (b) "
        "| (c) gateway incremental | (d) bare sync-collection | (m) bare multiget ×1 | (c) / ((1.3×d)+m) "
        "| (e) bare incremental | (c)/(e) | (c′) new `sync` process |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['server']} | {r['cards']} | {r['bareFullSync']:.0f} ms | {r['gatewayColdSync']:.0f} ms "
            f"| {r['gatewayColdSync'] / r['bareFullSync']:.2f} | {r['gatewayPeakRSS']:.0f} MB "
            f"| {r['gatewayIncremental']:.1f} ms | {r['bareSyncNoChange']:.1f} ms | {r['bareMultigetOne']:.1f} ms "
            f"| {r['gatewayIncremental'] / (1.3 * r['bareSyncNoChange'] + r['bareMultigetOne']):.2f} "
            f"| {r['bareIncremental']:.1f} ms | {r['gatewayIncremental'] / r['bareIncremental']:.2f} "
            f"| {r['gatewayIncrementalProcess']:.1f} ms |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--servers", default="radicale,xandikos")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--binary", default=None, help="a release jmap-gateway (default: build one)")
    parser.add_argument("--json", default=None, help="also write the rows as JSON to this file")
    parser.add_argument("--backend-option", action="append", default=[], metavar="KEY=VALUE",
                        help="a [backend] configuration key for the gateway, e.g. collection_concurrency=1")
    args = parser.parse_args()
    options = {}
    for option in args.backend_option:
        key, _, value = option.partition("=")
        options[key] = int(value) if value.isdigit() else value
    servers = args.servers.split(",")
    binary = args.binary
    if binary is None:
        subprocess.run(["swift", "build", "-c", "release", "--product", "jmap-gateway"], cwd=REPO, check=True)
        binary = os.path.join(REPO, ".build", "release", "jmap-gateway")
    env = backends("start", servers)
    rows = []
    try:
        for server in servers:
            for size in (int(s) for s in args.sizes.split(",")):
                print(f"measuring {server} with {size} cards ...", file=sys.stderr, flush=True)
                rows.append(measure(server, size, env, binary, args.runs, options))
    finally:
        backends("stop", servers)
    print(table(rows))
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(rows, handle, indent=2)


if __name__ == "__main__":
    main()
