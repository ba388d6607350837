"""Human output for lookup: ranked causes with evidence, readable in 80 columns."""

from __future__ import annotations

import textwrap

from ..lookup import LookupResult
from .style import Style

WIDTH = 80


def _wrap(text: str, indent: str, width: int = WIDTH) -> str:
    return textwrap.fill(text, width=width, initial_indent=indent, subsequent_indent=indent,
                         break_long_words=True, break_on_hyphens=False)


def _clip(text: str, room: int) -> str:
    return text if len(text) <= room else text[: room - 1] + "…"


def render(result: LookupResult, style: Style) -> str:
    out: list[str] = []
    if not result.causes:
        out.append(f"No known cause recognised in {result.lines_read} line(s).")
        out.append(_wrap(
            "Paste the exact browser console line, the nginx error.log lines around the "
            "failure (set `error_log ... info;` to see idle drops), or the backend's log; "
            "or run `wsguide` to be asked the few questions that narrow it down.", "  "))
        return "\n".join(out) + "\n"
    for rank, hit in enumerate(result.causes, 1):
        bar = f"{hit.score:.2f}"
        head = f"{rank}. {hit.id}"
        colour = ("green", "bold") if rank == 1 else ("bold",)
        out.append(f"{style(head, *colour)}  {style(bar, 'cyan')}  {hit.title}")
        times = f" (matched {hit.count} line{'s' if hit.count != 1 else ''})" if hit.count > 1 else ""
        for ev in hit.evidence[:3 if rank == 1 else 1]:
            where = f"line {ev.line}: "
            out.append(style(_clip(f"   {where}{ev.text}", WIDTH), "dim"))
        if times:
            out.append(style(f"  {times.strip()}", "dim"))
        if not hit.strong:
            out.append(style("   only supporting clues so far; paste more of the log to confirm", "yellow"))
        if rank == 1:
            out.append(_wrap(f"Fix: {hit.fix}", "   "))
            out.append(_wrap(f"Next: {hit.next}", "   "))
            out.append(_wrap(f"More: wsguide export --cause {hit.id}", "   "))
        out.append("")
    out.append(style(f"{result.lines_read} line(s) read.", "dim"))
    return "\n".join(out) + "\n"
