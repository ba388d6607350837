"""A non-editable install works: the wheel carries knowledge/ and finds it via importlib.resources."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

import pytest
from helpers import ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                            "-q", "-w", str(out), str(ROOT)], capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr
    wheel = next(out.glob("wsguide-*.whl"))
    target = out / "site"
    inst = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
                           str(wheel)], capture_output=True, text=True, timeout=300)
    assert inst.returncode == 0, inst.stderr
    return wheel, target


def test_wheel_ships_the_knowledge_base(installed):
    wheel, _ = installed
    names = zipfile.ZipFile(wheel).namelist()
    causes = [n for n in names if n.startswith("wsguide/knowledge/causes/") and n.endswith(".yaml")]
    assert len(causes) == len(list((ROOT / "knowledge/causes").glob("*.yaml")))
    assert "wsguide/knowledge/questions.yaml" in names
    assert any(n.startswith("wsguide/knowledge/snippets/") for n in names)


def test_installed_package_uses_its_own_knowledge(installed, tmp_path):
    _, target = installed
    env = {**os.environ, "PYTHONPATH": str(target), "XDG_CACHE_HOME": str(tmp_path)}
    env.pop("WSGUIDE_BUILTIN_KB", None)
    probe = ("import wsguide.kb.paths as p, json; print(json.dumps(str(p.builtin_dir())))")
    where = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env,
                           cwd=tmp_path, timeout=60)
    assert json.loads(where.stdout).startswith(str(target)), where.stdout + where.stderr
    res = subprocess.run([sys.executable, "-m", "wsguide", "lookup", "--json",
                          "upstream timed out (110: Connection timed out) while proxying upgraded connection"],
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["causes"][0]["id"] == "proxy-read-timeout"
