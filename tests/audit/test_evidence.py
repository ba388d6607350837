"""Audit findings are evidence: the engine ranks their causes as it ranks pasted text."""

from __future__ import annotations

import subprocess
import sys

from helpers import ROOT


def test_findings_raise_their_cause_in_a_diagnosis(kb, audit_conf):
    from wsguide.engine.session import Session

    result = audit_conf("location /ws {\n    proxy_pass http://127.0.0.1:8000;\n"
                        "    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection upgrade;\n}\n")
    assert any(f.cause == "http10-upstream" and f.strength == 0.8 for f in result.findings)
    session = Session(kb)
    before = session.posterior()["http10-upstream"]
    session.add_findings(result.findings)
    assert session.posterior()["http10-upstream"] > before
    top = session.ranking(top=3)
    assert "http10-upstream" in [r.id for r in top]
    evidence = next(r for r in session.ranking(top=None) if r.id == "http10-upstream").evidence
    assert any(e.get("file", "").endswith("nginx.conf") and e["line"] == 1 for e in evidence)


def test_lookup_and_the_cli_table_never_load_crossplane(tmp_path):
    code = ("import sys\nfrom wsguide.__main__ import main\n"
            "main(['lookup', '--json', 'Unexpected response code: 400'])\n"
            "import wsguide.cli\nwsguide.cli.build_parser()\n"
            "print('crossplane' in sys.modules, file=sys.stderr)\n")
    env = {"XDG_CACHE_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == "False"
