"""Redaction of pasted text: addresses, names and secrets go; the diagnosis stays readable."""

from __future__ import annotations

import pytest

from wsguide.render.redact import Redactor, redact

NGINX_LINE = ('2025/03/14 09:26:53 [info] 2417#2417: *88 upstream timed out (110: Connection timed out) '
              'while proxying upgraded connection, client: 203.0.113.9, server: live.acme.org, '
              'request: "GET /ws HTTP/1.1", upstream: "http://127.0.0.1:9000/ws", host: "live.acme.org"')


def test_nginx_error_line() -> None:
    out = redact(NGINX_LINE)
    assert "203.0.113.9" not in out and "acme" not in out
    assert "client: [ip-1], server: [host-1]" in out and 'host: "[host-1]"' in out
    # the part lookup needs, the timestamp and loopback wiring survive
    assert "upstream timed out (110: Connection timed out) while proxying upgraded connection" in out
    assert "2025/03/14 09:26:53" in out and "http://127.0.0.1:9000/ws" in out


@pytest.mark.parametrize(("raw", "gone", "kept"), [
    ("connect to [2001:db8::42]:443 and 2001:DB8::42", "2001", "[ip-1]:443 and [ip-1]"),
    ("fe80::1%eth0", "fe80", "%eth0"),
    ("::ffff:198.51.100.7 closed", "198.51", "closed"),
    ("upstream: \"http://[::1]:8000/ws\" listen [::]:443", None, "[::1]:8000"),
    ("10.0.0.5 then 10.0.0.5 then 192.168.1.2", "10.0.0.5", "[ip-1] then [ip-1] then [ip-2]"),
    ("at 12:00:01 nginx/1.22.1 python3.11", None, "12:00:01 nginx/1.22.1 python3.11"),
])
def test_ip_addresses(raw: str, gone: str | None, kept: str) -> None:
    out = redact(raw)
    if gone:
        assert gone.lower() not in out.lower()
    assert kept in out


@pytest.mark.parametrize(("raw", "secret"), [
    ("Authorization: Bearer abcdefghijklmnop123", "abcdefghijklmnop123"),
    ("Authorization: Basic dXNlcjpwYXNz", "dXNlcjpwYXNz"),
    ("token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sflKxwRJSMeKKF2QT4f", "eyJhbGci"),
    ("GET /ws?token=s3cr3t&room=1 HTTP/1.1", "s3cr3t"),
    ("/socket.io/?EIO=4&transport=websocket&sid=Zx12abcDEF", "Zx12abcDEF"),
    ("Cookie: session=abc123; theme=dark", "abc123"),
    ("Set-Cookie: sid=xyz789; Path=/; HttpOnly", "xyz789"),
    ("api_key=sk_live_1234567890abcdef", "sk_live"),
    ('"password": "hunter22"', "hunter22"),
    ("wss://alice:pw@chat.acme.io/ws", "alice"),
    ("X-Request-Id 3f2a9c8e7d6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f", "3f2a9c8e7d6b"),
])
def test_tokens_and_cookies(raw: str, secret: str) -> None:
    assert secret not in redact(raw)


@pytest.mark.parametrize("text", [
    "websockets.exceptions.ConnectionClosedError: no close frame received or sent",
    "proxy_read_timeout 60s; proxy_set_header Upgrade $http_upgrade;",
    "/etc/nginx/nginx.conf test failed; see error.log and app.js, server.py, main.go",
    "socket.io client: transport close; engine.io upgrade",
    "See https://nginx.org/en/docs/http/websocket.html",
    "self.name = conn.host; ws.send",
    "WebSocket is closed with code 1006",
    "Sec-WebSocket-Version: 13",
])
def test_readable_things_are_kept(text: str) -> None:
    assert redact(text) == text


def test_host_names_and_emails() -> None:
    out = redact("WebSocket connection to 'wss://chat.example.com/ws' failed; mail ops@corp.acme.net; "
                 "svc ws.default.svc.cluster.local; cdn d111111abcdef8.cloudfront.net")
    for leaked in ("chat.example.com", "ops@", "corp.acme", "default.svc", "cloudfront"):
        assert leaked not in out
    assert "wss://[host-1]/ws" in out


def test_placeholders_are_consistent_across_texts() -> None:
    r = Redactor()
    assert r("client: 203.0.113.9") == "client: [ip-1]"
    assert r("again 203.0.113.9, new 198.51.100.1") == "again [ip-1], new [ip-2]"
