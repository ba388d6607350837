"""One real nginx (with the labs' ws-echo backend) serving every site the probe tests need.

Built from the labs harness (tests/labs/harness.py: nginx.conf layout, free ports, trustme
certificates, start/stop by PID) and tests/labs/backends.py. Each site is its own `server{}`
on its own 127.0.0.1 port, so one nginx and one backend serve the whole module.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import free_port
from labs import harness

ORIGIN = "https://app.example.com"
MAP = "map $http_upgrade $connection_upgrade { default upgrade; \"\" close; }"
FULL = """proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $host;"""

# name -> server{} body; {backend} is the echo backend, {strict} one that accepts only the
# Origin https://app.example.com, {dead} a port nothing listens on, {full} the upgrade block.
SITES = {
    "healthy": """
        location /ws { proxy_pass http://{backend}; {full} }
        location /chat/ { proxy_pass http://{backend}; {full} }
        location = /hangup { return 444; }
        location = /page { return 200 "hello from a plain page\\n"; }""",
    "no-headers": """
        location /ws { proxy_pass http://{backend}; proxy_http_version 1.1; }""",
    "backend-down": """
        location /ws { proxy_pass http://{dead}; {full} }""",
    "read-timeout": """
        location /ws { proxy_pass http://{backend}; {full} proxy_read_timeout 2s; }""",
    "origin-check": """
        location /ws { proxy_pass http://{strict}; {full} }""",
    "tls": """
        ssl_certificate {cert};
        ssl_certificate_key {key};
        location /ws { proxy_pass http://{backend}; {full} }""",
}


def _fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


@dataclass
class Lab:
    ports: dict[str, int]
    ca: str
    dead: int  # a port nothing listens on
    error_log: str  # nginx's error log, at info level (tests/labs/harness.nginx_conf)

    def url(self, site: str, path: str = "/ws", scheme: str | None = None) -> str:
        scheme = scheme or ("wss" if site == "tls" else "ws")
        return f"{scheme}://127.0.0.1:{self.ports[site]}{path}"


@pytest.fixture(scope="module")
def lab() -> Lab:
    if harness.find_nginx() is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("CI=true but nginx is not on PATH")
        pytest.skip("nginx is not installed")
    # not under pytest's 0700 basetemp: nginx workers run as nobody when tests run as root
    work = Path(tempfile.mkdtemp(prefix="wsguide-probe-"))
    prefix = work / "nginx"
    for d in (work, prefix, prefix / "logs", prefix / "tmp"):
        d.mkdir(parents=True, exist_ok=True)
        os.chmod(d, 0o755)
    certs = harness.certificates(work)
    backend, strict, dead = free_port(), free_port(), free_port()
    ports = {name: free_port() for name in SITES}
    values = {"backend": f"127.0.0.1:{backend}", "strict": f"127.0.0.1:{strict}",
              "dead": f"127.0.0.1:{dead}", "full": FULL, **certs}
    servers = [MAP]
    for name, body in SITES.items():
        ssl = " ssl" if name == "tls" else ""
        servers.append(f"    server {{ # {name}\n        listen 127.0.0.1:{ports[name]}{ssl};"
                       f"{_fill(body, values)}\n    }}")
    conf = harness.nginx_conf(prefix, harness.DEFAULT_MAIN, "\n".join(servers))
    (prefix / "nginx.conf").write_text(conf)
    nginx = harness.find_nginx()
    base = [nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
            "-e", str(prefix / "logs" / "error.log")]
    test = subprocess.run([*base, "-t"], capture_output=True, text=True, timeout=20)
    assert test.returncode == 0, test.stderr + conf
    procs = harness.Procs()
    out = open(prefix / "backend.out", "w")  # noqa: SIM115
    try:
        started = []
        for port, opts in ((backend, []), (strict, [f"origins={ORIGIN}"])):
            proc = subprocess.Popen(
                [sys.executable, str(harness.HERE / "backends.py"), "ws-echo", *opts,
                 "--port", str(port), "--name", f"b{port}", "--log", str(prefix / "backend.jsonl"),
                 "--cert", certs["cert"], "--key", certs["key"]],
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
            procs.add(f"backend {port}", proc)
            started.append((port, proc))
        nproc = subprocess.Popen([*base, "-g", "daemon off;"], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, start_new_session=True)
        procs.add("nginx", nproc)

        async def ready() -> None:
            await asyncio.gather(*[harness.wait_port(p, b, "ws-echo backend") for p, b in started],
                                 *[harness.wait_port(p, nproc, "nginx") for p in ports.values()])

        asyncio.run(ready())
        yield Lab(ports, certs["ca"], dead, str(prefix / "logs" / "error.log"))
    finally:
        procs.stop()
        out.close()
        if not os.environ.get("WSGUIDE_LAB_KEEP"):
            shutil.rmtree(work, ignore_errors=True)
