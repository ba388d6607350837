"""The probe's inputs, validated before any packet is sent (mistakes are usage errors, exit 2)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..errors import UserError

DEFAULT_TIMEOUT = 10.0


@dataclass(frozen=True)
class Target:
    url: str
    secure: bool
    host: str  # without IPv6 brackets
    port: int
    resource: str  # path + query, what the GET asks for


@dataclass(frozen=True)
class Options:
    idle: float = 0.0
    origin: str | None = None
    insecure: bool = False
    ca_file: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    error_logs: tuple[str, ...] = ()  # nginx error.logs whose lines written during the test stages.run reads


def parse_target(url: str) -> Target:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise UserError(f"URL {url!r}: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("ws", "wss"):
        hint = {"http": "ws", "https": "wss"}.get(scheme)
        said = f"{scheme}://" if scheme else "no scheme"
        more = f" (did you mean {hint}://{url.split('://', 1)[-1]}?)" if hint else ""
        raise UserError(f"URL {url!r}: scheme must be ws:// or wss://, got {said}{more}")
    if not parts.hostname:
        raise UserError(f"URL {url!r}: no host")
    if port == 0:
        raise UserError(f"URL {url!r}: port 0 is not a port")
    if parts.fragment:
        raise UserError(f"URL {url!r}: a WebSocket URL has no #fragment")
    secure = scheme == "wss"
    resource = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(url=url.strip(), secure=secure, host=parts.hostname,
                  port=port or (443 if secure else 80), resource=resource)


def seconds(option: str, value: str, minimum: float = 0.0) -> float:
    """A number of seconds for an option (argparse `type=`): finite, not below `minimum`."""
    try:
        n = float(value)
    except ValueError:
        raise UserError(f"{option}: {value!r} is not a number of seconds") from None
    if not math.isfinite(n):
        raise UserError(f"{option}: {value!r} is not a number of seconds")
    if n < minimum:
        raise UserError(f"{option}: must be at least {minimum:g}, got {value}")
    return n


def origin(value: str) -> str:
    if not value or any(c in value for c in "\r\n\0"):
        raise UserError(f"--origin: {value!r} is not an origin (e.g. https://app.example.com)")
    return value
