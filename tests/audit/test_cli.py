"""`wsguide audit` as a user and a CI job see it: exit codes, output formats, bad input."""

from __future__ import annotations

import json
import os

import pytest
from helpers import run_cli

BROKEN = """events { worker_connections 4096; }
error_log logs/error.log info;
http {
    server {
        listen 80;
        server_name chat.example.com;
        location /ws {
            proxy_pass http://127.0.0.1:8000;
            proxy_http_version 1.1;
            proxy_set_header Host $host;
            proxy_read_timeout 1h;
        }
    }
}
"""
CLEAN = BROKEN.replace("            proxy_set_header Host $host;\n", """\
            proxy_set_header Upgrade $ws_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $host;
""").replace("    server {\n", """\
    map $http_upgrade $ws_upgrade { default ""; ~*^websocket$ $http_upgrade; }
    map $http_upgrade $connection_upgrade { default ""; ~*^websocket$ upgrade; }
    server {
""", 1)


@pytest.fixture
def conf(tmp_path):
    def write(text: str, name: str = "nginx.conf") -> str:
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(text.encode() if isinstance(text, str) else text)
        return str(p)
    return write


def test_clean_config_exits_0(conf):
    proc = run_cli("audit", conf(CLEAN))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip() == "No findings in 1 file."
    assert proc.stderr == ""


def test_findings_exit_1_and_read_file_line_severity_message_cause(conf):
    path = conf(BROKEN)
    proc = run_cli("audit", path)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines[0] == path  # grouped by file
    assert lines[1].startswith(f"{path}:7: error: location")  # file:line: severity: never split
    assert "location /ws proxies WebSockets" in " ".join(x.strip() for x in lines)
    assert "[missing-upgrade-headers]" in proc.stdout
    assert any(line.startswith("    fix: proxy_http_version 1.1;") for line in lines)
    assert lines[-1] == "1 finding (1 error) in 1 file."
    assert all(len(line) <= 80 or line.startswith(path) for line in lines)
    assert "\x1b[" not in proc.stdout  # NO_COLOR (run_cli sets it) and not a terminal


def test_colour_only_when_asked_and_never_with_no_color(conf):
    path = conf(BROKEN)
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    coloured = run_cli("audit", path, env={**env, "FORCE_COLOR": "1", "NO_COLOR": ""})
    assert "\x1b[31" in coloured.stdout
    plain = run_cli("audit", path, env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[" not in plain.stdout


def test_json_shape_is_exactly_the_contract(conf):
    path = conf(BROKEN)
    proc = run_cli("audit", "--json", path)
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    assert set(doc) == {"findings", "files"}
    assert doc["files"] == [path]
    f = doc["findings"][0]
    assert list(f) == ["cause", "severity", "file", "line", "location", "message", "fix"]
    assert f["cause"] == "missing-upgrade-headers" and f["severity"] == "error"
    assert f["file"] == path and f["line"] == 7 and f["location"] == "/ws"
    assert f["fix"].startswith("proxy_http_version 1.1;")
    clean = json.loads(run_cli("audit", "--json", conf(CLEAN, "clean.conf")).stdout)
    assert clean["findings"] == []


def test_sarif_is_structurally_valid(conf):
    proc = run_cli("audit", "--sarif", conf(BROKEN.replace("127.0.0.1:8000", "localhost:8000")))
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    assert doc["version"] == "2.1.0" and doc["$schema"].endswith("sarif-2.1.0.json")
    run = doc["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "wsguide" and driver["version"]
    ids = [r["id"] for r in driver["rules"]]
    assert ids == sorted(set(ids)) and "missing-upgrade-headers" in ids
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    assert {r["ruleId"] for r in run["results"]} >= {"missing-upgrade-headers", "ipv6-localhost-mismatch"}
    for res in run["results"]:
        assert driver["rules"][res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["level"] in ("error", "warning", "note")
        assert res["message"]["text"]
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"].startswith("file:///")
        assert loc["region"]["startLine"] >= 1
    assert [a["location"]["uri"] for a in run["artifacts"]]


def test_json_and_sarif_are_exclusive(conf):
    proc = run_cli("audit", "--json", "--sarif", conf(CLEAN))
    assert proc.returncode == 2 and "not allowed with" in proc.stderr


@pytest.mark.parametrize("text, expect", [
    ("server {\n    location /ws {\n        proxy_pass x;\n", "nginx.conf:3: unexpected end of file, expecting \"}\""),
    ("server {\n    listen 80\n}\n", "nginx.conf:3: unexpected \"}\""),
    (b"\x7fELF\x02\x01\x01\x00\x00\x00", "nginx.conf:1: binary file, not an nginx config"),
])
def test_unusable_input_is_one_line_and_exit_2(conf, text, expect):
    path = conf(text)
    proc = run_cli("audit", path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.strip().endswith(expect), proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


def test_missing_file_and_directory(tmp_path):
    proc = run_cli("audit", str(tmp_path / "nope.conf"))
    assert proc.returncode == 2 and proc.stderr.strip() == f"{tmp_path / 'nope.conf'}:1: no such file"
    proc = run_cli("audit", str(tmp_path))
    assert proc.returncode == 2 and "is a directory" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(conf):
    path = conf(CLEAN)
    os.chmod(path, 0)
    proc = run_cli("audit", path)
    assert proc.returncode == 2 and "cannot read: Permission denied" in proc.stderr


def test_bad_options_name_the_option(conf):
    proc = run_cli("audit", "--ws-path", "ws", conf(CLEAN))
    assert proc.returncode == 2 and "--ws-path" in proc.stderr
    proc = run_cli("audit", "--nginx-version", "latest", conf(CLEAN))
    assert proc.returncode == 2 and "--nginx-version" in proc.stderr


def test_nginx_T_output_on_stdin_names_the_real_files():
    dump = (
        "# configuration file /etc/nginx/nginx.conf:\n"
        "events { worker_connections 4096; }\nerror_log /var/log/nginx/error.log info;\n"
        "http {\n    include /etc/nginx/conf.d/*.conf;\n}\n\n"
        "# configuration file /etc/nginx/conf.d/chat.conf:\n"
        "server {\n    location /ws {\n        proxy_pass http://127.0.0.1:8000;\n    }\n}\n"
    )
    proc = run_cli("audit", "--json", "-", stdin=dump)
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["files"] == ["/etc/nginx/nginx.conf", "/etc/nginx/conf.d/chat.conf"]
    f = next(f for f in doc["findings"] if f["cause"] == "missing-upgrade-headers")
    assert f["file"] == "/etc/nginx/conf.d/chat.conf" and f["line"] == 2


def test_plain_snippet_on_stdin():
    proc = run_cli("audit", "-", stdin="location /ws {\n    proxy_pass http://127.0.0.1:8000;\n}\n")
    assert proc.returncode == 1 and "<stdin>:1: error:" in proc.stdout


def test_a_config_without_websocket_locations_says_how_to_name_one(conf):
    proc = run_cli("audit", conf("server {\n    location / { proxy_pass http://127.0.0.1:8000; }\n}\n"))
    assert proc.returncode == 0
    assert "--ws-path" in proc.stderr


def test_help_has_examples():
    proc = run_cli("audit", "--help")
    assert proc.returncode == 0 and "examples:" in proc.stdout and "nginx -T" in proc.stdout


def test_severity_filter_decides_what_is_reported_and_the_exit_code(conf):
    path = conf(BROKEN.replace("proxy_read_timeout 1h;", "proxy_read_timeout 30s;").replace(
        "            proxy_set_header Host $host;\n", """\
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_set_header Host $host;
"""))
    doc = json.loads(run_cli("audit", "--json", path).stdout)
    assert {f["severity"] for f in doc["findings"]} == {"warning"}
    proc = run_cli("audit", "--severity", "error", path)
    assert proc.returncode == 0 and proc.stdout.strip() == "No findings in 1 file."
