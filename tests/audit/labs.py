"""Render a cause's lab configs (broken and fixed) exactly as tests/labs/harness.py does,
with fixed ports and no processes, so audit can be held to what the labs prove on real nginx."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.labs import harness
from tests.labs.harness import TLS_BACKENDS, parse_backend
from wsguide.errors import UserError


def render(kb: Any, source: str, values: dict[str, Any]) -> str:
    """The harness's render; a placeholder it learned after this file was written gets a
    stand-in address instead of failing (the audit only needs the shape of the config)."""
    for _ in range(10):
        try:
            return harness.render(kb, source, values)
        except UserError as exc:
            m = re.search(r"'(\w+)' is undefined", str(exc))
            if not m:
                raise
            values[m.group(1)] = "127.0.0.1:39999"
    return harness.render(kb, source, values)


def write_lab(kb: Any, cause_id: str, workdir: Path) -> dict[str, Path]:
    """Each variant's nginx.conf (plus the proxy_params file the harness provides) in
    workdir/broken and workdir/fixed."""
    out = {}
    for which, text in lab_configs(kb, cause_id, workdir).items():
        d = workdir / which
        d.mkdir(parents=True, exist_ok=True)
        (d / "proxy_params").write_text(getattr(harness, "PROXY_PARAMS", ""))
        (d / "nginx.conf").write_text(text)
        out[which] = d / "nginx.conf"
    return out


def lab_configs(kb: Any, cause_id: str, workdir: Path) -> dict[str, str]:
    """{'broken': nginx.conf text, 'fixed': nginx.conf text} for the cause's lab."""
    lab = kb.causes[cause_id]["lab"]
    out = {}
    for which in ("broken", "fixed"):
        run = lab[which]
        kind, bopts = parse_backend(run.get("backend", lab["backend"]))
        count = int(bopts.pop("count", "1"))
        ports = [39001 + i for i in range(count)]
        prefix = workdir / which
        scheme = "https" if kind in TLS_BACKENDS or bopts.get("tls") else "http"
        values: dict[str, Any] = {
            "port": 38080, "listen": "127.0.0.1:38080", "port2": 38081, "listen2": "127.0.0.1:38081",
            "prefix": str(prefix), "backend": f"127.0.0.1:{ports[0]}", "backend_port": ports[0],
            "front_port": 38082, "front_listen": "127.0.0.1:38082", "dns": "127.0.0.1:38053",
            "upstream": f"{scheme}://127.0.0.1:{ports[0]}",
            "ca": str(prefix / "ca.pem"), "cert": str(prefix / "cert.pem"), "key": str(prefix / "key.pem"),
        }
        out[which] = harness.variant_config(kb, cause_id, lab, which, values, ports, render_fn=render)
    return out
