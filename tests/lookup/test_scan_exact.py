"""The chunked, threaded scanner counts exactly what a naive line-by-line loop counts."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from wsguide.lookup import Lookup, scan
from wsguide.lookup.signatures import Matcher

SIGS = [
    {"id": "a", "cause": "cause-a", "source": "nginx-error-log", "strength": "strong", "weight": 0.9,
     "regex": r"upstream timed out \(110: [^)]*\) while proxying upgraded connection"},
    {"id": "b", "cause": "cause-b", "source": "browser-console", "strength": "strong", "weight": 0.9,
     "all": ["unexpected response code", "505"]},
    {"id": "c", "cause": "cause-b", "source": "browser-console", "strength": "supporting", "weight": 0.3,
     "regex": r"\b1006\b", "none": ["handshake"]},
]
INDEX = {"signatures": SIGS, "causes": {c: {"title": c, "prior": 1, "fix": "f", "next": "n"}
                                        for c in ("cause-a", "cause-b")}}
LINES = [
    "2025/03/14 [info] 1#1: *2 upstream timed out (110: Connection timed out) while proxying upgraded connection",
    "WebSocket connection to 'ws://x/ws' failed: Error during WebSocket handshake: Unexpected response code: 505",
    "closed with code 1006",
    "handshake failed 1006",
    "upstream timed out (110: Connection timed out) while reading response header from upstream",
    "upstream timed out (110: Connection\ntimed out) while proxying upgraded connection",  # split: no match
    "noise " * 50,
    "",
    "\r",
    "x" * 3000,
]


def reference(data: bytes) -> tuple[int, dict[str, list[int]]]:
    matcher = Matcher(SIGS)
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    found: dict[str, list[int]] = {}
    for n, line in enumerate(lines, 1):
        for cause in sorted({s.cause for s in matcher.match_line(line)}):
            found.setdefault(cause, []).append(n)
    return len(lines), found


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("chunk", [64, 1000, 1 << 20])
def test_chunked_scan_equals_naive_loop(tmp_path: Path, monkeypatch, seed: int, chunk: int):
    rng = random.Random(seed)
    text = "\n".join(rng.choice(LINES) for _ in range(3000))
    if seed % 2:
        text += "\n"  # with and without a final newline
    data = text.encode()
    path = tmp_path / "log"
    path.write_bytes(data)
    monkeypatch.setattr(scan, "CHUNK", chunk)
    monkeypatch.setattr(scan, "MAX_SAMPLES", 10**6)  # keep every hit to compare line numbers

    engine = Lookup(INDEX)
    engine.add_file(str(path))
    n_lines, expected = reference(data)
    assert engine.scan.lines_read == n_lines
    assert engine.scan.counts == {k: len(v) for k, v in expected.items()}
    got = {c: [line for line, _, _ in samples] for c, samples in engine.scan.samples.items()}
    assert got == expected


def test_anchored_signatures_match_on_any_line():
    sigs = [{"id": "anchored", "cause": "cause-a", "source": "client-exception", "strength": "strong",
             "weight": 0.9, "regex": r"^websockets\.exceptions\.InvalidStatus: .*HTTP 505$"}]
    index = {"signatures": sigs, "causes": {"cause-a": {"title": "a", "prior": 1, "fix": "f", "next": "n"}}}
    engine = Lookup(index)
    engine.add_text("Traceback (most recent call last):\n  File x\n"
                    "websockets.exceptions.InvalidStatus: server rejected WebSocket connection: HTTP 505\nmore")
    hit = engine.ranked().causes[0]
    assert hit.count == 1 and hit.evidence[0].line == 3
