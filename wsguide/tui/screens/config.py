"""Ask only the setup values the fix needs, check each as it is typed, then show the config.

The config comes from `wsguide config`'s generator (via `Wizard.build_config`), with the
diagnosed cause's own fix snippet rendered from the same values.
"""

from __future__ import annotations

from typing import cast

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.validation import ValidationResult, Validator
from textual.widgets import Button, Checkbox, Input, Label, Select, Static, TextArea

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


class Tick(Checkbox):
    """A tick box where Enter moves on (as in the text fields) and space ticks."""

    BINDINGS = [
        Binding("space", "toggle_button", "Tick", show=False),
        Binding("enter", "app.focus_next", "Next", show=False),
    ]


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
        own = [f for f in self.fields if not f.site]
        how = "Each value is checked as you type. Enter or Tab moves on, space ticks a box, ctrl+g generates."
        if self.cause and own:
            intro = Text.assemble("The fix for ", (self.wizard.cause(self.cause)["title"], "bold"),
                                  f" needs {len(own)} value(s); then your site's options. {how}")
        else:
            intro = Text(f"Your site, for a complete nginx config. {how}")
        with VerticalScroll(id="config-form"):
            yield Static(intro, id="config-intro")
            for f in self.fields:
                if f.site and own and f is next(x for x in self.fields if x.site):
                    yield Static("Your site", classes="form-section")
                with Vertical(id=f"row-{f.name}", classes="field"):
                    yield from self._field(f)
            yield Static("", id="config-error", classes="error", markup=False)
            yield Button("Generate the config (ctrl+g)", id="generate", variant="primary", compact=True)

    def _field(self, f: Field) -> ComposeResult:
        label = f.ask + ("  (from your paste)" if f.guess and f.name not in self.wizard.values else "")
        if f.kind == "bool":
            yield Tick(label, f.initial == "yes", id=f"field-{f.name}", compact=True)
            return
        yield Label(label, classes="field-label", markup=False)
        if f.kind == "choice":
            yield Select([(text, value) for value, text in f.choices], value=f.initial, allow_blank=False,
                         id=f"field-{f.name}", compact=True)
            return
        yield Input(f.initial, placeholder=f.example, id=f"field-{f.name}",
                    validators=[KindValidator(f.kind, f.optional)], validate_on=["changed", "submitted"],
                    compact=True)
        yield Static("", id=f"error-{f.name}", classes="error", markup=False)

    def on_mount(self) -> None:
        self.sub_title = "Your setup"
        self._show_relevant()
        first = next((w for w in self.query(".field Input, .field Checkbox, .field Select") if w.display), None)
        if first is not None:
            first.focus()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # The field in the middle: its error line below and a drop-down's options stay in view.
        if event.widget.parent is not None and event.widget.parent.has_class("field"):
            self.query_one("#config-form", VerticalScroll).scroll_to_center(event.widget, animate=False)

    # -- the form's values ----------------------------------------------------------------

    def values(self) -> dict[str, str]:
        out = {}
        for f in self.fields:
            widget = self.query_one(f"#field-{f.name}")
            if isinstance(widget, Checkbox):
                out[f.name] = "yes" if widget.value else "no"
            elif isinstance(widget, Select):
                out[f.name] = str(widget.value)
            else:
                out[f.name] = cast(Input, widget).value
        return out

    def _show_relevant(self) -> None:
        """Ask only what applies: the certificate only with TLS, affinity only with several
        backends or socket.io, and so on (`Wizard.relevant` decides)."""
        values = self.values()
        for f in self.fields:
            self.query_one(f"#row-{f.name}").display = self.wizard.relevant(f, values)

    def _changed_value(self, name: str) -> None:
        for other, value in self.wizard.follow_up(name, self.values()).items():
            widgets = self.query(f"#field-{other}")
            if widgets and isinstance(widgets.first(), Input):
                cast(Input, widgets.first()).value = value
        self._show_relevant()

    @on(Checkbox.Changed)
    def _ticked(self, event: Checkbox.Changed) -> None:
        self._changed_value((event.checkbox.id or "").removeprefix("field-"))

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        name = (event.input.id or "").removeprefix("field-")
        result = event.validation_result
        text = "" if result is None or result.is_valid else "; ".join(result.failure_descriptions)
        error = self.query_one(f"#error-{name}", Static)
        error.update(text)
        error.display = bool(text)
        if name in ("more_backends", "upstream", "backend", "ws_backend"):
            self._show_relevant()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        shown = [w for w in self.query(".field Input, .field Checkbox, .field Select")
                 if w.parent is not None and cast(Vertical, w.parent).display]
        if shown and event.input is shown[-1]:
            self.action_generate()
        else:
            self.focus_next()

    @on(Button.Pressed, "#generate")
    def action_generate(self) -> None:
        error = self.query_one("#config-error", Static)
        try:
            self.wizard.build_config(self.cause, self.values())
        except UserError as exc:
            name, _, message = str(exc).partition(": ")
            if any(f.name == name for f in self.fields):
                # Say it beside the field, and go there.
                field_error = self.query(f"#error-{name}")
                if field_error:
                    field_error.first(Static).update(message)
                    field_error.first(Static).display = True
                self.query_one(f"#field-{name}").focus()
                ask = next(f.ask for f in self.fields if f.name == name).rstrip("?")
                error.update(f"Not generated. {ask}: {message}")
            else:
                error.update(f"Not generated: {exc}")
            error.display = True
            return
        error.update("")
        error.display = False
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
        notes = " The notes on the chosen values are at the end." if config.notes else ""
        yield Static(f"Install {where}: each file's first line says where it goes.{notes}",
                     id="config-intro", markup=False)
        # Wrapped to be read at 80 columns, notes after the files as comments so the config
        # gets the height; Copy and Save take the files only (`output()`).
        shown = config.text()
        if config.notes:
            shown += "\n# Notes from wsguide on the values chosen (not part of the files):\n"
            shown += "\n".join(f"# - {n}" for n in config.notes) + "\n"
        yield TextArea(shown, id="config-text", read_only=True, soft_wrap=True, show_line_numbers=False)

    def on_mount(self) -> None:
        self.sub_title = "Your config"
        self.query_one("#config-text", TextArea).focus()

    def output(self) -> str:
        config = self.wizard.config
        return config.text() if config else ""

    def action_verify(self) -> None:
        self.wsapp.action_verify()
