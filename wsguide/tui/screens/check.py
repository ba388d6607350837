"""Check my nginx config: audit a config file (or paste one) and take the findings as evidence."""

from __future__ import annotations

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Input, Static

from ...errors import UserError
from ..state import ConfigChecked
from .base import WizardScreen

HINT = ("Check nginx.conf (its includes are followed), a site's .conf or a copy of /etc/nginx for "
        "WebSocket mistakes. Or paste the config, nginx -T too, with the error (ctrl+o).")
SHOWN = 6
"""Findings listed; the ranking panel and `wsguide audit` have the rest."""


class CheckScreen(WizardScreen):
    BINDINGS = [
        Binding("ctrl+n", "continue", "Next", priority=True),
        Binding("ctrl+o", "paste_config", "Paste a config", priority=True),
        Binding("escape", "back", "Back", priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.checked: ConfigChecked | None = None
        self.running = False

    def compose_main(self) -> ComposeResult:
        yield Static(HINT, id="check-hint")
        yield Input(placeholder="/etc/nginx/nginx.conf", id="config-path")
        yield Static("", id="findings")
        with Horizontal(id="check-buttons"):
            yield Button("Paste one (ctrl+o)", id="paste-config")
            yield Button("Check (enter)", id="check", variant="primary")
            yield Button("Next (ctrl+n)", id="continue", disabled=True)

    def on_mount(self) -> None:
        self.sub_title = "Check my nginx config"
        self.query_one("#config-path", Input).focus()

    @on(Input.Submitted, "#config-path")
    @on(Button.Pressed, "#check")
    def action_check(self) -> None:
        if self.running:
            return
        path = self.query_one("#config-path", Input).value
        if not path.strip():
            self.notify("Give the path of nginx.conf (or a site's .conf file).", severity="warning")
            return
        self.running = True
        self.query_one("#findings", Static).update(Text(f"Reading {path.strip()} ...", style="dim"))
        self._read(path)

    @work(thread=True, exclusive=True, group="check")
    def _read(self, path: str) -> None:
        # A whole /etc/nginx tree takes a moment: off the UI thread. The session is updated
        # back on it (`_done`).
        try:
            result = self.wizard.read_config(path)
        except UserError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - shown on screen; a bad file must not end the wizard
            self.app.call_from_thread(self._failed, f"cannot check {path.strip()}: {exc}")
            return
        self.app.call_from_thread(self._done, result)

    def _failed(self, message: str) -> None:
        self.running = False
        self.query_one("#findings", Static).update(Text(message, style="bold red"))

    def _done(self, result) -> None:  # type: ignore[no-untyped-def]
        self.running = False
        self.checked = checked = self.wizard.add_config(result)
        out = Text()
        files = len(checked.files)
        if not checked.checks:
            out.append(f"No findings in {files} file(s). ", style="bold")
            if not checked.ws_locations:
                out.append("No location proxies WebSockets here (proxy_pass with the Upgrade header, or a "
                           "ws/socket path): check the file that has it.")
            else:
                out.append("The config shows none of the known mistakes: that counts against them.")
        else:
            out.append(f"{len(checked.checks)} finding(s) in {files} file(s), each counted as evidence:\n",
                       style="bold")
            order = {"error": 0, "warning": 1, "info": 2}
            for c in sorted(checked.checks, key=lambda c: order.get(c.severity, 3))[:SHOWN]:
                out.append(f" {c.severity} ", style="reverse" if c.severity == "error" else "dim reverse")
                out.append(f" {c.where}: {c.title}\n")
            if len(checked.checks) > SHOWN:
                out.append(f" ... and {len(checked.checks) - SHOWN} more (wsguide audit lists them all)\n",
                           style="dim")
        for note in checked.notes[:2]:
            out.append(f"note: {note}\n", style="dim")
        out.rstrip()
        self.query_one("#findings", Static).update(out)
        self.offer_next()

    def on_paste(self, event: events.Paste) -> None:
        # A config pasted here (more than one line) is diagnosed on the paste screen; a path
        # pasted into the input stays there.
        if "\n" in event.text.strip():
            event.stop()
            self.wsapp.action_paste(event.text)

    @on(Button.Pressed, "#paste-config")
    def action_paste_config(self) -> None:
        self.wsapp.action_paste()

    @on(Button.Pressed, "#continue")
    def action_continue(self) -> None:
        self.go_next()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "continue" and self.checked is None:
            return None
        return super().check_action(action, parameters)
