"""Verification steps shared by the targets: the handshake, h2c, echo, idle and browser checks.

Every URL and name here comes from a validated `Setup`, so it is safe inside single quotes.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..params import NGINX_DEFAULT_TIMEOUT_S, Setup, format_duration

#: RFC 6455's sample key: any valid key works, this one is recognisable in logs.
WS_KEY = "dGhlIHNhbXBsZSBub25jZQ=="


def step(name: str, run: str, expect: str) -> dict[str, str]:
    return {"step": name, "run": run, "expect": expect}


def sample_host(setup: Setup) -> str:
    """A concrete host name a client could use for the first server name."""
    name = setup.server_names[0]
    if name == "_":
        return "localhost"
    if name.startswith("*."):
        return "ws." + name[2:]
    if name.startswith("."):
        return name[1:]
    if name.endswith(".*"):
        return name[:-2] + ".com"
    return name


@dataclass
class Endpoint:
    """How a client on the test machine reaches the WebSocket: URLs plus curl's routing flags."""

    host: str
    http_url: str
    ws_url: str
    curl_route: str
    """Extra curl flags (`--resolve`, `--unix-socket`), with a trailing space, or ''."""


def endpoint(setup: Setup, path: str, local: bool) -> Endpoint:
    """`local`: reach the listen address directly (standalone trials), not through DNS."""
    host = sample_host(setup)
    listen = setup.listens[0]
    default_port = 443 if setup.tls else 80
    http, ws = ("https", "wss") if setup.tls else ("http", "ws")
    port = "" if listen.unix or listen.port == default_port else f":{listen.port}"
    query = "?EIO=4&transport=websocket" if setup.socketio else ""
    route = ""
    if listen.unix:
        route = f"--unix-socket {listen.unix} "
    elif local:
        addr = listen.connect_host
        route = f"--resolve {host}:{listen.port}:{f'[{addr}]' if ':' in addr else addr} "
    return Endpoint(host, f"{http}://{host}{port}{path}{query}", f"{ws}://{host}{port}{path}{query}",
                    route)


def handshake(setup: Setup, ep: Endpoint) -> dict[str, str]:
    return step(
        f"WebSocket handshake through nginx ({ep.host})",
        f"curl -i -N -sS --max-time 3 {ep.curl_route}-H 'Connection: Upgrade' "
        f"-H 'Upgrade: websocket' -H 'Sec-WebSocket-Key: {WS_KEY}' "
        f"-H 'Sec-WebSocket-Version: 13' '{ep.http_url}'",
        "HTTP/1.1 101 Switching Protocols (then curl waits; exit 28 at --max-time is normal). "
        "400/426/505 = upgrade headers not reaching the backend; 301 = path or trailing slash",
    )


def h2c_closed(setup: Setup, ep: Endpoint) -> dict[str, str]:
    return step(
        "h2c is not forwarded (the map passes only Upgrade: websocket)",
        f"curl -i -sS --max-time 3 {ep.curl_route}-H 'Connection: Upgrade, HTTP2-Settings' "
        f"-H 'Upgrade: h2c' -H 'HTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA' '{ep.http_url}'",
        "anything but 101 Switching Protocols (the backend answers a plain request)",
    )


def echo(setup: Setup, ep: Endpoint) -> dict[str, str]:
    if setup.socketio:
        return step("socket.io answers over the WebSocket transport",
                    f"websocat '{ep.ws_url}'   (or: npx wscat -c '{ep.ws_url}')",
                    'a first message starting 0{"sid": from the socket.io server')
    return step("Send a message and get the app's answer",
                f"websocat '{ep.ws_url}'   (type hello, Enter; or: npx wscat -c '{ep.ws_url}')",
                "the app's reply (an echo server returns hello); no 'failed' or 1006")


def idle(setup: Setup, ep: Endpoint, log_hint: str) -> dict[str, str]:
    idle_s = setup.idle_timeout_ms / 1000
    if setup.socketio:
        return step("socket.io pings keep the socket open",
                    f"websocat '{ep.ws_url}'   (wait 60 s)",
                    "ping frames (2) every 25 s and no close; nothing in " + log_hint)
    wait = NGINX_DEFAULT_TIMEOUT_S + 15 if idle_s > NGINX_DEFAULT_TIMEOUT_S + 15 \
        else max(1, int(idle_s * 0.75))
    return step(
        f"Stay idle longer than the old limit (nginx default {NGINX_DEFAULT_TIMEOUT_S}s)"
        if wait > NGINX_DEFAULT_TIMEOUT_S else f"Stay idle for most of the {setup.idle_timeout} "
        "limit",
        f"(sleep {wait}; echo still-open; sleep 2) | websocat '{ep.ws_url}'",
        f"still-open comes back after {wait} s; the socket is closed only after "
        f"{format_duration(setup.idle_timeout_ms)} with no frame either way, and then "
        f"'upstream timed out ... while proxying upgraded connection' appears in {log_hint}",
    )


def devtools(setup: Setup) -> dict[str, str]:
    expect = ("the socket's row shows 101; its Messages tab shows frames both ways; the Console "
              "has no \"WebSocket connection to ... failed\"")
    if setup.socketio:
        expect += ("; socket.io polling requests answer 200 (400 'Session ID unknown' means "
                   "affinity is missing) and the transport switches to websocket")
    return step("Check in the browser",
                "open the page, DevTools > Network > filter WS (Socket), reload", expect)
