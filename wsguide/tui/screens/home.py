"""The first screen: what do you want to do? Pasting an error comes first."""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from .base import WizardScreen

INTRO = ("WebSocket broken behind nginx? Paste what you see - a browser console error, an nginx "
         "error.log line, a client exception - and wsguide names the cause, explains it and writes "
         "the config that fixes it.")

CHOICES = (
    ("paste", "p", "Paste what you see (an error, log lines)"),
    ("questions", "a", "Answer a few questions instead"),
    ("check", "c", "Check my nginx config (a file, or paste it)"),
    ("probe", "t", "Test a URL live (handshake, idle timeout)"),
    ("config", "g", "Generate a config (I know what I need)"),
    ("browse", "b", "Browse the knowledge (every known cause)"),
)


class HomeScreen(WizardScreen):
    BINDINGS = [Binding(key, action, label.split(" (")[0].split(" ")[0]) for action, key, label in CHOICES]

    def compose_main(self) -> ComposeResult:
        yield Static(INTRO, id="intro")
        yield OptionList(*[Option(f"[b]{key}[/b]  {label}", id=action) for action, key, label in CHOICES],
                         id="menu")
        yield Static("", id="kb-status", classes="dim", markup=False)

    def on_mount(self) -> None:
        self.sub_title = "WebSockets through nginx"
        self.kb_changed()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return False  # nothing to go back to from here
        return super().check_action(action, parameters)

    def kb_changed(self) -> None:
        self.query_one("#kb-status", Static).update(
            f"{self.wsapp.kb_status}\nEsc goes back, ctrl+p lists every command, ctrl+t switches light/dark, "
            "ctrl+q quits.")
        self.update_ranking()

    def on_paste(self, event: events.Paste) -> None:
        # Pasting straight onto the first screen is what its text invites: diagnose that.
        if event.text.strip():
            self.wsapp.action_paste(event.text)

    @on(OptionList.OptionSelected, "#menu")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        getattr(self.wsapp, f"action_{event.option.id}")()

    def action_paste(self) -> None:
        self.wsapp.action_paste()

    def action_questions(self) -> None:
        self.wsapp.action_questions()

    def action_config(self) -> None:
        self.wsapp.action_config()

    def action_check(self) -> None:
        self.wsapp.action_check()

    def action_probe(self) -> None:
        self.wsapp.action_probe()

    def action_browse(self) -> None:
        self.wsapp.action_browse()
