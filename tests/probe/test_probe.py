"""`wsguide probe` against a real nginx and a real websockets backend (see conftest.py).

Each failure must stop at the right stage, and the evidence it saw must rank the knowledge
base's cause for it, through the same Lookup as pasted text.
"""

from __future__ import annotations

import json
import re

import pytest
from helpers import run_cli

from .conftest import ORIGIN

pytestmark = [pytest.mark.nginx, pytest.mark.timeout(60)]


def probe(*args: str) -> tuple[int, dict]:
    proc = run_cli("probe", "--json", "--timeout", "5", *args)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def ids(doc: dict) -> list[str]:
    return [c["id"] for c in doc["causes"]]


def check_shape(doc: dict) -> None:
    """The contract of docs/cli.md / spec: these keys, these types (more keys are allowed)."""
    assert list(doc)[:6] == ["ok", "stage", "status", "elapsed", "causes", "detail"]
    assert isinstance(doc["ok"], bool)
    assert doc["stage"] in ("dns", "tcp", "tls", "handshake", "message", "idle", "done")
    assert doc["status"] is None or isinstance(doc["status"], int)
    assert isinstance(doc["elapsed"], float | int) and doc["elapsed"] >= 0
    assert isinstance(doc["detail"], str)
    for c in doc["causes"]:
        assert isinstance(c["id"], str) and 0 <= c["score"] <= 1
        assert c["evidence"] and all(isinstance(e["text"], str) for e in c["evidence"])


def test_healthy_endpoint_echoes_and_survives_idle(lab):
    rc, doc = probe(lab.url("healthy"), "--idle", "1")
    check_shape(doc)
    assert (rc, doc["ok"], doc["stage"], doc["status"]) == (0, True, "done", None), doc
    assert doc["echo"] is True
    assert doc["causes"] == []
    assert [s["stage"] for s in doc["stages"]] == ["dns", "tcp", "tls", "handshake", "message",
                                                   "idle", "done"]
    assert all(s["ok"] for s in doc["stages"])
    assert doc["stages"][2].get("skipped") is True  # ws:// has no TLS
    assert doc["elapsed"] >= 1


def test_missing_upgrade_headers_fail_the_handshake(lab):
    rc, doc = probe(lab.url("no-headers"))
    check_shape(doc)
    # python websockets behind `proxy_http_version 1.1` without the headers answers 426
    # (research/nginx-behaviour.md, lab 1); 400 comes from other frameworks.
    assert (rc, doc["ok"], doc["stage"], doc["status"]) == (1, False, "handshake", 426), doc
    assert "missing-upgrade-headers" in ids(doc)[:3], ids(doc)
    assert "wsguide probe: handshake answered HTTP 426 Upgrade Required" in doc["evidence"]


def test_backend_down_is_a_502_naming_backend_unreachable(lab):
    rc, doc = probe(lab.url("backend-down"))
    check_shape(doc)
    assert (rc, doc["stage"], doc["status"]) == (1, "handshake", 502), doc
    assert ids(doc)[0] == "backend-unreachable", ids(doc)


def test_trailing_slash_redirect(lab):
    rc, doc = probe(lab.url("healthy", "/chat"))
    assert (rc, doc["stage"], doc["status"]) == (1, "handshake", 301), doc
    assert "wsguide probe: handshake redirected to the same path with a trailing slash" in doc["evidence"]
    assert ids(doc)[0] == "path-mismatch", ids(doc)


def test_plain_page_answers_200_without_upgrade(lab):
    rc, doc = probe(lab.url("healthy", "/page"))
    assert (rc, doc["stage"], doc["status"]) == (1, "handshake", 200), doc
    assert "wsguide probe: response lacks Upgrade: websocket (HTTP 200)" in doc["evidence"]
    assert "hello from a plain page" in doc["evidence"]  # the body's first line, verbatim
    assert ids(doc)[0] == "backend-not-websocket", ids(doc)


def test_closed_without_a_response(lab):
    rc, doc = probe(lab.url("healthy", "/hangup"))  # nginx `return 444`
    assert (rc, doc["stage"], doc["status"]) == (1, "handshake", None), doc
    assert doc["evidence"] == ["wsguide probe: connection closed before a handshake response"]


def test_origin_is_sent_with_origin(lab):
    rc, doc = probe(lab.url("origin-check"))
    assert (rc, doc["stage"], doc["status"]) == (1, "handshake", 403), doc
    assert "origin-rejected" in ids(doc)[:3], ids(doc)
    rc, doc = probe(lab.url("origin-check"), "--origin", ORIGIN)
    assert (rc, doc["stage"], doc["echo"]) == (0, "done", True), doc


def test_idle_drop_by_proxy_read_timeout(lab):
    rc, doc = probe(lab.url("read-timeout"), "--idle", "4")
    check_shape(doc)
    assert (rc, doc["stage"], doc["status"]) == (1, "idle", None), doc
    assert doc["closed_after"] == pytest.approx(2, abs=0.75), doc
    assert doc["close_code"] == 1006
    assert re.search(r"idle connection closed after [12]\.\d s with close code 1006",
                     "\n".join(doc["evidence"]))
    assert "proxy-read-timeout" in ids(doc)[:3], ids(doc)


def test_tls_verification(lab):
    rc, doc = probe(lab.url("tls"))
    check_shape(doc)
    assert (rc, doc["stage"]) == (1, "tls"), doc
    assert "certificate verify failed" in doc["detail"]
    assert ids(doc)[0] == "tls-termination", ids(doc)
    rc, doc = probe(lab.url("tls"), "--insecure")
    assert (rc, doc["stage"], doc["echo"]) == (0, "done", True), doc
    rc, doc = probe(lab.url("tls"), "--ca-file", lab.ca)
    assert (rc, doc["stage"]) == (0, "done"), doc


def test_wss_to_a_plain_port_fails_tls(lab):
    rc, doc = probe(lab.url("healthy", scheme="wss"))
    assert (rc, doc["stage"]) == (1, "tls"), doc
    assert "tls-termination" in ids(doc)[:3], ids(doc)


def test_nothing_listening_fails_tcp(lab):
    rc, doc = probe(f"ws://127.0.0.1:{lab.dead}/ws")
    check_shape(doc)
    assert (rc, doc["stage"], doc["status"]) == (1, "tcp", None), doc
    assert ids(doc)[0] == "port-blocked", ids(doc)


def test_unknown_host_fails_dns():
    rc, doc = probe("ws://no-such-host.wsguide.invalid/ws")
    check_shape(doc)
    assert (rc, doc["ok"], doc["stage"]) == (1, False, "dns"), doc
    assert doc["stages"][-1]["stage"] == "dns"


def test_human_output(lab):
    proc = run_cli("probe", "--timeout", "5", lab.url("no-headers"))
    assert proc.returncode == 1
    out = proc.stdout
    assert "\x1b[" not in out  # NO_COLOR (run_cli sets it) and not a terminal
    assert all(len(line) <= 80 for line in out.splitlines()), out
    assert re.search(r"^✓ dns +\d", out, re.M) and re.search(r"^✗ handshake .*HTTP 426", out, re.M), out
    assert "1. missing-upgrade-headers" in out or "missing-upgrade-headers" in out
    assert "Fix: " in out
    proc = run_cli("probe", lab.url("healthy"))
    assert proc.returncode == 0 and "OK: the WebSocket works" in proc.stdout, proc.stdout
