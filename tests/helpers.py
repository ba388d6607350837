"""Helpers for tests: run the CLI as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


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
