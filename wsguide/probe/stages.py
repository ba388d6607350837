"""The probe's stages over one connection: dns, tcp, tls, handshake, message, idle, done.

Each network step is its own await, so the stage that failed is exact: `getaddrinfo`, then a
non-blocking `connect()` per address, then `StreamWriter.start_tls`, then the WebSocket protocol
with websockets' sans-I/O `ClientProtocol` over those streams (the handshake response, body
included, stays readable when it is not a 101). Every observation becomes an evidence line
(evidence.py); which causes those lines point to is the knowledge base's business.
"""

from __future__ import annotations

import asyncio
import os
import socket
import ssl
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from websockets.client import ClientProtocol
from websockets.exceptions import InvalidStatus, InvalidUpgrade, InvalidURI
from websockets.frames import Frame, Opcode
from websockets.http11 import Response
from websockets.protocol import State
from websockets.typing import Origin
from websockets.uri import parse_uri

from .. import __version__
from ..errors import UserError
from . import evidence as say
from .result import ProbeResult, StageResult
from .target import Options, Target

READ = 65536
RAW_KEEP = 65536  # bytes of the handshake response kept for its status line
ECHO_WAIT = 0.5  # after the pong: how long an echo may lag behind it
CLOSE_WAIT = 2.0  # done: how long to wait for the server's side of the closing handshake
MAX_MESSAGE = 16 * 2**20

Progress = Callable[[float, float], None]  # (seconds idle so far, seconds asked for)


class _Failed(Exception):
    def __init__(self, stage: str, detail: str, lines: list[str], status: int | None = None,
                 stage_detail: str | None = None) -> None:
        super().__init__(detail)
        self.stage = stage
        self.detail = detail
        self.lines = lines
        self.status = status
        self.stage_detail = stage_detail or detail


class _Closed(Exception):
    """The connection ended (close frame or EOF) while we waited for frames."""


def ssl_context(opts: Options) -> ssl.SSLContext:
    try:
        ctx = ssl.create_default_context(cafile=opts.ca_file)
    except (OSError, ssl.SSLError) as exc:
        raise UserError(f"--ca-file {opts.ca_file}: {getattr(exc, 'strerror', None) or exc}") from None
    if opts.insecure:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    ctx.set_alpn_protocols(["http/1.1"])  # a server offering h2 must not pick it: no Upgrade there
    return ctx


async def probe(target: Target, opts: Options, progress: Progress | None = None) -> ProbeResult:
    """Run every stage until one fails; never raises for a network problem."""
    try:
        uri = parse_uri(target.url)
    except InvalidURI as exc:
        raise UserError(str(exc)) from None
    ctx = ssl_context(opts) if target.secure else None
    run = _Run(target, opts, progress)
    try:
        await run.all(uri, ctx)
        run.result.ok, run.result.stage = True, "done"
        run.result.detail = "; ".join(s.detail for s in run.stages
                                      if s.stage in ("handshake", "message", "idle", "done"))
    except OSError as exc:  # anything the stages did not expect still ends as a failed stage
        reason = exc.strerror or str(exc) or type(exc).__name__
        failed = _Failed(run.stage, f"{run.stage} failed: {reason}", [])
        run.stages.append(StageResult(run.stage, False, time.monotonic() - run.stage_t0, failed.detail))
        run.result.stage, run.result.detail = run.stage, failed.detail
    except _Failed as failed:
        run.stages.append(StageResult(failed.stage, False, time.monotonic() - run.stage_t0,
                                      failed.stage_detail))
        run.result.stage, run.result.detail, run.result.status = failed.stage, failed.detail, failed.status
        run.result.evidence.extend(failed.lines)
    finally:
        run.abort()
    run.result.elapsed = time.monotonic() - run.t0
    run.result.stages = run.stages
    return run.result


class _Run:
    def __init__(self, target: Target, opts: Options, progress: Progress | None) -> None:
        self.target, self.opts, self.progress = target, opts, progress
        self.result = ProbeResult(url=target.url)
        self.stages: list[StageResult] = []
        self.t0 = self.stage_t0 = time.monotonic()
        self.stage = "dns"
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.proto: ClientProtocol | None = None
        self.raw = bytearray()  # the handshake response as received
        self.pending: list[Frame] = []  # frames that arrived with the 101
        self.quiet_since = 0.0  # when the last frame crossed (the idle clock of every proxy)
        self.server = ""  # Server header of the 101

    # -- bookkeeping ---------------------------------------------------------------------

    def begin(self, stage: str) -> None:
        self.stage, self.stage_t0 = stage, time.monotonic()

    def passed(self, stage: str, detail: str, skipped: bool = False) -> None:
        self.stages.append(StageResult(stage, True, time.monotonic() - self.stage_t0, detail, skipped))

    def abort(self) -> None:
        if self.writer is not None:
            self.writer.transport.abort()
            self.writer = None

    async def all(self, uri, ctx: ssl.SSLContext | None) -> None:
        infos = await self.dns()
        await self.tcp(infos)
        await self.tls(ctx)
        await self.handshake(uri)
        await self.message()
        await self.idle()
        await self.done()

    # -- dns -----------------------------------------------------------------------------

    async def dns(self) -> list[tuple]:
        self.begin("dns")
        host, timeout = self.target.host, self.opts.timeout
        loop = asyncio.get_running_loop()
        try:
            infos = await asyncio.wait_for(
                loop.getaddrinfo(host, self.target.port, type=socket.SOCK_STREAM), timeout)
        except TimeoutError:
            raise _Failed("dns", f"DNS lookup for {host} timed out after {timeout:g} s",
                          [say.dns_timeout(host, timeout)]) from None
        except (socket.gaierror, UnicodeError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            raise _Failed("dns", f"cannot resolve {host}: {reason}",
                          [say.dns_failed(host, reason)]) from None
        seen, unique = set(), []
        for info in infos:
            if info[4][:2] not in seen:
                seen.add(info[4][:2])
                unique.append(info)
        self.passed("dns", ", ".join(_addr(i[4]) for i in unique[:3]) + (" …" if len(unique) > 3 else ""))
        return unique

    # -- tcp -----------------------------------------------------------------------------

    async def tcp(self, infos: list[tuple]) -> None:
        self.begin("tcp")
        loop = asyncio.get_running_loop()
        lines, details = [], []
        for family, kind, proto, _name, sockaddr in infos:
            addr = _addr(sockaddr, self.target.port)
            sock = socket.socket(family, kind, proto)
            sock.setblocking(False)
            try:
                await asyncio.wait_for(loop.sock_connect(sock, sockaddr), self.opts.timeout)
            except TimeoutError:
                sock.close()
                lines.append(say.tcp_timeout(addr, self.opts.timeout))
                details.append(f"TCP connect to {addr} timed out after {self.opts.timeout:g} s")
                continue
            except ConnectionRefusedError:
                sock.close()
                lines.append(say.tcp_refused(addr))
                details.append(f"connection refused by {addr}")
                continue
            except OSError as exc:
                sock.close()
                reason = exc.strerror or str(exc)
                lines.append(say.tcp_failed(addr, reason))
                details.append(f"TCP connect to {addr} failed: {reason}")
                continue
            self.reader, self.writer = await asyncio.open_connection(sock=sock, limit=READ)
            self.passed("tcp", addr)
            return
        more = f" (and {len(details) - 1} more address(es))" if len(details) > 1 else ""
        raise _Failed("tcp", details[0] + more, lines)

    # -- tls -----------------------------------------------------------------------------

    async def tls(self, ctx: ssl.SSLContext | None) -> None:
        self.begin("tls")
        if ctx is None:
            self.passed("tls", "not used (ws://)", skipped=True)
            return
        assert self.writer is not None
        timeout = self.opts.timeout
        try:
            await asyncio.wait_for(self.writer.start_tls(ctx, server_hostname=self.target.host), timeout)
        except TimeoutError:
            raise _Failed("tls", f"TLS handshake timed out after {timeout:g} s",
                          [say.tls_timeout(timeout)]) from None
        except ssl.SSLCertVerificationError as exc:
            reason = exc.verify_message or say.ssl_text(exc)
            raise _Failed("tls", f"TLS certificate verify failed: {reason}",
                          [say.tls_verify_failed(reason), say.ssl_text(exc)]) from None
        except ssl.SSLError as exc:
            reason = (exc.reason or say.ssl_text(exc)).lower().replace("_", " ")
            raise _Failed("tls", f"TLS handshake failed: {say.ssl_text(exc)}",
                          [say.tls_failed(reason), say.ssl_text(exc)]) from None
        except (OSError, EOFError) as exc:
            reason = "connection closed during the TLS handshake"
            if isinstance(exc, OSError) and exc.strerror:
                reason = f"{exc.strerror} during the TLS handshake"
            raise _Failed("tls", f"TLS handshake failed: {reason}", [say.tls_failed(reason)]) from None
        tls_obj = self.writer.get_extra_info("ssl_object")
        version = tls_obj.version() if tls_obj is not None else "TLS"
        self.passed("tls", version + (" (certificate not checked: --insecure)" if self.opts.insecure else ""))

    # -- the WebSocket connection ----------------------------------------------------------

    def flush(self) -> None:
        assert self.proto is not None and self.writer is not None
        for data in self.proto.data_to_send():
            if data:
                self.writer.write(data)
            elif self.writer.can_write_eof():
                self.writer.write_eof()

    async def receive(self, timeout: float) -> list:
        """Feed what arrives within `timeout` to the protocol; its events (TimeoutError if none)."""
        assert self.proto is not None and self.reader is not None
        try:
            data = await asyncio.wait_for(self.reader.read(READ), timeout)
        except (ConnectionError, ssl.SSLError):
            data = b""
        if self.proto.state is State.CONNECTING and len(self.raw) < RAW_KEEP:
            self.raw += data[: RAW_KEEP - len(self.raw)]
        if data:
            self.proto.receive_data(data)
        else:
            self.proto.receive_eof()
        self.flush()
        events = self.proto.events_received()
        if any(isinstance(e, Frame) and e.opcode is not Opcode.CLOSE for e in events):
            self.quiet_since = time.monotonic()  # a frame crossed: the idle clock restarts
        return events

    def closed_info(self) -> tuple[int, str]:
        assert self.proto is not None
        if self.proto.close_rcvd is not None:
            return int(self.proto.close_rcvd.code), self.proto.close_rcvd.reason
        return 1006, ""

    # -- handshake -------------------------------------------------------------------------

    async def handshake(self, uri) -> None:
        self.begin("handshake")
        proto = self.proto = ClientProtocol(
            uri, origin=Origin(self.opts.origin) if self.opts.origin else None, max_size=MAX_MESSAGE)
        request = proto.connect()
        request.headers["User-Agent"] = f"wsguide-probe/{__version__}"
        proto.send_request(request)
        self.flush()
        timeout = self.opts.timeout
        deadline = time.monotonic() + timeout
        response: Response | None = None
        while response is None and proto.handshake_exc is None:
            left = deadline - time.monotonic()
            try:
                if left <= 0:
                    raise TimeoutError
                events = await self.receive(left)
            except TimeoutError:
                lines = [say.handshake_timeout(timeout)]
                if self.raw:
                    lines.append(say.passed_on(_first_line(self.raw)))
                raise _Failed("handshake", f"no handshake response within {timeout:g} s", lines) from None
            for event in events:
                if isinstance(event, Response):
                    response = event
                elif isinstance(event, Frame):
                    self.pending.append(event)
        if response is None:  # InvalidMessage: EOF or not HTTP
            if not self.raw:
                raise _Failed("handshake", "connection closed before a handshake response",
                              [say.no_response()])
            first = _first_line(self.raw)
            if not first.startswith("HTTP/"):
                raise _Failed("handshake", f"the answer is not HTTP: {first[:60]!r}", [say.not_http(first)])
            cause = proto.handshake_exc.__cause__ if proto.handshake_exc else None
            reason = f"{proto.handshake_exc}" + (f": {cause}" if cause else "")
            raise _Failed("handshake", f"invalid handshake response: {reason}",
                          [say.invalid_handshake(reason), say.passed_on(first)])
        self.result.headers = list(response.headers.raw_items())
        if proto.handshake_exc is not None:
            self.refused(response, proto.handshake_exc)
        self.server = response.headers.get("Server", "")
        self.quiet_since = time.monotonic()
        detail = f"HTTP 101 {response.reason_phrase}".rstrip()
        if self.server:
            detail += f", Server: {self.server}"
        self.passed("handshake", detail)

    def refused(self, response: Response, exc: Exception) -> None:
        """A response that is not a valid 101: status, redirect, headers and body as evidence."""
        status, reason = response.status_code, response.reason_phrase
        lines = [say.handshake_status(status, reason)]
        location = response.headers.get("Location")
        if location and 300 <= status < 400:
            lines.append(say.redirect(location))
            asked = urlsplit(self.target.resource).path
            if urlsplit(location).path == asked.rstrip("/") + "/" and not asked.endswith("/"):
                lines.append(say.redirect_trailing_slash())
        if isinstance(exc, InvalidUpgrade) or (not isinstance(exc, InvalidStatus) and status == 101):
            lines.append(say.invalid_handshake(str(exc)))
        if "websocket" not in response.headers.get("Upgrade", "").lower() and status < 300:
            lines.append(say.lacks_upgrade(status))
        lines.append(say.passed_on(_first_line(self.raw) or f"HTTP/1.1 {status} {reason}"))
        lines += [say.passed_on(f"{k}: {v}") for k, v in response.headers.raw_items()]
        body = _body_lines(bytes(response.body))
        lines += [say.passed_on(ln) for ln in body]
        detail = f"HTTP {status} {reason}".rstrip()
        if not isinstance(exc, InvalidStatus):
            detail += f": {exc}"
        elif location and 300 <= status < 400:
            detail += f" to {location}"
        elif body:
            detail += f": {_plain(body)}"
        raise _Failed("handshake", detail, lines, status=status,
                      stage_detail=f"HTTP {status} {reason}".rstrip())

    # -- message ---------------------------------------------------------------------------

    async def frames(self, until: Callable[[Frame], bool], timeout: float) -> bool:
        """Read frames until `until(frame)` is true (True) or `timeout` passes (False).
        Raises _Closed when the connection ends first."""
        assert self.proto is not None
        deadline = time.monotonic() + timeout
        while True:
            pending, self.pending = self.pending, []
            for frame in pending:
                if until(frame):
                    return True
            if self.proto.state in (State.CLOSING, State.CLOSED) or self.proto.close_rcvd is not None:
                raise _Closed
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            try:
                events = await self.receive(left)
            except TimeoutError:
                return False
            self.pending += [e for e in events if isinstance(e, Frame)]
            if self.proto.state is State.CLOSED and not self.pending:
                raise _Closed

    async def message(self) -> None:
        self.begin("message")
        assert self.proto is not None
        token = os.urandom(6).hex()
        text = f"wsguide probe {token}"
        self.proto.send_ping(token.encode())
        self.proto.send_text(text.encode())
        self.flush()
        self.quiet_since = time.monotonic()
        got = {"pong": False, "echo": False, "other": 0}

        def note(frame: Frame) -> bool:
            if frame.opcode is Opcode.PONG and bytes(frame.data) == token.encode():
                got["pong"] = True
            elif frame.opcode is Opcode.TEXT and bytes(frame.data) == text.encode():
                got["echo"] = True
            elif frame.opcode in (Opcode.TEXT, Opcode.BINARY):
                got["other"] += 1
            return got["pong"] and got["echo"]

        timeout = self.opts.timeout
        try:
            if not await self.frames(note, timeout) and not got["pong"]:
                raise _Failed("message", f"no pong within {timeout:g} s of a ping", [say.no_pong(timeout)])
            if not got["echo"]:
                await self.frames(note, ECHO_WAIT)
        except _Closed:
            code, reason = self.closed_info()
            words = say.close_words(code, reason)
            raise _Failed("message", f"connection closed during the message exchange with {words}",
                          [say.closed_during_message(code, reason), *self.front()]) from None
        self.result.echo = got["echo"]
        if got["echo"]:
            detail = "ping answered, message echoed"
        elif got["other"]:
            detail = "ping answered; the server sent its own message instead of an echo"
        else:
            detail = "ping answered (no echo: not an echo server)"
        self.passed("message", detail)

    def front(self) -> list[str]:
        return [say.upgraded_by(self.server)] if self.server else []

    # -- idle ------------------------------------------------------------------------------

    async def idle(self) -> None:
        self.begin("idle")
        want = self.opts.idle
        if want <= 0:
            self.passed("idle", "not tested (--idle 0)", skipped=True)
            return
        assert self.proto is not None
        counts = {"ping": 0, "data": 0}

        def note(frame: Frame) -> bool:
            if frame.opcode is Opcode.PING:
                counts["ping"] += 1
            elif frame.opcode in (Opcode.TEXT, Opcode.BINARY):
                counts["data"] += 1
            return False

        start = time.monotonic()
        deadline = start + want
        try:
            while (now := time.monotonic()) < deadline:
                if self.progress is not None:
                    self.progress(now - start, want)
                await self.frames(note, min(1.0, deadline - now))
        except _Closed:
            code, reason = self.closed_info()
            after = time.monotonic() - self.quiet_since
            self.result.closed_after, self.result.close_code, self.result.close_reason = after, code, reason
            words = say.close_words(code, reason)
            raise _Failed("idle", f"closed after {after:.1f} s without traffic, with {words}",
                          [say.idle_closed(after, code, reason), *self.front()],
                          stage_detail=f"closed after {after:.1f} s, {words}") from None
        finally:
            if self.progress is not None:
                self.progress(-1, want)
        extra = []
        if counts["ping"]:
            extra.append(f"server sent {counts['ping']} ping(s)")
        if counts["data"]:
            extra.append(f"server sent {counts['data']} message(s)")
        self.passed("idle", f"still open after {want:g} s" + (f" ({', '.join(extra)})" if extra else ""))

    # -- done ------------------------------------------------------------------------------

    async def done(self) -> None:
        self.begin("done")
        assert self.proto is not None
        self.proto.send_close(1000, "wsguide probe done")
        self.flush()
        deadline = time.monotonic() + CLOSE_WAIT
        while self.proto.state is not State.CLOSED and (left := deadline - time.monotonic()) > 0:
            try:
                await self.receive(left)
            except TimeoutError:
                break
        if self.proto.close_rcvd is None:
            detail = "closed (the server did not answer our close frame)"
        else:
            detail = f"closed cleanly ({self.proto.close_rcvd.code})"
        self.passed("done", detail)


def run(target: Target, opts: Options, progress: Progress | None = None,
        log_label: str = "--error-log") -> ProbeResult:
    """The live test. With `opts.error_logs`, the lines nginx appended to them during the test
    join the result (`log_lines`); an unusable log is a UserError naming `log_label`, raised
    before anything is sent."""
    from .errorlog import ErrorLogs

    logs = ErrorLogs(opts.error_logs, label=log_label)
    try:
        result = asyncio.run(probe(target, opts, progress))
    finally:
        log_lines = logs.read()
    result.log_lines = log_lines
    return result


def _addr(sockaddr: tuple, port: int | None = None) -> str:
    host = sockaddr[0]
    if port is None:
        return host
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _first_line(raw: bytes | bytearray) -> str:
    return bytes(raw).split(b"\n", 1)[0].decode("latin-1").strip()


def _body_lines(body: bytes) -> list[str]:
    text = body[:8192].decode("utf-8", "replace")
    return [ln.strip() for ln in text.splitlines() if ln.strip()][: say.BODY_LINES]


def _plain(lines: list[str]) -> str:
    """A body in one short line for the detail: HTML pages by their <title>."""
    import re

    for ln in lines:
        m = re.search(r"<title>(.*?)</title>", ln, re.I)
        if m:
            return m.group(1)[:100]
    return lines[0][:100]
