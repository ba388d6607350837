"""The wizard app: loads the knowledge base off the UI thread, pushes screens, saves files.

Thin on purpose: behaviour lives in `screens/`, the session in `state.Wizard`, the look in
`wsguide.tcss`. The first screen paints before the knowledge base is read (reading and checking
33 YAML entries takes about a second); anything that needs it waits via `when_ready()`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from . import screens
from .screens.home import HomeScreen

if TYPE_CHECKING:
    from ..kb.loader import KB
    from .state import Wizard


class WsguideApp(App[int]):
    """`wsguide`: paste what you see, answer a few questions, leave with a config and checks."""

    CSS_PATH = "wsguide.tcss"
    TITLE = "wsguide"
    SUB_TITLE = "WebSockets through nginx"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    """Below 110 columns the ranking panel goes under the content (see wsguide.tcss)."""
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("ctrl+t", "toggle_theme", "Light/dark", show=False),
    ]

    def __init__(self, kb: KB | None = None, kb_dirs: list[str] | None = None, paste: str | None = None,
                 theme: str | None = None) -> None:
        """
        Args:
            kb: an already loaded knowledge base (tests); None reads it in a thread after the first paint.
            kb_dirs: extra knowledge directories (`--kb`).
            paste: text to diagnose straight away (`--paste FILE` or piped stdin).
            theme: a Textual theme name; default dark.
        """
        super().__init__()
        self._kb = kb
        self._kb_dirs = kb_dirs or []
        self._paste = paste
        self.wizard: Wizard | None = None
        self.kb_status = "Reading the knowledge base..."
        self._pending: list[Callable[[], object]] = []
        if theme:
            self.theme = theme

    # -- start-up -------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.push_screen(HomeScreen())
        if self._paste is not None:
            self.push_screen(screens.PasteScreen(initial=self._paste))
        if self._kb is not None:
            from .state import Wizard

            self._kb_ready(Wizard(self._kb))
        else:
            # After the first frame: the loader holds the GIL for most of a second and would
            # otherwise delay the first paint.
            self.call_after_refresh(self.run_worker, self._load_kb, thread=True, exclusive=True,
                                    name="load-kb")

    def _load_kb(self) -> None:
        # Off the UI thread: PyYAML, the lint pass and networkx take ~1 s on the full KB.
        from ..errors import UserError
        from ..kb.loader import kb_dirs, load
        from .state import Wizard

        try:
            kb, problems = load(kb_dirs(self._kb_dirs))
            if not kb.causes:
                raise UserError(str(problems[0]) if problems else "the knowledge base has no causes")
            wizard = Wizard(kb)
        except Exception as exc:  # noqa: BLE001 - shown on screen; the app must not die on a bad KB
            self.call_from_thread(self._kb_failed, f"{exc}")
            return
        self.call_from_thread(self._kb_ready, wizard, len(problems))

    def _kb_ready(self, wizard: Wizard, problems: int = 0) -> None:
        self.wizard = wizard
        self.kb_status = f"{len(wizard.kb.causes)} causes, {len(wizard.kb.questions)} questions."
        if problems:
            # A KB being edited can have dangling references; diagnose with what is valid.
            self.notify(f"The knowledge base has {problems} problem(s); run `wsguide kb check`. "
                        "Continuing with the valid entries.", severity="warning", timeout=6)
        self._refresh_screens()
        pending, self._pending = self._pending, []
        for callback in pending:
            callback()

    def _kb_failed(self, message: str) -> None:
        self.kb_status = f"Cannot read the knowledge base: {message}"
        self._pending.clear()
        self._refresh_screens()
        self.notify(self.kb_status, severity="error", timeout=10, markup=False)

    def _refresh_screens(self) -> None:
        for screen in self.screen_stack:
            refresh = getattr(screen, "kb_changed", None) if screen.is_mounted else None
            if refresh is not None:
                refresh()

    def when_ready(self, callback: Callable[[], object]) -> None:
        """Run `callback` now if the knowledge base is loaded, else as soon as it is."""
        if self.wizard is not None:
            callback()
        elif self.kb_status.startswith("Cannot"):
            self.notify(self.kb_status, severity="error", markup=False)
        else:
            self._pending.append(callback)

    # -- navigation -----------------------------------------------------------------------

    def _open(self, factory: Callable[[], Screen[None]]) -> None:
        self.when_ready(lambda: self.push_screen(factory()))

    # Screens other than home are imported on first use (see screens/__init__.py).

    def action_paste(self, text: str | None = None) -> None:
        # At once, even before the knowledge base is read: the paste screen diagnoses when it is.
        self.push_screen(screens.PasteScreen(initial=text))

    def action_questions(self) -> None:
        self._open(lambda: screens.QuestionScreen())

    def action_config(self) -> None:
        self._open(lambda: screens.ConfigScreen(cause=None))

    def action_check(self) -> None:
        self._open(lambda: screens.CheckScreen())

    def action_probe(self) -> None:
        self._open(lambda: screens.LiveScreen())

    def action_browse(self) -> None:
        self._open(lambda: screens.BrowseScreen())

    def action_result(self) -> None:
        self._open(lambda: screens.ResultScreen())

    def action_verify(self) -> None:
        self._open(lambda: screens.VerifyScreen())

    def action_start_over(self) -> None:
        if self.wizard is not None:
            self.wizard.reset()
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.notify("Started over: nothing pasted, nothing answered.")

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    def action_export(self) -> None:
        """Save the whole session as a markdown runbook."""
        self.when_ready(lambda: self.save_text("session runbook", "wsguide-runbook.md",
                                               lambda: self.wizard.runbook() if self.wizard else ""))

    def save_text(self, what: str, name: str, produce: Callable[[], str]) -> None:
        """Ask for a path (never overwriting without asking) and write `produce()` there."""
        from .dialogs import SaveDialog
        from .screens.base import default_path

        def chosen(path: Path | None) -> None:
            if path is None:
                return
            try:
                path.write_text(produce(), encoding="utf-8")
            except OSError as exc:
                self.notify(f"Cannot write {path}: {exc.strerror or exc}", severity="error", markup=False)
                return
            self.saved = path
            self.notify(f"Saved the {what} to {path}", markup=False)

        self.push_screen(SaveDialog(what, default_path(name)), chosen)

    saved: Path | None = None
    """The last file written (tests and the status line read it)."""

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield SystemCommand("Paste what you see", "Diagnose an error message or log lines", self.action_paste)
        yield SystemCommand("Answer questions", "Diagnose by answering a few questions", self.action_questions)
        yield SystemCommand("Check my nginx config", "Static checks of nginx.conf, as evidence", self.action_check)
        yield SystemCommand("Test a URL live", "Handshake and idle test of a ws:// or wss:// URL, as evidence",
                            self.action_probe)
        yield SystemCommand("Show the diagnosis", "The most likely cause, in full", self.action_result)
        # On a cause (the diagnosis, a browsed entry) the config is that cause's fix; elsewhere generic.
        yield SystemCommand("Generate a config", "A tested nginx config for WebSockets",
                            getattr(screen, "action_config", self.action_config))
        yield SystemCommand("Verification checklist", "How to check the fix works", self.action_verify)
        yield SystemCommand("Export the session as a runbook", "Markdown: evidence, cause, config, checks",
                            self.action_export)
        yield SystemCommand("Browse the knowledge", "Every known cause, in full", self.action_browse)
        yield SystemCommand("Start over", "Forget what was pasted and answered", self.action_start_over)
        yield SystemCommand("Light/dark theme", "Switch between the light and dark theme", self.action_toggle_theme)
        yield from super().get_system_commands(screen)
