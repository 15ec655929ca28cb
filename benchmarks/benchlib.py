"""What the benchmarks share: the deterministic vCards, a keep-alive DAV/HTTP connection, Radicale's bulk
seeding, the private test backends (scripts/backends.sh with their own state dir and ports) and a
`jmap-gateway serve` process on a free port. Standard library only; imported by sync_benchmark.py and
contacts_benchmark.py (run them as scripts, so that this directory is on sys.path).
"""
import base64
import http.client
import json
import math
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
USER, PASSWORD = "alice", "alice-pw"


# ---------------------------------------------------------------------------------------------- data

FIRST = ["José", "Søren", "Łukasz", "Ōtani", "Anna", "Chen", "Fatima", "Olu", "Mia", "Ravi"]
LAST = ["García", "Ødegaard", "Nowak", "Shōhei", "Schmidt", "Wang", "Haddad", "Adeyemi", "Rossi", "Iyer"]


def vcard(i: int, revision: int = 0) -> str:
    """A deterministic vCard 3.0 of about 450 bytes, like the lab's generator."""
    first, last = FIRST[i % 10], LAST[(i // 10) % 10]
    lines = [
        "BEGIN:VCARD", "VERSION:3.0", f"UID:bench-card-{i}", f"FN:{first} {last} {i}",
        f"N:{last};{first};;;", f"ORG:Bench Org {i % 97}", f"TITLE:Engineer {i % 13}",
        f"EMAIL;TYPE=INTERNET;TYPE=WORK:{first.lower()}.{i}@example.com",
        f"item1.EMAIL;TYPE=INTERNET:home{i}@example.org", "item1.X-ABLabel:_$!<Other>!$_",
        f"TEL;TYPE=CELL:+1-555-{i % 10000:04d}", f"ADR;TYPE=HOME:;;{i} Main Street;Springfield;;{10000 + i};USA",
        f"BDAY:19{70 + i % 30}-0{1 + i % 9}-1{i % 9}", f"NOTE:Card {i}\\, revision {revision}; note with comma\\, semicolon",
        "CATEGORIES:bench,contacts", "END:VCARD",
    ]
    return "\r\n".join(lines) + "\r\n"


# ------------------------------------------------------------------------------------------- HTTP

class DAVConnection:
    """One keep-alive connection with HTTP Basic (Radicale answers HTTP/1.0 and closes; we reconnect then)."""

    def __init__(self, base: str, user: str = USER, password: str = PASSWORD):
        parsed = urllib.parse.urlsplit(base)
        self.host, self.port = parsed.hostname, parsed.port
        self.auth = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        self.conn = None

    def request(self, method: str, path: str, body: bytes = b"", headers=None):
        headers = dict(headers or {})
        headers["Authorization"] = self.auth
        if body:
            headers.setdefault("Content-Type", "application/xml; charset=utf-8")
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=600)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                if response.getheader("Connection", "").lower() == "close" or response.version == 10:
                    self.conn.close()
                    self.conn = None
                return response.status, response.headers, data
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        raise RuntimeError("unreachable")

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --------------------------------------------------------------------------------------- seeding

def seed_radicale(base: str, path: str, count: int, user: str = USER, password: str = PASSWORD):
    """Radicale's bulk path: one PUT of all cards onto the collection replaces its content."""
    conn = DAVConnection(base, user, password)
    body = "".join(vcard(i) for i in range(count)).encode()
    status, _, _ = conn.request("PUT", path, body, {"Content-Type": "text/vcard"})
    assert status in (200, 201, 204), status
    proppatch = (
        '<?xml version="1.0"?><d:propertyupdate xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav">'
        "<d:set><d:prop><d:resourcetype><d:collection/><c:addressbook/></d:resourcetype>"
        "<d:displayname>Contacts</d:displayname></d:prop></d:set></d:propertyupdate>"
    ).encode()
    conn.request("PROPPATCH", path, proppatch)
    conn.close()


# -------------------------------------------------------------------------------------- backends

def backends(command: str, servers, state: str, ports: dict) -> dict:
    """scripts/backends.sh COMMAND for SERVERS with state dir STATE and PORTS (env names -> values);
    returns the resulting backends.env as a dict."""
    env = dict(os.environ, BACKENDS_STATE=state, BACKENDS=" ".join(servers), **ports)
    subprocess.run([os.path.join(REPO, "scripts", "backends.sh"), command], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    values = {}
    env_file = os.path.join(state, "backends.env")
    if os.path.exists(env_file):
        for line in open(env_file):
            key, _, value = line.strip().partition("=")
            values[key] = value
    return values


# ----------------------------------------------------------------------------------------- gateway

def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value))


class Gateway:
    """`jmap-gateway serve` on a free port in front of BASE, with its cache in CACHE; stop it with close().

    `backend` and `sections` add configuration keys: backend={"min_sync_age": "0s"},
    sections={"limits": {"max_objects_in_get": 10000}}."""

    def __init__(self, binary: str, base: str, cache: str, *, backend=None, sections=None,
                 log_level: str = "error", log=None, config_name: str = "serve.toml",
                 user: str = USER, password: str = PASSWORD):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        config = {"server": {"listen": f"127.0.0.1:{self.port}"}, "backend": {"url": base, **(backend or {})},
                  "cache": {"path": cache}, "log": {"level": log_level}}
        for name, keys in (sections or {}).items():
            config.setdefault(name, {}).update(keys)
        path = os.path.join(cache, config_name)
        with open(path, "w") as handle:
            for name, keys in config.items():
                handle.write(f"[{name}]\n")
                for key, value in keys.items():
                    handle.write(f"{key} = {toml_value(value)}\n")
        self.database = os.path.join(cache, "gateway.sqlite")
        self.process = subprocess.Popen(
            [binary, "serve", "--config", path], stdout=subprocess.DEVNULL, stderr=log or subprocess.DEVNULL)
        self.conn = DAVConnection(self.url, user, password)
        deadline = time.monotonic() + 30
        while True:
            try:
                if self.conn.request("GET", "/health")[0] == 200:
                    break
            except OSError:
                self.conn.conn = None
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.close()
                raise RuntimeError("jmap-gateway serve did not start")
            time.sleep(0.05)

    def api(self, method_calls, using=("urn:ietf:params:jmap:core",)):
        """POST one JMAP request; returns (milliseconds, parsed response). Raises unless HTTP 200."""
        body = json.dumps({"using": list(using), "methodCalls": method_calls}).encode()
        started = time.perf_counter()
        status, _, data = self.conn.request("POST", "/jmap/api", body, {"Content-Type": "application/json"})
        elapsed = (time.perf_counter() - started) * 1000
        assert status == 200, (status, data[:300])
        return elapsed, data

    def close(self):
        self.conn.close()
        stop_process(self.process)


def stop_process(process):
    """SIGTERM, then SIGKILL after 30 s: a benchmark never leaves a server behind."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# ------------------------------------------------------------------------------------------ stats

def prepare_run(binary: str) -> str:
    """Lets a TERM stop the run like a Ctrl-C does (through the finally blocks that stop what was
    started), and returns the gateway binary's absolute path, which must exist."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    binary = os.path.abspath(binary)
    if not os.access(binary, os.X_OK):
        raise SystemExit(f"no gateway binary at {binary} (swift build -c release, or pass --binary)")
    return binary


def log(message: str):
    """Progress, on standard error (standard output carries the results)."""
    print(message, file=sys.stderr, flush=True)


def load_average() -> str:
    with open("/proc/loadavg") as handle:
        return " ".join(handle.read().split()[:3])


def median(values):
    return statistics.median(values) if values else float("nan")


def percentile(values, fraction: float):
    """Nearest-rank percentile (fraction 0.9 for p90)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = min(len(ordered), max(1, math.ceil(fraction * len(ordered))))
    return ordered[rank - 1]
