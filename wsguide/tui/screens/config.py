"""Ask only the setup values the fix needs, check each as it is typed, then show the config.

The config comes from `wsguide config`'s generator (via `Wizard.build_config`), with the
diagnosed cause's own fix snippet rendered from the same values.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.validation import ValidationResult, Validator
from textual.widgets import Button, Input, Label, Static, TextArea

from ...errors import UserError
from ..state import Field, check_value
from .base import WizardScreen


class KindValidator(Validator):
    """Validates one field by its kind, with the same rules `wsguide config` applies."""

    def __init__(self, kind: str, optional: bool = False) -> None:
        super().__init__()
        self.kind = kind
        self.optional = optional

    def validate(self, value: str) -> ValidationResult:
        if self.optional and not value.strip():
            return self.success()
        try:
            check_value(self.kind, value)
        except UserError as exc:
            return self.failure(str(exc))
        return self.success()


class ConfigScreen(WizardScreen):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("ctrl+g", "generate", "Generate", priority=True),
    ]

    def __init__(self, cause: str | None) -> None:
        super().__init__()
        self.cause = cause
        self.fields: list[Field] = []

    def compose_main(self) -> ComposeResult:
        self.fields = self.wizard.fields(self.cause)
        if self.cause:
            intro = Text.assemble("The fix for ", (self.wizard.cause(self.cause)["title"], "bold"),
                                  f" needs {len(self.fields)} value(s). Each is checked as you type; "
                                  "Enter moves on.")
        else:
            intro = Text("Your setup, in 4 values. Each is checked as you type; Enter moves on.")
        with VerticalScroll(id="config-form"):
            yield Static(intro, id="config-intro")
            for f in self.fields:
                yield Label(f.ask, classes="field-label", markup=False)
                optional = self.cause is None and f.name == "timeout"
                yield Input(f.initial, placeholder=f.default or "derived from your setup", id=f"field-{f.name}",
                            validators=[KindValidator(f.kind, optional)], validate_on=["changed", "submitted"],
                            compact=True)
                yield Static("", id=f"error-{f.name}", classes="error", markup=False)
            yield Static("", id="config-error", classes="error", markup=False)
            yield Button("Generate the config (ctrl+g)", id="generate", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Your setup"
        first = self.query(Input)
        if first:
            first.first().focus()
        guessed = [f.name for f in self.fields if f.guess]
        if guessed:
            self.notify(f"Filled in from your paste: {', '.join(guessed)}. Check them.")

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        name = (event.input.id or "").removeprefix("field-")
        result = event.validation_result
        text = "" if result is None or result.is_valid else "; ".join(result.failure_descriptions)
        error = self.query_one(f"#error-{name}", Static)
        error.update(text)
        error.display = bool(text)

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        index = inputs.index(event.input)
        if index + 1 < len(inputs):
            inputs[index + 1].focus()
        else:
            self.action_generate()

    @on(Button.Pressed, "#generate")
    def action_generate(self) -> None:
        values = {f.name: self.query_one(f"#field-{f.name}", Input).value for f in self.fields}
        error = self.query_one("#config-error", Static)
        try:
            self.wizard.build_config(self.cause, values)
        except UserError as exc:
            error.update(str(exc))
            name = str(exc).split(":", 1)[0]
            if any(f.name == name for f in self.fields):
                self.query_one(f"#field-{name}", Input).focus()
            return
        error.update("")
        self.app.push_screen(ConfigOutputScreen())


class ConfigOutputScreen(WizardScreen):
    """The generated files, in a read-only editor (scrolls sideways: config lines are long)."""

    BINDINGS = [
        Binding("escape", "back", "Change values"),
        Binding("v", "verify", "Checks"),
        Binding("e", "export", "Runbook"),
        Binding("c", "copy", "Copy"),
        Binding("s", "save", "Save"),
    ]
    OUTPUT_NAME = "config"
    OUTPUT_FILE = "wsguide-nginx.conf"

    def compose_main(self) -> ComposeResult:
        config = self.wizard.config
        assert config is not None
        where = ", ".join(config.files)
        yield Static(f"Install: {where}. Each file starts with a comment saying where it goes. "
                     "c copies, s saves, v lists the checks.", id="config-intro", markup=False)
        yield TextArea(config.text(), id="config-text", read_only=True, soft_wrap=False,
                       show_line_numbers=False)
        notes = Text()
        if config.notes:
            notes.append("Notes\n", style="bold")
            notes.append("\n".join(f"- {n}" for n in config.notes))
        yield Static(notes, id="config-notes")

    def on_mount(self) -> None:
        self.sub_title = "Your config"
        self.query_one("#config-text", TextArea).focus()

    def output(self) -> str:
        config = self.wizard.config
        return config.text() if config else ""

    def action_verify(self) -> None:
        self.wsapp.action_verify()
