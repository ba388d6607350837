"""The probe's wording (wsguide/probe/evidence.py) and the KB's `source: probe` signatures agree.

No network: each case builds the lines the probe would print for an observation and ranks them
with the same Lookup the command uses. Idle drops are mapped by bands of seconds in the
signatures' regexes (`closed after (59|60|61)\\.\\d s`), so these cases pin the bands down.
"""

from __future__ import annotations

import pytest

from wsguide.probe import evidence as say

CASES = [
    ([say.idle_closed(60.0, 1006, "")], "proxy-read-timeout", 1),
    ([say.idle_closed(60.4, 1006, ""), say.upgraded_by("nginx/1.24.0")], "proxy-read-timeout", 1),
    ([say.idle_closed(2.0, 1006, "")], "proxy-read-timeout", 1),
    ([say.idle_closed(61.2, 1006, "")], "intermediary-idle-timeout", 3),
    ([say.idle_closed(100.3, 1006, ""), say.upgraded_by("cloudflare")], "intermediary-idle-timeout", 1),
    ([say.idle_closed(99.8, 1006, "")], "intermediary-idle-timeout", 1),
    ([say.idle_closed(55.0, 1006, "")], "intermediary-idle-timeout", 1),
    ([say.idle_closed(300.0, 1006, "")], "no-keepalive-pings", 3),
    ([say.tcp_refused("192.0.2.10:8080")], "port-blocked", 1),
    ([say.tcp_timeout("192.0.2.10:443", 10)], "port-blocked", 1),
    ([say.tcp_failed("[2001:db8::1]:443", "Network is unreachable")], "port-blocked", 1),
    ([say.dns_failed("chat.example.invalid", "Name or service not known")], "port-blocked", 1),
    ([say.tls_verify_failed("self-signed certificate")], "tls-termination", 1),
    ([say.tls_failed("wrong version number")], "tls-termination", 1),
    ([say.handshake_status(502, "Bad Gateway")], "backend-unreachable", 1),
    ([say.handshake_status(426, "Upgrade Required")], "missing-upgrade-headers", 1),
    ([say.handshake_status(400, "Bad Request")], "missing-upgrade-headers", 3),
    ([say.handshake_status(200, "OK"), say.lacks_upgrade(200)], "backend-not-websocket", 1),
    ([say.handshake_status(200, "OK"), say.lacks_upgrade(200)], "missing-upgrade-headers", 3),
    ([say.handshake_status(505, "HTTP Version Not Supported")], "http10-upstream", 1),
    ([say.handshake_status(301, "Moved Permanently"), say.redirect("https://example.com/ws/"),
      say.redirect_trailing_slash()], "path-mismatch", 1),
    ([say.handshake_status(404, "Not Found")], "path-mismatch", 3),
    ([say.handshake_status(403, "Forbidden")], "origin-rejected", 1),
    ([say.handshake_status(401, "Unauthorized")], "auth-rejected", 1),
    ([say.handshake_status(429, "Too Many Requests")], "rate-limited", 1),
]


@pytest.mark.parametrize("lines, cause, within", CASES, ids=[f"{c}-{i}" for i, (_, c, _) in enumerate(CASES)])
def test_probe_wording_ranks_the_cause(lines, cause, within):
    from wsguide.commands.probe import rank

    ranked = [c.id for c in rank(lines, 5).causes]
    assert cause in ranked[:within], (lines, ranked)


def test_ssl_location_is_not_a_close_code():
    class Fake(Exception):
        def __str__(self):
            return "[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)"

    assert say.ssl_text(Fake()) == "[SSL: WRONG_VERSION_NUMBER] wrong version number"


def test_wording_is_stable():
    """Signatures in knowledge/causes match these exact sentences: change both or neither."""
    assert say.idle_closed(60, 1006, "") == \
        "wsguide probe: idle connection closed after 60.0 s with close code 1006 (no close frame)"
    assert say.idle_closed(3.25, 1001, "going away") == \
        "wsguide probe: idle connection closed after 3.2 s with close code 1001 (going away)"
    assert say.handshake_status(400, "Bad Request") == "wsguide probe: handshake answered HTTP 400 Bad Request"
    assert say.lacks_upgrade(200) == "wsguide probe: response lacks Upgrade: websocket (HTTP 200)"
    assert say.tcp_refused("127.0.0.1:9") == "wsguide probe: connection refused by 127.0.0.1:9"
    assert say.tls_verify_failed("x") == "wsguide probe: TLS certificate verify failed: x"
