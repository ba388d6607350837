"""Paste what you see. Each paste adds evidence; the screen says which lines matched."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Static, TextArea

from ..widgets.ranking import short_line
from .base import WizardScreen

HINT = ("Paste error messages or log lines (browser console, nginx error.log, client exception, "
        "curl -i). Then press ctrl+d. Several pastes add up.")
MATCHES_SHOWN = 6


class PasteScreen(WizardScreen):
    BINDINGS = [
        Binding("ctrl+d", "diagnose", "Diagnose", priority=True),
        Binding("ctrl+n", "continue", "Continue", priority=True),
        Binding("escape", "back", "Back", priority=True),
    ]

    def __init__(self, initial: str | None = None) -> None:
        super().__init__()
        self.initial = initial
        self.pasted = 0
        """How many pastes this screen added (Continue is offered after the first)."""

    def compose_main(self) -> ComposeResult:
        yield Static(HINT, id="paste-hint")
        yield TextArea(self.initial or "", id="paste-text", soft_wrap=True, show_line_numbers=False)
        yield Static("", id="matches")
        with Horizontal(id="paste-buttons"):
            yield Button("Diagnose (ctrl+d)", id="diagnose", variant="primary")
            yield Button("Continue (ctrl+n)", id="continue", disabled=True)

    def on_mount(self) -> None:
        self.sub_title = "Paste what you see"
        self.query_one("#paste-text", TextArea).focus()
        if self.initial:
            # Opened with --paste or piped text: diagnose it as soon as the KB is there.
            self.wsapp.when_ready(self.action_diagnose)

    @on(Button.Pressed, "#diagnose")
    def action_diagnose(self) -> None:
        area = self.query_one("#paste-text", TextArea)
        text = area.text
        if not text.strip():
            self.notify("Paste something first: an error message or a few log lines.", severity="warning")
            return
        if self.wsapp.wizard is None:
            self.wsapp.when_ready(self.action_diagnose)
            self.notify("Reading the knowledge base; diagnosing as soon as it is loaded.")
            return
        matches = self.wizard.paste(text)
        self.pasted += 1
        area.clear()
        self._show(matches, len(text.splitlines()))
        self.update_ranking()
        button = self.query_one("#continue", Button)
        button.disabled = False
        button.focus()
        self.refresh_bindings()

    def _show(self, matches: list, lines: int) -> None:
        out = Text()
        n = len(self.wizard.session.pastes)
        if not matches:
            out.append(f"Paste {n}: none of its {lines} line(s) matched a known message. ", style="bold")
            out.append("Paste more (the browser console, error.log), or Continue to answer questions.")
        else:
            causes = len({m.cause for m in matches})
            out.append(f"Paste {n}: {len(matches)} matching line(s), pointing to {causes} cause(s):\n", style="bold")
            for m in matches[:MATCHES_SHOWN]:
                out.append(f" line {m.line} ", style="reverse" if m.strength == "strong" else "dim reverse")
                out.append(f" {short_line(m.text)[:160]}\n")
                out.append(f"   -> {m.title}" + (" (names the cause)" if m.strength == "strong" else "") + "\n",
                           style="italic")
            if len(matches) > MATCHES_SHOWN:
                out.append(f" ... and {len(matches) - MATCHES_SHOWN} more\n", style="dim")
        self.query_one("#matches", Static).update(out)

    @on(Button.Pressed, "#continue")
    def action_continue(self) -> None:
        if self.wsapp.wizard is None:
            self.wsapp.when_ready(self.action_continue)
            return
        if self.query_one("#paste-text", TextArea).text.strip():
            self.action_diagnose()  # what is still in the box counts too
        if self.wizard.next_question() is None:
            self.wsapp.action_result()
        else:
            self.wsapp.action_questions()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "continue" and not (self.wsapp.wizard and self.wsapp.wizard.has_evidence):
            return None  # shown dimmed until there is something to continue with
        return super().check_action(action, parameters)
