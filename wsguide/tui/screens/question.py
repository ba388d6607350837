"""One question at a time: answers as a list, "I don't know" to skip, Why, and Back.

The engine picks the question (the one that best splits the causes still in play) and says when
the diagnosis is settled; this screen only asks and records.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from .base import WizardScreen

DONT_KNOW = "--dont-know"


class QuestionScreen(WizardScreen):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("w", "why", "Why this question?"),
        Binding("r", "result", "Conclude now"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.current: dict[str, Any] | None = None
        self.concluded = False
        """True while the result screen the engine's "settled" opened is on top of this one."""

    def compose_main(self) -> ComposeResult:
        # The question stays in view; the answer list scrolls on its own when it is long.
        yield Static("", id="question-text")
        yield Static("", id="question-help", classes="dim")
        yield OptionList(id="answers")
        with VerticalScroll(id="why-box"):
            yield Static("", id="why", classes="why")
        yield Static("", id="question-progress", classes="dim")

    def on_mount(self) -> None:
        self.sub_title = "A few questions"
        self.ask(self.wizard.next_question())

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        if self.concluded:
            # Back from the result: offer the last answer again, to change it.
            self.concluded = False
            self.action_back()

    def ask(self, question: dict[str, Any] | None, previous: str | None = None) -> None:
        """Show `question` (None: settled, so show the result)."""
        if question is None:
            self.current = None
            self.concluded = True
            self.wsapp.action_result()
            return
        self.current = question
        self.query_one("#question-text", Static).update(Text(question["text"], style="bold"))
        help_text = self.query_one("#question-help", Static)
        help_text.update(Text(question.get("help", "")))
        help_text.display = bool(question.get("help"))
        why = self.query_one("#why", Static)
        why.update(Text.assemble(("Why this question? ", "bold"), question["why"]))
        self.query_one("#why-box").display = False
        answers = self.query_one("#answers", OptionList)
        answers.clear_options()
        answers.add_options([Option(Text(a["label"]), id=a["id"]) for a in question["answers"]])
        answers.add_option(Option("I don't know (skip)", id=DONT_KNOW))
        ids = [a["id"] for a in question["answers"]]
        answers.highlighted = ids.index(previous) if previous in ids else 0
        answers.focus()
        n = len(self.wizard.history)
        self.query_one("#question-progress", Static).update(
            f"{n} answered; they stop once a cause is clear. "
            + ("Esc changes the last answer." if n else "Esc goes back."))
        self.update_ranking()

    @on(OptionList.OptionSelected, "#answers")
    def _answered(self, event: OptionList.OptionSelected) -> None:
        if self.current is None:
            return
        aid = None if event.option.id == DONT_KNOW else event.option.id
        self.wizard.answer(self.current["id"], aid)
        self.ask(self.wizard.next_question())

    def action_why(self) -> None:
        box = self.query_one("#why-box")
        box.display = not box.display

    def action_result(self) -> None:
        self.wsapp.action_result()

    def action_back(self) -> None:
        previous = self.wizard.session.answers.get(self.wizard.history[-1]) if self.wizard.history else None
        qid = self.wizard.back()
        if qid is None:
            if self.app.screen is self:
                self.app.pop_screen()
            return
        self.ask(self.wizard.question(qid), previous)
