"""Whole wizard flows driven with Pilot, asserting on state (screens, session, files)."""

from __future__ import annotations

import pytest
from conftest import SIZE, TIMEOUT_LINE
from textual.widgets import Input, Static, TextArea

from wsguide.tui.dialogs import ConfirmDialog, SaveDialog
from wsguide.tui.screens import (
    ConfigOutputScreen,
    ConfigScreen,
    HomeScreen,
    PasteScreen,
    QuestionScreen,
    ResultScreen,
    VerifyScreen,
)


async def _paste(pilot, text: str) -> None:
    pilot.app.screen.query_one("#paste-text", TextArea).text = text
    await pilot.press("ctrl+d")
    await pilot.pause()


async def test_first_screen_offers_paste(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, HomeScreen)
        menu = app.screen.query_one("#menu")
        assert menu.highlighted == 0 and menu.get_option_at_index(0).id == "paste"
        await pilot.press("enter")
        assert isinstance(app.screen, PasteScreen)


async def test_paste_error_to_config_to_runbook(make_app, tmp_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        assert isinstance(app.screen, PasteScreen)
        await _paste(pilot, TIMEOUT_LINE)
        wizard = app.wizard
        assert wizard.top == "proxy-read-timeout"
        matches = str(app.screen.query_one("#matches", Static).render())
        assert "line 1" in matches and "upstream timed out (110" in matches
        assert app.screen.query_one("#paste-text", TextArea).text == ""  # ready for another paste

        await pilot.press("ctrl+n")  # a strong line settles it: straight to the result
        assert isinstance(app.screen, ResultScreen)
        result = app.screen.output()
        assert "How I got here" in result and "Your paste matched" in result
        assert "## Gotchas" in result and "## Myths" in result and "Runner-up" in result

        await pilot.press("g")
        assert isinstance(app.screen, ConfigScreen)
        values = {i.id: i.value for i in app.screen.query(Input)}
        # Read from the pasted log line, not asked again from scratch.
        assert values["field-host"] == "live.example.org" and values["field-ws_path"] == "/feed"
        assert values["field-upstream"] == "http://127.0.0.1:9000"
        app.screen.query_one("#field-timeout", Input).value = "2h"
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, ConfigOutputScreen)
        config = wizard.config
        assert config is not None and config.values["timeout"] == "2h"
        text = config.text()
        assert "server_name live.example.org" in text and "location /feed" in text
        assert "proxy_read_timeout 2h;" in text  # the cause's own fix, with the typed value
        shown = app.screen.query_one("#config-text", TextArea).text
        assert shown.startswith(text) and all(n in shown for n in config.notes)
        assert app.screen.output() == text  # copy and save take the files without the notes

        await pilot.press("v")
        assert isinstance(app.screen, VerifyScreen)
        assert any("proxy_read_timeout 2h" in s["expect"] for s in app.screen.steps)

        target = tmp_path / "runbook.md"
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, SaveDialog)
        app.screen.query_one("#path", Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, VerifyScreen)
        runbook = target.read_text()
        assert "proxy_read_timeout" in runbook and "live.example.org" in runbook or "runbook" in runbook.lower()

        # Saving again to the same path asks first; "No" leaves the file alone.
        target.write_text("mine")
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#path", Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, SaveDialog)
        await pilot.press("escape")
        assert target.read_text() == "mine"


ANSWERS = {"symptom": "never-connects", "handshake-status": "s400", "drop-interval": "random"}


async def test_questions_only_reach_a_conclusion_with_its_explanation(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        screen = app.screen
        assert isinstance(screen, QuestionScreen) and screen.current["id"] in ANSWERS
        assert not screen.query_one("#why-box").display
        await pilot.press("w")
        assert screen.query_one("#why-box").display
        assert "points to" in str(screen.query_one("#why", Static).render())

        asked = []
        while isinstance(app.screen, QuestionScreen):
            asked.append(screen.current["id"])
            await _choose(pilot, ANSWERS[asked[-1]])
        assert len(asked) >= 2  # the engine needed more than one answer here
        assert isinstance(app.screen, ResultScreen)
        assert app.wizard.top == "missing-upgrade-headers"
        assert app.wizard.session.answers == {q: ANSWERS[q] for q in asked}
        explanation = app.screen.output()
        assert "How I got here" in explanation and "which supports it" in explanation

        # Escape goes back to the last question to change the answer, then the one before.
        await pilot.press("escape")
        assert isinstance(app.screen, QuestionScreen)
        assert app.screen.current["id"] == asked[-1] and asked[-1] not in app.wizard.session.answers
        await pilot.press("escape")
        assert app.screen.current["id"] == asked[-2] and asked[-2] not in app.wizard.session.answers
        for _ in asked[:-2]:
            await pilot.press("escape")
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen) and app.wizard.session.answers == {}


async def test_dont_know_skips_the_question(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        asked = app.screen.current["id"]
        await _choose(pilot, "--dont-know")
        assert asked in app.wizard.session.skipped and asked not in app.wizard.session.answers
        assert not isinstance(app.screen, QuestionScreen) or app.screen.current["id"] != asked


async def _choose(pilot, answer_id: str) -> None:
    answers = pilot.app.screen.query_one("#answers")
    index = next(i for i in range(answers.option_count) if answers.get_option_at_index(i).id == answer_id)
    answers.highlighted = index
    await pilot.press("enter")
    await pilot.pause()


async def test_config_values_are_checked_as_typed(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g")
        assert isinstance(app.screen, ConfigScreen)
        host = app.screen.query_one("#field-host", Input)
        assert host.value == "" and "chat.example.com" in host.placeholder  # an example, not a value
        assert app.screen.focused is host
        await pilot.press(*"a;b}")
        await pilot.pause()
        host_error = app.screen.query_one("#error-host", Static)
        assert host_error.display and "a host name is" in str(host_error.render())

        path = app.screen.query_one("#field-ws_path", Input)
        path.focus()
        path.value = ""
        await pilot.press(*"ws;")
        await pilot.pause()
        error = app.screen.query_one("#error-ws_path", Static)
        assert error.display and "starts with /" in str(error.render())
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, ConfigScreen) and app.wizard.config is None  # nothing generated
        said = str(app.screen.query_one("#config-error", Static).render())
        assert "Not generated" in said and "host name" in said
        assert app.screen.focused is host  # taken to the first bad value

        host.value = "chat.example.com"
        app.screen.query_one("#field-upstream", Input).value = "127.0.0.1:99999"
        await pilot.pause()
        assert "1 to 65535" in str(app.screen.query_one("#error-upstream", Static).render())
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert app.wizard.config is None
        assert "path" in str(app.screen.query_one("#config-error", Static).render())
        path.value = "/live"
        app.screen.query_one("#field-upstream", Input).value = "127.0.0.1:9000"
        await pilot.pause()
        assert not error.display
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, ConfigOutputScreen)
        assert "location /live" in app.wizard.config.text()


async def test_several_pastes_add_up(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        await _paste(pilot, "WebSocket is closed with code 1006")
        first = app.wizard.score("proxy-read-timeout")
        await _paste(pilot, TIMEOUT_LINE)
        assert len(app.wizard.session.pastes) == 2
        assert app.wizard.score("proxy-read-timeout") > first


async def test_opens_on_the_diagnosis_of_given_text(make_app):
    app = make_app(paste=TIMEOUT_LINE)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PasteScreen)
        assert app.wizard.top == "proxy-read-timeout"
        assert "line 1" in str(app.screen.query_one("#matches", Static).render())


async def test_loads_the_kb_in_the_background():
    from wsguide.tui.app import WsguideApp

    app = WsguideApp()  # reads WSGUIDE_BUILTIN_KB (the mini KB) in a worker thread
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.wizard is not None and "proxy-read-timeout" in app.wizard.kb.causes


async def test_ctrl_q_quits_from_a_dialog(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        await _paste(pilot, TIMEOUT_LINE)
        await pilot.press("ctrl+n", "e")
        assert isinstance(app.screen, SaveDialog)
        await pilot.press("ctrl+q")
    assert app.return_code == 0


async def test_command_palette_and_theme(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert {"Paste what you see", "Generate a config", "Export the session as a runbook"} <= set(titles)
        dark = app.theme
        await pilot.press("ctrl+t")
        assert app.theme != dark


async def test_browse_the_knowledge(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b")
        app.screen.query_one("#filter", Input).value = "upgrade"
        await pilot.pause()
        causes = app.screen.query_one("#causes")
        ids = {causes.get_option_at_index(i).id for i in range(causes.option_count)}
        assert "missing-upgrade-headers" in ids and "intermediary-idle-timeout" not in ids


@pytest.mark.timeout(120)
async def test_real_kb_paste_flow(monkeypatch, tmp_path):
    """The built-in knowledge base, end to end (it is being completed in parallel)."""
    from wsguide.errors import KBError
    from wsguide.kb.loader import builtin_dir, load_or_fail

    monkeypatch.delenv("WSGUIDE_BUILTIN_KB")
    try:
        kb = load_or_fail([builtin_dir()])
    except KBError as exc:
        pytest.xfail(f"the built-in KB does not load yet: {exc}")
    from wsguide.tui.app import WsguideApp

    app = WsguideApp(kb=kb, paste=TIMEOUT_LINE)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.wizard.top == "proxy-read-timeout"
        await pilot.press("ctrl+n")
        await pilot.pause()
        if isinstance(app.screen, QuestionScreen):
            await pilot.press("r")
        assert isinstance(app.screen, ResultScreen)
        await pilot.press("g")
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, ConfigOutputScreen)
        assert "proxy_read_timeout" in app.wizard.config.text()
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#path", Input).value = str(tmp_path / "r.md")
        await pilot.press("enter")
        await pilot.pause()
        assert (tmp_path / "r.md").read_text().count("proxy_read_timeout") >= 1


# -- the config form: the options of `wsguide config`, asked only when they apply ----------

PEM_CERT = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
PEM_KEY = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n"


def _shown(screen, name: str) -> bool:
    return bool(screen.query_one(f"#row-{name}").display)


async def _tick(pilot, name: str) -> None:
    box = pilot.app.screen.query_one(f"#field-{name}")
    box.focus()
    await pilot.press("space")
    await pilot.pause()


async def test_generic_config_with_tls_socketio_and_two_backends(make_app, tmp_path):
    cert, key = tmp_path / "fullchain.pem", tmp_path / "privkey.pem"
    cert.write_text(PEM_CERT)
    key.write_text(PEM_KEY)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g")
        screen = app.screen
        assert isinstance(screen, ConfigScreen) and screen.cause is None
        # Asked only when relevant: no certificate without TLS, no affinity with one backend.
        for name in ("cert", "key", "sticky", "backend_tls_verify", "backend_tls_name", "backend_ca"):
            assert not _shown(screen, name), name
        for name in ("host", "ws_path", "upstream", "more_backends", "socketio", "tls", "backend_tls", "timeout"):
            assert _shown(screen, name), name

        screen.query_one("#field-host", Input).value = "chat.example.com"
        await _tick(pilot, "socketio")
        assert screen.query_one("#field-ws_path", Input).value == "/socket.io/"  # follows socket.io
        assert _shown(screen, "sticky")
        await _tick(pilot, "tls")
        assert _shown(screen, "cert") and _shown(screen, "key")
        screen.query_one("#field-more_backends", Input).value = "10.0.0.2:8000"

        # A certificate that is not there: said beside the field, and nothing generated.
        cert_input = screen.query_one("#field-cert", Input)
        cert_input.value = str(tmp_path / "missing.pem")
        await pilot.pause()
        assert "readable file" in str(screen.query_one("#error-cert", Static).render())
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert app.wizard.config is None and screen.focused is cert_input

        cert_input.value = str(cert)
        screen.query_one("#field-key", Input).value = str(key)
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, ConfigOutputScreen)
        text = app.wizard.config.text()
        assert f'ssl_certificate "{cert}"' in text and f'ssl_certificate_key "{key}"' in text
        assert "listen 443 ssl" in text and "location /socket.io/" in text
        assert "server 127.0.0.1:8000" in text and "server 10.0.0.2:8000" in text and "ip_hash;" in text

        # Back to change a value: the form keeps what was typed.
        await pilot.press("escape")
        assert isinstance(app.screen, ConfigScreen)
        await pilot.pause()
        app.screen.query_one("#field-sticky").value = "none"
        await _tick(pilot, "tls")  # off again: the files are not asked, nor used
        assert not _shown(app.screen, "cert")
        await pilot.press("ctrl+g")
        await pilot.pause()
        text = app.wizard.config.text()
        assert "ssl_certificate" not in text and "ip_hash;" not in text and "listen 80" in text


async def test_backend_tls_asks_for_the_certificate_name(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g")
        screen = app.screen
        screen.query_one("#field-host", Input).value = "chat.example.com"
        await _tick(pilot, "backend_tls")
        assert _shown(screen, "backend_tls_verify") and _shown(screen, "backend_tls_name")
        # An address has no name to check the certificate against: the generator says so, and
        # the form points at the field that fixes it.
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert app.wizard.config is None
        assert screen.focused is screen.query_one("#field-backend_tls_name", Input)
        screen.query_one("#field-backend_tls_name", Input).value = "app.internal"
        await pilot.press("ctrl+g")
        await pilot.pause()
        text = app.wizard.config.text()
        assert "proxy_ssl_name app.internal" in text and "proxy_ssl_verify on" in text


async def test_a_pasted_wss_url_turns_on_tls_and_socketio(make_app):
    app = make_app(paste="WebSocket connection to 'wss://chat.example.com/socket.io/?EIO=4&transport=websocket' "
                         "failed: Error during WebSocket handshake: Unexpected response code: 400")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.action_config()
        await pilot.pause()
        screen = app.screen
        assert screen.query_one("#field-tls").value and screen.query_one("#field-socketio").value
        assert screen.query_one("#field-host", Input).value == "chat.example.com"
        assert screen.query_one("#field-ws_path", Input).value == "/socket.io/"
        assert _shown(screen, "cert")
        assert "(from your paste)" in str(screen.query_one("#row-tls Checkbox").label)


# -- paste, checks, browse, keys --------------------------------------------------------------

async def test_a_paste_is_diagnosed_at_once(make_app):
    from textual import events

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        area = app.screen.query_one("#paste-text", TextArea)
        app.post_message(events.Paste(TIMEOUT_LINE))  # as the driver posts a bracketed paste
        await pilot.pause()
        await pilot.pause()
        assert len(app.wizard.session.pastes) == 1 and app.wizard.top == "proxy-read-timeout"
        assert area.text == ""
        button = app.screen.query_one("#continue")
        assert not button.disabled and "Show the cause" in str(button.label)  # says where Next leads


async def test_checks_list_the_generated_steps_first_without_repeats(make_app):
    app = make_app(paste=TIMEOUT_LINE)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+n", "g", "ctrl+g", "v")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, VerifyScreen)
        runs = [s["run"] for s in screen.steps]
        assert runs[0].startswith("sudo ln -sf")  # install first
        assert "sudo nginx -t && sudo nginx -s reload" not in runs  # the generated steps do both
        assert any("proxy_read_timeout" in r for r in runs)  # the cause's own check stays
        detail = str(screen.query_one("#verify-detail", Static).render())
        assert screen.steps[0]["step"] in detail  # the first step's command shows without moving


async def test_browse_opens_the_first_cause_with_enter(make_app):
    from wsguide.tui.screens import CauseScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b", "enter")
        assert isinstance(app.screen, CauseScreen)
        await pilot.press("escape", "slash")
        assert app.screen.focused is app.screen.query_one("#filter", Input)


async def _every_screen(pilot):
    """Walk home -> paste -> result -> config -> config output -> checks, yielding each."""
    app = pilot.app
    yield "home"
    await pilot.press("p")
    await _paste(pilot, TIMEOUT_LINE)
    yield "paste"
    await pilot.press("ctrl+n")
    yield "result"
    await pilot.press("g")
    yield "config"
    await pilot.press("ctrl+g")
    await pilot.pause()
    assert isinstance(app.screen, ConfigOutputScreen)
    yield "config output"
    await pilot.press("v")
    yield "checks"


async def test_escape_goes_back_from_every_screen(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        depth = []
        async for _ in _every_screen(pilot):
            depth.append(len(app.screen_stack))
        assert depth == list(range(depth[0], depth[0] + 6))  # each step opened one screen
        for expected in reversed(depth[:-1]):
            await pilot.press("escape")
            await pilot.pause()
            assert len(app.screen_stack) == expected
        await pilot.press("escape")  # nothing to go back to from home
        assert isinstance(app.screen, HomeScreen)


@pytest.mark.parametrize("where", ["home", "paste", "result", "config", "config output", "checks"])
async def test_ctrl_q_quits_from_every_screen(make_app, where):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        async for name in _every_screen(pilot):
            if name == where:
                break
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0 and not app.is_running


async def test_the_result_footer_fits_80_columns(make_app):
    app = make_app(paste=TIMEOUT_LINE)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        shown = [b for b in app.screen.active_bindings.values() if b.binding.show]
        width = sum(len(b.binding.key_display or b.binding.key) + len(b.binding.description) + 2 for b in shown)
        assert width + len("^p palette") + 2 <= SIZE[0], [b.binding.description for b in shown]


async def test_palette_config_on_the_diagnosis_is_the_causes_fix(make_app):
    app = make_app(paste=TIMEOUT_LINE)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        command = next(c for c in app.get_system_commands(app.screen) if c.title == "Generate a config")
        command.callback()
        await pilot.pause()
        assert isinstance(app.screen, ConfigScreen) and app.screen.cause == "proxy-read-timeout"


async def test_pasting_on_home_and_again_after_a_diagnosis(make_app):
    from textual import events

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.post_message(events.Paste("WebSocket is closed with code 1006"))  # on the first screen
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, PasteScreen) and len(app.wizard.session.pastes) == 1
        assert app.screen.focused is app.screen.query_one("#continue")
        app.post_message(events.Paste(TIMEOUT_LINE))  # the focus is on Next now, not the text box
        await pilot.pause()
        await pilot.pause()
        assert len(app.wizard.session.pastes) == 2 and app.wizard.top == "proxy-read-timeout"


async def test_paste_screen_opens_before_the_kb_is_read():
    from wsguide.tui.app import WsguideApp

    app = WsguideApp()  # reads the mini KB in a worker
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        assert isinstance(app.screen, PasteScreen)
        app.screen.query_one("#paste-text", TextArea).text = TIMEOUT_LINE
        await pilot.press("ctrl+d")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        assert app.wizard is not None and len(app.wizard.session.pastes) == 1
