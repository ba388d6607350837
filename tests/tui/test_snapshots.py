"""Screenshots of the main screens at 80x24 (pytest-textual-snapshot). The flow tests say what
broke; these say that something looks different. Update with `pytest --snapshot-update`."""

from __future__ import annotations

from conftest import SIZE, TIMEOUT_LINE
from textual.widgets import Checkbox, Input, TextArea


async def _to_result(pilot) -> None:
    await pilot.press("p")
    pilot.app.screen.query_one("#paste-text", TextArea).text = TIMEOUT_LINE
    await pilot.press("ctrl+d", "ctrl+n")
    await pilot.pause()


class TestDiagnosis:
    def test_home(self, snap_compare, make_app):
        assert snap_compare(make_app(), terminal_size=SIZE)

    def test_paste_after_diagnosis(self, snap_compare, make_app):
        async def run_before(pilot) -> None:
            await pilot.press("p")
            pilot.app.screen.query_one("#paste-text", TextArea).text = TIMEOUT_LINE
            await pilot.press("ctrl+d")

        assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)

    def test_question_with_why(self, snap_compare, make_app):
        assert snap_compare(make_app(), terminal_size=SIZE, press=["a", "w"])

    def test_result(self, snap_compare, make_app):
        assert snap_compare(make_app(), terminal_size=SIZE, run_before=_to_result)

    def test_wide_terminal_puts_the_ranking_beside(self, snap_compare, make_app):
        assert snap_compare(make_app(), terminal_size=(120, 30), run_before=_to_result)


class TestOutput:
    def test_config_form(self, snap_compare, make_app):
        async def run_before(pilot) -> None:
            await _to_result(pilot)
            await pilot.press("g")

        assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)

    def test_config_output(self, snap_compare, make_app):
        async def run_before(pilot) -> None:
            await _to_result(pilot)
            await pilot.press("g", "ctrl+g")

        assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)

    def test_checklist(self, snap_compare, make_app):
        async def run_before(pilot) -> None:
            await _to_result(pilot)
            await pilot.press("v", "space", "down")

        assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)

    def test_light_theme(self, snap_compare, make_app):
        assert snap_compare(make_app(theme="textual-light"), terminal_size=SIZE)

    def test_config_form_with_tls(self, snap_compare, make_app):
        """The generic form from home with TLS ticked: the certificate and key appear."""
        async def run_before(pilot) -> None:
            await pilot.press("g")
            pilot.app.screen.query_one("#field-tls").focus()
            await pilot.press("space")
            await pilot.pause()

        assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


class TestLive:
    def test_live_form(self, snap_compare, make_app):
        """Test a URL live with its options filled in: Origin, skip TLS verification ticked, an
        error.log path that does not exist (said under it as typed)."""
        async def run_before(pilot) -> None:
            await pilot.press("t")
            screen = pilot.app.screen
            screen.query_one("#probe-url", Input).value = "wss://10.0.0.5:8443/ws"
            screen.query_one("#probe-origin", Input).value = "https://chat.internal"
            screen.query_one("#probe-log", Input).value = "/nonexistent/error.log"
            screen.query_one("#probe-insecure", Checkbox).value = True
            await pilot.pause()

        assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)
