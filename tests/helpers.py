"""Helpers for tests: run the CLI as a user would."""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _ephemeral_low() -> int:
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port(family: int = socket.AF_INET, host: str = "127.0.0.1") -> int:
    """A free TCP port below the kernel's ephemeral range.

    No connect() takes a port outside that range as its source port, so probing a port that
    nobody listens on yet can never connect to itself (a TCP self-connect once made a lab's
    readiness check pass before its backend had bound, and nginx answered 502)."""
    low = max(_ephemeral_low(), 12000)
    for _ in range(200):
        port = random.randrange(10000, low)
        with socket.socket(family, socket.SOCK_STREAM) as s:
            try:
                s.bind((host, port))
            except OSError:
                continue
            return port
    raise OSError(f"no free port on {host} below the ephemeral range")


def listening(port: int, host: str = "127.0.0.1") -> bool:
    """Something accepts TCP connections on host:port (a self-connect does not count)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(0.2)
        if s.connect_ex((host, port)) != 0:
            return False
        return s.getsockname() != s.getpeername()


def run_cli(*args: str, stdin: bytes | str | None = None, env: dict[str, str] | None = None,
            timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run `python -m wsguide ARGS` in a subprocess, as a user would."""
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    data = stdin.encode() if isinstance(stdin, str) else stdin
    proc = subprocess.run([sys.executable, "-m", "wsguide", *args], input=data,
                          capture_output=True, env=full_env, timeout=timeout, cwd=ROOT)
    return subprocess.CompletedProcess(proc.args, proc.returncode,
                                       proc.stdout.decode("utf-8", "replace"),
                                       proc.stderr.decode("utf-8", "replace"))


# A config whose WebSocket location sets its own proxy_set_header, so the Upgrade/Connection
# headers of server{} are not inherited (proxy-set-header-inheritance), with the error it gives.
ERROR_426 = ("WebSocket connection to 'wss://chat.example.com/ws' failed: Error during WebSocket handshake: "
             "Unexpected response code: 426")
INHERITANCE_CONF = """server {
    listen 80;
    server_name chat.example.com;
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection "upgrade";
    location /ws {
        proxy_pass http://127.0.0.1:8000;
        proxy_set_header X-Real-IP $remote_addr;
    }
}
"""
