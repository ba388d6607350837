"""Helpers for the `wsguide config` tests: real nginx + real python `websockets` backends.

One set of backends serves the whole session (plain x2, TLS, unix socket, IPv6). Each nginx runs
in its own prefix directory, as an unprivileged user when the tests run as root (so "runs as a
normal user" is what is tested), and is stopped by PID in a finally block.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from helpers import free_port, listening

NOBODY = 65534




def ipv6_ok() -> bool:
    try:
        free_port(socket.AF_INET6, "::1")
    except OSError:
        return False
    return True


def shared_dir(prefix: str) -> Path:
    """A temp dir an unprivileged nginx can read (pytest's tmp_path is 0700 under root)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o755)
    return path


def run_config(argv: list[str]) -> tuple[int, str, str]:
    """`wsguide config ARGV` in-process, as `wsguide.__main__.main` would run it."""
    from wsguide.cli import _Parser
    from wsguide.commands import config
    from wsguide.errors import UserError

    out, err = io.StringIO(), io.StringIO()
    parser = _Parser(prog="wsguide config")
    config.add_arguments(parser)
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = config.run(parser.parse_args(argv))
        except UserError as exc:
            print(f"wsguide: error: {exc}", file=err)
            rc = 2
    return rc, out.getvalue(), err.getvalue()


# --- PKI -------------------------------------------------------------------------------------

@dataclass
class PKI:
    dir: Path
    ca: Path
    cert: Path
    key: Path
    client_ctx: ssl.SSLContext
    server_ctx: ssl.SSLContext


@pytest.fixture(scope="session")
def pki() -> Iterator[PKI]:
    import trustme

    d = shared_dir("wsguide-pki-")
    ca = trustme.CA()
    leaf = ca.issue_cert("chat.test", "www.chat.test", "*.example.test", "example.test",
                         "example.com", "localhost", "127.0.0.1", "::1")
    ca.cert_pem.write_to_path(str(d / "ca.pem"))
    leaf.private_key_pem.write_to_path(str(d / "server.key"))
    with open(d / "server.pem", "wb") as fh:
        for blob in leaf.cert_chain_pems:
            fh.write(blob.bytes())
    for f in d.iterdir():
        f.chmod(0o644)
    client_ctx = ssl.create_default_context()
    ca.configure_trust(client_ctx)
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    leaf.configure_cert(server_ctx)
    yield PKI(d, d / "ca.pem", d / "server.pem", d / "server.key", client_ctx, server_ctx)
    shutil.rmtree(d, ignore_errors=True)


# --- backends --------------------------------------------------------------------------------

@dataclass
class Backends:
    b1: int
    b2: int
    tls: int
    unix: str
    v6: int | None
    seen: list[dict[str, str | None]] = field(default_factory=list)
    """Headers of every handshake request the backends received (path, Upgrade, Connection)."""

    def placeholders(self, pki: PKI) -> dict[str, str]:
        return {"b1": f"127.0.0.1:{self.b1}", "b2": f"127.0.0.1:{self.b2}",
                "tls_b": f"127.0.0.1:{self.tls}", "unix_b": f"unix:{self.unix}",
                "v6_b": f"[::1]:{self.v6}", "cert": str(pki.cert), "key": str(pki.key),
                "ca": str(pki.ca)}


@pytest.fixture(scope="session")
def backends(pki: PKI) -> Iterator[Backends]:
    from websockets.asyncio.server import serve, unix_serve

    sock_dir = shared_dir("wsguide-sock-")
    state = Backends(free_port(), free_port(), free_port(), str(sock_dir / "echo.sock"),
                     free_port(socket.AF_INET6, "::1") if ipv6_ok() else None)
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    stop: asyncio.Future[None] | None = None

    def record(connection, request):  # websockets process_request hook
        state.seen.append({"path": request.path, "upgrade": request.headers.get("Upgrade"),
                           "connection": request.headers.get("Connection")})

    async def echo(ws) -> None:
        with contextlib.suppress(Exception):
            async for message in ws:
                await ws.send(message)

    async def main() -> None:
        nonlocal stop
        stop = loop.create_future()
        # No server pings: the idle-timeout test needs a truly quiet socket.
        common = {"ping_interval": None, "process_request": record}
        async with contextlib.AsyncExitStack() as stack:
            await stack.enter_async_context(serve(echo, "127.0.0.1", state.b1, **common))
            await stack.enter_async_context(serve(echo, "127.0.0.1", state.b2, **common))
            await stack.enter_async_context(serve(echo, "127.0.0.1", state.tls,
                                                  ssl=pki.server_ctx, **common))
            await stack.enter_async_context(unix_serve(echo, state.unix, **common))
            os.chmod(state.unix, 0o777)  # nginx workers run unprivileged
            if state.v6:
                await stack.enter_async_context(serve(echo, "::1", state.v6, **common))
            ready.set()
            await stop

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True)
    thread.start()
    assert ready.wait(10), "backends did not start"
    yield state
    loop.call_soon_threadsafe(lambda: stop is not None and stop.set_result(None))
    thread.join(5)
    shutil.rmtree(sock_dir, ignore_errors=True)


# --- nginx -----------------------------------------------------------------------------------

def _wait_listening(addrs: list[tuple[str, object]], proc: subprocess.Popen, prefix: Path) -> None:
    deadline = time.monotonic() + 8
    pending = list(addrs)
    while pending and time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"nginx exited {proc.returncode}: "
                                 f"{(prefix / 'error.log').read_text(errors='replace')[-2000:]}")
        kind, where = pending[0]
        try:
            if kind == "unix":
                with socket.socket(socket.AF_UNIX) as s:
                    s.connect(str(where))
            else:
                host, port = where  # type: ignore[misc]
                if not listening(port, host):
                    raise ConnectionRefusedError
            pending.pop(0)
        except OSError:
            time.sleep(0.02)
    assert not pending, f"nginx is not listening on {pending}"


@contextlib.contextmanager
def running_nginx(nginx: str, conf: str, extra: dict[str, str] | None,
                  listens: list[tuple[str, object]]) -> Iterator[Path]:
    """Start nginx on `conf` in a fresh prefix; always stop it by PID."""
    from wsguide.generate.nginx_check import nginx_args

    prefix = shared_dir("wsguide-nginx-")
    (prefix / "nginx.conf").write_text(conf)
    for name, text in (extra or {}).items():
        (prefix / name).parent.mkdir(parents=True, exist_ok=True)
        (prefix / name).write_text(text)
    cmd = [*nginx_args(nginx, prefix), "-g", "daemon off;"]
    if os.geteuid() == 0:
        # Prove the standalone config runs as a normal user: drop root before nginx starts.
        for p in [prefix, *prefix.rglob("*")]:
            os.chown(p, NOBODY, NOBODY)
        cmd = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *cmd]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        _wait_listening(listens, proc, prefix)
        yield prefix
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        shutil.rmtree(prefix, ignore_errors=True)
