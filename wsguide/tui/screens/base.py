"""What every wizard screen shares: header, the ranking panel beside the content, footer,
Escape to go back, and copy/save of whatever the screen outputs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header

from ..widgets import RankingPanel

if TYPE_CHECKING:
    from ..app import WsguideApp
    from ..state import Wizard


class WizardScreen(Screen[None]):
    """Base for the wizard's screens. Subclasses implement `compose_main()`; screens with
    output implement `output()` and set `OUTPUT_NAME`, which turns on Copy and Save."""

    BINDINGS = [Binding("escape", "back", "Back")]
    OUTPUT_NAME = ""
    """What `output()` is, for messages and the default file name ("" = no output here)."""
    OUTPUT_FILE = "wsguide.md"

    @property
    def wsapp(self) -> WsguideApp:
        return cast("WsguideApp", self.app)

    @property
    def wizard(self) -> Wizard:
        wizard = self.wsapp.wizard
        assert wizard is not None, "screens that need the knowledge base open via app.when_ready()"
        return wizard

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            with Vertical(id="main"):
                yield from self.compose_main()
            yield RankingPanel(id="ranking")
        yield Footer(compact=True)

    def compose_main(self) -> ComposeResult:
        yield from ()

    def on_screen_resume(self) -> None:
        self.update_ranking()

    def update_ranking(self) -> None:
        self.query_one(RankingPanel).show(self.wsapp.wizard, self.wsapp.kb_status)

    def go_next(self) -> None:
        """Where #continue leads: the result when the engine is sure, else the questions."""
        if self.wsapp.wizard.next_question() is None:
            self.wsapp.action_result()
        else:
            self.wsapp.action_questions()

    def offer_next(self) -> None:
        """After new evidence: refresh the ranking and enable #continue, labelled with where it
        leads (the engine may already be sure: a line that names the cause)."""
        self.update_ranking()
        button = self.query_one("#continue", Button)
        button.disabled = False
        button.label = ("Show the cause (ctrl+n)" if self.wsapp.wizard.next_question() is None
                        else "Answer questions (ctrl+n)")
        button.refresh(layout=True)
        button.focus()
        self.refresh_bindings()

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()

    # -- output ---------------------------------------------------------------------------

    def output(self) -> str:
        return ""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Copy and Save are hidden from the footer on screens with nothing to copy.
        return not (action in ("copy", "save") and not self.OUTPUT_NAME)

    def action_copy(self) -> None:
        text = self.output()
        self.app.copy_to_clipboard(text)
        self.notify(f"Copied the {self.OUTPUT_NAME} ({len(text.splitlines())} lines). "
                    "If nothing was copied, your terminal blocks OSC 52: use Save.")

    def action_save(self) -> None:
        self.wsapp.save_text(self.OUTPUT_NAME, self.OUTPUT_FILE, self.output)

    def action_export(self) -> None:
        self.wsapp.action_export()


def default_path(name: str) -> str:
    """A file name in the current directory that does not exist yet."""
    stem, dot, ext = name.rpartition(".")
    candidate, n = Path(name), 2
    while candidate.exists():
        candidate = Path(f"{stem}-{n}{dot}{ext}")
        n += 1
    return str(candidate)
