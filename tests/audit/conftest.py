"""Fixtures for audit tests: the KB's rules (loaded once) and a helper to audit config text."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # `tests.labs.harness` for the lab renderer


@pytest.fixture(scope="session")
def rules(kb):
    from wsguide.audit import rules_from_kb

    return rules_from_kb(kb)


@pytest.fixture
def audit_conf(rules, tmp_path):
    """Write files into tmp_path and audit the first (or given) one; returns the AuditResult."""
    from wsguide.audit import Options, audit

    def run(files: dict[str, str] | str, *paths: str, ws_paths=(), nginx_version=None):
        if isinstance(files, str):
            files = {"nginx.conf": files}
        for name, text in files.items():
            p = tmp_path / name
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text)
        targets = [str(tmp_path / p) for p in (paths or [next(iter(files))])]
        return audit(targets, Options(list(ws_paths), nginx_version), rules=rules)

    return run


def causes(result) -> set[str]:
    return {f.cause for f in result.findings}
