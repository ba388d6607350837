"""Ask where to save; never overwrite without asking. Dismisses with the path, or None."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from .confirm import ConfirmDialog


class SaveDialog(ModalScreen["Path | None"]):
    """A path prompt. Relative paths are relative to the directory wsguide was started in."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, what: str, default: str) -> None:
        super().__init__()
        self.what = what
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(f"Save the {self.what} to (relative to {Path.cwd()}):", classes="dialog-text",
                         markup=False)
            yield Input(self.default, id="path")
            yield Static("", id="save-error", classes="error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Save", id="save", variant="primary")

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#save")
    @on(Input.Submitted, "#path")
    def _save(self) -> None:
        text = self.query_one("#path", Input).value.strip()
        error = self.query_one("#save-error", Static)
        if not text:
            error.update("Type a file name.")
            return
        path = Path(text).expanduser()
        if path.is_dir():
            error.update(f"{path} is a directory; add a file name.")
            return
        if not path.parent.is_dir():
            error.update(f"No such directory: {path.parent}")
            return
        if path.exists():
            def answered(yes: bool | None) -> None:
                if yes:
                    self.dismiss(path.absolute())

            self.app.push_screen(ConfirmDialog(f"{path.absolute()} exists. Overwrite it?", yes="Overwrite"),
                                 answered)
            return
        self.dismiss(path.absolute())
