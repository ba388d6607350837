"""The conclusion: the leading cause as a full entry, how it was reached, and the runner-up."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Markdown

from ...render.markdown import text as md
from .base import WizardScreen


class ResultScreen(WizardScreen):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("g", "config", "Config"),
        Binding("v", "verify", "Checks"),
        Binding("e", "export", "Runbook"),
        Binding("c", "copy", "Copy"),
        Binding("s", "save", "Save"),
        # Out of the footer (80 columns hold no more); the page and the palette's Keys say it.
        Binding("2", "runner_up", "Runner-up in full", show=False),
    ]
    OUTPUT_NAME = "diagnosis"
    OUTPUT_FILE = "wsguide-diagnosis.md"

    def compose_main(self) -> ComposeResult:
        with VerticalScroll(id="result-scroll"):
            yield Markdown(id="result")

    def on_mount(self) -> None:
        self.sub_title = "The diagnosis"
        self.show()
        self.query_one("#result-scroll", VerticalScroll).focus()

    def show(self) -> None:
        self.query_one("#result", Markdown).update(self.output())
        self.update_ranking()

    def output(self) -> str:
        w = self.wizard
        cid = w.top
        if cid is None:
            return "# No causes known\n"
        lead = [f"**How I got here.** {md(w.explain())}", ""]
        if not w.has_evidence:
            lead.insert(0, "*Nothing pasted or answered yet: this is only the most common cause.*\n")
        if w.chosen:
            lead.insert(0, f"*You chose to look at this cause ({w.score(cid):.0%}) instead of the leader.*\n")
        title, _, rest = w.entry(cid).partition("\n")
        second = w.runner_up
        where = ("; the runner-up and how to tell them apart are at the end (**2** shows it in full)"
                 if second is not None else "")
        lead += ["", f"*Next: **g** writes the config with your values, **v** lists the checks, **e** saves "
                 f"the session as a runbook{where}.*"]
        out = [f"{title} ({w.score(cid):.0%})", "", *lead, rest]
        if second is not None:
            other = w.cause(second.id)
            out += ["", f"## Runner-up: {md(other['title'])} ({second.score:.0%})", md(other.get("summary", ""))]
            apart = w.tell_apart(cid, second.id)
            if apart:
                out += ["", "**How to tell them apart:**", *[f"- {md(a)}" for a in apart]]
            out += ["", "Press **2** to see the runner-up in full."]
        out += ["", "**Next:** **g** writes the config with your values, **v** lists the checks, "
                "**e** saves this session as a runbook."]
        return "\n".join(out) + "\n"

    def action_runner_up(self) -> None:
        second = self.wizard.runner_up
        if second is None:
            self.notify("There is no runner-up.")
            return
        self.wizard.chosen = second.id
        self.show()
        self.query_one("#result-scroll", VerticalScroll).scroll_home(animate=False)

    def action_config(self) -> None:
        from .config import ConfigScreen

        self.app.push_screen(ConfigScreen(cause=self.wizard.top))

    def action_verify(self) -> None:
        self.wsapp.action_verify()
