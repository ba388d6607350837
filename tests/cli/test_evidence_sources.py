"""A diagnosis combines what people paste, their nginx config and a live test.

Pasted text that holds an nginx config (or `nginx -T` output) is audited, and the findings are
evidence of their causes next to the signature hits, with the paste's line numbers. `diagnose
--config` audits a file. (The live test, `diagnose --probe`, needs nginx: tests/probe.)
"""

from __future__ import annotations

import json

import pytest
from helpers import ERROR_426, INHERITANCE_CONF

from wsguide.__main__ import main

NGINX_T = """nginx: the configuration file /etc/nginx/nginx.conf syntax is ok
nginx: configuration file /etc/nginx/nginx.conf test is successful
# configuration file /etc/nginx/nginx.conf:
events {}
http {
    include /etc/nginx/conf.d/*.conf;
}

# configuration file /etc/nginx/conf.d/app.conf:
server {
    listen 80;
    location /ws {
        proxy_pass http://127.0.0.1:8000;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection upgrade;
        proxy_read_timeout 30s;
    }
}
"""


def _json(capsys, *argv: str) -> dict:
    assert main([*argv, "--json"]) == 0
    captured = capsys.readouterr()
    doc = json.loads(captured.out)
    doc["_stderr"] = captured.err
    return doc


def _evidence(doc: dict, cid: str) -> list[dict]:
    return next(c for c in doc["causes"] if c["id"] == cid)["evidence"]


# -- lookup ---------------------------------------------------------------------------------

def test_the_426_alone_points_at_missing_upgrade_headers(capsys):
    doc = _json(capsys, "lookup", ERROR_426)
    assert doc["causes"][0]["id"] == "missing-upgrade-headers"
    assert "audit" not in doc  # no config: nothing audited


def test_the_426_with_the_config_points_at_inheritance(capsys):
    doc = _json(capsys, "lookup", ERROR_426 + "\n" + INHERITANCE_CONF)
    assert doc["causes"][0]["id"] == "proxy-set-header-inheritance"
    found = [e for e in _evidence(doc, "proxy-set-header-inheritance") if e.get("source") == "audit"]
    # Line 10 of the paste: the location's own proxy_set_header (line 9 of the config).
    assert found and found[0]["line"] == 10 and found[0]["severity"] == "error"
    assert "proxy_set_header" in found[0]["text"]
    assert doc["audit"]["findings"] >= 1 and doc["audit"]["lines"] == [[2, 12]]  # line 1 is the error
    assert any(e["line"] == 1 for e in _evidence(doc, "missing-upgrade-headers"))  # still evidence
    assert "audited the nginx config in the paste (lines 2-12): 3 finding(s)" in doc["_stderr"]


def test_the_config_is_found_on_stdin_too(capsys, monkeypatch):
    import io

    data = (ERROR_426 + "\n" + INHERITANCE_CONF).encode()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    doc = _json(capsys, "lookup", "-")
    assert doc["causes"][0]["id"] == "proxy-set-header-inheritance"


def test_nginx_t_output_findings_name_the_paste_line(capsys):
    error = ("2024/05/01 10:00:00 [info] 12#12: *3 upstream timed out (110: Connection timed out) while "
             "proxying upgraded connection, client: 10.0.0.1, server: _, request: \"GET /ws HTTP/1.1\"")
    text = NGINX_T + error
    doc = _json(capsys, "lookup", text)
    assert doc["causes"][0]["id"] == "proxy-read-timeout"
    short = [e for e in _evidence(doc, "proxy-read-timeout") if e.get("source") == "audit"]
    lines = text.splitlines()
    assert short and "proxy_read_timeout 30s" in lines[short[0]["line"] - 1]
    assert short[0]["file"] == "/etc/nginx/conf.d/app.conf" and short[0]["config_line"] == 8


def test_a_pasted_config_that_does_not_parse_is_a_note(capsys):
    assert main(["lookup", ERROR_426 + "\nlocation /ws {\n    proxy_pass http://x\n}\n"]) == 0
    captured = capsys.readouterr()
    assert "not audited" in captured.err and "unexpected" in captured.err
    assert "missing-upgrade-headers" in captured.out


def test_log_files_are_never_audited(capsys, tmp_path):
    log = tmp_path / "error.log"
    log.write_text(ERROR_426 + "\n" + INHERITANCE_CONF)
    doc = _json(capsys, "lookup", "--file", str(log))
    assert "audit" not in doc
    assert doc["causes"][0]["id"] == "missing-upgrade-headers"


# -- diagnose -------------------------------------------------------------------------------

def test_diagnose_paste_with_config_ranks_inheritance(capsys):
    doc = _json(capsys, "diagnose", "--paste", ERROR_426 + "\n" + INHERITANCE_CONF)
    assert doc["causes"][0]["id"] == "proxy-set-header-inheritance"
    assert any(e.get("source") == "audit" and e["line"] == 10 for e in doc["causes"][0]["evidence"])
    # The config shows the headers are set: the plain "missing" cause is argued against.
    missing = _evidence(doc, "missing-upgrade-headers")
    assert any(e.get("source") == "audit" and e.get("weight", 0) < 0 for e in missing)
    assert "your nginx config shows no sign of it" in doc["explanation"]


def test_diagnose_config_ranks_the_audited_cause(capsys, tmp_path):
    conf = tmp_path / "broken.conf"
    conf.write_text(INHERITANCE_CONF)
    doc = _json(capsys, "diagnose", "--config", str(conf))
    assert doc["causes"][0]["id"] == "proxy-set-header-inheritance"
    ev = doc["causes"][0]["evidence"][0]
    assert ev["source"] == "audit" and ev["line"] == 9 and ev["file"].endswith("broken.conf")
    assert any(f["cause"] == "proxy-set-header-inheritance" for f in doc["findings"])


def test_diagnose_config_directory_and_errors(capsys, tmp_path):
    (tmp_path / "nginx.conf").write_text("events {}\nhttp {\n" + INHERITANCE_CONF + "}\n")
    doc = _json(capsys, "diagnose", "--config", str(tmp_path))
    assert doc["causes"][0]["id"] == "proxy-set-header-inheritance"
    bad = tmp_path / "bad.conf"
    bad.write_text("location /ws {\n    proxy_pass http://x\n}\n")
    assert main(["diagnose", "--config", str(bad)]) == 2
    assert "bad.conf:3" in capsys.readouterr().err
    assert main(["diagnose", "--idle", "4"]) == 2  # --idle needs --probe
    assert main(["diagnose", "--probe", "http://example.com/ws"]) == 2  # bad scheme: before anything runs


def test_diagnose_human_output_and_runbook_show_the_config(capsys, tmp_path):
    conf = tmp_path / "broken.conf"
    conf.write_text(INHERITANCE_CONF)
    runbook = tmp_path / "ws.md"
    assert main(["diagnose", "--paste", ERROR_426, "--config", str(conf), "--runbook", str(runbook)]) == 0
    out = capsys.readouterr().out
    assert "Audited 1 config file(s)" in out and "[proxy-set-header-inheritance]" in out
    assert out.splitlines()[out.splitlines().index("") + 1].startswith("1. proxy-set-header-inheritance")
    text = runbook.read_text()
    assert "### Config check" in text and "(`proxy-set-header-inheritance`)" in text
    assert "broken.conf:9" in text and "Config checked:" in text


@pytest.mark.parametrize("text", ["location /ws { proxy_pass http://a; }", "# configuration file /x:\n"])
def test_the_cheap_check(text):
    from wsguide.engine.sources import has_config

    assert has_config(text)
    assert not has_config(ERROR_426)
    assert not has_config("upstream timed out (110: Connection timed out) while reading upstream")
    assert not has_config("http://chat.example.com/ws failed {code: 1006}")
    assert not has_config("Server {version: 3}\nmapping {a: 1}")


def test_a_config_in_a_markdown_fence_with_elisions(capsys):
    """Issue-style pastes: prose, a fenced config with `...` for the rest, more prose. The
    elided config is read (findings count half: the missing lines may be in the part left out)."""
    text = (ERROR_426 + "\n\nMy nginx config:\n```nginx\nserver {\n    listen 443 ssl;\n    ...\n"
            "    location /ws {\n        proxy_pass http://127.0.0.1:8000;\n        …\n    }\n}\n```\nAny ideas?\n")
    doc = _json(capsys, "lookup", text)
    assert doc["audit"]["lines"] == [[5, 12]] and not doc["audit"]["errors"]
    found = [e for e in _evidence(doc, "missing-upgrade-headers") if e.get("source") == "audit"]
    assert found and found[0]["line"] == 8  # location /ws
    # 0.5 from the 426 line: the finding's 0.8 counts half (0.4) in an elided config.
    assert doc["causes"][0]["id"] == "missing-upgrade-headers" and doc["causes"][0]["score"] == 0.5


def test_diagnose_config_from_stdin_nginx_t(capsys, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(NGINX_T.encode())))
    doc = _json(capsys, "diagnose", "--config", "-")
    assert any(f["cause"] == "proxy-read-timeout" and f["file"] == "/etc/nginx/conf.d/app.conf" and f["line"] == 8
               for f in doc["findings"])
    assert main(["diagnose", "--config", "-", "--paste-file", "-"]) == 2
