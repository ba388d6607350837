"""`wsguide probe --error-log PATH`: what nginx wrote during the probe is ranked with the probe's
own evidence (the lab's nginx logs at info level, see conftest.py)."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
import time

import pytest
from helpers import ROOT, run_cli

from wsguide.__main__ import main
from wsguide.probe.errorlog import ErrorLogs

pytestmark = [pytest.mark.nginx, pytest.mark.timeout(60)]

TIMEOUT_LINE = "upstream timed out (110: Connection timed out) while proxying upgraded connection"


def probe(*args: str) -> tuple[int, dict]:
    proc = run_cli("probe", "--json", "--timeout", "5", *args)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def test_idle_drop_with_the_info_line_ranks_proxy_read_timeout(lab):
    rc, doc = probe(lab.url("read-timeout"), "--idle", "4", "--error-log", lab.error_log)
    assert (rc, doc["stage"]) == (1, "idle"), doc
    assert [ln for ln in doc["log_lines"] if TIMEOUT_LINE in ln["text"]], doc["log_lines"]
    top = doc["causes"][0]
    assert top["id"] == "proxy-read-timeout", [c["id"] for c in doc["causes"]]
    from_log = [e for e in top["evidence"] if e.get("file") == lab.error_log]
    assert from_log and TIMEOUT_LINE in from_log[0]["text"] and "[info]" in from_log[0]["text"]
    with open(lab.error_log) as f:  # `line` is the line in the file
        assert TIMEOUT_LINE in f.read().splitlines()[from_log[0]["line"] - 1]
    probe_ev = [e for e in top["evidence"] if "file" not in e]  # still indexes into evidence
    assert all(doc["evidence"][e["line"] - 1] == e["text"] for e in probe_ev)


def test_backend_down_quotes_connect_failed(lab):
    proc = run_cli("probe", "--timeout", "5", lab.url("backend-down"), "--error-log", lab.error_log)
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout
    flat = " ".join(out.split())
    assert re.search(re.escape(lab.error_log) + r": \d+ line\(s\) written during the test", flat), out
    causes = out.split("Likely causes:")[1]
    assert causes.lstrip().startswith("1. backend-unreachable"), out
    first = " ".join(causes.split("\n2. ")[0].replace(">", " ").split())
    assert re.search(r"error\.log:\d+: \[error\] connect\(\) failed \(111: Connection refused\)", first), out


@pytest.mark.parametrize("make, message", [
    (lambda d: str(d / "missing.log"), "no such file"),
    (lambda d: str(d), "is a directory"),
    (lambda d: _gz(d / "error.log.1.gz"), "compressed"),
    (lambda d: _gz(d / "error.log.1"), "gzip-compressed"),
])
def test_unusable_log_exits_2_before_probing(tmp_path, make, message, capsys):
    started = time.monotonic()
    # port 9 on a TEST-NET address: had it probed, it would wait for the timeout
    assert main(["probe", "ws://192.0.2.1:9/ws", "--error-log", make(tmp_path)]) == 2
    assert time.monotonic() - started < 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert captured.out == "" and len(lines) == 1 and lines[0].startswith("wsguide: error: --error-log"), lines
    assert message in lines[0]


def _gz(path) -> str:
    path.write_bytes(gzip.compress(b"2026/01/01 00:00:00 [info] 1#1: old line\n"))
    return str(path)


def test_help_says_idle_timeouts_are_info(capsys):
    with pytest.raises(SystemExit):
        main(["probe", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--error-log PATH" in out and "[info]" in out and "info;" in out


def test_rotation_unit(tmp_path):
    """Appended lines, numbered in the file; truncation and rename read the new content from 0."""
    log = tmp_path / "error.log"
    log.write_text("one\ntwo\n")
    watch = ErrorLogs([str(log)])
    with open(log, "a") as f:
        f.write("three\nfour\n")
    assert [(ln.line, ln.text) for ln in watch.read()] == [(3, "three"), (4, "four")]

    watch = ErrorLogs([str(log)])
    with open(log, "w") as f:  # copytruncate
        f.write("new\n")
    assert [(ln.line, ln.text) for ln in watch.read()] == [(1, "new")]

    log.write_text("a\nb\nc\n")
    watch = ErrorLogs([str(log)])
    with open(log, "a") as f:
        f.write("before rename\n")
    os.rename(log, tmp_path / "error.log.1")
    log.write_text("after rename\n")
    assert [(ln.line, ln.text) for ln in watch.read()] == [(4, "before rename"), (1, "after rename")]


TRUNCATE = """
import subprocess, sys, time
proc = subprocess.Popen([sys.executable, "-m", "wsguide", "probe", "--json", "--idle", "4",
                         sys.argv[1], "--error-log", sys.argv[2]], stdout=subprocess.PIPE)
time.sleep(1.0)
open(sys.argv[2], "r+").truncate(0)  # logrotate's copytruncate, mid-probe
sys.stdout.write(proc.communicate()[0].decode())
"""


def test_log_truncated_mid_probe(lab):
    with open(lab.error_log, "a") as f:  # make sure it is longer than what comes after
        f.write("x" * 4096 + "\n")
    proc = subprocess.run([sys.executable, "-c", TRUNCATE, lab.url("read-timeout"), lab.error_log],
                          capture_output=True, text=True, cwd=ROOT, timeout=30)
    doc = json.loads(proc.stdout)
    assert doc["stage"] == "idle", doc
    hit = [ln for ln in doc["log_lines"] if TIMEOUT_LINE in ln["text"]]
    assert hit and hit[0]["line"] < 10, doc["log_lines"]  # read from the start of the file
    assert doc["causes"][0]["id"] == "proxy-read-timeout"
