"""lookup runs in pipes and CI: it must not pay for Textual, networkx, jinja2 or PyYAML.

The import-linter contract (pyproject.toml) sees static imports; this run-time test sees what a
real `wsguide lookup` loads once its index is cached, including deferred imports.
"""

from __future__ import annotations

import json
import subprocess
import sys

from helpers import ROOT

HEAVY = ("textual", "networkx", "jinja2", "yaml", "rich", "crossplane")

PROBE = """
import sys, json
from wsguide.__main__ import main
text = {text!r}
assert main(["lookup", "--json", text]) == 0
print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r}
                        or m.startswith("wsguide.audit"))), file=sys.stderr)
"""
ERROR = "upstream timed out (110: Connection timed out) while proxying upgraded connection"


def _loaded(tmp_path, text: str = ERROR) -> list[str]:
    # The mini KB keeps this test about imports, not about the state of the real entries.
    env = {"XDG_CACHE_HOME": str(tmp_path), "PATH": "/usr/bin:/bin",
           "WSGUIDE_BUILTIN_KB": str(ROOT / "tests/kb/data/mini-kb")}
    code = PROBE.format(heavy=set(HEAVY), text=text)
    for _ in range(2):  # the first run builds the cached index; the second is the warm path
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              cwd=ROOT, env=env, timeout=60)
        assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stderr.strip().splitlines()[-1])


def test_warm_lookup_loads_no_heavy_module(tmp_path):
    """A plain error paste: no audit, no crossplane (they come only with a pasted config)."""
    assert _loaded(tmp_path) == []


def test_a_pasted_config_brings_in_the_audit(tmp_path):
    loaded = _loaded(tmp_path, ERROR + "\nlocation /ws {\n    proxy_pass http://127.0.0.1:8000;\n}\n")
    assert "crossplane" in loaded and "wsguide.audit.pasted" in loaded
    assert not {"textual", "networkx", "jinja2", "yaml"} & {m.split(".")[0] for m in loaded}


def test_cli_package_imports_are_light():
    heavy = set(HEAVY)
    code = f"import sys, wsguide.cli; print(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r}))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.stdout.strip() == "[]", proc.stdout + proc.stderr


# Each of these costs a few ms of a paste's start-up (measured: typing ~3, dataclasses with
# inspect ~6, pathlib ~3, hashlib's OpenSSL ~3, importlib.resources ~3, textwrap ~2); together
# they made `wsguide lookup` miss its 5x `python -c pass` budget. The warm path uses plain
# classes, os.path and zlib instead.
STARTUP_COSTLY = ("typing", "dataclasses", "inspect", "pathlib", "hashlib", "importlib.resources",
                  "textwrap")

COSTLY_PROBE = """
import sys
from wsguide.__main__ import main
assert main(["lookup", {text!r}]) == 0
print(sorted(m for m in sys.modules if m in {costly!r}), file=sys.stderr)
"""


def test_warm_lookup_skips_modules_that_cost_startup_time(tmp_path):
    env = {"XDG_CACHE_HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "NO_COLOR": "1"}
    code = COSTLY_PROBE.format(text=ERROR, costly=set(STARTUP_COSTLY))
    for _ in range(2):  # cold (builds the index: anything goes), then warm
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              cwd=ROOT, env=env, timeout=120)
        assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == "[]", proc.stderr
