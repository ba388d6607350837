"""`wsguide config` without nginx: validation rules, output shape, per-directive comments."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from gen_support import PKI, run_config

from wsguide.errors import UserError
from wsguide.generate import params
from wsguide.generate.config import environment, map_snippet, render
from wsguide.generate.params import Options, validate


@pytest.mark.parametrize("name", ["chat.example.com", "*.example.com", ".example.com",
                                  "example.*", "_", "localhost", "203.0.113.9", "a-b.c-d.io",
                                  "CHAT.Example.COM", "xn--bcher-kva.example"])
def test_good_server_names(name: str) -> None:
    assert params.parse_server_name(name) == name.lower()


@pytest.mark.parametrize(("name", "why"), [
    ("chat.example.com;", "RFC 1123"), ("ex*ample.com", "only as the first or last"),
    ("*.*.example.com", "only as the first or last"), ("-bad.example.com", "RFC 1123"),
    ("~^(.+)$", "regular-expression"), ("a" * 64 + ".com", "RFC 1123"),
    ("chat example.com", "RFC 1123"), ("1.2.3.999", "RFC 1123"), ("", "RFC 1123"),
    ("exa$mple.com", "RFC 1123"), ("::1", "RFC 1123"),
])
def test_bad_server_names(name: str, why: str) -> None:
    with pytest.raises(UserError, match=re.escape("--server-name")) as exc:
        params.parse_server_name(name)
    assert why in str(exc.value)


@pytest.mark.parametrize(("text", "nginx"), [
    ("127.0.0.1:8000", "127.0.0.1:8000"), ("[::1]:8000", "[::1]:8000"),
    ("app.internal:3000", "app.internal:3000"), ("unix:/run/app.sock", "unix:/run/app.sock"),
    ("http://127.0.0.1:8000/", "127.0.0.1:8000"), ("LOCALHOST:1", "localhost:1"),
])
def test_good_backends(text: str, nginx: str) -> None:
    assert params.parse_backend(text)[0].nginx == nginx


@pytest.mark.parametrize("text", ["127.0.0.1", "127.0.0.1:0", "127.0.0.1:65536", "::1:80",
                                  "[::1]80", "host:80;", "unix:relative.sock", "unix:/a b",
                                  "127.0.0.1:8000/ws", "0.0.0.0:80", "a_b:80", "h:8x"])
def test_bad_backends(text: str) -> None:
    with pytest.raises(UserError, match="^--backend "):
        params.parse_backend(text)


@pytest.mark.parametrize(("text", "ms"), [("3600", 3600_000), ("90s", 90_000), ("1h30m", 5400_000),
                                          ("2500ms", 2500), ("1d", 86400_000), ("1m30", 90_000)])
def test_durations(text: str, ms: int) -> None:
    assert params.parse_duration_ms(text) == ms


@pytest.mark.parametrize("text", ["0", "0s", "1.5s", "30m1h", "1 h", "-5", "8d", "1h;", "s", "1x"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(UserError, match="^--idle-timeout "):
        params.parse_duration_ms(text)


def test_format_duration_round_trips() -> None:
    for ms in (1, 999, 1000, 61_000, 3600_000, 5400_000, 86400_000):
        assert params.parse_duration_ms(params.format_duration(ms)) == ms


@pytest.mark.parametrize("path", ["/ws;", "ws", "/a b", "/a{b}", "/$x", "/a#b", "/a?b",
                                  "/a//b", "/a/../b", "/a%20b", "/'x'", "/a\nb"])
def test_bad_paths(path: str) -> None:
    with pytest.raises(UserError, match="^--path "):
        params.parse_path(path)


def test_defaults_derive_from_inputs() -> None:
    one = validate(Options(backends=["127.0.0.1:1"]))
    assert (one.sticky, one.idle_timeout, one.paths) == ("none", "1h", ("/ws",))
    two = validate(Options(backends=["127.0.0.1:1", "127.0.0.1:2"]))
    assert two.sticky == "ip_hash"
    sio = validate(Options(socketio=True))
    assert (sio.sticky, sio.paths, sio.max_body_size) == ("ip_hash", ("/socket.io/",), "1m")
    assert sio.idle_timeout_ms > 25_000  # longer than socket.io's ping interval
    lb = validate(Options(lb_timeout="100", ping_interval="30"))
    assert lb.idle_timeout_ms > 100_000 and lb.idle_timeout_ms > 30_000
    assert validate(Options(nginx_version="1.29.7")).needs_http_version is False
    assert validate(Options(nginx_version="1.22.1")).needs_http_version is True


@pytest.mark.parametrize(("opts", "option"), [
    (Options(tls=True), "--tls"),
    (Options(cert="/x"), "--cert"),
    (Options(backend_tls=True, backends=["127.0.0.1:1"]), "--backend-tls-verify"),
    (Options(backends=["http://127.0.0.1:1", "https://127.0.0.1:2"]), "--backend"),
    (Options(target="apache"), "--target"),
    (Options(standalone=True, target="ingress-nginx"), "--standalone"),
    (Options(paths=["/ws", "/ws"]), "--path"),
    (Options(nginx_version="1.2.0"), "--nginx-version"),
    (Options(sticky="cookie"), "--sticky"),
])
def test_bad_combinations(opts: Options, option: str) -> None:
    with pytest.raises(UserError, match=f"^{re.escape(option)}"):
        validate(opts)


def test_cert_must_be_pem(tmp_path) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    with pytest.raises(UserError, match="^--cert .*PEM"):
        validate(Options(tls=True, cert=str(junk), key=str(junk)))
    with pytest.raises(UserError, match="^--cert .*readable"):
        validate(Options(tls=True, cert=str(tmp_path / "missing.pem"), key=str(junk)))


def test_guard_refuses_syntax_in_values() -> None:
    env = environment()
    with pytest.raises(UserError, match="refusing to print"):
        render(env, "nginx/map.conf.j2", where="x; include /etc/passwd")


def test_map_snippet_is_the_kb_one() -> None:
    """The server block relies on these two variables; the snippet is the single source."""
    text = map_snippet()
    assert "map $http_upgrade $ws_upgrade" in text
    assert "map $http_upgrade $connection_upgrade" in text
    assert re.search(r"~\*\^websocket\$", text)  # websocket only, any case: h2c dropped


def _directive_lines(text: str) -> list[str]:
    """Lines of ours that hold a directive or open a block (the KB map is checked apart)."""
    body = text.split("map $http_upgrade $connection_upgrade")[-1].split("}", 1)[-1] \
        if "map $http_upgrade" in text else text
    return [ln for ln in body.splitlines()
            if ln.strip() and not ln.strip().startswith("#") and ln.strip() != "}"]


@pytest.mark.parametrize("argv", [
    ["--backend", "127.0.0.1:1"],
    ["--standalone", "--socketio", "--backend", "127.0.0.1:1", "--backend", "127.0.0.1:2"],
    ["--backend", "127.0.0.1:1", "--backend-tls", "--no-backend-tls-verify",
     "--max-body-size", "2m", "--nginx-version", "1.30.0"],
    ["--target", "nginx-proxy-manager", "--backend", "127.0.0.1:1", "--path", "/ws"],
    ["--target", "nginx-proxy-manager", "--backend", "127.0.0.1:1", "--path", "/"],
])
def test_every_directive_has_a_why(argv: list[str]) -> None:
    rc, out, err = run_config([*argv, "--json"])
    assert rc == 0, err
    for name, text in json.loads(out)["files"].items():
        if name.endswith(".txt"):
            continue
        for line in _directive_lines(text):
            assert "  # " in line, f"{name}: no comment on {line!r}"


def test_default_output_is_only_files(pki: PKI) -> None:
    rc, out, err = run_config(["--server-name", "chat.example.com", "--backend",
                               "127.0.0.1:8000", "--tls", "--cert", str(pki.cert),
                               "--key", str(pki.key)])
    assert rc == 0
    assert out.startswith("# conf.d/websocket-map.conf")
    assert "\n# sites-available/chat.example.com.conf" in out
    assert "Verify:" not in out and "Verify:" in err  # steps go to stderr
    assert "return 301 https://$host$request_uri;" in out
    assert "listen 443 ssl;" in out and "listen 80;" in out


def test_json_contract() -> None:
    rc, out, _ = run_config(["--server-name", "chat.example.com", "--backend", "127.0.0.1:8000",
                             "--json"])
    data = json.loads(out)
    assert set(data) == {"files", "verify", "notes"}
    assert list(data["files"]) == ["conf.d/websocket-map.conf",
                                   "sites-available/chat.example.com.conf"]
    assert all(set(s) == {"step", "run", "expect"} for s in data["verify"])
    runs = " ".join(s["run"] for s in data["verify"])
    for needle in ("nginx -t", "nginx -s reload", "101" if False else "Upgrade: websocket",
                   "websocat", "sleep 75", "DevTools", "'http://chat.example.com/ws'"):
        assert needle in runs, needle
    assert any("info" in s["step"] for s in data["verify"])  # error_log ... info while testing


def test_out_file(tmp_path) -> None:
    target = tmp_path / "nginx.conf"
    rc, out, _ = run_config(["--standalone", "--backend", "127.0.0.1:1", "--out", str(target)])
    assert rc == 0 and out == ""
    assert target.read_text().startswith("# nginx.conf")


def test_ingress_manifest(pki: PKI) -> None:
    rc, out, err = run_config(["--target", "ingress-nginx", "--server-name", "chat.example.com",
                               "--socketio", "--backend", "chat-svc:3000", "--tls", "--cert",
                               str(pki.cert), "--key", str(pki.key), "--idle-timeout", "2500ms",
                               "--json"])
    assert rc == 0, err
    data = json.loads(out)
    doc = yaml.safe_load(data["files"]["ingress.yaml"])
    ann = doc["metadata"]["annotations"]
    assert ann["nginx.ingress.kubernetes.io/proxy-read-timeout"] == "3"  # rounded up
    assert ann["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert ann["nginx.ingress.kubernetes.io/proxy-buffering"] == "off"
    assert ann["nginx.ingress.kubernetes.io/proxy-body-size"] == "1m"
    rule = doc["spec"]["rules"][0]
    assert rule["host"] == "chat.example.com"
    path = rule["http"]["paths"][0]
    assert path["path"] == "/socket.io" and path["pathType"] == "Prefix"
    assert path["backend"]["service"] == {"name": "chat-svc", "port": {"number": 3000}}
    assert doc["spec"]["tls"][0]["hosts"] == ["chat.example.com"]
    assert any("kubectl create secret tls" in s["run"] for s in data["verify"])


def test_ingress_without_host_and_rejects_unix() -> None:
    rc, out, _ = run_config(["--target", "ingress-nginx", "--backend", "app:80", "--json"])
    doc = yaml.safe_load(json.loads(out)["files"]["ingress.yaml"])
    assert "host" not in doc["spec"]["rules"][0]
    rc, out, err = run_config(["--target", "ingress-nginx", "--backend", "unix:/run/a.sock"])
    assert rc == 2 and out == "" and "--backend" in err


def test_npm_files() -> None:
    rc, out, _ = run_config(["--target", "nginx-proxy-manager", "--server-name", "chat.test",
                             "--backend", "10.0.0.5:3000", "--json"])
    files = json.loads(out)["files"]
    assert set(files) == {"npm/proxy-host.txt", "npm/advanced.conf",
                          "data/nginx/custom/http_top.conf"}
    assert "Websockets Support:    ON" in files["npm/proxy-host.txt"]
    assert "location /ws {" in files["npm/advanced.conf"]
    assert "map $http_upgrade $ws_upgrade" in files["data/nginx/custom/http_top.conf"]


def test_bad_value_prints_nothing() -> None:
    rc, out, err = run_config(["--backend", "127.0.0.1:8000", "--path", "/ws;return 200"])
    assert (rc, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith("wsguide: error: --path ")


def test_python_m_wsguide_config() -> None:
    """Through the real entry point, once every command module listed in cli exists."""
    import subprocess
    import sys

    try:
        import wsguide.cli as cli
        cli.build_parser()
    except ImportError as exc:
        pytest.skip(f"wsguide.cli cannot build its parser yet: {exc}")
    proc = subprocess.run([sys.executable, "-m", "wsguide", "config", "--backend",
                           "127.0.0.1:8000", "--path", "/a b"], capture_output=True, text=True)
    assert proc.returncode == 2 and proc.stdout == ""
    assert "--path" in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "wsguide", "config", "--backend",
                           "127.0.0.1:8000"], capture_output=True, text=True)
    assert proc.returncode == 0 and "proxy_pass http://wsguide_websocket;" in proc.stdout


def test_trailing_slash_path_is_written_without_the_301_trap(tmp_path):
    """`--path /ws/` gives `location /ws` (a note says why), which wsguide audit passes clean."""
    from helpers import run_cli

    r = run_cli("config", "--path", "/ws/", "--backend", "127.0.0.1:8000", "--standalone")
    assert r.returncode == 0, r.stderr
    assert "location /ws {" in r.stdout and "location /ws/" not in r.stdout
    assert "--path /ws/: written as location /ws" in r.stderr
    conf = tmp_path / "nginx.conf"
    conf.write_text(r.stdout)
    audit = run_cli("audit", str(conf))
    assert audit.returncode == 0, audit.stdout
    twice = run_cli("config", "--path", "/ws", "--path", "/ws/")
    assert twice.returncode == 2 and "already gives location /ws" in twice.stderr


def test_root_only_certificate_is_accepted_with_a_note(tmp_path, monkeypatch):
    """certbot's /etc/letsencrypt/live is root-only: generating as a normal user still works.
    (The tests run as root, which reads anything: the refusal is simulated.)"""
    import errno
    from pathlib import Path

    cert, key = tmp_path / "fullchain.pem", tmp_path / "privkey.pem"
    real = Path.read_bytes

    def refuse(self):
        if self in (cert, key):
            raise PermissionError(errno.EACCES, "Permission denied")
        return real(self)

    for f in (cert, key):
        f.write_text("not checked\n")
    monkeypatch.setattr(Path, "read_bytes", refuse)
    setup = validate(Options(tls=True, cert=str(cert), key=str(key)))
    assert setup.cert == str(cert)
    assert any("not readable by this user" in n and "sudo openssl x509" in n for n in setup.notes)


def test_missing_certificate_is_an_error_with_a_hint(tmp_path):
    from helpers import run_cli

    r = run_cli("config", "--tls", "--cert", str(tmp_path / "nope.pem"), "--key", str(tmp_path / "k.pem"))
    assert r.returncode == 2
    assert "No such file or directory; generate the config on the machine that holds it" in r.stderr
