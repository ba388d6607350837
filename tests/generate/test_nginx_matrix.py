"""The parameter matrix: every generated config passes real `nginx -t`, then a real WebSocket
handshake through that nginx answers 101 and echoes on every path.

Standalone cases run the `nginx.conf` exactly as printed; installable cases (nginx files,
Nginx Proxy Manager snippets) run inside the same wrapper `wsguide config --check` uses.
"""

from __future__ import annotations

import asyncio
import re
import shlex
import socket
import ssl
import subprocess
import time

import pytest
from gen_support import PKI, Backends, ipv6_ok, run_config, running_nginx
from helpers import free_port

from wsguide.generate import nginx_check
from wsguide.generate.config import Result
from wsguide.generate.params import Setup
from wsguide.generate.targets import steps

pytestmark = pytest.mark.nginx

S = "--standalone"
TLS = ["--tls", "--cert", "{cert}", "--key", "{key}"]
V6 = pytest.mark.skipif(not ipv6_ok(), reason="no IPv6 loopback")

# (id, argv); {port}/{port2} are fresh listen ports, {sock} a fresh unix listen socket.
CASES: list = [
    ("basic", [S, "--backend", "{b1}", "--listen", "{port}"]),
    ("server-name", [S, "--server-name", "chat.test", "--backend", "{b1}", "--listen", "{port}"]),
    ("two-names", [S, "--server-name", "chat.test", "--server-name", "www.chat.test",
                   "--backend", "{b1}", "--listen", "{port}"]),
    ("wildcard-front", [S, "--server-name", "*.example.test", "--backend", "{b1}",
                        "--listen", "{port}"]),
    ("wildcard-dot", [S, "--server-name", ".example.test", "--backend", "{b1}",
                      "--listen", "{port}"]),
    ("wildcard-tail", [S, "--server-name", "example.*", "--backend", "{b1}",
                       "--listen", "{port}"]),
    ("ip-name", [S, "--server-name", "127.0.0.1", "--backend", "{b1}", "--listen", "{port}"]),
    ("three-paths", [S, "--path", "/ws", "--path", "/live/feed", "--path", "/api/v1/socket",
                     "--backend", "{b1}", "--listen", "{port}"]),
    ("root-path", [S, "--path", "/", "--backend", "{b1}", "--listen", "{port}"]),
    ("slash-path", [S, "--path", "/ws/", "--backend", "{b1}", "--listen", "{port}"]),
    ("two-backends", [S, "--backend", "{b1}", "--backend", "{b2}", "--listen", "{port}"]),
    ("sticky-hash", [S, "--backend", "{b1}", "--backend", "{b2}", "--sticky", "hash",
                     "--listen", "{port}"]),
    ("sticky-none", [S, "--backend", "{b1}", "--backend", "{b2}", "--sticky", "none",
                     "--listen", "{port}"]),
    ("unix-backend", [S, "--backend", "{unix_b}", "--listen", "{port}"]),
    pytest.param("v6-backend", [S, "--backend", "{v6_b}", "--listen", "{port}"], marks=V6),
    ("listen-addr", [S, "--backend", "{b1}", "--listen", "127.0.0.1:{port}"]),
    pytest.param("listen-v6", [S, "--backend", "{b1}", "--listen", "[::1]:{port}"], marks=V6),
    pytest.param("listen-both", [S, "--backend", "{b1}", "--listen", "127.0.0.1:{port}",
                                 "--listen", "[::1]:{port}"], marks=V6),
    ("listen-unix", [S, "--backend", "{b1}", "--listen", "unix:{sock}"]),
    ("tls", [S, *TLS, "--server-name", "chat.test", "--backend", "{b1}",
             "--listen", "{port}", "--redirect-from", "{port2}"]),
    ("tls-wildcard", [S, *TLS, "--server-name", "*.example.test", "--backend", "{b1}",
                      "--listen", "127.0.0.1:{port}", "--redirect-from", "127.0.0.1:{port2}"]),
    ("tls-no-redirect", [S, *TLS, "--server-name", "chat.test", "--backend", "{b1}",
                         "--listen", "{port}", "--no-redirect"]),
    ("tls-two-backends", [S, *TLS, "--server-name", "chat.test", "--backend", "{b1}",
                          "--backend", "{b2}", "--listen", "{port}", "--redirect-from",
                          "{port2}"]),
    ("backend-tls", [S, "--backend", "{tls_b}", "--backend-tls", "--backend-tls-name",
                     "localhost", "--backend-ca", "{ca}", "--listen", "{port}"]),
    ("backend-tls-noverify", [S, "--backend", "{tls_b}", "--backend-tls",
                              "--no-backend-tls-verify", "--listen", "{port}"]),
    ("backend-https-url", [S, "--backend", "https://{tls_b}", "--backend-tls-name", "localhost",
                           "--backend-ca", "{ca}", "--listen", "{port}"]),
    ("tls-both-ends", [S, *TLS, "--server-name", "chat.test", "--backend", "{tls_b}",
                       "--backend-tls", "--backend-tls-name", "localhost", "--backend-ca", "{ca}",
                       "--listen", "{port}", "--redirect-from", "{port2}"]),
    ("socketio", [S, "--socketio", "--backend", "{b1}", "--listen", "{port}"]),
    ("socketio-tls-2", [S, "--socketio", *TLS, "--server-name", "chat.test", "--backend",
                        "{b1}", "--backend", "{b2}", "--listen", "{port}", "--redirect-from",
                        "{port2}"]),
    ("socketio-custom", [S, "--socketio", "--path", "/socket.io/", "--max-body-size", "8m",
                         "--sticky", "hash", "--backend", "{b1}", "--listen", "{port}"]),
    ("idle-units", [S, "--idle-timeout", "1h30m", "--backend", "{b1}", "--listen", "{port}"]),
    ("idle-ms", [S, "--idle-timeout", "2500ms", "--backend", "{b1}", "--listen", "{port}"]),
    ("ping-and-lb", [S, "--ping-interval", "30", "--lb-timeout", "100", "--backend", "{b1}",
                     "--listen", "{port}"]),
    ("nginx-1.24", [S, "--nginx-version", "1.24.0", "--backend", "{b1}", "--listen", "{port}"]),
    ("body-size", [S, "--max-body-size", "512k", "--backend", "{b1}", "--listen", "{port}"]),
    ("files", ["--server-name", "chat.test", "--backend", "{b1}", "--listen", "{port}"]),
    ("files-tls", [*TLS, "--server-name", "chat.test", "--backend", "{b1}", "--backend",
                   "{b2}", "--listen", "{port}", "--redirect-from", "{port2}"]),
    ("npm", ["--target", "nginx-proxy-manager", "--server-name", "chat.test", "--path", "/ws",
             "--backend", "{b1}", "--backend", "{b2}", "--listen", "{port}"]),
    ("npm-socketio", ["--target", "nginx-proxy-manager", "--socketio", "--server-name",
                      "chat.test", "--backend", "{b1}", "--listen", "{port}"]),
]


def fill(argv: list[str], values: dict[str, str]) -> list[str]:
    return [a.format(**values) for a in argv]


def generate(argv: list[str]) -> tuple[Setup, Result, str]:
    """Run the real command (JSON mode) and rebuild the Setup the same way it did."""
    import json

    from wsguide.commands.config import add_arguments, options_from_args
    from wsguide.generate.params import validate

    rc, out, err = run_config([*argv, "--json"])
    assert rc == 0, err
    data = json.loads(out)
    result = Result(files=data["files"], verify=data["verify"], notes=data["notes"])
    import argparse

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    setup = validate(options_from_args(parser.parse_args(argv)))
    return setup, result, err


async def handshake_and_echo(setup: Setup, path: str, pki: PKI, message: str) -> int:
    from websockets.asyncio.client import connect, unix_connect

    listen = setup.listens[0]
    host = steps.sample_host(setup)
    scheme = "wss" if setup.tls else "ws"
    query = "?EIO=4&transport=websocket" if setup.socketio else ""
    port = f":{listen.port}" if listen.port else ""
    uri = f"{scheme}://{host}{port}{path}{query}"
    ctx: ssl.SSLContext | None = pki.client_ctx if setup.tls else None
    common = {"ping_interval": None, "open_timeout": 5, "proxy": None}
    if listen.unix:
        opener = unix_connect(listen.unix, uri, ssl=ctx, **common)
    else:
        opener = connect(uri, host=listen.connect_host, port=listen.port, ssl=ctx,
                         server_hostname=host if ctx else None, **common)
    async with opener as ws:
        status = ws.response.status_code
        await ws.send(message)
        reply = await asyncio.wait_for(ws.recv(), 5)
        assert reply == message
    return status


def listens_of(setup: Setup) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    for a in setup.listens + ((setup.redirect_from,) if setup.redirect_from else ()):
        out.append(("unix", a.unix) if a.unix else ("tcp", (a.connect_host, a.port)))
    return out


PARAMS = [c if hasattr(c, "marks") else pytest.param(*c) for c in CASES]


@pytest.mark.parametrize(("case", "argv"), [pytest.param(*p.values, marks=p.marks, id=p.values[0])
                                            for p in PARAMS])
def test_matrix(case: str, argv: list[str], nginx_bin: str, pki: PKI, backends: Backends,
                tmp_path) -> None:
    values = backends.placeholders(pki) | {"port": str(free_port()), "port2": str(free_port()),
                                           "sock": str(tmp_path / "front.sock")}
    if "{sock}" in " ".join(argv):
        # The unix listen socket must sit where the unprivileged nginx may create it.
        from gen_support import shared_dir

        front = shared_dir("wsguide-front-")
        front.chmod(0o1777)
        values["sock"] = str(front / "front.sock")
    setup, result, _ = generate(fill(argv, values))
    conf, extra = nginx_check.wrapped(result, setup) or ("", {})
    check = nginx_check.check_conf(conf, extra, nginx=nginx_bin)
    assert check.ok, check.output
    with running_nginx(nginx_bin, conf, extra, listens_of(setup)):
        for path in setup.paths:
            status = asyncio.run(handshake_and_echo(setup, path, pki, f"hello {case} {path}"))
            assert status == 101
            bare = setup.location_of(path)  # --path /ws/: a client opening /ws is served too, not 301'd
            if bare != path:
                assert asyncio.run(handshake_and_echo(setup, bare, pki, f"hello {bare}")) == 101
        if setup.redirect_from:
            assert_redirect(setup)


def assert_redirect(setup: Setup) -> None:
    r = setup.redirect_from
    assert r is not None
    host = steps.sample_host(setup)
    with socket.create_connection((r.connect_host, r.port), timeout=3) as s:
        s.sendall(f"GET /ws HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        head = s.recv(4096).decode(errors="replace")
    assert head.startswith("HTTP/1.1 301"), head
    port = "" if setup.tls_port == 443 else f":{setup.tls_port}"
    assert f"Location: https://{host}{port}/ws" in head


def test_version_1_29_7_drops_http_version(nginx_bin: str, backends: Backends,
                                           pki: PKI) -> None:
    values = backends.placeholders(pki)
    setup, result, _ = generate(fill([S, "--nginx-version", "1.29.7", "--backend", "{b1}"],
                                     values))
    text = result.files["nginx.conf"]
    assert not re.search(r"^\s*proxy_http_version", text, re.M)
    assert "default from nginx 1.29.7" in text
    assert nginx_check.check_conf(text, nginx=nginx_bin).ok


def test_h2c_is_not_forwarded(nginx_bin: str, backends: Backends, pki: PKI) -> None:
    """The map forwards Upgrade only when it says websocket: h2c never reaches the backend."""
    port = free_port()
    setup, result, _ = generate(fill([S, "--path", "/h2c-probe", "--backend", "{b1}",
                                      "--listen", str(port)], backends.placeholders(pki)))
    with running_nginx(nginx_bin, result.files["nginx.conf"], None, listens_of(setup)):
        with socket.create_connection(("127.0.0.1", port), timeout=3) as s:
            s.sendall(b"GET /h2c-probe HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings"
                      b"\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n")
            head = s.recv(4096).decode(errors="replace")
        status = asyncio.run(handshake_and_echo(setup, "/h2c-probe", pki, "ok"))
    assert not head.startswith("HTTP/1.1 101"), head
    seen = [h for h in backends.seen if h["path"] == "/h2c-probe"]
    assert seen[0]["upgrade"] is None and seen[0]["connection"] is None  # nothing forwarded
    assert seen[-1]["upgrade"] == "websocket" and status == 101  # the real handshake still works


def test_idle_timeout_is_in_force(nginx_bin: str, backends: Backends, pki: PKI) -> None:
    """--idle-timeout 4s: an idle socket is still open at 3 s and closed by about 5 s."""
    from websockets.asyncio.client import connect
    from websockets.protocol import State

    port = free_port()
    setup, result, _ = generate(fill([S, "--idle-timeout", "4s", "--backend", "{b1}",
                                      "--listen", str(port)], backends.placeholders(pki)))
    assert "proxy_read_timeout 4s;" in result.files["nginx.conf"]

    async def scenario() -> tuple[bool, float]:
        async with connect(f"ws://127.0.0.1:{port}/ws", ping_interval=None,
                           proxy=None) as ws:
            start = time.monotonic()
            await asyncio.sleep(3)
            open_at_3 = ws.state is State.OPEN
            await asyncio.wait_for(ws.wait_closed(), 4)
            return open_at_3, time.monotonic() - start

    with running_nginx(nginx_bin, result.files["nginx.conf"], None, listens_of(setup)) as prefix:
        open_at_3, closed_after = asyncio.run(scenario())
        log = (prefix / "error.log").read_text()
    assert open_at_3
    assert 3.5 <= closed_after <= 5.5, closed_after
    assert "while proxying upgraded connection" in log  # error_log info makes the drop visible


def test_verify_curl_step_runs(nginx_bin: str, backends: Backends, pki: PKI) -> None:
    """The handshake step printed for a standalone trial works as printed."""
    port = free_port()
    setup, result, _ = generate(fill([S, "--server-name", "chat.test", "--backend", "{b1}",
                                      "--listen", str(port)], backends.placeholders(pki)))
    step = next(s for s in result.verify if s["step"].startswith("WebSocket handshake"))
    with running_nginx(nginx_bin, result.files["nginx.conf"], None, listens_of(setup)):
        proc = subprocess.run(shlex.split(step["run"]), capture_output=True, text=True,
                              timeout=10)
    assert proc.stdout.startswith("HTTP/1.1 101 Switching Protocols"), proc.stdout + proc.stderr
    assert step["expect"].startswith("HTTP/1.1 101 Switching Protocols")
