"""Chromium's own wording for WebSocket failures, and what lookup makes of it.

- `test_browser_lab` (opt-in: WSGUIDE_BROWSER_LAB=1, needs nginx and Debian's chromium): drives
  headless Chromium over CDP through the cases of browser_cases.yaml, asserts what it printed,
  and rewrites browser_wording.json with the recording.
- `test_recorded_wording_lookup` (always): each line of the committed recording, pasted into
  `wsguide lookup`, ranks the case's cause in the top 3 (first, for a case with `first: true`).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from . import browser, harness

OPT_IN = os.environ.get("WSGUIDE_BROWSER_LAB") == "1"
RECORDED = json.loads(browser.WORDING.read_text()) if browser.WORDING.exists() else {"cases": {}}
CASES = {c["id"]: c for c in browser.load_cases()["cases"]}


def _top3(text: str) -> list[str]:
    from wsguide.lookup import lookup_text

    return [c.id for c in lookup_text(text, top=5).causes][:3]


def _lookup_failures(cases: dict) -> list[str]:
    bad = []
    for cid, rec in cases.items():
        first = CASES.get(cid, {}).get("first", False)
        for line in rec["chrome"]:
            text = line.split("] ", 1)[1] if line.startswith("[") else line
            ranked = _top3(text)
            if rec["cause"] not in (ranked[:1] if first else ranked):
                bad.append(f"{cid}: {'first' if first else 'top3'} wanted, got {ranked} "
                           f"for {text!r}")
    return bad


@pytest.mark.parametrize("case_id", sorted(RECORDED["cases"]))
def test_recorded_wording_lookup(case_id: str) -> None:
    rec = RECORDED["cases"][case_id]
    if not rec["chrome"]:
        assert CASES.get(case_id, {}).get("silent"), f"{case_id}: Chromium printed nothing"
        pytest.skip(f"Chromium printed nothing: {CASES[case_id]['silent']}")
    bad = _lookup_failures({case_id: rec})
    assert not bad, "\n".join(bad)


@pytest.mark.nginx
@pytest.mark.timeout(180)
@pytest.mark.skipif(not OPT_IN, reason="opt-in: WSGUIDE_BROWSER_LAB=1 (needs chromium)")
def test_browser_lab() -> None:
    if harness.find_nginx() is None or browser.find_chromium() is None:
        pytest.skip("needs nginx and chromium (apt-get install -y chromium)")
    workdir = Path(tempfile.mkdtemp(prefix="wsguide-browser-lab-"))
    os.chmod(workdir, 0o755)
    try:
        result = asyncio.run(browser.record(workdir))
    finally:
        if not os.environ.get("WSGUIDE_LAB_KEEP"):
            shutil.rmtree(workdir, ignore_errors=True)
    assert not result["left_listening"], "ports still listening after teardown"
    browser.save(result)
    cases = result["cases"]
    assert set(cases) == set(CASES)
    for cid, rec in cases.items():
        if CASES[cid].get("silent"):
            assert not rec["chrome"], f"{cid}: expected a silent console, got {rec['chrome']}"
        else:
            assert rec["chrome"], f"{cid}: Chromium printed nothing; page saw {rec['page']}"
    assert any("close code=1006" in x for x in cases["proxy-read-timeout"]["page"]), cases
    bad = _lookup_failures(cases)
    assert not bad, "\n".join(bad)
