"""Validate what a user typed into a `Setup` that the templates can print verbatim.

Everything that reaches a config goes through a whitelist here: host names, paths, addresses,
durations, file paths. No value that passes can carry `;`, braces, quotes, `#`, `$`, a
backslash or whitespace into a directive (file paths may hold spaces; they are always quoted).
Each failure raises `UserError` naming the option and the rule, so the CLI prints one line and
exits 2 before any config is rendered.

Must not import jinja2 or run nginx: the wizard calls this on every keystroke.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UserError

TARGETS = ("nginx", "ingress-nginx", "nginx-proxy-manager")
STICKY = ("ip_hash", "hash", "none")

#: nginx before 1.3.13 cannot proxy WebSockets at all.
MIN_NGINX = (1, 3, 13)
#: nginx 1.29.7 makes `proxy_http_version 1.1` the default (reported; 1.22 defaults to 1.0).
HTTP11_DEFAULT_SINCE = (1, 29, 7)
#: socket.io's default pingInterval (25 s): the server pings this often unless configured.
SOCKETIO_PING_S = 25
#: nginx's own default proxy_read_timeout, the usual "old" timeout users hit.
NGINX_DEFAULT_TIMEOUT_S = 60
#: Longest idle timeout we emit: longer only hides dead peers.
MAX_IDLE_MS = 7 * 86400 * 1000
DEFAULT_BACKEND = "127.0.0.1:8000"
#: Longer server names overflow nginx's default server_names_hash_bucket_size (64 bytes).
LONG_NAME = 40
DEFAULT_CA = "/etc/ssl/certs/ca-certificates.crt"

_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_HOST_RE = re.compile(rf"{_LABEL}(\.{_LABEL})*")
_PATH_RE = re.compile(r"/[A-Za-z0-9._~!&*+,=:@/-]*")
_FILE_RE = re.compile(r"[A-Za-z0-9._/+@:,=~ -]+")
_UNIX_RE = re.compile(r"/[A-Za-z0-9._/+@,=~-]+")
_SIZE_RE = re.compile(r"([1-9][0-9]{0,5})([kKmMgG]?)")
_DURATION_RE = re.compile(r"(?:[0-9]+(?:ms|[smhdwMy])?)+")
_UNIT_MS = {"y": 31536000000, "M": 2592000000, "w": 604800000, "d": 86400000,
            "h": 3600000, "m": 60000, "s": 1000, "ms": 1}
_UNIT_ORDER = ("y", "M", "w", "d", "h", "m", "s", "ms")
_SHOWN = 60


def _show(value: str) -> str:
    """The user's value for a message: repr (so newlines show as \\n), cut short."""
    text = repr(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 4] + "...'"


def _fail(option: str, value: str, rule: str) -> UserError:
    return UserError(f"{option} {_show(value)}: {rule}")


# --- atoms -----------------------------------------------------------------------------------

def is_hostname(text: str) -> bool:
    """An RFC 1123 host name (letters, digits, hyphens; labels of 1-63; at most 253)."""
    if len(text) > 253 or _HOST_RE.fullmatch(text) is None:
        return False
    return not text.rsplit(".", 1)[-1].isdigit()  # an all-digit last label reads as an address


def parse_server_name(value: str, option: str = "--server-name") -> str:
    """A `server_name` value as nginx accepts it: a host name, `*.name`, `.name`, `name.*`,
    an IP address, or `_`. Regex names (`~...`) are refused: they cannot be checked safely."""
    rule = ("a host name is dot-separated labels of letters, digits and hyphens (RFC 1123), "
            "optionally *.example.com, .example.com or example.*; or an IPv4 address, or _")
    name = value.lower()
    if name == "_":
        return name
    if name.startswith("~"):
        raise _fail(option, value, "regular-expression names are not supported; use a wildcard "
                                   "such as *.example.com")
    core = name
    if core.startswith("*."):
        core = core[2:]
    elif core.startswith("."):
        core = core[1:]
    elif core.endswith(".*"):
        core = core[:-2]
    if "*" in core:
        raise _fail(option, value, "nginx allows * only as the first or last label "
                                   "(*.example.com or example.*)")
    if core != name and not is_hostname(core):
        raise _fail(option, value, rule)
    if core == name and not is_hostname(name) and not _is_ipv4(name):
        raise _fail(option, value, rule)
    return name


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _is_ipv4(text: str) -> bool:
    try:
        ipaddress.IPv4Address(text)
    except ValueError:
        return False
    return True


def _port(text: str, option: str, value: str) -> int:
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= 65535:
        raise _fail(option, value, "the port must be a number from 1 to 65535")
    return int(text)


def _unix(path: str, option: str, value: str) -> str:
    if not _UNIX_RE.fullmatch(path) or "//" in path or len(path) > 107:
        raise _fail(option, value, "a unix socket is unix:/absolute/path using letters, digits "
                                   "and . _ / + @ , = ~ - (at most 107 characters)")
    return path


@dataclass(frozen=True)
class Address:
    """A validated `host:port` or unix socket, printable in nginx syntax."""

    host: str = ""
    """IPv4 text, IPv6 text without brackets, a host name, `*`, or '' (any address)."""
    port: int = 0
    unix: str = ""
    """Absolute socket path when this is a unix socket."""

    @property
    def is_ipv6(self) -> bool:
        return ":" in self.host

    @property
    def is_name(self) -> bool:
        return bool(self.host) and self.host != "*" and not _is_ip(self.host)

    @property
    def host_text(self) -> str:
        return f"[{self.host}]" if self.is_ipv6 else self.host

    @property
    def nginx(self) -> str:
        """As nginx writes it: `unix:/p`, `[::1]:80`, `127.0.0.1:80` or `80`."""
        if self.unix:
            return f"unix:{self.unix}"
        return f"{self.host_text}:{self.port}" if self.host else str(self.port)

    @property
    def connect_host(self) -> str:
        """Where a local client connects to reach this listener."""
        if not self.host or self.host == "*":
            return "127.0.0.1"
        if self.host == "::":
            return "::1"
        if self.host == "0.0.0.0":
            return "127.0.0.1"
        return self.host


def _split_host_port(text: str, option: str, value: str) -> tuple[str, str]:
    if text.startswith("["):
        end = text.find("]")
        if end < 0 or text[end + 1: end + 2] != ":":
            raise _fail(option, value, "an IPv6 address goes in brackets with a port: [::1]:8000")
        return text[1:end], text[end + 2:]
    if text.count(":") != 1:
        raise _fail(option, value, "expected HOST:PORT (IPv6 as [::1]:8000, or unix:/path)")
    host, port = text.split(":")
    return host, port


def parse_backend(value: str, option: str = "--backend") -> tuple[Address, str | None]:
    """`HOST:PORT`, `[IPv6]:PORT` or `unix:/path`; an `http://` or `https://` prefix is allowed
    and returned as the scheme (None when absent)."""
    text = value
    scheme = None
    for prefix in ("http://", "https://"):
        if text.lower().startswith(prefix):
            scheme, text = prefix[:-3], text[len(prefix):]
            break
    if text.endswith("/"):
        text = text[:-1]
    if "/" in text and not text.startswith("unix:"):
        raise _fail(option, value, "give only HOST:PORT, no path: the location path is passed to "
                                   "the backend unchanged (a URI in proxy_pass would rewrite it)")
    if text.startswith("unix:"):
        return Address(unix=_unix(text[5:], option, value)), scheme
    host, port = _split_host_port(text, option, value)
    host = host.lower()
    if not (_is_ip(host) or is_hostname(host)):
        raise _fail(option, value, "the host must be an IPv4 address, an IPv6 address in brackets "
                                   "or an RFC 1123 host name")
    if _is_ip(host) and ipaddress.ip_address(host).is_unspecified:
        raise _fail(option, value, "0.0.0.0 and :: are listen addresses; give the backend's real "
                                   "address, e.g. 127.0.0.1")
    if ":" in host and "." in host and not _is_ip(host):
        raise _fail(option, value, "not a valid IPv6 address")
    return Address(host=host, port=_port(port, option, value)), scheme


def parse_listen(value: str, option: str = "--listen") -> Address:
    """`PORT`, `ADDR:PORT`, `[IPv6]:PORT`, `*:PORT` or `unix:/path`."""
    text = value
    if text.startswith("unix:"):
        return Address(unix=_unix(text[5:], option, value))
    if text.isdigit():
        return Address(port=_port(text, option, value))
    host, port = _split_host_port(text, option, value)
    if host != "*" and host != "localhost" and not _is_ip(host):
        raise _fail(option, value, "the address must be an IPv4 address, [IPv6], * or localhost "
                                   "(host names are resolved once at start; use the address)")
    return Address(host=host.lower(), port=_port(port, option, value))


def location_prefix(path: str, socketio: bool) -> str:
    """`/ws/` -> `/ws` (see Setup.location_of); `/` and socket.io's `/socket.io/` unchanged."""
    if path == "/" or not path.endswith("/") or (socketio and path == "/socket.io/"):
        return path
    return path.rstrip("/") or "/"


def parse_path(value: str, option: str = "--path") -> str:
    """A prefix `location` path: starts with /, URL-safe characters, already normalised."""
    if not _PATH_RE.fullmatch(value) or len(value) > 200:
        raise _fail(option, value, "a location path starts with / and uses only letters, digits "
                                   "and - . _ ~ ! & * + , = : @ / (no spaces, quotes, ;, $, #, "
                                   "?, %, braces)")
    segments = value.split("/")[1:-1]
    if "//" in value or "." in segments or ".." in segments:
        raise _fail(option, value, "nginx matches the normalised URI, so //, /./ and /../ in a "
                                   "location never match; write the path without them")
    return value


def parse_duration_ms(value: str, option: str = "--idle-timeout") -> int:
    """Seconds (`3600`) or nginx time units (`90s`, `1h`, `1h30m`, `500ms`), as milliseconds.

    Units must go from largest to smallest, as nginx requires."""
    rule = ("a duration is SECONDS or nginx units ms s m h d w M y, largest first "
            "(e.g. 3600, 90s, 1h30m)")
    text = value
    if len(text) > 40 or not _DURATION_RE.fullmatch(text):
        raise _fail(option, value, rule)
    total, last = 0, -1
    for number, unit in re.findall(r"([0-9]+)(ms|[smhdwMy]?)", text):
        unit = unit or "s"
        rank = _UNIT_ORDER.index(unit)
        if rank <= last:
            raise _fail(option, value, rule)
        last = rank
        total += int(number) * _UNIT_MS[unit]
    if total <= 0:
        raise _fail(option, value, "must be more than zero")
    if total > MAX_IDLE_MS:
        raise _fail(option, value, "at most 7d: a longer idle timeout only hides dead peers; "
                                   "let the application ping instead")
    return total


def format_duration(ms: int) -> str:
    """Milliseconds as the shortest exact nginx duration (`1h`, `90s`, `1500ms`)."""
    if ms % 1000:
        return f"{ms}ms"
    seconds = ms // 1000
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def parse_size(value: str, option: str = "--max-body-size") -> str:
    """An nginx size: a number with an optional k/m/g suffix."""
    text = value
    if not _SIZE_RE.fullmatch(text):
        raise _fail(option, value, "a size is a number with an optional k, m or g suffix "
                                   "(e.g. 1m, 512k)")
    return text.lower()


def parse_version(value: str, option: str = "--nginx-version") -> tuple[int, int, int]:
    match = re.fullmatch(r"([0-9]{1,3})\.([0-9]{1,3})(?:\.([0-9]{1,3}))?", value)
    if not match:
        raise _fail(option, value, "expected X.Y.Z, e.g. 1.22.1 (see `nginx -v`)")
    version = (int(match[1]), int(match[2]), int(match[3] or 0))
    if version < MIN_NGINX:
        raise _fail(option, value, "nginx proxies WebSockets only since 1.3.13; upgrade nginx")
    return version


def parse_file(value: str, option: str, expect: tuple[str, ...] = (),
               notes: list[str] | None = None) -> str:
    """A readable file, returned as an absolute path that is safe inside double quotes.

    `expect` lists PEM markers of which one must appear (a certificate, a private key). With
    `notes`, a file that exists but this user may not read (certbot's /etc/letsencrypt/live is
    root-only; nginx's master reads it as root) is accepted with a note instead of an error."""
    import errno

    if not _FILE_RE.fullmatch(value):
        raise _fail(option, value, "a file path may use letters, digits, spaces and "
                                   ". _ / + @ : , = ~ - (no quotes, $, ;, #, braces, backslashes)")
    path = Path(value).expanduser().absolute()
    try:
        head = path.read_bytes()[:65536]
    except OSError as exc:
        if notes is not None and exc.errno == errno.EACCES:
            check = (f" Check it with: sudo openssl x509 -noout -subject -enddate -in {path}"
                     if "CERTIFICATE" in expect else "")
            notes.append(f"{option} {path}: not readable by this user, so its contents were not "
                         f"checked; nginx reads it as root.{check}")
            head = None
        else:
            hint = ("; generate the config on the machine that holds it"
                    if exc.errno == errno.ENOENT else "")
            raise _fail(option, value, f"must be a readable file ({exc.strerror or exc}{hint})") from exc
    if head is not None and expect and not any(marker.encode() in head for marker in expect):
        what = " or ".join(expect)
        raise _fail(option, value, f"must be a PEM file containing {what}")
    text = str(path)
    if not _FILE_RE.fullmatch(text):  # the absolute form added a character we do not print
        raise _fail(option, value, "the absolute path contains characters nginx would misread")
    return text


# --- the setup -------------------------------------------------------------------------------

@dataclass
class Options:
    """What the user typed, as strings: the CLI's options and the wizard's answers.

    `None` means "not given" so defaults can be derived from the rest."""

    server_names: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    backends: list[str] = field(default_factory=list)
    sticky: str | None = None
    tls: bool = False
    cert: str | None = None
    key: str | None = None
    backend_tls: bool = False
    backend_tls_verify: bool = True
    backend_tls_name: str | None = None
    backend_ca: str | None = None
    idle_timeout: str | None = None
    ping_interval: str | None = None
    lb_timeout: str | None = None
    max_body_size: str | None = None
    socketio: bool = False
    listen: list[str] = field(default_factory=list)
    redirect_from: str | None = None
    redirect: bool = True
    nginx_version: str | None = None
    target: str = "nginx"
    standalone: bool = False


@dataclass(frozen=True)
class Setup:
    """A validated setup: every field is safe to print into nginx syntax as is."""

    server_names: tuple[str, ...]
    paths: tuple[str, ...]
    backends: tuple[Address, ...]
    sticky: str
    tls: bool
    cert: str | None
    key: str | None
    backend_tls: bool
    backend_tls_verify: bool
    backend_tls_name: str | None
    backend_ca: str | None
    idle_timeout_ms: int
    socketio: bool
    max_body_size: str | None
    listens: tuple[Address, ...]
    redirect_from: Address | None
    nginx_version: tuple[int, int, int] | None
    target: str
    standalone: bool
    ping_interval_ms: int | None = None
    lb_timeout_ms: int | None = None
    notes: tuple[str, ...] = ()
    """Why a default was chosen, and warnings about the combination."""

    @property
    def name(self) -> str:
        """A file-name-safe name for this site, from the first server name."""
        first = self.server_names[0]
        if first == "_":
            return "websocket"
        if first.startswith("*."):
            return "wildcard." + first[2:]
        return first.strip(".*").rstrip(".") or "websocket"

    @property
    def long_names(self) -> bool:
        return max(len(n) for n in self.server_names) > LONG_NAME

    @property
    def upstream_name(self) -> str:
        # Prefixed so it can never shadow a real host name in proxy_pass.
        return "wsguide_" + re.sub(r"[^a-z0-9]+", "_", self.name)

    def location_of(self, path: str) -> str:
        """The nginx location for a client path. `/ws/` becomes `location /ws`: nginx answers a
        request for /ws with a 301 from `location /ws/` when it proxies, and WebSocket clients do
        not follow redirects; the prefix without the slash serves /ws, /ws/ and /ws/x alike.
        socket.io's /socket.io/ stays: its clients always send the slash."""
        return location_prefix(path, self.socketio)

    @property
    def needs_http_version(self) -> bool:
        return self.nginx_version is None or self.nginx_version < HTTP11_DEFAULT_SINCE

    @property
    def idle_timeout(self) -> str:
        return format_duration(self.idle_timeout_ms)

    @property
    def tls_port(self) -> int:
        return self.listens[0].port


def _default_idle_ms(ping_ms: int | None, lb_ms: int | None) -> tuple[int, str]:
    """An idle timeout longer than every other clock the user told us about.

    Twice the app's ping interval (one lost ping is not a drop) and twice the load balancer's
    idle timeout, at least 5 minutes; 1 hour when we do not know that the app pings."""
    if ping_ms is None:
        base, why = 3600_000, "the app's ping interval is unknown, so a quiet socket gets 1h"
    else:
        base, why = max(300_000, 2 * ping_ms), (
            f"twice the ping interval ({format_duration(ping_ms)}), at least 5m")
    if lb_ms is not None and 2 * lb_ms > base:
        base, why = 2 * lb_ms, (
            f"twice the load balancer's idle timeout ({format_duration(lb_ms)})")
    return min(base, MAX_IDLE_MS), why


def validate(opts: Options) -> Setup:
    """Check every option, derive the defaults, and return a `Setup` (or raise UserError)."""
    notes: list[str] = []
    if opts.target not in TARGETS:
        raise _fail("--target", opts.target, "choose one of " + ", ".join(TARGETS))
    if opts.standalone and opts.target != "nginx":
        raise UserError("--standalone: only with --target nginx (it writes one nginx.conf)")

    names: list[str] = []
    for raw in opts.server_names:
        name = parse_server_name(raw)
        if name not in names:
            names.append(name)
    if max(len(n) for n in names or ["_"]) > LONG_NAME:
        notes.append("A server name longer than 40 characters: if nginx -t says 'could not "
                     "build server_names_hash', set server_names_hash_bucket_size 512 in http.")
    if "_" in names and len(names) > 1:
        raise _fail("--server-name", "_", "_ (any host) cannot be combined with other names")
    if not names:
        names = ["_"]
        if not opts.standalone:
            notes.append("No --server-name given: server_name _ answers only when this is the "
                         "default server for its port; pass --server-name with your host name.")

    paths: list[str] = []
    locations: dict[str, str] = {}
    for raw in opts.paths or (["/socket.io/"] if opts.socketio else ["/ws"]):
        path = parse_path(raw)
        loc = location_prefix(path, opts.socketio)
        if path in paths or loc in locations:
            raise _fail("--path", raw, "listed twice (nginx rejects duplicate locations)"
                        if path in paths else f"{locations[loc]} already gives location {loc}")
        paths.append(path)
        locations[loc] = path
        if loc != path:
            notes.append(f"--path {path}: written as location {loc}, which serves {loc}, {path} and "
                         f"everything below; location {path} would answer {loc} with a 301, which "
                         "WebSocket clients do not follow.")

    backends: list[Address] = []
    schemes: set[str | None] = set()
    for raw in opts.backends or [DEFAULT_BACKEND]:
        addr, scheme = parse_backend(raw)
        if addr in backends:
            raise _fail("--backend", raw, "listed twice")
        backends.append(addr)
        schemes.add(scheme)
    if not opts.backends:
        notes.append(f"No --backend given: assumed {DEFAULT_BACKEND}.")
    if {"http", "https"} <= schemes:
        raise UserError("--backend: mix of http:// and https:// backends; one upstream speaks "
                        "one protocol")
    backend_tls = opts.backend_tls or "https" in schemes
    if any(b.is_name for b in backends):
        notes.append("nginx resolves backend host names once, at start and reload; restart "
                     "nginx after their addresses change.")

    if opts.sticky is not None and opts.sticky not in STICKY:
        raise _fail("--sticky", opts.sticky, "choose one of " + ", ".join(STICKY))
    sticky = opts.sticky
    if sticky is None:
        sticky = "ip_hash" if opts.socketio or len(backends) > 1 else "none"
        if sticky != "none":
            why = "socket.io sends a session's polling requests separately and they must reach " \
                  "the backend that holds the session" if opts.socketio else \
                  "several backends: a client keeps reaching the same backend"
            notes.append(f"Affinity ip_hash by default: {why}. Use --sticky none to turn it off.")
    if sticky == "ip_hash":
        notes.append("ip_hash groups IPv4 clients by /24 and sends every client behind one proxy "
                     "or NAT to one backend; --sticky hash uses the full address.")

    cert = key = None
    if opts.tls:
        if not opts.cert or not opts.key:
            raise UserError("--tls: needs --cert PATH and --key PATH (PEM files)")
        cert = parse_file(opts.cert, "--cert", ("CERTIFICATE",), notes)
        key = parse_file(opts.key, "--key", ("PRIVATE KEY",), notes)
    elif opts.cert or opts.key:
        raise UserError("--cert/--key: only with --tls")

    tls_name = ca = None
    if backend_tls:
        if opts.backend_tls_name:
            tls_name = opts.backend_tls_name.lower()
            if not is_hostname(tls_name):
                raise _fail("--backend-tls-name", opts.backend_tls_name,
                            "the name on the backend's certificate: an RFC 1123 host name")
        else:
            hosts = {b.host for b in backends if b.is_name}
            if len(hosts) == 1 and all(b.is_name for b in backends):
                tls_name = hosts.pop()
        if opts.backend_tls_verify:
            if tls_name is None:
                raise UserError("--backend-tls-verify: nginx checks the backend certificate "
                                "against a host name, and the backends are addresses or "
                                "differently named; give --backend-tls-name NAME (the name on "
                                "their certificate) or --no-backend-tls-verify")
            ca = parse_file(opts.backend_ca, "--backend-ca", ("CERTIFICATE",)) \
                if opts.backend_ca else DEFAULT_CA
            if not opts.backend_ca:
                notes.append(f"Backend certificates are checked against {DEFAULT_CA} (Debian/"
                             "Ubuntu system CAs); pass --backend-ca for a private CA.")
        else:
            notes.append("--no-backend-tls-verify: traffic to the backend is encrypted but "
                         "anyone on the path can impersonate the backend.")
    elif opts.backend_tls_name or opts.backend_ca:
        raise UserError("--backend-tls-name/--backend-ca: only with --backend-tls")

    ping_ms = parse_duration_ms(opts.ping_interval, "--ping-interval") \
        if opts.ping_interval else (SOCKETIO_PING_S * 1000 if opts.socketio else None)
    lb_ms = parse_duration_ms(opts.lb_timeout, "--lb-timeout") if opts.lb_timeout else None
    if opts.idle_timeout:
        idle_ms = parse_duration_ms(opts.idle_timeout, "--idle-timeout")
        for other, what in ((ping_ms, "the app's ping interval"),
                            (lb_ms, "the load balancer's idle timeout")):
            if other is not None and idle_ms <= other:
                notes.append(f"warning: --idle-timeout {format_duration(idle_ms)} is not longer "
                             f"than {what} ({format_duration(other)}): quiet sockets will drop.")
    else:
        idle_ms, why = _default_idle_ms(ping_ms, lb_ms)
        notes.append(f"Idle timeout {format_duration(idle_ms)}: {why}. "
                     "Override with --idle-timeout.")

    body = parse_size(opts.max_body_size) if opts.max_body_size else None
    if body is None and opts.socketio:
        body = "1m"

    listens: list[Address] = []
    # A standalone trial runs as a normal user, who cannot bind ports below 1024.
    http_port, https_port = ("8080", "8443") if opts.standalone else ("80", "443")
    for raw in opts.listen or [https_port if opts.tls else http_port]:
        addr = parse_listen(raw)
        if addr in listens:
            raise _fail("--listen", raw, "listed twice")
        listens.append(addr)
    redirect_from = None
    if opts.tls and opts.redirect:
        redirect_from = parse_listen(opts.redirect_from or http_port, "--redirect-from")
        if redirect_from in listens:
            raise _fail("--redirect-from", opts.redirect_from or http_port,
                        "must differ from the TLS --listen port")
    elif opts.redirect_from and not opts.tls:
        raise UserError("--redirect-from: only with --tls (it redirects http to https)")

    if opts.standalone and any(0 < a.port < 1024 for a in listens):
        notes.append("Ports below 1024 need root; a standalone trial as a normal user wants "
                     "--listen 8080 or similar.")
    version = parse_version(opts.nginx_version) if opts.nginx_version else None

    return Setup(
        server_names=tuple(names), paths=tuple(paths), backends=tuple(backends), sticky=sticky,
        tls=opts.tls, cert=cert, key=key, backend_tls=backend_tls,
        backend_tls_verify=backend_tls and opts.backend_tls_verify, backend_tls_name=tls_name,
        backend_ca=ca, idle_timeout_ms=idle_ms, socketio=opts.socketio, max_body_size=body,
        listens=tuple(listens), redirect_from=redirect_from, nginx_version=version,
        target=opts.target, standalone=opts.standalone, ping_interval_ms=ping_ms,
        lb_timeout_ms=lb_ms, notes=tuple(notes),
    )
