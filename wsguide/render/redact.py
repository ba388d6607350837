"""Redact pasted text before it goes into a runbook that may be shared.

Replaces IP addresses, host names, bearer/JWT/API tokens, cookie values and secret-looking
query values with placeholders (`[ip-1]`, `[host-2]`, `[redacted]`). The same address gets
the same placeholder throughout one `Redactor`, so a log stays readable ("the same client
twice"). Loopback addresses, `localhost`, nginx directives, file names and a short list of
well-known public names (socket.io, nginx.org, ...) are kept: they carry the diagnosis, not
the user's identity. Pure standard library; no KB access.
"""

from __future__ import annotations

import ipaddress
import re

PLACEHOLDER = "[redacted]"

#: Names that identify software or public documentation, never a user's site.
KEEP_HOSTS = frozenset({
    "socket.io", "engine.io", "nginx.org", "nginx.com", "github.com", "kubernetes.io",
    "developer.mozilla.org", "npmjs.com", "pypi.org", "docs.python.org", "websockets.readthedocs.io",
    "cloudflare.com", "developers.cloudflare.com", "learn.microsoft.com", "docs.aws.amazon.com",
})

#: Generic top-level domains we recognise; every two-letter label counts as a country TLD
#: except the ones below that are far more often file extensions in logs.
_GENERIC_TLDS = frozenset({
    "com", "net", "org", "edu", "gov", "mil", "int", "info", "biz", "io", "dev", "app", "cloud", "online", "site",
    "tech", "xyz", "local", "lan", "internal", "localdomain", "corp", "home", "example", "test", "invalid", "arpa",
    "svc",
})  # not .name, .host, .page ...: `self.name` in a traceback is no host
_EXTENSION_LIKE = frozenset({"py", "sh", "rs", "md", "pl", "so", "cc", "ml", "js", "ts", "go", "rb",
                             "cs", "hs", "gz", "xz", "db", "mk", "am", "ps"})

_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*")
_AUTH_HEADER = re.compile(r"(?i)\b(authorization|proxy-authorization)(\s*[:=]\s*\"?)(?:(bearer|basic|token|digest)\s+)?"
                          r"[^\s\",;]+")
_BEARER = re.compile(r"(?i)\b(bearer)(\s+)[A-Za-z0-9._~+/=-]{8,}")
_KEY_VALUE = re.compile(
    r"(?i)\b((?:x-)?api[_-]?key|apikey|secret|client_secret|password|passwd|pwd|access[_-]?token|"
    r"refresh[_-]?token|auth[_-]?token|session[_-]?id|x-auth-token|private[_-]?key)"
    r"(\"?\s*[:=]\s*\"?)([^\s\"&,;]+)")
_QUERY = re.compile(
    r"(?i)([?&;](?:token|access_token|id_token|auth|authorization|sid|session|sessionid|key|api_key|apikey|"
    r"jwt|password|pass|signature|sig|code|ticket|secret|x-amz-signature|x-amz-credential)=)([^&\s\"'#]+)")
_COOKIE = re.compile(r"(?i)\b((?:set-)?cookie\s*[:=]\s*\"?)([^\r\n\"]*)")
_COOKIE_PAIR = re.compile(r"([^\s=;,]+)=([^;,\s\"]*)")
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)([^/\s@:]+)(?::[^/\s@]*)?@")
_IPV6 = re.compile(r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{1,4})?(?![\w:]|\.\d)")
_IPV6_BRACKETED = re.compile(r"\[([0-9A-Fa-f]{0,4}:[0-9A-Fa-f:.]*)\]")
_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.]*\d)")
_HOST = re.compile(r"(?i)(?<![\w.$-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+([a-z]{2,63})\b(?![.-]?\w)")
_EMAIL_USER = re.compile(r"(?i)\b[a-z0-9._%+-]+@(?=\[host-\d+\])")
_LONG_SECRET = re.compile(r"(?<![\w/.-])(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])"
                          r"(?:[0-9a-fA-F]{32,}|[A-Za-z0-9_-]{40,})(?![\w/-])")


class Redactor:
    """Stateful redaction: one placeholder per distinct address across everything it sees."""

    def __init__(self) -> None:
        self._names: dict[tuple[str, str], str] = {}

    def _placeholder(self, kind: str, value: str) -> str:
        key = (kind, value.lower())
        if key not in self._names:
            count = sum(1 for k in self._names if k[0] == kind) + 1
            self._names[key] = f"[{kind}-{count}]"
        return self._names[key]

    def __call__(self, text: str) -> str:
        """Return `text` with addresses, names and secrets replaced by placeholders."""
        text = _JWT.sub("[jwt]", text)
        text = _AUTH_HEADER.sub(lambda m: f"{m[1]}{m[2]}{m[3] + ' ' if m[3] else ''}{PLACEHOLDER}", text)
        text = _BEARER.sub(lambda m: f"{m[1]}{m[2]}{PLACEHOLDER}", text)
        text = _KEY_VALUE.sub(lambda m: f"{m[1]}{m[2]}{PLACEHOLDER}", text)
        text = _QUERY.sub(lambda m: f"{m[1]}{PLACEHOLDER}", text)
        text = _COOKIE.sub(lambda m: m[1] + _COOKIE_PAIR.sub(lambda p: f"{p[1]}={PLACEHOLDER}", m[2]), text)
        text = _USERINFO.sub(lambda m: f"{m[1]}{PLACEHOLDER}@", text)
        text = _IPV6_BRACKETED.sub(lambda m: self._ipv6(m, m[1]), text)
        text = _IPV6.sub(self._ipv6, text)
        text = _IPV4.sub(self._ipv4, text)
        text = _HOST.sub(self._host, text)
        text = _EMAIL_USER.sub(PLACEHOLDER + "@", text)
        return _LONG_SECRET.sub("[token]", text)

    def _ipv4(self, m: re.Match[str]) -> str:
        try:
            ip = ipaddress.IPv4Address(m[0])
        except ValueError:
            return m[0]  # 999.1.2.3 or a version string: not an address
        # Loopback and "any" say how things are wired (ipv6-localhost-mismatch), not who you are.
        if ip.is_loopback or ip.is_unspecified:
            return m[0]
        return self._placeholder("ip", m[0])

    def _ipv6(self, m: re.Match[str], raw: str | None = None) -> str:
        raw = m[0] if raw is None else raw
        if raw.count(":") < 2 or not any(c.isalnum() for c in raw):
            return m[0]
        try:
            ip = ipaddress.IPv6Address(raw)
        except ValueError:
            return m[0]  # 09:26:53 and friends
        if ip.is_loopback or ip.is_unspecified:
            return m[0]
        return self._placeholder("ip", str(ip))

    def _host(self, m: re.Match[str]) -> str:
        name, tld = m[0], m[1].lower()
        if name.lower() in KEEP_HOSTS:
            return name
        if tld not in _GENERIC_TLDS and not (len(tld) == 2 and tld not in _EXTENSION_LIKE):
            return name  # websockets.exceptions.ConnectionClosedError, nginx.conf, app.js
        return self._placeholder("host", name)


def redact(text: str) -> str:
    """One-shot redaction (placeholders numbered within this text only)."""
    return Redactor()(text)
