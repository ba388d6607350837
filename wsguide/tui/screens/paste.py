"""Paste what you see. Each paste adds evidence; the screen says which lines matched."""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Static, TextArea

from ..state import Match
from ..widgets.ranking import short_line
from .base import WizardScreen

HINT = ("Paste errors, log lines or your nginx config (console, error.log, curl -i, nginx -T). "
        "Each paste is diagnosed at once; pastes add up. Typed text: ctrl+d.")
LINES_SHOWN = 3
"""Matching lines listed (each with the causes it points to); the ranking panel has the rest."""


class PasteScreen(WizardScreen):
    BINDINGS = [
        Binding("ctrl+d", "diagnose", "Diagnose", priority=True),
        Binding("ctrl+n", "continue", "Next", priority=True),
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
            yield Button("Next (ctrl+n)", id="continue", disabled=True)

    def on_mount(self) -> None:
        self.sub_title = "Paste what you see"
        self.query_one("#paste-text", TextArea).focus()
        if self.initial:
            # Opened with --paste or piped text: diagnose it as soon as the KB is there.
            self.wsapp.when_ready(self.action_diagnose)

    def on_paste(self, event: events.Paste) -> None:
        # The text area has inserted the pasted text by now (the event bubbles up from it):
        # diagnose it straight away, so the ranking moves as evidence arrives.
        if not event.text.strip():
            return
        area = self.query_one("#paste-text", TextArea)
        if self.focused is not area:
            # Pasted with a button focused (after the last diagnosis): it is evidence all the same.
            area.insert(event.text)
        self.call_after_refresh(self.action_diagnose)  # waits for the knowledge base if need be

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
        self.offer_next()

    def _show(self, matches: list[Match], lines: int) -> None:
        out = Text()
        n = len(self.wizard.session.pastes)
        config = self.wizard.pasted_config
        if config is not None:
            first, last = config.lines[0], config.lines[-1]
            if config.error:
                out.append(f"Lines {first}-{last} look like an nginx config, but it does not parse "
                           f"({config.error}): not checked.\n", style="yellow")
            else:
                gaps = " (with lines left out: they count half)" if config.elided else ""
                out.append(f"Lines {first}-{last} read as an nginx config: {len(config.checks)} finding(s){gaps}.\n",
                           style="italic")
        if not matches:
            out.append(f"Paste {n}: none of its {lines} line(s) matched a known message. ", style="bold")
            out.append("Paste more (the browser console, error.log), or press ctrl+n to answer questions.")
        else:
            by_line: dict[int, list[Match]] = {}
            for m in matches:
                by_line.setdefault(m.line, []).append(m)
            out.append(f"Paste {n}: {len(by_line)} of its {lines} line(s) matched:\n", style="bold")
            width = max(20, self.query_one("#matches", Static).size.width or 76)
            for line, found in list(by_line.items())[:LINES_SHOWN]:
                out.append(f" line {line} ", style="reverse" if found[0].strength == "strong" else "dim reverse")
                out.append(" " + _cut(short_line(found[0].text), width - len(f" line {line}  ")) + "\n")
                for m in found[:3]:
                    mark = " (names the cause)" if m.strength == "strong" and m.source == "paste" else ""
                    said = ("config check: " if m.source == "audit" else "") + m.title + mark
                    out.append("   -> " + _cut(said, width - 6) + "\n", style="italic")
                if len(found) > 3:
                    out.append(f"   and {len(found) - 3} more cause(s)\n", style="dim")
            if len(by_line) > LINES_SHOWN:
                out.append(f" ... and {len(by_line) - LINES_SHOWN} more line(s)\n", style="dim")
        out.rstrip()
        self.query_one("#matches", Static).update(out)

    @on(Button.Pressed, "#continue")
    def action_continue(self) -> None:
        if self.wsapp.wizard is None:
            self.wsapp.when_ready(self.action_continue)
            return
        if self.query_one("#paste-text", TextArea).text.strip():
            self.action_diagnose()  # what is still in the box counts too
        self.go_next()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "continue" and not (self.wsapp.wizard and self.wsapp.wizard.has_evidence):
            return None  # shown dimmed until there is something to continue with
        return super().check_action(action, parameters)


def _cut(text: str, width: int) -> str:
    """One screen line: the matched lines are long, and wrapping them would push the rest away."""
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"
