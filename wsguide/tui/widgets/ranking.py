"""The ranking panel: the causes in play, best first, with the evidence behind each.

Shown on every screen so the user sees the diagnosis move as they paste and answer. Beside the
content on wide terminals; a few unwrapped lines under it on narrow ones (80x24), where the
content needs the width. It only prints what `Wizard.ranking()` returns.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events
from textual.widgets import Static

if TYPE_CHECKING:
    from ..state import Wizard

_LOG_PREFIX = re.compile(r"^\s*(\d{4}/\d\d/\d\d \d\d:\d\d:\d\d \[\w+\] \d+#\d+: (\*\d+ )?)")


_LOGGED = re.compile(r"^(?!wsguide probe: )([^\s:]+:\d+): (.*)$", re.S)


def short_line(text: str) -> str:
    """A pasted line without nginx's timestamp/pid prefix: the words that matched come first."""
    return _LOG_PREFIX.sub("", text.strip())


def evidence_label(ev: dict) -> tuple[str, str]:
    """Where an evidence entry comes from and what it says: a pasted line, a config check
    (the paste's line, or file:line), a live test."""
    source = ev.get("source")
    if source == "audit":
        if ev.get("file") and ev.get("file") != "pasted config":
            text = ev["text"]
            prefix = f"{ev['file']}:{ev.get('config_line', ev['line'])}: "
            return f"config {prefix[:-2]}", text[len(prefix):] if text.startswith(prefix) else text
        return f"config line {ev['line']}", ev["text"]
    if source == "probe":
        logged = _LOGGED.match(ev["text"])  # an error-log line nginx wrote during the test
        if logged:
            return f"live test, {logged[1]}", short_line(logged[2])
        return "live test", ev["text"].removeprefix("wsguide probe: ")
    return f"line {ev['line']}", short_line(ev["text"])


class RankingPanel(Static):
    """Top causes with their share and evidence (pasted lines, answers)."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self._last: tuple[Wizard | None, str] = (None, "")

    def on_resize(self, event: events.Resize) -> None:
        self.show(*self._last)

    @property
    def narrow(self) -> bool:
        return self.screen.has_class("-narrow")

    def show(self, wizard: Wizard | None, loading: str = "") -> None:
        """Redraw from the wizard's current ranking.

        Args:
            wizard: the session, or None while the knowledge base loads.
            loading: what to say instead of a ranking when there is no wizard yet.
        """
        self._last = (wizard, loading)
        narrow = self.narrow
        text = Text(no_wrap=narrow, overflow="ellipsis")
        text.append("Diagnosis" + (": " if narrow else "\n"), style="bold")
        if wizard is None:
            text.append(loading or "Reading the knowledge base...", style="dim")
        elif not wizard.has_evidence:
            text.append(f"{len(wizard.kb.causes)} known causes; nothing to go on yet. "
                        "Paste an error or answer a question.", style="dim")
        else:
            self._ranking(text, wizard, narrow)
        self.update(text)

    def _ranking(self, text: Text, wizard: Wizard, narrow: bool) -> None:
        for i, r in enumerate(wizard.ranking(3 if narrow else 4), 1):
            if narrow and i > 1:
                text.append("\n")
            mark = "▶" if r.id == wizard.top else f"{i}."
            text.append(f"{mark} {r.score:3.0%} ", style="bold reverse" if r.id == wizard.top else "bold")
            text.append(r.title + ("" if narrow else "\n"), style="" if r.id == wizard.top else "dim")
            for ev in r.evidence[: (1 if narrow and i == 1 else 0 if narrow else 2)]:
                text.append("\n   " if narrow else "   ")
                if "line" in ev:
                    where, said = evidence_label(ev)
                    text.append(f"{where}: ", style="dim italic")
                    text.append(said[:200] if narrow else said[:160] + "\n", style="italic")
                else:
                    sign = "+" if ev.get("weight", 0) > 0 else "-"
                    said = ev["text"]
                    if narrow:
                        # One cut line: the answer first, the question after it.
                        question, _, answer = said.partition(" -> ")
                        said = f"{answer} ({question})" if answer else said
                    text.append(f"{sign} {said[:120]}" + ("" if narrow else "\n"), style="dim")
