"""Usage errors exit 2 with one line on stderr, before any packet is sent; lookup stays light."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from helpers import ROOT

from wsguide.__main__ import main


@pytest.mark.parametrize("argv, message", [
    (["http://example.com/ws"], "scheme must be ws:// or wss://"),
    (["example.com/ws"], "scheme must be ws:// or wss://"),
    (["ws:///ws"], "no host"),
    (["ws://example.com:99999/ws"], "Port out of range"),
    (["ws://example.com/ws", "--idle", "-1"], "--idle: must be at least 0"),
    (["ws://example.com/ws", "--idle", "soon"], "--idle: 'soon' is not a number"),
    (["ws://example.com/ws", "--idle", "nan"], "--idle: 'nan' is not a number"),
    (["ws://example.com/ws", "--timeout", "0"], "--timeout: must be at least"),
    (["ws://example.com/ws", "--origin", ""], "--origin"),
    (["wss://example.com/ws", "--ca-file", "/nonexistent/ca.pem"], "--ca-file"),
    ([], "the following arguments are required: URL"),
])
def test_usage_errors_exit_2_with_one_line(argv, message, capsys):
    assert main(["probe", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("wsguide: error:"), captured.err
    assert message in lines[0]


def test_help_has_examples(capsys):
    with pytest.raises(SystemExit):
        main(["probe", "--help"])
    out = capsys.readouterr().out
    assert "wsguide probe wss://" in out and "--idle" in out and "exit status" in out


PROBE = """
import sys, json
from wsguide.__main__ import main
assert main(["lookup", "--json", "upstream timed out while proxying upgraded connection"]) == 0
print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {"websockets", "asyncio", "ssl"}
                        or m.startswith("wsguide.probe"))), file=sys.stderr)
"""


def test_lookup_does_not_load_the_probe(tmp_path):
    """`probe` is in the command table, so `wsguide lookup` imports commands/probe.py: it must
    import neither websockets nor asyncio nor ssl nor the probe package."""
    env = {"XDG_CACHE_HOME": str(tmp_path), "PATH": "/usr/bin:/bin",
           "WSGUIDE_BUILTIN_KB": str(ROOT / "tests/kb/data/mini-kb")}
    for _ in range(2):  # cold (builds the index), then warm
        proc = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                              cwd=ROOT, env=env, timeout=60)
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stderr.strip().splitlines()[-1]) == []


def test_idle_progress_only_writes_and_clears_its_line():
    import io

    from wsguide.commands.probe import IdleProgress

    stream = io.StringIO()
    progress = IdleProgress(stream)
    progress(0, 70)
    progress(12.4, 70)
    progress(-1, 70)
    assert stream.getvalue() == ("\ridle: 0 s of 70 s, still open\ridle: 12 s of 70 s, still open"
                                 "\r\x1b[K")
