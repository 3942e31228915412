"""Part 1, the WeChat gateway: signed CLICK events and text messages, plain and AES, against /healthz/live.

Requests are built before a run (signed and, in safe mode, encrypted exactly as WeChat's server does:
https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Message_encryption_and_decryption_instructions.html)
so the load generator only writes bytes and reads answers: its own cost stays small and equal for the
baseline and the gateway. Every event carries a unique (FromUserName, CreateTime) and every text a unique
MsgId, so the callback's dedup never short-cuts a request.

The load generator: one thread per connection, HTTP/1.1 keep-alive on a raw socket, latency from the first
byte written to the last byte read. Each run is bounded both in requests and in seconds.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import secrets
import socket
import sys
import threading
import time
from collections.abc import Callable
from urllib.parse import urlencode

from bench.server import WECHAT, Server
from bench.stats import LatencyRun, ratio, summarise

KINDS = ("baseline", "click", "text", "click_aes", "text_aes")
LABELS = {
    "baseline": "baseline GET /healthz/live",
    "click": "CLICK event (plain)",
    "text": "text message (plain)",
    "click_aes": "CLICK event (AES)",
    "text_aes": "text message (AES)",
}
CONCURRENCY = (1, 8, 32)
OPENIDS = [f"oBench{i:022d}" for i in range(500)]
_ENCRYPT = re.compile(r"<Encrypt><!\[CDATA\[(.*?)\]\]></Encrypt>.*?<MsgSignature><!\[CDATA\[(.*?)\]\]>", re.S)
_serial = itertools.count(1)


def _signature(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def _message_xml(kind: str, openid: str, create_time: int, serial: int) -> str:
    head = (f"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
            f"<CreateTime>{create_time}</CreateTime>")
    if kind.startswith("click"):
        return head + "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[CLICK]]></Event>" \
                      "<EventKey><![CDATA[MY_STATUS]]></EventKey></xml>"
    return head + ("<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[请问采集截止日期是哪天？]]></Content>"
                   f"<MsgId>{7000000000000000000 + serial}</MsgId></xml>")


def _http(method: str, path: str, body: bytes = b"") -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: Mozilla/4.0\r\n"
    if method == "POST":
        head += f"Content-Type: text/xml\r\nContent-Length: {len(body)}\r\n"
    return (head + "\r\n").encode() + body


def build_requests(kind: str, count: int) -> list[bytes]:
    """`count` raw HTTP requests of one kind, each signed now with a fresh nonce."""
    if kind == "baseline":
        return [_http("GET", "/healthz/live")] * count
    from wechatpy.crypto import WeChatCrypto

    crypto = WeChatCrypto(WECHAT["WECHAT_TOKEN"], WECHAT["WECHAT_AES_KEY"], WECHAT["WECHAT_APPID"])
    now = int(time.time())
    out = []
    for _ in range(count):
        serial = next(_serial)
        # A unique CreateTime per event (in the past, as a retry-free stream of taps would be).
        xml = _message_xml(kind, OPENIDS[serial % len(OPENIDS)], now - 10_000_000 + serial, serial)
        timestamp, nonce = str(now), secrets.token_hex(5)
        query = {"signature": _signature(WECHAT["WECHAT_TOKEN"], timestamp, nonce), "timestamp": timestamp,
                 "nonce": nonce, "openid": OPENIDS[serial % len(OPENIDS)]}
        body = xml
        if kind.endswith("_aes"):
            encrypted, msg_signature = _ENCRYPT.search(crypto.encrypt_message(xml, nonce, timestamp)).groups()
            query.update(encrypt_type="aes", msg_signature=msg_signature)
            body = f"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
        out.append(_http("POST", "/wx?" + urlencode(query), body.encode()))
    return out


class Connection:
    """One keep-alive HTTP/1.1 connection on a raw socket (reconnects when the server closes it)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.sock: socket.socket | None = None
        self.buffer = b""

    def _connect(self) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""
        return sock

    def exchange(self, raw: bytes) -> tuple[int, bytes]:
        """Send one request and read its whole answer: (status, body)."""
        for attempt in (1, 2):
            if self.sock is None:
                self.sock = self._connect()
            try:
                self.sock.sendall(raw)
                return self._read()
            except (ConnectionError, _Closed):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _read(self) -> tuple[int, bytes]:
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
        length = int(headers.get("content-length", "0"))
        while len(self.buffer) < length:
            self._fill()
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, body

    def _fill(self) -> None:
        chunk = self.sock.recv(65536)  # type: ignore[union-attr]
        if not chunk:
            raise _Closed
        self.buffer += chunk

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock = None


class _Closed(Exception):
    """The server closed a keep-alive connection between two requests."""


def load(port: int, requests: list[bytes], concurrency: int, seconds: float,
         ok: Callable[[int, bytes], bool]) -> LatencyRun:
    """Send `requests` over `concurrency` keep-alive connections for at most `seconds`."""
    counter = itertools.count()
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors = [0] * concurrency
    start_line = threading.Barrier(concurrency + 1)
    deadline = [0.0]

    def worker(slot: int) -> None:
        conn = Connection(port)
        start_line.wait()
        mine, clock = latencies[slot], time.perf_counter
        while True:
            index = next(counter)
            if index >= len(requests) or clock() > deadline[0]:
                break
            began = clock()
            try:
                status, body = conn.exchange(requests[index])
            except OSError:
                errors[slot] += 1
                continue
            mine.append(clock() - began)
            if not ok(status, body):
                errors[slot] += 1
        conn.close()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline[0] = began + seconds
    start_line.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    flat = tuple(x for chunk in latencies for x in chunk)
    return LatencyRun(requests=len(flat), errors=sum(errors), seconds=elapsed, latencies=flat)


def _ok(kind: str) -> Callable[[int, bytes], bool]:
    if kind == "baseline":
        return lambda status, body: status == 200 and body == b"ok"
    if kind.endswith("_aes"):
        return lambda status, body: status == 200 and b"<Encrypt>" in body
    return lambda status, body: status == 200 and b"<Content>" in body


def run(server: Server, *, repetitions: int = 3, seconds: float = 2.0, quick: bool = False) -> dict:
    """Every kind at every concurrency, interleaved per repetition so drift hits all of them alike."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(0.0005)  # many client threads: hand the GIL over quickly, keep latencies honest
    try:
        raw: dict[tuple[str, int], list[LatencyRun]] = {}
        for conc in CONCURRENCY:
            load(server.port, build_requests("click", 200), conc, 1.0, _ok("click"))  # warm-up: pools, imports
        for _rep in range(repetitions):
            for conc in CONCURRENCY:
                for kind in KINDS:
                    budget = int(4000 * seconds)
                    reqs = build_requests(kind, budget)
                    raw.setdefault((kind, conc), []).append(load(server.port, reqs, conc, seconds, _ok(kind)))
    finally:
        sys.setswitchinterval(previous)
    return summarise_runs(raw)


def summarise_runs(raw: dict[tuple[str, int], list[LatencyRun]]) -> dict:
    """Median and spread over repetitions of rps, p50, p99 and errors; ratio to the baseline; verdicts."""
    rows = []
    for (kind, conc), runs in raw.items():
        base_runs = raw[("baseline", conc)]
        ratios = [ratio(r.rps, b.rps) for r, b in zip(runs, base_runs, strict=False)]
        rows.append({
            "kind": kind, "label": LABELS[kind], "concurrency": conc,
            "rps": summarise(r.rps for r in runs).as_dict(),
            "p50": summarise(r.p(50) for r in runs).as_dict(),
            "p99": summarise(r.p(99) for r in runs).as_dict(),
            "ratio": summarise(ratios).as_dict(),
            "requests": sum(r.requests for r in runs),
            "errors": sum(r.errors for r in runs),
        })
    rows.sort(key=lambda r: (r["concurrency"], KINDS.index(r["kind"])))
    gateway = [r for r in rows if r["kind"] != "baseline"]
    at32 = [r for r in gateway if r["concurrency"] == 32]
    return {
        "rows": rows,
        "targets": {
            "ratio": {"worst": min(r["ratio"]["median"] for r in gateway), "target": 0.6,
                      "met": all(r["ratio"]["median"] >= 0.6 for r in gateway)},
            "p99_at_32": {"worst": max(r["p99"]["median"] for r in at32), "target": 50.0,
                          "met": all(r["p99"]["median"] < 50 for r in at32)},
            "errors": {"total": sum(r["errors"] for r in rows), "met": all(r["errors"] == 0 for r in rows)},
        },
    }
