"""Human output for lookup: ranked causes with evidence, readable in 80 columns."""

from __future__ import annotations

import re

from ..lookup import LookupResult
from .style import Style

WIDTH = 80
INDENT = "   "
EVIDENCE_LINES = 2  # wrapped lines per evidence line before it is cut with "…"

# "2025/03/14 09:26:53 [error] 2417#2417: *88 " says when and which worker, not what went wrong;
# the JSON output keeps the full line.
_NGINX_PREFIX = re.compile(r"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d (\[\w+\]) \d+#\d+: (\*\d+ )?")


def _wrap(text: str, indent: str = INDENT, width: int = WIDTH, max_lines: int | None = None) -> list[str]:
    """Greedy word wrap (textwrap's import and regexes cost a tenth of a paste's start-up):
    words longer than a line are cut, and a cut-off last line ends with " …"."""
    room = max(width - len(indent), 8)
    lines: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > room:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:room])
            word = word[room:]
        if not current:
            current = word
        elif len(current) + 1 + len(word) <= room:
            current += " " + word
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while len(last) + 2 > room:
            last = last.rsplit(" ", 1)[0] if " " in last else last[: room - 2]
        lines[-1] = last + " …"
    return [indent + line for line in lines] or [indent]


def _evidence(text: str) -> str:
    return _NGINX_PREFIX.sub(r"\1 ", text)


def render(result: LookupResult, style: Style) -> str:
    out: list[str] = []
    if not result.causes:
        out.append(f"No known cause recognised in {result.lines_read} line(s).")
        out += _wrap(
            "Paste the exact browser console line, the nginx error.log lines around the failure "
            "(set `error_log ... info;` to see idle drops), or the backend's log; or run `wsguide` "
            "to be asked the few questions that narrow it down.", "  ")
        return "\n".join(out) + "\n"
    for rank, hit in enumerate(result.causes, 1):
        head = style(f"{rank}. {hit.id}", *(("green", "bold") if rank == 1 else ("bold",)))
        out.append(f"{head}  {style(f'{hit.score:.2f}', 'cyan')}")
        out += _wrap(hit.title)
        for ev in hit.evidence[: 3 if rank == 1 else 1]:
            where = "config line" if ev.source == "audit" else "line"
            for line in _wrap(f"{where} {ev.line}: {_evidence(ev.text)}", INDENT + "> ", max_lines=EVIDENCE_LINES):
                out.append(style(line, "dim"))
        if hit.count > 1:
            out.append(style(f"{INDENT}(matched {hit.count} lines)", "dim"))
        config = [ev for ev in hit.evidence if ev.source == "audit"]
        if config and not hit.strong:
            if all(ev.strength != "strong" for ev in config):
                out.append(style(f"{INDENT}a config check (wsguide audit), not a sign of this failure by itself",
                                 "yellow"))
        elif not hit.strong:
            out.append(style(f"{INDENT}only supporting clues so far; paste more of the log to confirm", "yellow"))
        if rank == 1:
            out += _wrap(f"Fix: {hit.fix}")
            out += _wrap(f"Next: {hit.next}")
            out += _wrap(f"More: wsguide export --cause {hit.id}")
        out.append("")
    out.append(style(f"{result.lines_read} line(s) read.", "dim"))
    return "\n".join(out) + "\n"
