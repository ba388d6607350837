"""What the probe observed, as evidence text in a stable wording of its own.

The probe knows no causes. It turns each observation into a line that starts with
`wsguide probe: `, and the knowledge base's `source: probe` signatures map those lines to causes,
through the same `Lookup` that ranks pasted text. Keep these sentences stable: signatures in
`knowledge/causes/*.yaml` match them (docs/cli.md lists them). Numbers are printed the same way
everywhere: seconds with one decimal (`60.0 s`), so a signature can match a band of durations
with a plain regex (`closed after (59|60|61)\\.\\d s`).

Next to its own sentences the probe passes on what the server itself said, verbatim: the
response's status line, its headers (`Server: cloudflare`) and the first lines of its body,
which the knowledge base already recognises from curl and browser pastes.
"""

from __future__ import annotations

import re

PREFIX = "wsguide probe: "
BODY_LINES = 8  # first non-blank lines of a handshake response body passed on as evidence
LINE_MAX = 300  # characters kept of one passed-on line


def _say(text: str) -> str:
    return PREFIX + text


def seconds(value: float) -> str:
    return f"{value:.1f} s"


# -- dns, tcp ------------------------------------------------------------------------------

def dns_failed(host: str, reason: str) -> str:
    return _say(f"DNS lookup failed for {host}: {reason}")


def dns_timeout(host: str, after: float) -> str:
    return _say(f"DNS lookup for {host} timed out after {seconds(after)}")


def tcp_refused(addr: str) -> str:
    return _say(f"connection refused by {addr}")


def tcp_timeout(addr: str, after: float) -> str:
    return _say(f"TCP connect to {addr} timed out after {seconds(after)}")


def tcp_failed(addr: str, reason: str) -> str:
    return _say(f"TCP connect to {addr} failed: {reason}")


# -- tls -----------------------------------------------------------------------------------

_SSL_LOCATION = re.compile(r"\s*\(_ssl\.c:\d+\)")


def ssl_text(exc: BaseException) -> str:
    """An ssl exception's text without OpenSSL's source location (`(_ssl.c:1006)` is no
    close code)."""
    return _SSL_LOCATION.sub("", str(exc)).strip()


def tls_verify_failed(reason: str) -> str:
    return _say(f"TLS certificate verify failed: {reason}")


def tls_failed(reason: str) -> str:
    return _say(f"TLS handshake failed: {reason}")


def tls_timeout(after: float) -> str:
    return _say(f"TLS handshake timed out after {seconds(after)}")


# -- handshake -----------------------------------------------------------------------------

def handshake_status(status: int, reason: str) -> str:
    return _say(f"handshake answered HTTP {status} {reason}".rstrip())


def redirect(location: str) -> str:
    return _say(f"handshake redirected to {location}")


def redirect_trailing_slash() -> str:
    return _say("handshake redirected to the same path with a trailing slash")


def lacks_upgrade(status: int) -> str:
    return _say(f"response lacks Upgrade: websocket (HTTP {status})")


def invalid_handshake(reason: str) -> str:
    return _say(f"handshake response invalid: {reason}")


def no_response() -> str:
    return _say("connection closed before a handshake response")


def not_http(first_line: str) -> str:
    return _say(f"handshake response is not HTTP: {first_line[:80]!r}")


def handshake_timeout(after: float) -> str:
    return _say(f"no handshake response within {seconds(after)}")


def upgraded_by(server: str) -> str:
    """The `Server` of a 101 (shown only when the socket failed later: who was in front)."""
    return _say(f"upgraded by server {server}")


def passed_on(text: str) -> str:
    """A line the server sent (status line, header, body), kept short and on one line."""
    text = " ".join(text.split())
    return text[:LINE_MAX]


# -- message, idle -------------------------------------------------------------------------

def close_words(code: int, reason: str) -> str:
    if code == 1006:
        return "close code 1006 (no close frame)"
    return f"close code {code}" + (f" ({reason})" if reason else "")


def no_pong(after: float) -> str:
    return _say(f"no pong within {seconds(after)} of a ping")


def closed_during_message(code: int, reason: str) -> str:
    return _say(f"connection closed during the message exchange with {close_words(code, reason)}")


def idle_closed(after: float, code: int, reason: str) -> str:
    return _say(f"idle connection closed after {seconds(after)} with {close_words(code, reason)}")
