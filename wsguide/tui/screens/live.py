"""Test a URL live: the probe (dns, tcp, tls, handshake, message, idle) in a worker, its stages
shown as they are reported, what it saw taken as evidence."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Checkbox, Input, Label, Static

from ...errors import UserError
from .base import WizardScreen
from .config import Tick

HINT = ("Test the WebSocket endpoint from here: one connection, stage by stage, then it stays "
        "quiet for the idle seconds to catch idle timeouts (a little over the interval you "
        "suspect: 70 for 60 s). On the nginx host, give its error.log (at info level) too.")


class LiveScreen(WizardScreen):
    BINDINGS = [
        Binding("ctrl+n", "continue", "Next", priority=True),
        Binding("escape", "back", "Back", priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        """The stage lines and the outcome of the last test."""
        self.running = False

    def compose_main(self) -> ComposeResult:
        yield Static(HINT, id="live-hint")
        with Horizontal(classes="live-row"):
            yield Label("URL ", classes="live-label")
            yield Input(placeholder="wss://chat.example.com/ws", id="probe-url", compact=True)
        with Horizontal(classes="live-row"):
            yield Label("Idle seconds ", classes="live-label")
            yield Input("0", id="probe-idle", restrict=r"[0-9.]*", compact=True)
            yield Tick("Skip TLS verification", id="probe-insecure", compact=True,
                       tooltip="wss:// with a self-signed or internal certificate")
        with Horizontal(classes="live-row"):
            yield Label("Origin ", classes="live-label")
            yield Input(placeholder="optional, e.g. https://chat.example.com", id="probe-origin", compact=True)
        with Horizontal(classes="live-row"):
            yield Label("error.log ", classes="live-label")
            yield Input(placeholder="optional, on the nginx host: /var/log/nginx/error.log",
                        id="probe-log", compact=True)
        yield Static("", id="probe-log-check")
        yield Static("", id="stages")
        with Horizontal(id="live-buttons"):
            yield Button("Test (enter)", id="run", variant="primary")
            yield Button("Next (ctrl+n)", id="continue", disabled=True)

    def on_mount(self) -> None:
        self.sub_title = "Test a URL live"
        self.query_one("#probe-url", Input).focus()

    @on(Input.Changed, "#probe-log")
    def _check_log(self, event: Input.Changed) -> None:
        self.query_one("#probe-log-check", Static).update(
            Text(self.wizard.error_log_problem(event.value), style="red"))

    @on(Input.Submitted)
    @on(Button.Pressed, "#run")
    def action_run(self) -> None:
        if self.running:
            return
        try:
            target, options = self.wizard.probe_target(
                self.query_one("#probe-url", Input).value, self.query_one("#probe-idle", Input).value,
                origin=self.query_one("#probe-origin", Input).value,
                insecure=self.query_one("#probe-insecure", Checkbox).value,
                error_log=self.query_one("#probe-log", Input).value)
        except UserError as exc:
            self.query_one("#stages", Static).update(Text(str(exc), style="bold red"))
            return
        self.running = True
        self.query_one("#run", Button).disabled = True
        self._show_progress(f"Testing {target.url} ...")
        self._probe(target, options)

    def _show_progress(self, message: str) -> None:
        self.query_one("#stages", Static).update(Text(message, style="italic"))

    @work(thread=True, exclusive=True, group="probe")
    def _probe(self, target, options) -> None:  # type: ignore[no-untyped-def]
        def progress(done: float, total: float) -> None:
            if done >= 0:
                self.app.call_from_thread(self._show_progress,
                                          f"Connected. Idle: {done:.0f} s of {total:g} s, still open ...")

        try:
            result = self.wizard.run_probe(target, options, progress)
        except Exception as exc:  # noqa: BLE001 - shown on screen; a failed test must not end the wizard
            self.app.call_from_thread(self._failed, str(exc) or type(exc).__name__)
            return
        self.app.call_from_thread(self._done, result)

    def _failed(self, message: str) -> None:
        self.running = False
        self.query_one("#run", Button).disabled = False
        self.query_one("#stages", Static).update(Text(f"The test could not run: {message}", style="bold red"))

    def _done(self, result) -> None:  # type: ignore[no-untyped-def]
        self.running = False
        self.query_one("#run", Button).disabled = False
        self.lines = self.wizard.add_probe(result)
        out = Text()
        for line in self.lines[:-1]:
            out.append(line + "\n", style="red" if line.startswith("✗") else "")
        out.append(self.lines[-1], style="bold green" if result.ok else "bold red")
        self.query_one("#stages", Static).update(out)
        self.offer_next()

    @on(Button.Pressed, "#continue")
    def action_continue(self) -> None:
        self.go_next()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "continue" and not self.lines:
            return None
        return super().check_action(action, parameters)
