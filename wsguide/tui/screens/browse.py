"""Browse the knowledge: every cause, filterable, each shown as its full entry."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Input, Markdown, OptionList
from textual.widgets.option_list import Option

from .base import WizardScreen


class BrowseScreen(WizardScreen):
    BINDINGS = [Binding("escape", "back", "Back"), Binding("slash", "filter", "Filter")]

    def action_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def compose_main(self) -> ComposeResult:
        yield Input(placeholder="Filter (/): a word from the title, id or an error message", id="filter")
        yield OptionList(id="causes")

    def on_mount(self) -> None:
        self.sub_title = "The knowledge"
        self._fill("")
        self.query_one("#causes", OptionList).focus()

    @on(Input.Changed, "#filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#filter")
    def _to_list(self) -> None:
        self.query_one("#causes", OptionList).focus()

    def _fill(self, query: str) -> None:
        words = query.lower().split()
        causes = self.query_one("#causes", OptionList)
        causes.clear_options()
        for cid, cause in sorted(self.wizard.kb.causes.items(), key=lambda kv: kv[1]["title"]):
            hay = " ".join([cid, cause["title"], cause.get("summary", "")]
                           + [m["text"] for m in cause.get("messages", [])]).lower()
            if all(w in hay for w in words):
                causes.add_option(Option(Text.assemble(cause["title"], (f"  {cid}", "dim")), id=cid))
        if causes.option_count:
            causes.highlighted = 0  # Enter opens the first at once

    @on(OptionList.OptionSelected, "#causes")
    def _open(self, event: OptionList.OptionSelected) -> None:
        self.app.push_screen(CauseScreen(str(event.option.id)))


class CauseScreen(WizardScreen):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("g", "config", "Config for this"),
        Binding("c", "copy", "Copy"),
        Binding("s", "save", "Save"),
    ]
    OUTPUT_NAME = "entry"

    def __init__(self, cause: str) -> None:
        super().__init__()
        self.cause = cause
        self.OUTPUT_FILE = f"{cause}.md"

    def compose_main(self) -> ComposeResult:
        with VerticalScroll(id="cause-scroll"):
            yield Markdown(self.output(), id="cause")

    def on_mount(self) -> None:
        self.sub_title = self.cause
        self.query_one("#cause-scroll", VerticalScroll).focus()

    def output(self) -> str:
        return self.wizard.entry(self.cause)

    def action_config(self) -> None:
        from .config import ConfigScreen

        self.wizard.chosen = self.cause
        self.app.push_screen(ConfigScreen(cause=self.cause))
