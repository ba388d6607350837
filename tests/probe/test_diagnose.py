"""`wsguide diagnose --probe`: a live test as evidence in a diagnosis, against a real nginx."""

from __future__ import annotations

import json

import pytest

from wsguide.__main__ import main

pytestmark = [pytest.mark.nginx, pytest.mark.timeout(60)]


def _diagnose(capsys, *argv: str) -> dict:
    assert main(["diagnose", "--json", *argv]) == 0
    return json.loads(capsys.readouterr().out)


def test_an_idle_drop_seen_live_ranks_the_read_timeout(lab, capsys, tmp_path):
    runbook = tmp_path / "ws.md"
    doc = _diagnose(capsys, "--probe", lab.url("read-timeout"), "--idle", "4", "--runbook", str(runbook))
    assert doc["causes"][0]["id"] == "proxy-read-timeout"
    evidence = doc["causes"][0]["evidence"]
    assert any(e.get("source") == "probe" and "idle connection closed after 2." in e["text"] for e in evidence)
    assert doc["probe"]["stage"] == "idle" and doc["probe"]["ok"] is False
    text = runbook.read_text()
    assert "### Live test" in text and "FAIL idle" in text and "ok   handshake" in text
    assert "Live test: failed at idle" in text  # the decision path


def test_a_probe_that_works_adds_no_cause(lab, capsys):
    doc = _diagnose(capsys, "--probe", lab.url("healthy"))
    assert doc["probe"]["ok"] is True
    assert all(e.get("source") != "probe" for c in doc["causes"] for e in c["evidence"])


def test_probe_and_paste_combine(lab, capsys):
    """The 426 pasted plus the live test's own 'no Upgrade' answer: the header cause leads."""
    doc = _diagnose(capsys, "--paste", "Error during WebSocket handshake: Unexpected response code: 426",
                    "--probe", lab.url("no-headers"))
    assert doc["causes"][0]["id"] == "missing-upgrade-headers"
    sources = {e.get("source") for e in doc["causes"][0]["evidence"]}
    assert "probe" in sources


def test_error_log_lines_written_during_the_probe_join_the_diagnosis(lab, capsys, tmp_path):
    """nginx's own [info] timeout line, read from the log during `diagnose --probe`, is evidence."""
    doc = _diagnose(capsys, "--probe", lab.url("read-timeout"), "--idle", "4", "--error-log", lab.error_log)
    top = doc["causes"][0]
    assert top["id"] == "proxy-read-timeout"
    assert any("[info]" in e["text"] and "while proxying upgraded connection" in e["text"]
               and e["text"].startswith(lab.error_log.rsplit("/", 1)[-1] + ":") for e in top["evidence"]), top


def test_error_log_without_probe_is_a_usage_error(tmp_path, capsys):
    assert main(["diagnose", "--error-log", str(tmp_path / "error.log")]) == 2
    assert "--error-log go with --probe URL" in capsys.readouterr().err
