"""Shared fixtures. Real nginx is required under CI (CI=true): missing, the run fails."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
UNDER_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def find_nginx() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None)


def pytest_sessionstart(session: pytest.Session) -> None:
    if UNDER_CI and find_nginx() is None:
        raise pytest.UsageError("CI=true but nginx is not installed: the real-nginx tests must run")


@pytest.fixture(scope="session")
def nginx_bin() -> str:
    path = find_nginx()
    if path is None:
        pytest.skip("nginx is not installed (./scripts/test installs it as root)")
    return path


@pytest.fixture(scope="session")
def kb():
    from wsguide.kb.loader import load_or_fail

    return load_or_fail()


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    # Each test session gets its own index cache, so no test reads a stale one.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "cache"))
