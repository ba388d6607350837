"""`wsguide lookup` as a user and a script see it (the mini KB keeps these independent of content)."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest
from helpers import run_cli

MINI = {"WSGUIDE_BUILTIN_KB": str(Path(__file__).parents[1] / "kb" / "data" / "mini-kb")}
TIMEOUT_LINE = ('2025/03/14 09:26:53 [info] 2417#2417: *88 upstream timed out (110: Connection timed '
                'out) while proxying upgraded connection, client: 203.0.113.9, server: live.example.org')
NOISE = '2025/03/14 09:12:01 [error] 2417#2417: *12 open() "/usr/share/nginx/html/favicon.ico" failed'


def lookup(*args: str, stdin: bytes | str | None = None):
    return run_cli("lookup", *args, stdin=stdin, env=MINI)


def test_json_contract():
    res = lookup("--json", NOISE, TIMEOUT_LINE, NOISE)
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert set(data) >= {"causes", "lines_read"}
    assert data["lines_read"] == 3
    top = data["causes"][0]
    assert set(top) >= {"id", "title", "score", "evidence", "count"}
    assert top["id"] == "proxy-read-timeout"
    assert 0 <= top["score"] <= 1 and top["score"] >= 0.85
    assert top["count"] == 1
    assert top["evidence"][0]["line"] == 2
    assert "while proxying upgraded connection" in top["evidence"][0]["text"]


def test_nothing_recognised_is_exit_0_and_empty():
    res = lookup("--json", NOISE)
    assert res.returncode == 0
    assert json.loads(res.stdout) == {"causes": [], "lines_read": 1}
    human = lookup(NOISE)
    assert "No known cause recognised" in human.stdout


def test_human_output_fits_80_columns_and_has_no_colour_in_a_pipe():
    res = lookup(TIMEOUT_LINE)
    assert res.returncode == 0
    assert "\x1b[" not in res.stdout
    assert "proxy-read-timeout" in res.stdout and "Fix:" in res.stdout and "Next:" in res.stdout
    assert max(len(line) for line in res.stdout.splitlines()) <= 80


def test_force_colour_but_no_color_wins():
    res = run_cli("lookup", TIMEOUT_LINE, env={**MINI, "FORCE_COLOR": "1", "NO_COLOR": ""})
    assert "\x1b[" in res.stdout
    res = run_cli("lookup", TIMEOUT_LINE, env={**MINI, "FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[" not in res.stdout


def test_stdin_and_dash():
    res = lookup("--json", stdin=f"{NOISE}\n{TIMEOUT_LINE}\n")
    assert json.loads(res.stdout)["causes"][0]["id"] == "proxy-read-timeout"
    res = lookup("--json", "-", stdin=TIMEOUT_LINE)
    assert json.loads(res.stdout)["lines_read"] == 1


def test_counts_every_matching_line_in_a_gzipped_log(tmp_path):
    log = tmp_path / "error.log.1.gz"
    lines = [NOISE] * 1000 + [TIMEOUT_LINE] * 37 + [NOISE] * 5
    with gzip.open(log, "wt") as f:
        f.write("\n".join(lines) + "\n")
    res = lookup("--json", "--file", str(log))
    data = json.loads(res.stdout)
    assert data["lines_read"] == 1042
    assert data["causes"][0]["count"] == 37
    assert data["causes"][0]["evidence"][0]["line"] == 1001


def test_gzip_is_recognised_without_the_suffix(tmp_path):
    log = tmp_path / "rotated"
    log.write_bytes(gzip.compress(TIMEOUT_LINE.encode()))
    assert json.loads(lookup("--json", "--file", str(log)).stdout)["causes"][0]["count"] == 1


def test_line_numbers_stay_exact_across_chunks(tmp_path, monkeypatch):
    from wsguide.kb.index import load_index
    from wsguide.lookup import Lookup, scan

    monkeypatch.setenv("WSGUIDE_BUILTIN_KB", MINI["WSGUIDE_BUILTIN_KB"])
    monkeypatch.setattr(scan, "CHUNK", 4096)
    log = tmp_path / "error.log"
    log.write_text("\n".join([NOISE] * 500 + [TIMEOUT_LINE] + [NOISE] * 500 + [TIMEOUT_LINE]) + "\n")
    engine = Lookup(load_index())
    engine.add_file(str(log))
    hit = engine.ranked().causes[0]
    assert [e.line for e in hit.evidence] == [501, 1002]
    assert engine.scan.lines_read == 1002


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("binary", "looks like a binary file"),
        ("missing", "cannot read (No such file or directory)"),
        ("directory", "is a directory"),
        ("corrupt-gz", "cannot read past line"),
    ],
)
def test_bad_files_give_one_line_and_exit_2(tmp_path, setup, message):
    path = tmp_path / "x.log"
    if setup == "binary":
        path.write_bytes(bytes(range(256)) * 100)
    elif setup == "directory":
        path.mkdir()
    elif setup == "corrupt-gz":
        path.write_bytes(gzip.compress(os.urandom(100000))[:5000])
    res = lookup("--file", str(path))
    assert res.returncode == 2
    assert message in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(tmp_path):
    path = tmp_path / "secret.log"
    path.write_text(TIMEOUT_LINE)
    path.chmod(0)
    res = lookup("--file", str(path))
    assert res.returncode == 2 and "Permission denied" in res.stderr


def test_binary_stdin_is_refused():
    res = lookup("-", stdin=b"\x00\x01\x02" * 1000)
    assert res.returncode == 2 and "binary" in res.stderr


def test_usage_errors():
    res = run_cli("lookup", "--top", "0", "x", env=MINI)
    assert res.returncode == 2 and "--top" in res.stderr
    res = run_cli("lookup", "--no-such-flag", env=MINI)
    assert res.returncode == 2 and "unrecognized arguments" in res.stderr
    assert "Traceback" not in res.stderr


def test_huge_line_and_garbage_paste_do_not_break_it(tmp_path):
    garbage = ("A" * 5_000_000) + TIMEOUT_LINE + ("\x07\x1b[31m" * 1000)
    log = tmp_path / "big.log"
    log.write_text(garbage + "\n" + TIMEOUT_LINE + "\n")
    data = json.loads(lookup("--json", "--file", str(log)).stdout)
    assert data["causes"][0]["count"] == 2
    assert all(len(e["text"]) <= 400 for e in data["causes"][0]["evidence"])


def test_top_limits_and_several_files_add_up(tmp_path):
    a, b = tmp_path / "a.log", tmp_path / "b.log"
    a.write_text(TIMEOUT_LINE + "\n")
    b.write_text(NOISE + "\n" + TIMEOUT_LINE + "\n")
    data = json.loads(lookup("--json", "--top", "1", "--file", str(a), "--file", str(b)).stdout)
    assert len(data["causes"]) == 1 and data["causes"][0]["count"] == 2
    assert data["causes"][0]["evidence"][1]["line"] == 3


def test_full_knowledge_base_output_fits_80_columns():
    """Long titles and long nginx lines wrap instead of running past 80 columns."""
    nginx = ('2024/05/02 10:11:12 [error] 1234#1234: *77 connect() failed (111: Connection refused) while '
             'connecting to upstream, client: 203.0.113.7, server: chat.example.com, request: "GET /ws HTTP/1.1"')
    chrome = ("WebSocket connection to 'wss://chat.example.com/ws' failed: Error during WebSocket handshake: "
              "Unexpected response code: 502")
    res = run_cli("lookup", nginx, chrome)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("1. backend-unreachable")
    assert "connect() failed (111: Connection refused)" in res.stdout  # the telling part is not cut
    assert max(len(line) for line in res.stdout.splitlines()) <= 80


def test_next_steps_are_rendered_for_every_cause():
    """lookup's "Next:" is the first verify step with the fix's example values filled in: no
    jinja placeholder reaches the user (client-tls-too-old's once printed {{ host }})."""
    from wsguide.kb.index import load_index

    index = load_index()
    raw = {cid: c["next"] for cid, c in index["causes"].items() if "{{" in c["next"] or "{%" in c["next"]}
    assert not raw
    assert "example.com:443" in index["causes"]["client-tls-too-old"]["next"]
