"""Our own output must pass our own audit: `wsguide config --standalone` for the setups people
ask for, audited as a whole nginx.conf, gives no finding at all."""

from __future__ import annotations

import pytest
from helpers import run_cli

SETUPS = {
    "defaults": [],
    "several-paths": ["--path", "/ws", "--path", "/cable", "--path", "/hubs/chat"],
    "socketio-two-backends": ["--socketio", "--backend", "127.0.0.1:8001", "--backend", "127.0.0.1:8002"],
    "socketio-hash": ["--socketio", "--sticky", "hash", "--backend", "127.0.0.1:8001", "--backend", "127.0.0.1:8002"],
    "backend-tls": ["--backend-tls", "--backend", "192.0.2.10:8443", "--backend-tls-name", "api.example.com"],
    "unix-socket": ["--backend", "unix:/run/app.sock"],
    "ipv6-backend": ["--backend", "[::1]:8000"],
    "ping-interval": ["--ping-interval", "25", "--lb-timeout", "100"],
    "max-body": ["--socketio", "--max-body-size", "100m"],
    "listen": ["--listen", "127.0.0.1:9080"],
}
# Not here, on purpose: --idle-timeout below 75s (the short-read-timeout warning is the point),
# --path /ws/ (a client opening /ws gets 301: path-mismatch says so), a host-name backend
# (upstream-dns-stale's info: nginx resolves it once).


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory):
    trustme = pytest.importorskip("trustme")
    d = tmp_path_factory.mktemp("tls")
    ca = trustme.CA()
    cert = ca.issue_cert("chat.example.com")
    cert.private_key_pem.write_to_path(str(d / "key.pem"))
    cert.cert_chain_pems[0].write_to_path(str(d / "cert.pem"))
    return str(d / "cert.pem"), str(d / "key.pem")


def _audit_generated(args, tmp_path, rules, version=None):
    from wsguide.audit import Options, audit

    proc = run_cli("config", "--standalone", "--server-name", "chat.example.com", *args)
    assert proc.returncode == 0, proc.stderr
    conf = tmp_path / "nginx.conf"
    conf.write_text(proc.stdout)
    result = audit([str(conf)], Options(nginx_version=version), rules=rules)
    assert result.ws_locations >= 1
    return [f"{f.cause}: {f.message}" for f in result.findings]


@pytest.mark.parametrize("name", SETUPS)
def test_generated_config_is_clean(name, tmp_path, rules):
    assert _audit_generated(SETUPS[name], tmp_path, rules) == []


def test_generated_tls_config_is_clean(tmp_path, rules, tls_files):
    cert, key = tls_files
    assert _audit_generated(["--tls", "--cert", cert, "--key", key], tmp_path, rules) == []


def test_generated_config_for_nginx_1_29_7_is_clean_when_audited_for_that_version(tmp_path, rules):
    args = ["--nginx-version", "1.29.7"]
    assert _audit_generated(args, tmp_path, rules, version=(1, 29, 7)) == []
    # for an older nginx the same config lacks proxy_http_version 1.1: audit says so
    assert any(f.startswith("http10-upstream") for f in _audit_generated(args, tmp_path, rules))
