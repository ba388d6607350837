"""Wizard test fixtures: a small KB that exercises the question flow, no cursor blink, 80x24."""

from __future__ import annotations

import asyncio
import inspect
from pathlib import Path

import pytest
from helpers import ROOT

MINI_KB = ROOT / "tests/kb/data/mini-kb"
EXTRA_KB = Path(__file__).parent / "data/kb-extra"
SIZE = (80, 24)
TIMEOUT_LINE = ('2025/03/14 09:26:53 [info] 2417#2417: *88 upstream timed out (110: Connection timed out) '
                'while proxying upgraded connection, client: 203.0.113.9, server: live.example.org, '
                'request: "GET /feed HTTP/1.1", upstream: "http://127.0.0.1:9000/feed", host: "live.example.org"')


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run `async def` tests on a fresh event loop (no pytest-asyncio needed for Pilot)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    args = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    asyncio.run(pyfuncitem.obj(**args))
    return True


@pytest.fixture(autouse=True)
def _mini_kb_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # The generator reads the upgrade-map snippet from the built-in KB directory.
    monkeypatch.setenv("WSGUIDE_BUILTIN_KB", str(MINI_KB))
    monkeypatch.delenv("WSGUIDE_KB_PATH", raising=False)


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """A blinking cursor makes screenshots differ from run to run (harlequin does the same)."""
    from textual.widgets import Input, TextArea

    monkeypatch.setattr(Input, "cursor_blink", False)
    monkeypatch.setattr(TextArea, "cursor_blink", False)


@pytest.fixture(scope="session")
def test_kb():
    """mini-kb (1 cause, `symptom`) plus 2 causes and 2 questions: enough for a real question flow."""
    from wsguide.kb.loader import load_or_fail

    return load_or_fail([MINI_KB, EXTRA_KB])


@pytest.fixture
def make_app(test_kb):
    from wsguide.tui.app import WsguideApp

    def make(**kwargs):
        kwargs.setdefault("kb", test_kb)
        return WsguideApp(**kwargs)

    return make
