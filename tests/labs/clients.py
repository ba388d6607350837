"""Lab client scenarios: python websockets (plus raw sockets where a curl-like view is needed).

A scenario is `kind key=value ...` (the lab's `client:`); `run_client` returns an observation
dict whose keys match `expect:` in a lab (see tests/labs/README.md), plus `printed`: the
(source, line) pairs a person would have seen, fed to `wsguide lookup` by the round-trip test.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import ssl
import time
import warnings
from typing import Any

SCENARIOS = ("echo", "idle", "big", "plain", "many", "h2c", "sio", "sse", "h2ws", "stall", "flood",
             "restart", "get")
# `tls_max=` values: the highest TLS version the client's ClientHello offers.
TLS_VERSIONS = {"1.0": ssl.TLSVersion.TLSv1, "1.1": ssl.TLSVersion.TLSv1_1,
                "1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}


def exc_text(exc: BaseException) -> str:
    t = type(exc)
    mod = "" if t.__module__ == "builtins" else t.__module__ + "."
    return f"{mod}{t.__qualname__}: {exc}"


def parse(spec: str) -> tuple[str, dict[str, str]]:
    kind, *words = spec.split()
    if kind not in SCENARIOS:
        raise ValueError(f"unknown client scenario {kind!r} (known: {', '.join(SCENARIOS)})")
    opts = {}
    for w in words:
        k, sep, v = w.partition("=")
        if not sep:
            raise ValueError(f"client option {w!r} is not key=value")
        opts[k] = v
    return kind, opts


class Target:
    """Where the client connects (always 127.0.0.1:port). `host` is the name the client
    believes it talks to (Host header and URL; `host=` option); `actions` are what the harness
    lets a scenario do to nginx and the backends (`reload`, `backend_signal`, `backend_start`)."""

    def __init__(self, port: int, scheme: str = "ws", ca: str | None = None,
                 actions: dict[str, Any] | None = None) -> None:
        self.port = port
        self.scheme = scheme
        self.ca = ca
        self.host: str | None = None
        self.tls_max: str | None = None  # `tls_max=1.1`: an old client's highest TLS version
        self.actions = actions or {}

    def authority(self) -> str:
        return self.host or f"127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.scheme}://{self.authority()}{path}"

    def ssl(self) -> ssl.SSLContext | None:
        if self.scheme != "wss":
            return None
        ctx = ssl.create_default_context(cafile=self.ca)
        if self.tls_max:
            with warnings.catch_warnings():  # TLSVersion.TLSv1/TLSv1_1 are deprecated names
                warnings.simplefilter("ignore", DeprecationWarning)
                ctx.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
                ctx.maximum_version = TLS_VERSIONS[self.tls_max]
            if self.tls_max in ("1.0", "1.1"):
                # OpenSSL 3 refuses TLS 1.0/1.1 at security level 1 on the client side too
                # ("no protocols available"); level 0 lets it send a real TLS 1.0/1.1 ClientHello.
                ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        return ctx


async def raw_request(target: Target, path: str, headers: dict[str, str], method: str = "GET",
                      body: bytes = b"", timeout: float = 3.0) -> dict[str, Any]:
    """One HTTP request on a new connection, curl-style: status line, headers, body."""
    out: dict[str, Any] = {"status": 0, "status_line": "", "headers": {}, "body": ""}
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection("127.0.0.1", target.port, ssl=target.ssl(),
                                    server_hostname="127.0.0.1" if target.ssl() else None),
            timeout)
    except Exception as exc:  # noqa: BLE001
        out["exception"] = exc_text(exc)
        return out
    lines = [f"{method} {path} HTTP/1.1", f"Host: {target.authority()}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if body:
        lines.append(f"Content-Length: {len(body)}")
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    try:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
        text = head.decode("latin-1").split("\r\n")
        out["status_line"] = text[0]
        parts = text[0].split(" ", 2)
        out["status"] = int(parts[1])
        for line in text[1:]:
            if ":" in line:
                k, _, v = line.partition(":")
                out["headers"][k.strip().lower()] = v.strip()
        if out["status"] != 101:
            n = int(out["headers"].get("content-length", "0") or 0)
            if n:
                data = await asyncio.wait_for(reader.readexactly(n), timeout)
            else:
                data = b""
            out["body"] = data.decode("utf-8", "replace")
    except Exception as exc:  # noqa: BLE001
        out.setdefault("exception", exc_text(exc))
    finally:
        writer.close()
    return out


def ws_headers(opts: dict[str, str]) -> dict[str, str]:
    h = {"Upgrade": "websocket", "Connection": "Upgrade",
         "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode(),
         "Sec-WebSocket-Version": "13"}
    if opts.get("subprotocols"):
        h["Sec-WebSocket-Protocol"] = opts["subprotocols"].replace(",", ", ")
    if opts.get("origin"):
        h["Origin"] = opts["origin"]
    return h


def connect_kwargs(target: Target, opts: dict[str, str]) -> dict[str, Any]:
    kw: dict[str, Any] = {"open_timeout": 5, "close_timeout": 1, "ping_interval": None,
                          "compression": None, "max_size": None}
    if target.scheme == "wss":
        kw["ssl"] = target.ssl()
    if target.host:  # a virtual host name: connect to 127.0.0.1:port, say `host` in the URL
        kw["host"], kw["port"] = "127.0.0.1", target.port
    if opts.get("subprotocols"):
        kw["subprotocols"] = opts["subprotocols"].split(",")
    if opts.get("origin"):
        kw["origin"] = opts["origin"]
    if "ping" in opts:
        kw["ping_interval"] = float(opts["ping"])
        kw["ping_timeout"] = float(opts["ping"]) * 5
    if "proxy" in opts:  # `proxy=nginx`: the client told to use nginx as its HTTP (CONNECT) proxy
        if opts["proxy"] != "nginx":
            raise ValueError(f"client option proxy={opts['proxy']!r}: only proxy=nginx is known")
        kw["proxy"] = f"http://127.0.0.1:{target.port}"
    headers = {}
    if opts.get("auth"):
        headers["Authorization"] = "Basic " + base64.b64encode(opts["auth"].encode()).decode()
    if opts.get("cookie"):
        headers["Cookie"] = opts["cookie"]
    if headers:
        kw["additional_headers"] = headers
    return kw


def probe_printed(probe: dict[str, Any]) -> list[tuple[str, str]]:
    out = []
    if probe.get("status") and probe["status"] != 101:
        out.append(("status_line", probe["status_line"]))
        body = probe.get("body", "")
        if body and "<html" not in body.lower():
            out += [("body", ln.strip()) for ln in body.splitlines() if ln.strip()]
    return out


async def echo_once(target: Target, path: str, opts: dict[str, str]) -> dict[str, Any]:
    from websockets.asyncio.client import connect

    obs: dict[str, Any] = {"echo": False, "exception": None, "subprotocol": None}
    try:
        async with connect(target.url(path), **connect_kwargs(target, opts)) as ws:
            obs["subprotocol"] = ws.subprotocol
            await ws.send("hello")
            obs["echo"] = await asyncio.wait_for(ws.recv(), 3) == "hello"
    except Exception as exc:  # noqa: BLE001
        obs["exception"] = exc_text(exc)
    return obs


async def scenario_echo(target: Target, opts: dict[str, str]) -> dict[str, Any]:
    """Per path: a curl-like handshake (status line, Location, body), then a real client."""
    paths = opts.get("paths", opts.get("path", "/ws")).split(",")
    obs: dict[str, Any] = {"printed": []}
    for i, path in enumerate(paths):
        hdrs = ws_headers(opts)
        if opts.get("auth"):
            hdrs["Authorization"] = "Basic " + base64.b64encode(opts["auth"].encode()).decode()
        if opts.get("proxy") == "nginx":  # a proxy-configured client's first request: CONNECT
            authority = target.authority()
            authority = authority if ":" in authority else f"{authority}:80"
            probe = await raw_request(target, authority, {}, method="CONNECT")
        else:
            probe = await raw_request(target, path, hdrs)
        res = await echo_once(target, path, opts)
        if i == 0:
            obs.update(status=probe["status"], location=probe["headers"].get("location"),
                       body=probe.get("body", ""), **res)
            if probe.get("exception") and not res["exception"]:
                obs["exception"] = probe["exception"]
            obs["printed"] += probe_printed(probe)
            if obs["exception"]:
                obs["printed"].append(("exception", obs["exception"]))
        obs.setdefault("statuses", []).append(probe["status"])
    return obs


async def scenario_idle(target: Target, opts: dict[str, str]) -> dict[str, Any]:
    """Open, say hello once, then stay silent for `secs`; when did it drop, with which code."""
    secs = float(opts.get("secs", "4"))
    obs = _timed_obs()
    ws = await _open_stream(target, opts, obs)
    if ws is None:
        return obs
    await ws.send("hello")
    obs["echo"] = await ws.recv() == "hello"
    t0 = time.monotonic()
    if "reload" in opts:  # `nginx -s reload` this many seconds after the echo
        async def later() -> None:
            await asyncio.sleep(float(opts["reload"]))
            await target.actions["reload"]()
        reload_task = asyncio.ensure_future(later())
    try:
        return await _idle_wait(ws, obs, opts, secs, t0)
    finally:
        if "reload" in opts:
            await reload_task


def _timed_obs(**extra: Any) -> dict[str, Any]:
    """What the idle and streaming scenarios report: when and how the socket dropped."""
    return {"printed": [], "exception": None, "close_code": None, "drop_after": None,
            "open_after": 0.0, **extra}


async def _repeat_until(ws, obs: dict[str, Any], t0: float, end: float, step, counter: str) -> None:
    """Run `step()` (a recv or a send) until `end` seconds after t0, counting successes in
    obs[counter]; a socket that closes meanwhile is recorded by `_dropped`."""
    try:
        while time.monotonic() - t0 < end:
            await asyncio.wait_for(step(), end - (time.monotonic() - t0))
            obs[counter] += 1
    except TimeoutError:
        pass
    except Exception as exc:  # noqa: BLE001
        _dropped(ws, obs, t0, exc)
    obs["open_after"] = obs["drop_after"] or round(time.monotonic() - t0, 2)


def _dropped(ws, obs: dict[str, Any], t0: float, exc: BaseException) -> None:
    """Record a socket that closed under the client: when (seconds since t0), code, message."""
    obs["drop_after"] = round(time.monotonic() - t0, 2)
    obs["close_code"] = int(ws.close_code) if ws.close_code else None
    obs["exception"] = exc_text(exc)
    obs["printed"].append(("exception", obs["exception"]))


async def _open_stream(target: Target, opts: dict[str, str], obs: dict[str, Any]):
    """Connect (idle and streaming scenarios); None, with the exception recorded, when it fails."""
    from websockets.asyncio.client import connect

    try:
        ws = await connect(target.url(opts.get("path", "/ws")), **connect_kwargs(target, opts))
    except Exception as exc:  # noqa: BLE001
        obs["exception"] = exc_text(exc)
        obs["printed"].append(("exception", obs["exception"]))
        return None
    obs["status"] = 101
    return ws


async def _idle_wait(ws, obs: dict[str, Any], opts: dict[str, str], secs: float,
                     t0: float) -> dict[str, Any]:
    try:
        await asyncio.wait_for(ws.recv(), secs)
    except TimeoutError:
        obs["open_after"] = round(time.monotonic() - t0, 2)
        if "reload" in opts:  # still usable after the reload?
            await ws.send("after")
            obs["echo_after"] = await asyncio.wait_for(ws.recv(), 2) == "after"
        await ws.close()
        return obs
    except Exception as exc:  # noqa: BLE001
        _dropped(ws, obs, t0, exc)
        obs["open_after"] = obs["drop_after"]
    return obs


async def scenario_stall(target: Target, opts: dict[str, str]) -> dict[str, Any]:
    """A consumer that stops reading (a background tab, a blocked message handler): open, read
    one message of the backend's stream, then read nothing for `secs` (python websockets stops
    reading from the socket once `max_queue`, 16 by default, messages wait unread, so the TCP
    buffers and nginx's buffer fill up), then read again for `read` seconds (default 1).
    `received`: messages read after the stall; `drop_after`/`open_after`: seconds from the start
    of the stall until the client saw the close / was last seen open."""
    secs, read = float(opts.get("secs", "3")), float(opts.get("read", "1"))
    obs = _timed_obs(received=0)
    ws = await _open_stream(target, opts, obs)
    if ws is None:
        return obs
    try:
        await asyncio.wait_for(ws.recv(), 3)
    except Exception as exc:  # noqa: BLE001
        obs["exception"] = exc_text(exc)
        obs["printed"].append(("exception", obs["exception"]))
        return obs
    t0 = time.monotonic()
    await asyncio.sleep(secs)
    await _repeat_until(ws, obs, t0, secs + read, ws.recv, "received")
    obs["echo"] = obs["received"] > 0
    await ws.close()
    return obs


async def scenario_flood(target: Target, opts: dict[str, str]) -> dict[str, Any]:
    """A client that keeps sending `size`-byte messages (default 65536) for `secs` (default 4)
    to a backend that may not read them (the mirror of `stall`). `sent`: messages handed to the
    library; `drop_after`/`open_after`: seconds from the first send until sending failed / the
    end."""
    secs, size = float(opts.get("secs", "4")), int(opts.get("size", "65536"))
    obs = _timed_obs(sent=0)
    ws = await _open_stream(target, opts, obs)
    if ws is None:
        return obs
    payload, t0 = b"y" * size, time.monotonic()
    await _repeat_until(ws, obs, t0, secs, lambda: ws.send(payload), "sent")
    with contextlib.suppress(Exception):  # websockets 17 may fail aborting a lost transport
        ws.transport.abort()  # the backend may never read: no closing handshake
    return obs


async def scenario_restart(target: Target, opts: dict[str, str]) -> dict[str, Any]:
    """The backend dies under an open socket and comes back (a crash, an OOM kill, a deploy).

    Open, echo once; `at` seconds later (default 0.5) the harness sends SIG`sig` (KILL or TERM)
    to the backend; `hang=1` first freezes it (SIGSTOP) and sends a message it never reads, a
    hung worker that a watchdog or the OOM killer then kills. The backend starts again `down`
    seconds (default 1) after it exited. Right after the drop a curl-like handshake shows what
    new clients get meanwhile (`down_status`). `reconnect=1`: the client reconnects with
    exponential backoff and jitter until it is connected again, then echoes (`echo_after`);
    without it, a new client opened at the end echoes or not (`echo_after`: the backend is back
    and nginx needs no reload). `connected`: the client holds an open, working socket when `secs` (default 4) are over;
    `opened`: WebSockets it opened; `drop_after`: seconds from the first echo to the drop."""
    import random

    from websockets.asyncio.client import connect
    from websockets.protocol import State

    secs, at = float(opts.get("secs", "4")), float(opts.get("at", "0.5"))
    sig, down = opts.get("sig", "KILL"), float(opts.get("down", "1"))
    obs: dict[str, Any] = {"printed": [], "exception": None, "close_code": None,
                           "drop_after": None, "connected": False, "opened": 0}
    url, kw = target.url(opts.get("path", "/ws")), connect_kwargs(target, opts)
    try:
        ws = await connect(url, **kw)
    except Exception as exc:  # noqa: BLE001
        obs["exception"] = exc_text(exc)
        obs["printed"].append(("exception", obs["exception"]))
        return obs
    obs.update(status=101, opened=1)
    await ws.send("hello")
    obs["echo"] = await asyncio.wait_for(ws.recv(), 3) == "hello"
    t0 = time.monotonic()
    await asyncio.sleep(at)
    if opts.get("hang") == "1":  # frozen: what the client sends now stays unread
        await target.actions["backend_signal"]("STOP")
        await ws.send("are you there?")
        await asyncio.sleep(0.2)
    await target.actions["backend_signal"](sig)

    async def come_back() -> None:
        await asyncio.sleep(down)
        await target.actions["backend_start"]()

    back = asyncio.ensure_future(come_back())
    try:
        await asyncio.wait_for(ws.recv(), 3)
    except TimeoutError:  # still open: nothing dropped
        pass
    except Exception as exc:  # noqa: BLE001
        _dropped(ws, obs, t0, exc)
    t_drop = time.monotonic()
    probe = await raw_request(target, opts.get("path", "/ws"), ws_headers(opts))
    obs["down_status"] = probe["status"]
    if probe.get("status_line"):
        obs["printed"].append(("status_line", probe["status_line"]))
    if opts.get("reconnect") == "1":
        attempt, statuses = 0, []
        while time.monotonic() - t0 < secs:
            delay = min(2.0, 0.2 * 2 ** attempt) * (0.5 + random.random())
            await asyncio.sleep(delay)
            attempt += 1
            try:
                ws = await connect(url, **kw)
            except Exception as exc:  # noqa: BLE001  (a 502 while the backend is down)
                statuses.append(getattr(getattr(exc, "response", None), "status_code", 0))
                continue
            obs["opened"] += 1
            obs["reconnected_after"] = round(time.monotonic() - t_drop, 2)
            await ws.send("after")
            obs["echo_after"] = await asyncio.wait_for(ws.recv(), 3) == "after"
            break
        obs["reconnect_statuses"] = statuses
    await back
    await asyncio.sleep(max(0.0, secs - (time.monotonic() - t0)))
    if ws.state is State.OPEN:
        await ws.send("still there?")
        obs["connected"] = await asyncio.wait_for(ws.recv(), 3) == "still there?"
        await ws.close()
    if opts.get("reconnect") != "1":  # a new client (a page reload) now: is the backend back?
        fresh = await echo_once(target, opts.get("path", "/ws"), opts)
        obs["echo_after"] = fresh["echo"]
    return obs


async def scenario_big(target: Target, opts: dict[str, str]) -> dict[str, Any]:
    """A WebSocket message of `size` bytes, then a plain POST of `post` bytes (polling-style)."""
    from websockets.asyncio.client import connect

    size = int(opts.get("size", str(2 * 2**20)))
    obs: dict[str, Any] = {"printed": [], "exception": None, "echo": False, "close_code": None}
    try:
        async with connect(target.url(opts.get("path", "/ws")),
                           **connect_kwargs(target, opts)) as ws:
            payload = os.urandom(size)
            await ws.send(payload)
            obs["echo"] = await asyncio.wait_for(ws.recv(), 5) == payload
    except Exception as exc:  # noqa: BLE001
        obs["exception"] = exc_text(exc)
        obs["close_code"] = getattr(getattr(exc, "rcvd", None), "code", None)
        obs["printed"].append(("exception", obs["exception"]))
    if "post" in opts:
        probe = await raw_request(target, opts.get("path", "/ws"),
                                  {"Content-Type": "application/octet-stream"}, method="POST",
                                  body=b"x" * int(opts["post"]))
        obs["post_status"] = probe["status"]
        obs["printed"] += probe_printed(probe)
    return obs


async def scenario_plain(target: Target, opts: dict[str, str]) -> dict[str, Any]:
    """`n` plain GETs, each on a new client connection (the harness counts upstream ports)."""
    n = int(opts.get("n", "5"))
    statuses = []
    for _ in range(n):
        probe = await raw_request(target, opts.get("path", "/ws"), {})
        statuses.append(probe["status"])
    res = await echo_once(target, opts.get("path", "/ws"), opts)
    obs = {"printed": [], "plain_statuses": statuses, "status": 101 if res["echo"] else 0, **res}
    if res["exception"]:
        obs["printed"].append(("exception", res["exception"]))
    await asyncio.sleep(0.2)
    return obs


# What Chrome sends when a person opens a URL in a tab (a navigation: no Upgrade, keep-alive).
BROWSER_TAB_HEADERS = {
    "Connection": "keep-alive", "Upgrade-Insecure-Requests": "1",
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/124.0.0.0 Safari/537.36",
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}


async def scenario_get(target: Target, opts: dict[str, str]) -> dict[str, Any]:
    """One plain HTTP GET of a WebSocket URL, no handshake: what a browser tab, curl, wget or a
    health check sends. `as=browser` (default): Chrome's navigation headers; `as=curl`: the real
    curl binary (`curl -sS -i --fail-with-body`), whose own stderr line ("curl: (22) The
    requested URL returned error: 426") is printed as client_log. No WebSocket is opened."""
    import shutil

    path = opts.get("path", "/ws")
    obs: dict[str, Any] = {"printed": [], "echo": False, "exception": None}
    if opts.get("as", "browser") == "browser":
        probe = await raw_request(target, path, BROWSER_TAB_HEADERS)
    elif opts["as"] == "curl":
        curl = shutil.which("curl")
        if curl is None:
            raise RuntimeError("client `get as=curl` needs the curl binary on PATH")
        scheme = "https" if target.scheme == "wss" else "http"
        cmd = [curl, "-sS", "-i", "--fail-with-body", "--max-time", "5"]
        if target.scheme == "wss" and target.ca:
            cmd += ["--cacert", target.ca]
        if target.host:
            cmd += ["-H", f"Host: {target.host}"]
        proc = await asyncio.create_subprocess_exec(
            *cmd, f"{scheme}://127.0.0.1:{target.port}{path}",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await asyncio.wait_for(proc.communicate(), 10)
        head, _, body = out.decode("utf-8", "replace").replace("\r\n", "\n").partition("\n\n")
        probe = {"status_line": head.split("\n", 1)[0], "body": body, "headers": {}}
        parts = probe["status_line"].split(" ", 2)
        probe["status"] = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
        obs["curl_exit"] = proc.returncode
        obs["printed"] += [("client_log", ln) for ln in err.decode("utf-8", "replace").splitlines()
                           if ln.strip()]
    else:
        raise ValueError(f"client option as={opts['as']!r}: browser or curl")
    obs.update(status=probe["status"], body=probe.get("body", ""))
    if probe.get("exception"):
        obs["exception"] = probe["exception"]
        obs["printed"].append(("exception", probe["exception"]))
    obs["printed"] = probe_printed(probe) + obs["printed"]
    return obs


async def scenario_many(target: Target, opts: dict[str, str]) -> dict[str, Any]:
    """Open `n` WebSockets one after another and hold them; count how many opened."""
    from websockets.asyncio.client import connect

    n = int(opts.get("n", "10"))
    held, errors = [], []
    for _ in range(n):
        try:
            ws = await connect(target.url(opts.get("path", "/ws")),
                               **connect_kwargs(target, opts))
            await ws.send("hello")
            await asyncio.wait_for(ws.recv(), 3)
            held.append(ws)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc_text(exc))
    probe = await raw_request(target, opts.get("path", "/ws"), ws_headers(opts))
    for ws in held:
        await ws.close()
    obs: dict[str, Any] = {"opened": len(held), "exception": errors[0] if errors else None,
                           "printed": [("exception", e) for e in dict.fromkeys(errors)]}
    obs["printed"] += probe_printed(probe)
    obs["status"] = probe["status"]
    return obs


async def scenario_h2c(target: Target, opts: dict[str, str]) -> dict[str, Any]:
    """An `Upgrade: h2c` request (h2c smuggling attempt); the harness checks what the backend saw."""
    probe = await raw_request(target, opts.get("path", "/ws"), {
        "Upgrade": "h2c", "Connection": "Upgrade, HTTP2-Settings",
        "HTTP2-Settings": "AAMAAABkAARAAAAAAAIAAAAA"})
    res = await echo_once(target, opts.get("path", "/ws"), {})
    return {"printed": [], "status": probe["status"], "echo": res["echo"],
            "exception": res["exception"]}


async def scenario_sio(target: Target, opts: dict[str, str]) -> dict[str, Any]:
    """python-socketio client: polling handshake, then upgrade; `calls` whoami round trips."""
    import logging

    import socketio

    records: list[str] = []

    class Grab(logging.Handler):
        def emit(self, record):
            records.append(f"{record.name} {record.levelname} {record.getMessage()}")

    grab = Grab(level=logging.INFO)
    loggers = [logging.getLogger(n) for n in ("engineio.client", "socketio.client")]
    for lg in loggers:
        lg.addHandler(grab)
        lg.setLevel(logging.INFO)
    obs: dict[str, Any] = {"printed": [], "connected": False, "transport": None,
                           "exception": None, "served_by": []}
    client = socketio.AsyncClient(reconnection=False, logger=loggers[1],
                                  engineio_logger=loggers[0])
    try:
        await client.connect(target.url("/").replace("ws", "http", 1),
                             transports=["polling", "websocket"], wait_timeout=5)
        obs["connected"] = True
        for _ in range(int(opts.get("calls", "4"))):
            obs["served_by"].append(await client.call("whoami", timeout=3))
            await asyncio.sleep(0.05)
        obs["transport"] = client.transport()
    except Exception as exc:  # noqa: BLE001
        obs["exception"] = exc_text(exc)
    finally:
        with contextlib.suppress(Exception):  # a failed client may not disconnect cleanly
            await client.disconnect()
        for lg in loggers:
            lg.removeHandler(grab)
    if obs["exception"]:
        obs["printed"].append(("exception", obs["exception"]))
    obs["printed"] += [("client_log", r) for r in records
                       if " ERROR " in r or " WARNING " in r or "status code" in r]
    return obs


async def scenario_sse(target: Target, opts: dict[str, str]) -> dict[str, Any]:
    """GET a Server-Sent Events stream (`path`, default /events): when did the first event
    arrive (event_delay); then `n` WebSocket echoes through `ws` (default the same path): the
    slowest round trip (ws_rtt)."""
    from websockets.asyncio.client import connect

    path = opts.get("path", "/events")
    obs: dict[str, Any] = {"printed": [], "exception": None, "events": 0,
                           "event_delay": None, "ws_rtt_max": None}
    t0 = time.monotonic()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", target.port)
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {target.authority()}\r\n"
                     "Accept: text/event-stream\r\nConnection: close\r\n\r\n".encode())
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        obs["status"] = int(head.split(b" ", 2)[1])
        while True:
            line = await asyncio.wait_for(reader.readline(), 5)
            if not line:
                break
            if line.startswith(b"data:"):
                obs["events"] += 1
                if obs["event_delay"] is None:
                    obs["event_delay"] = round(time.monotonic() - t0, 3)
        writer.close()
    except Exception as exc:  # noqa: BLE001
        obs["exception"] = exc_text(exc)
        obs["printed"].append(("exception", obs["exception"]))
    rtts = []
    try:
        async with connect(target.url(opts.get("ws", path)), **connect_kwargs(target, opts)) as ws:
            for i in range(int(opts.get("n", "20"))):
                t = time.monotonic()
                await ws.send(f"m{i}")
                if await asyncio.wait_for(ws.recv(), 2) == f"m{i}":
                    rtts.append(time.monotonic() - t)
        obs["echo"] = len(rtts) == int(opts.get("n", "20"))
        obs["ws_rtt_max"] = round(max(rtts), 4) if rtts else None
    except Exception as exc:  # noqa: BLE001
        obs["echo"] = False
        obs["exception"] = obs["exception"] or exc_text(exc)
    # the metric keys the expectations read
    obs["event_delay_min"] = obs["event_delay_max"] = obs["event_delay"]
    return obs


async def _h2_open(target: Target, alpn: list[str]) -> tuple[Any, Any, str | None]:
    """TLS to nginx offering `alpn`; returns (reader, writer, the protocol ALPN picked)."""
    ctx = ssl.create_default_context(cafile=target.ca)
    ctx.set_alpn_protocols(alpn)
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection("127.0.0.1", target.port, ssl=ctx, server_hostname="127.0.0.1"), 5)
    return reader, writer, writer.get_extra_info("ssl_object").selected_alpn_protocol()


async def _h2_exchange(target: Target, headers: list[tuple[str, str]], end_stream: bool,
                       raw: bool = False) -> dict[str, Any]:
    """One h2 connection (ALPN h2): the server's SETTINGS, then one request on stream 1; what
    came back on it (statuses, headers, body, RST_STREAM / GOAWAY error names, the h2 library's
    exception). The h2 library's defaults strip connection-specific request headers (as curl
    does) and reject them in a response; `raw`: send the headers as given, accept any answer."""
    import h2.config
    import h2.connection
    import h2.events

    out: dict[str, Any] = {"settings": None, "statuses": [], "headers": {}, "body": "",
                           "reset": None, "goaway": None, "exception": None}
    reader, writer, out["alpn"] = await _h2_open(target, ["h2"])
    cfg = h2.config.H2Configuration(client_side=True)
    if raw:
        cfg = h2.config.H2Configuration(client_side=True, validate_outbound_headers=False,
                                        normalize_outbound_headers=False,
                                        validate_inbound_headers=False)
    conn = h2.connection.H2Connection(cfg)
    conn.initiate_connection()
    writer.write(conn.data_to_send())
    sent, done, ended, body = False, False, False, b""
    try:
        while not done:
            try:  # after END_STREAM, a moment more for a RST_STREAM that follows it
                data = await asyncio.wait_for(reader.read(65535), 0.3 if ended else 3)
            except TimeoutError:
                if ended:
                    break
                raise
            if not data:
                break
            try:
                events = conn.receive_data(data)
            except Exception as exc:  # noqa: BLE001  h2.exceptions.ProtocolError on the answer
                out["exception"] = exc_text(exc)
                writer.write(conn.data_to_send())  # the GOAWAY the library queued
                break
            for ev in events:
                if isinstance(ev, h2.events.RemoteSettingsChanged) and out["settings"] is None:
                    # every setting of the server's first SETTINGS frame, by id
                    out["settings"] = {int(k): v.new_value for k, v in ev.changed_settings.items()}
                elif isinstance(ev, (h2.events.ResponseReceived,
                                     h2.events.InformationalResponseReceived)):
                    hd = {k.decode(): v.decode() for k, v in ev.headers}
                    out["statuses"].append(int(hd.pop(":status")))
                    out["headers"].update(hd)
                elif isinstance(ev, h2.events.DataReceived):
                    body += ev.data
                    conn.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
                elif isinstance(ev, h2.events.StreamReset):
                    out["reset"] = getattr(ev.error_code, "name", str(ev.error_code))
                    done = True
                elif isinstance(ev, h2.events.ConnectionTerminated):
                    out["goaway"] = getattr(ev.error_code, "name", str(ev.error_code))
                    done = True
                elif isinstance(ev, h2.events.StreamEnded):
                    ended = True
            if out["settings"] is not None and not sent:
                conn.send_headers(1, headers, end_stream=end_stream)
                sent = True
            writer.write(conn.data_to_send())
    except TimeoutError:
        out["timeout"] = True
    finally:
        writer.close()
    out["body"] = body.decode("utf-8", "replace")
    return out


async def scenario_h2ws(target: Target, opts: dict[str, str]) -> dict[str, Any]:
    """A client that negotiates h2 by ALPN with a TLS listener (`listen ... ssl http2`) and tries
    to open a WebSocket: an RFC 8441 extended CONNECT (:protocol websocket; `status`,
    `status_line` "HTTP/2 <status>", `body`) and whether the server's SETTINGS carried
    SETTINGS_ENABLE_CONNECT_PROTOCOL (0x8); then an h2 GET with the RFC 6455 upgrade headers,
    twice: with the h2 library's defaults, which strip Upgrade/Connection as curl does
    (`plain_get`; `exception` is the library's error on nginx's answer), and sent as given
    (`upgrade_get`).
    `alpn=http/1.1`: the client fix, the same TLS listener with ALPN http/1.1 only and the python
    websockets client (status 101, echo)."""
    path = opts.get("path", "/ws")
    auth = target.authority()
    obs: dict[str, Any] = {"printed": [], "exception": None, "echo": False, "status": 0}
    if opts.get("alpn") == "http/1.1":
        from websockets.asyncio.client import connect

        ctx = ssl.create_default_context(cafile=target.ca)
        ctx.set_alpn_protocols(["http/1.1"])
        kw = {**connect_kwargs(target, opts), "ssl": ctx}
        try:
            async with connect(f"wss://{auth}{path}", **kw) as ws:
                obs["alpn"] = ws.transport.get_extra_info("ssl_object").selected_alpn_protocol()
                obs["status"] = ws.response.status_code
                await ws.send("hello")
                obs["echo"] = await asyncio.wait_for(ws.recv(), 3) == "hello"
        except Exception as exc:  # noqa: BLE001
            obs["exception"] = exc_text(exc)
            obs["printed"].append(("exception", obs["exception"]))
        return obs
    connect_req = [(":method", "CONNECT"), (":protocol", "websocket"), (":scheme", "https"),
                   (":path", path), (":authority", auth), ("sec-websocket-version", "13")]
    res = await _h2_exchange(target, connect_req, end_stream=False)
    obs["alpn"] = res["alpn"]
    obs["h2_settings"] = res["settings"]
    obs["enable_connect_protocol"] = (res["settings"] or {}).get(0x8)
    obs["connect"] = res
    if res["statuses"]:
        obs["status"] = res["statuses"][-1]
        obs["status_line"] = f"HTTP/2 {obs['status']}"
        obs["body"] = res["body"]
        obs["printed"] += probe_printed(obs)
    upgrade_get = [(":method", "GET"), (":scheme", "https"), (":path", path),
                   (":authority", auth), ("upgrade", "websocket"), ("connection", "upgrade"),
                   ("sec-websocket-version", "13"),
                   ("sec-websocket-key", base64.b64encode(os.urandom(16)).decode())]
    obs["plain_get"] = await _h2_exchange(target, upgrade_get, end_stream=True)
    obs["exception"] = res["exception"] or obs["plain_get"]["exception"]
    if obs["exception"]:
        obs["printed"].append(("exception", obs["exception"]))
    obs["upgrade_get"] = await _h2_exchange(target, upgrade_get, end_stream=True, raw=True)
    return obs


async def run_client(spec: str, target: Target) -> dict[str, Any]:
    kind, opts = parse(spec)
    if "port" in opts:  # `port=unused`: the app was given a wrong URL, a port where nothing listens
        if opts.pop("port") != "unused":
            raise ValueError("client option port=: only port=unused is known")
        from helpers import free_port  # below the ephemeral range: no self-connect

        target.port = free_port()
    if opts.pop("scheme", None) == "wss":
        target.scheme = "wss"
    if "tls_max" in opts:  # an old client: offers TLS versions up to this one only (wss://)
        target.tls_max = opts.pop("tls_max")
        if target.tls_max not in TLS_VERSIONS:
            raise ValueError(f"tls_max={target.tls_max} (known: {', '.join(TLS_VERSIONS)})")
    if "host" in opts:  # a virtual host: Host header, URL and (echo) Origin use this name
        target.host = opts.pop("host")
        opts.setdefault("origin", f"http://{target.host}")
    return await globals()[f"scenario_{kind}"](target, opts)
