"""The jinja templates of the runbook renderer ship in the wheel, and export runs from it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from helpers import ROOT

TEMPLATES = sorted(p.name for p in (ROOT / "wsguide/render/templates").glob("*.j2"))


@pytest.mark.slow
def test_wheel_carries_templates_and_exports(tmp_path: Path) -> None:
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                            "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr
    wheel = next(tmp_path.glob("wsguide-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert TEMPLATES and all(f"wsguide/render/templates/{t}" in names for t in TEMPLATES)
    site = tmp_path / "site"
    inst = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site),
                           str(wheel)], capture_output=True, text=True, timeout=300)
    assert inst.returncode == 0, inst.stderr
    env = {**os.environ, "PYTHONPATH": str(site), "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "WSGUIDE_BUILTIN_KB": str(ROOT / "tests/kb/data/mini-kb")}
    res = subprocess.run([sys.executable, "-m", "wsguide", "export", "--cause", "proxy-read-timeout"],
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert res.returncode == 0, res.stderr
    assert "## Verify" in res.stdout
