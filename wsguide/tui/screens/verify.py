"""The verification checklist: tick each step as it passes."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import SelectionList, Static

from ..markdown import verify_markdown
from .base import WizardScreen


class VerifyScreen(WizardScreen):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("r", "copy_run", "Copy command"),
        Binding("c", "copy", "Copy all"),
        Binding("s", "save", "Save"),
        Binding("e", "export", "Runbook"),
    ]
    OUTPUT_NAME = "checklist"
    OUTPUT_FILE = "wsguide-checks.md"

    def compose_main(self) -> ComposeResult:
        yield Static("Run each step; tick it with space when it shows what is expected.", id="verify-hint")
        yield SelectionList[int](id="checks")
        yield Static("", id="verify-detail")
        yield Static("", id="verify-done", classes="dim")

    def on_mount(self) -> None:
        self.sub_title = "Verify the fix"
        self.steps = self.wizard.verify_steps()
        checks = self.query_one("#checks", SelectionList)
        for i, s in enumerate(self.steps):
            checks.add_option((Text(f"{i + 1}. {s['step']}"), i))
        if not self.steps:
            self.query_one("#verify-hint", Static).update("No checks yet: diagnose a cause or generate a config.")
        else:
            checks.highlighted = 0  # the first step's command shows at once
        checks.focus()
        self._count()

    @on(SelectionList.SelectionHighlighted, "#checks")
    def _detail(self, event: SelectionList.SelectionHighlighted) -> None:
        step = self.steps[event.selection.value]
        text = Text()
        text.append(f"{step['step']}\n", style="bold")  # in full: the list cuts long ones
        if step.get("run"):
            text.append("$ ", style="dim")
            text.append(f"{step['run']}\n")
        if step.get("expect"):
            text.append("expect: ", style="dim")
            text.append(step["expect"], style="italic")
        self.query_one("#verify-detail", Static).update(text)

    @on(SelectionList.SelectedChanged, "#checks")
    def _count(self) -> None:
        done = len(self.query_one("#checks", SelectionList).selected)
        text = f"{done} of {len(self.steps)} checks passed." + ("  All done." if done == len(self.steps) else "")
        self.query_one("#verify-done", Static).update(text if self.steps else "")

    def output(self) -> str:
        return verify_markdown(self.steps, set(self.query_one("#checks", SelectionList).selected))

    def action_copy_run(self) -> None:
        checks = self.query_one("#checks", SelectionList)
        if checks.highlighted is None or not self.steps:
            return
        run = self.steps[checks.highlighted].get("run", "")
        self.app.copy_to_clipboard(run)
        self.notify(f"Copied: {run[:60]}", markup=False)
