"""The wizard's other sources of evidence: checking an nginx config (a file, or pasted with the
error) and testing a URL live against a real nginx. Built-in knowledge base: the audit rules and
the probe's signatures live there."""

from __future__ import annotations

import pytest
from conftest import SIZE
from helpers import ERROR_426, INHERITANCE_CONF
from probe.conftest import ORIGIN, lab  # noqa: F401  (the labs harness: one real nginx, module-scoped)
from textual.widgets import Checkbox, Input, Static, TextArea

from wsguide.tui.screens import CheckScreen, HomeScreen, LiveScreen, PasteScreen, QuestionScreen, ResultScreen


@pytest.fixture(scope="module")
def real_kb():
    from wsguide.kb.loader import builtin_dir, load_or_fail

    return load_or_fail([builtin_dir()])


@pytest.fixture
def app(real_kb, monkeypatch):
    monkeypatch.delenv("WSGUIDE_BUILTIN_KB")
    from wsguide.tui.app import WsguideApp

    return WsguideApp(kb=real_kb)


def _text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


@pytest.mark.timeout(120)
async def test_check_a_config_file(app, tmp_path):
    conf = tmp_path / "site.conf"
    conf.write_text(INHERITANCE_CONF)
    async with app.run_test(size=SIZE) as pilot:
        menu = app.screen.query_one("#menu")
        assert "check" in [menu.get_option_at_index(i).id for i in range(menu.option_count)]
        await pilot.press("c")
        assert isinstance(app.screen, CheckScreen)
        await pilot.press("ctrl+n")  # nothing checked yet: Next does nothing
        assert isinstance(app.screen, CheckScreen)

        app.screen.query_one("#config-path", Input).value = str(tmp_path / "missing.conf")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "no such file" in _text(app.screen, "#findings")
        assert not app.wizard.has_evidence

        app.screen.query_one("#config-path", Input).value = str(conf)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = _text(app.screen, "#findings")
        assert "finding(s) in 1 file(s)" in shown and "site.conf:9" in shown
        assert app.wizard.top == "proxy-set-header-inheritance"
        ranking = _text(app.screen, "#ranking")
        assert "config" in ranking and "site.conf:9" in ranking

        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, (QuestionScreen, ResultScreen))
        assert "Your nginx config" in app.wizard.explain()
        runbook = app.wizard.runbook()
        assert "### Config check" in runbook and "site.conf:9" in runbook


@pytest.mark.timeout(120)
async def test_a_config_pasted_with_the_error(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await pilot.press("ctrl+o")  # "Paste a config": the paste screen checks it
        assert isinstance(app.screen, PasteScreen)
        app.screen.query_one("#paste-text", TextArea).text = ERROR_426 + "\n" + INHERITANCE_CONF
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert app.wizard.top == "proxy-set-header-inheritance"
        matches = _text(app.screen, "#matches")
        assert "Lines 2-12 read as an nginx config: 3 finding(s)" in matches
        assert "line 10  proxy_set_header X-Real-IP" in matches and "-> config check: Upgrade headers" in matches
        assert "config line 10" in _text(app.screen, "#ranking")


@pytest.mark.nginx
@pytest.mark.timeout(120)
async def test_test_a_url_live(app, lab):  # noqa: F811
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        assert isinstance(app.screen, LiveScreen)
        app.screen.query_one("#probe-url", Input).value = "http://127.0.0.1/ws"
        await pilot.press("enter")
        await pilot.pause()
        assert "scheme must be ws:// or wss://" in _text(app.screen, "#stages")
        assert not app.wizard.session.probes

        app.screen.query_one("#probe-url", Input).value = lab.url("read-timeout")
        app.screen.query_one("#probe-idle", Input).value = "4"
        app.screen.query_one("#probe-log", Input).value = lab.error_log + ".missing"
        await pilot.pause()
        assert "no such file" in _text(app.screen, "#probe-log-check")  # said as typed
        await pilot.press("enter")
        await pilot.pause()
        assert "error log: " in _text(app.screen, "#stages") and not app.wizard.session.probes
        app.screen.query_one("#probe-log", Input).value = lab.error_log
        await pilot.pause()
        assert _text(app.screen, "#probe-log-check") == ""
        await pilot.press("enter")
        await pilot.pause(0.5)
        assert "Testing" in _text(app.screen, "#stages") or "Idle:" in _text(app.screen, "#stages")
        await app.workers.wait_for_complete()
        await pilot.pause()
        stages = _text(app.screen, "#stages")
        assert "✓ handshake" in stages and "✗ idle" in stages and "Failed at idle" in stages
        assert app.wizard.top == "proxy-read-timeout"
        assert f"{lab.error_log}: " in stages and "written during the test" in stages, stages
        ranking = " ".join(_text(app.screen, "#ranking").split())
        # nginx's own [info] line, from the error log, is the lead cause's evidence
        assert "live test, error.log:" in ranking and "upstream timed out (110" in ranking, ranking
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, (QuestionScreen, ResultScreen))
        runbook = app.wizard.runbook()
        assert "### Live test" in runbook and "FAIL idle" in runbook


@pytest.mark.nginx
@pytest.mark.timeout(60)
async def test_live_options_origin_and_skip_tls(app, lab):  # noqa: F811
    """A self-signed wss:// endpoint works with "Skip TLS verification" ticked, and the Origin
    typed is sent (a backend that checks it answers 403 without)."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        screen = app.screen
        screen.query_one("#probe-url", Input).value = lab.url("tls")
        assert "Failed at tls" in await _run(app, pilot, screen)
        screen.query_one("#probe-insecure", Checkbox).value = True
        assert "Worked: every stage passed" in await _run(app, pilot, screen)

        screen.query_one("#probe-insecure", Checkbox).value = False
        screen.query_one("#probe-url", Input).value = lab.url("origin-check")
        screen.query_one("#probe-origin", Input).value = "not\nan origin"
        assert "is not an origin" in await _run(app, pilot, screen)
        screen.query_one("#probe-origin", Input).value = ORIGIN
        assert "Worked: every stage passed" in await _run(app, pilot, screen)


async def _run(app, pilot, screen) -> str:
    """Test (enter in the URL field; a quick second click on the button would be a double click),
    wait for the live test to finish, and return what the stages panel shows."""
    screen.query_one("#probe-url", Input).focus()
    await pilot.press("enter")
    await app.workers.wait_for_complete()
    await pilot.pause()
    return _text(screen, "#stages")


async def test_home_lists_both_new_sources(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("t")
        assert isinstance(app.screen, LiveScreen)
        await pilot.press("escape")
        await pilot.press("c")
        assert isinstance(app.screen, CheckScreen)
