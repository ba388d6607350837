"""Run a knowledge-base lab on a real nginx: broken config vs the KB's own fix.

`run_lab(kb, cause_id, workdir)` starts, for the broken and the fixed variant concurrently:
backends (one process each, tests/labs/backends.py), an nginx from PATH in a temporary prefix
(`nginx -p DIR -c DIR/nginx.conf -e DIR/logs/error.log -g 'daemon off;'`, error_log at info)
on free 127.0.0.1 ports, then the client scenario (tests/labs/clients.py). Everything started
is stopped by PID in `finally`, also when a step fails. See tests/labs/README.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers import free_port, listening

from . import clients

HERE = Path(__file__).resolve().parent
BACKENDS = ("ws-echo", "aiohttp", "http-plain", "sink", "sio", "tls-ws", "none")
TLS_BACKENDS = ("tls-ws",)
DEFAULT_MAIN = "events { worker_connections 256; }"
DEFAULT_FIXED = "{{ map }}\n{{ fix_http }}\nserver {\n    listen {{ listen }};\n{{ fix }}\n}\n"
DRIFT = 0.75  # seconds of tolerance on drop_after
SOURCES = ("error_log", "exception", "status_line", "body", "config_test", "backend_log",
           "client_log", "config")
DEFAULT_ROUND_TRIP = ("error_log", "exception", "status_line", "config_test")
# error.log lines that any run prints and that say nothing about a failure.
NOISE = re.compile(
    r"\[notice\]|closed keepalive connection|using inherited sockets|"
    r"signal \d+ \(SIG|worker process \d+ exited|start worker process|"
    r"client closed connection while waiting for request"  # the harness's readiness probe
)
ERROR_LOG_LINE = re.compile(r"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d \[(\w+)\]")
# Backend output lines a person would notice (and paste): errors and warnings.
BACKEND_NOTICEABLE = re.compile(r"\berror\b|\bwarn(ing)?\b|^\[[EW] \d", re.I)
# Debian's /etc/nginx/proxy_params, written into every prefix so `include proxy_params;` works.
PROXY_PARAMS = """proxy_set_header Host $http_host;
proxy_set_header X-Real-IP $remote_addr;
proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
proxy_set_header X-Forwarded-Proto $scheme;
"""


class LabError(AssertionError):
    """The lab itself could not run as written (bad config, backend did not start)."""


def find_nginx() -> str | None:
    if os.environ.get("WSGUIDE_NGINX"):
        path = os.environ["WSGUIDE_NGINX"]
        return path if os.access(path, os.X_OK) else None
    found = shutil.which("nginx")
    if found:
        return found
    for d in ("/usr/sbin", "/usr/local/sbin", "/usr/local/nginx/sbin"):
        if os.access(os.path.join(d, "nginx"), os.X_OK):
            return os.path.join(d, "nginx")
    return None


def have_ipv6_loopback() -> bool:
    """::1 is configured: a connect to a closed port there is refused, not unreachable."""
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


REQUIREMENTS = {"ipv6": (have_ipv6_loopback, "this machine has no IPv6 loopback (::1)")}


def unmet_requirements(lab: dict) -> list[str]:
    return [REQUIREMENTS[r][1] for r in lab.get("requires", []) if not REQUIREMENTS[r][0]()]


@dataclass
class Procs:
    """Processes started by one variant; stopped by PID, newest first."""

    items: list[tuple[str, subprocess.Popen]] = field(default_factory=list)
    ports: list[int] = field(default_factory=list)

    def add(self, name: str, proc: subprocess.Popen) -> None:
        self.items.append((name, proc))

    def stop(self) -> None:
        for _name, proc in reversed(self.items):
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 5
        for _name, proc in reversed(self.items):
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)  # own session: the group id is its pid
                proc.wait(5)
        self.items.clear()


def parse_backend(spec: str) -> tuple[str, dict[str, str]]:
    kind, *words = spec.split()
    if kind not in BACKENDS:
        raise LabError(f"unknown backend kind {kind!r} (known: {', '.join(BACKENDS)})")
    opts = {}
    for w in words:
        k, sep, v = w.partition("=")
        if not sep:
            raise LabError(f"backend option {w!r} is not key=value")
        opts[k] = v
    return kind, opts


def udp_free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def wait_dns(port: int, proc: subprocess.Popen, timeout: float = 10) -> None:
    """Until the lab DNS server answers a query for lab.test."""
    query = (b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
             b"\x03lab\x04test\x00\x00\x01\x00\x01")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise LabError(f"dns server exited with {proc.returncode}")
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(0.2)
            s.sendto(query, ("127.0.0.1", port))
            with contextlib.suppress(OSError):
                if s.recv(512)[:2] == b"\x12\x34":
                    return
        await asyncio.sleep(0.05)
    raise LabError(f"dns server did not answer on 127.0.0.1:{port} within {timeout}s")


async def wait_port(port: int, proc: subprocess.Popen, what: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise LabError(f"{what} exited with {proc.returncode} before listening on {port}")
        if listening(port):
            return
        await asyncio.sleep(0.05)
    raise LabError(f"{what} did not listen on 127.0.0.1:{port} within {timeout}s")


def certificates(workdir: Path) -> dict[str, str]:
    """A trustme CA and a server certificate for 127.0.0.1/localhost (shared by a lab's runs)."""
    import trustme

    certs = workdir / "certs"
    if not (certs / "ca.pem").exists():
        certs.mkdir(parents=True, exist_ok=True)
        ca = trustme.CA()
        cert = ca.issue_cert("127.0.0.1", "localhost")
        ca.cert_pem.write_to_path(str(certs / "ca.pem"))
        cert.private_key_pem.write_to_path(str(certs / "key.pem"))
        cert.cert_chain_pems[0].write_to_path(str(certs / "cert.pem"))
        os.chmod(certs, 0o755)
        for f in certs.iterdir():
            os.chmod(f, 0o644)
    return {"ca": str(certs / "ca.pem"), "cert": str(certs / "cert.pem"),
            "key": str(certs / "key.pem")}


def render(kb, source: str, values: dict[str, Any]) -> str:
    from wsguide.kb.templates import render as kb_render

    return kb_render(kb, source, values)


def fix_parts(kb, cause_id: str, fix_vars: dict[str, str]) -> dict[str, str]:
    """The KB fix by context: fix (server{}), fix_http (http{}), fix_main (main context)."""
    from wsguide.kb import templates

    if hasattr(templates, "render_fix_parts"):
        parts = templates.render_fix_parts(kb, cause_id, fix_vars)
    else:
        parts = {"template": templates.render_fix(kb, cause_id, fix_vars)}
    return {"fix": parts.get("template", ""), "fix_http": parts.get("http_template", ""),
            "fix_main": parts.get("main_template", "")}


def nginx_conf(prefix: Path, main: str, body: str) -> str:
    lines = [main.strip()]
    if "error_log" not in main:
        lines.append(f"error_log {prefix}/logs/error.log info;")
    if "worker_processes" not in main:
        lines.append("worker_processes 1;")
    lines.append(f"pid {prefix}/nginx.pid;")
    temps = "\n".join(f"    {d}_temp_path {prefix}/tmp/{d};"
                      for d in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    lines.append(
        "http {\n"
        "    log_format lab '$remote_addr \"$request\" $status up=$upstream_addr "
        "upstatus=$upstream_status rt=$request_time';\n"
        f"    access_log {prefix}/logs/access.log lab;\n{temps}\n{body}\n}}\n")
    return "\n".join(lines) + "\n"


def variant_config(kb, cause_id: str, lab: dict, which: str, values: dict[str, Any], ports: list[int],
                   render_fn=None) -> str:
    """The nginx.conf text of one variant from the lab's addresses and paths in `values` (which
    gains the rendered parts). Starts nothing: the audit tests render lab configs with it too."""
    render_fn = render_fn or render
    run = lab[which]
    for i, p in enumerate(ports[1:], start=2):
        values[f"backend{i}"] = f"127.0.0.1:{p}"
    values["map"] = render_fn(kb, kb.snippets["ws-upgrade-map.conf.j2"], {})
    declared = kb.causes[cause_id]["fix"].get("variables", {})
    fix_vars = {k: render_fn(kb, v, values) for k, v in lab.get("fix_vars", {}).items()}
    for name in declared:
        if name not in fix_vars and name in ("upstream", "backend", "port", "listen"):
            fix_vars[name] = str(values[name])
    values.update(fix_parts(kb, cause_id, fix_vars))
    values["broken"] = render_fn(kb, lab["broken"]["config"], values)
    values["broken_main"] = render_fn(kb, lab["broken"].get("main", DEFAULT_MAIN), values)
    if which == "broken":
        body, main = values["broken"], values["broken_main"]
    else:
        body = render_fn(kb, run.get("config", DEFAULT_FIXED), values)
        default_main = "{{ fix_main }}" if values["fix_main"] else "{{ broken_main }}"
        main = render_fn(kb, run.get("main", default_main), values)
    return nginx_conf(Path(values["prefix"]), main, body)


async def run_variant(kb, cause_id: str, lab: dict, which: str, workdir: Path,
                      extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Start backends + nginx for one variant, run the client, collect everything it printed."""
    nginx = find_nginx()
    if not nginx:
        raise LabError("nginx not found on PATH")
    run = lab[which]
    prefix = workdir / which
    front_src = run.get("front", lab.get("front"))
    dirs = [workdir, prefix, prefix / "logs", prefix / "tmp"]
    if front_src:
        dirs += [prefix / "front", prefix / "front" / "logs", prefix / "front" / "tmp"]
    for d in dirs:
        d.mkdir(parents=True, exist_ok=True)
        os.chmod(d, 0o755)  # nginx workers run as nobody when the tests run as root
    (prefix / "proxy_params").write_text(PROXY_PARAMS)
    procs = Procs()
    obs: dict[str, Any] = {"printed": []}
    try:
        kind, bopts = parse_backend(run.get("backend", lab["backend"]))
        count = int(bopts.pop("count", "1"))
        ports = [free_port() for _ in range(count)]
        port, port2, front_port = free_port(), free_port(), free_port()
        dns_port = udp_free_port()
        certs = certificates(workdir)
        scheme = "https" if kind in TLS_BACKENDS or bopts.get("tls") else "http"
        values: dict[str, Any] = {
            "port": port, "listen": f"127.0.0.1:{port}", "port2": port2,
            "listen2": f"127.0.0.1:{port2}", "prefix": str(prefix),
            "front_port": front_port, "front_listen": f"127.0.0.1:{front_port}",
            "dns": f"127.0.0.1:{dns_port}",
            "backend": f"127.0.0.1:{ports[0]}", "backend_port": ports[0],
            "upstream": f"{scheme}://127.0.0.1:{ports[0]}", **certs,
        }
        conf = variant_config(kb, cause_id, lab, which, values, ports)
        (prefix / "nginx.conf").write_text(conf)
        obs["config"] = conf
        base = [nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
                "-e", str(prefix / "logs" / "error.log")]
        # -T: the test of -t plus the config as a person would paste it (source `config`)
        test = subprocess.run([*base, "-T"], capture_output=True, text=True, timeout=20)
        obs["config_test_output"] = test.stderr
        obs["config_ok"] = test.returncode == 0
        obs["printed"] += [("config", ln) for ln in test.stdout.splitlines() if ln.strip()]
        if test.returncode != 0:
            obs["printed"] += [("config_test", ln) for ln in test.stderr.splitlines()
                               if ln.strip()]
            if "config_test" in run["expect"]:
                return obs
            raise LabError(f"nginx -t failed for the {which} config of {cause_id}:\n"
                           f"{test.stderr}\n--- nginx.conf ---\n{conf}")
        # backends
        blog = prefix / "backend.jsonl"
        bout = open(prefix / "backend.out", "w")  # noqa: SIM115
        started = []
        live: dict[int, subprocess.Popen] = {}  # backend number -> its current process

        def spawn_backend(i: int, bport: int) -> subprocess.Popen:
            cmd = [sys.executable, str(HERE / "backends.py"), kind,
                   *[f"{k}={v}" for k, v in bopts.items()],
                   "--port", str(bport), "--name", f"b{i}", "--log", str(blog),
                   "--cert", certs["cert"], "--key", certs["key"]]
            proc = subprocess.Popen(cmd, stdout=bout, stderr=subprocess.STDOUT,
                                    start_new_session=True)
            procs.add(f"backend b{i}", proc)
            live[i] = proc
            return proc

        if kind != "none":
            for i, bport in enumerate(ports, start=1):
                proc = spawn_backend(i, bport)
                procs.ports.append(bport)
                started.append((bport, proc))
        if lab.get("dns"):  # a DNS server for `resolver {{ dns }}`
            dproc = subprocess.Popen([sys.executable, str(HERE / "backends.py"), "dns",
                                      "--port", str(dns_port), "--log", str(blog)],
                                     stdout=bout, stderr=subprocess.STDOUT,
                                     start_new_session=True)
            procs.add("dns", dproc)
            await wait_dns(dns_port, dproc)
        proc = subprocess.Popen([*base, "-g", "daemon off;"], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        procs.add("nginx", proc)
        procs.ports.append(port)
        waits = [wait_port(port, proc, "nginx")]
        front_err = prefix / "front" / "logs" / "error.log"
        if front_src:  # a second nginx in front (a load balancer), the client talks to it
            fprefix = prefix / "front"
            fconf = nginx_conf(fprefix, DEFAULT_MAIN, render(kb, front_src, values))
            (fprefix / "nginx.conf").write_text(fconf)
            fbase = [nginx, "-p", str(fprefix), "-c", str(fprefix / "nginx.conf"),
                     "-e", str(front_err)]
            ftest = subprocess.run([*fbase, "-t"], capture_output=True, text=True, timeout=20)
            if ftest.returncode != 0:
                raise LabError(f"nginx -t failed for the front of {which} {cause_id}:\n"
                               f"{ftest.stderr}\n--- front nginx.conf ---\n{fconf}")
            fproc = subprocess.Popen([*fbase, "-g", "daemon off;"], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
            procs.add("front nginx", fproc)
            procs.ports.append(front_port)
            waits.append(wait_port(front_port, fproc, "front nginx"))
        await asyncio.gather(*[wait_port(bp, p, f"backend {kind}") for bp, p in started],
                             *waits)
        err_path = prefix / "logs" / "error.log"
        offset = err_path.stat().st_size if err_path.exists() else 0
        foffset = front_err.stat().st_size if front_err.exists() else 0

        async def reload() -> None:
            """`nginx -s reload` on this variant's nginx (what a deploy or certbot hook does)."""
            p = await asyncio.create_subprocess_exec(*base, "-s", "reload",
                                                     stdout=subprocess.DEVNULL,
                                                     stderr=subprocess.DEVNULL)
            await p.wait()

        async def backend_signal(sig: str = "KILL", n: int = 1) -> None:
            """Send SIG<sig> to backend b<n> (KILL: a crash or OOM kill; TERM: a deploy's
            stop; STOP: a hung process). KILL/TERM/INT wait until the process has exited."""
            proc = live[n]
            os.kill(proc.pid, getattr(signal, f"SIG{sig}"))
            if sig in ("KILL", "TERM", "INT"):
                deadline = time.monotonic() + 5
                while proc.poll() is None:
                    if time.monotonic() > deadline:
                        raise LabError(f"backend b{n} still running 5 s after SIG{sig}")
                    await asyncio.sleep(0.02)

        async def backend_start(n: int = 1) -> None:
            """Start backend b<n> again on its port (a deploy's new process) once it exited."""
            if live[n].poll() is None:
                raise LabError(f"backend b{n} is still running; signal it first")
            proc = spawn_backend(n, ports[n - 1])
            await wait_port(ports[n - 1], proc, f"restarted backend b{n}")

        target = clients.Target(front_port if front_src else port, ca=certs["ca"],
                                actions={"reload": reload, "backend_signal": backend_signal,
                                         "backend_start": backend_start})
        client_obs = await asyncio.wait_for(
            clients.run_client(run.get("client", lab["client"]), target), 60)
        await asyncio.sleep(0.3)  # let nginx flush its log lines
        before = obs["printed"]
        obs.update(client_obs)
        obs["printed"] = before + client_obs.get("printed", [])
        text = err_path.read_text(errors="replace")[offset:] if err_path.exists() else ""
        obs["error_log"] = log_records(text)
        # a line the lab expects is evidence, never noise (a reload's [notice] lines)
        wanted = [re.compile(rx) for rx in run["expect"].get("error_log", [])]
        obs["printed"] += [("error_log", ln) for ln in obs["error_log"]
                           if not NOISE.search(ln) or any(rx.search(ln) for rx in wanted)]
        ftext = front_err.read_text(errors="replace")[foffset:] if front_err.exists() else ""
        obs["front_log"] = log_records(ftext)
        reqs = []
        if blog.exists():
            for ln in blog.read_text().splitlines():
                reqs.append(json.loads(ln))
        obs["backend_requests"] = reqs
        obs["backend_lines"] = [request_line(r) for r in reqs]
        peers = {r.get("peer_port") for r in reqs if r.get("method") == "GET"
                 and not r.get("upgrade")}
        obs["upstream_connections"] = len(peers)
        bout.close()
        out = (prefix / "backend.out").read_text(errors="replace").splitlines()
        obs["backend_output"] = out
        obs["printed"] += [("backend_log", ln) for ln in out if BACKEND_NOTICEABLE.search(ln)]
    finally:
        procs_ports = list(procs.ports)
        procs.stop()
        obs["left_listening"] = [p for p in procs_ports if listening(p)]
    return obs


def log_records(text: str) -> list[str]:
    """error.log records: a line not starting with a timestamp continues the previous one
    (nginx writes raw request bytes, e.g. a TLS ClientHello, newlines included)."""
    out: list[str] = []
    for ln in text.splitlines():
        if ERROR_LOG_LINE.match(ln) or not out:
            out.append(ln)
        else:
            out[-1] += "\\n" + ln
    return [r for r in out if r.strip()]


def request_line(r: dict[str, Any]) -> str:
    parts = [r.get("method", ""), r.get("path", "")]
    for k in ("upgrade", "connection", "host", "origin", "protocol", "forwarded_proto", "version",
              "backend"):
        if r.get(k) is not None:
            parts.append(f"{k}={r[k]}")
    return " ".join(str(p) for p in parts)


async def run_lab(kb, cause_id: str, workdir: Path,
                  lab: dict | None = None) -> dict[str, dict[str, Any]]:
    lab = lab if lab is not None else kb.causes[cause_id]["lab"]
    broken, fixed = await asyncio.gather(
        run_variant(kb, cause_id, lab, "broken", workdir),
        run_variant(kb, cause_id, lab, "fixed", workdir),
        return_exceptions=True)
    for r in (broken, fixed):
        if isinstance(r, BaseException):
            raise r
    return {"broken": broken, "fixed": fixed}


def check(expect: dict[str, Any], obs: dict[str, Any]) -> list[str]:
    """Compare an `expect:` block with an observation; return the mismatches."""
    bad: list[str] = []

    def miss(key: str, want: Any, got: Any) -> None:
        bad.append(f"{key}: expected {want!r}, observed {got!r}")

    for key, want in expect.items():
        got = obs.get(key)
        if key == "config_test":
            if obs.get("config_ok") or want not in obs.get("config_test_output", ""):
                miss(key, want, obs.get("config_test_output"))
        elif key == "exception":
            if not got or want not in got:
                miss(key, want, got)
        elif key in ("location", "body"):
            if not got or not re.search(want, got):
                miss(key, want, got)
        elif key == "drop_after":
            if got is None or abs(got - want) > DRIFT:
                miss(key, want, got)
        elif key == "open_after":
            if got is None or got < want:
                miss(key, want, got)
        elif key == "event_delay_min":
            if got is None or got < want:
                miss(key, f">= {want}", got)
        elif key in ("event_delay_max", "ws_rtt_max"):
            if got is None or got > want:
                miss(key, f"<= {want}", got)
        elif key in ("error_log", "backend_saw", "backend_log", "front_log"):
            src = {"error_log": "error_log", "backend_saw": "backend_lines",
                   "backend_log": "backend_output", "front_log": "front_log"}[key]
            for rx in want:
                if not any(re.search(rx, ln) for ln in obs.get(src, [])):
                    miss(f"{key} ~ {rx}", rx, obs.get(src))
        elif key in ("error_log_absent", "backend_not_saw"):
            src = "error_log" if key == "error_log_absent" else "backend_lines"
            for rx in want:
                hits = [ln for ln in obs.get(src, []) if re.search(rx, ln)]
                if hits:
                    miss(f"{key} ~ {rx}", "no line", hits)
        elif key == "served_by":
            if sorted(set(got or [])) != sorted(want):
                miss(key, want, got)
        elif got != want:
            miss(key, want, got)
    return bad


def round_trip_texts(lab: dict, broken: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """(source, pasted text, must rank first) for every source the broken run printed."""
    rt = lab.get("round_trip", {})
    sources = rt.get("sources", list(DEFAULT_ROUND_TRIP))
    first = set(rt.get("first", []))
    out = []
    for src in sources:
        lines = list(dict.fromkeys(ln for s, ln in broken.get("printed", []) if s == src))
        if lines:
            out.append((src, "\n".join(lines), src in first))
    return out
