"""Markdown for the verification checklist as the wizard shows, copies and saves it.

Cause entries and session runbooks come from `render/runbook.py` (the renderer `wsguide export`
and `wsguide diagnose --runbook` use); only the checklist with its ticks is the wizard's own.
"""

from __future__ import annotations


def verify_markdown(steps: list[dict[str, str]], done: set[int] | None = None) -> str:
    """The verification checklist as a markdown task list, ticked where `done` says."""
    done = done or set()
    out = ["# Verify the fix", ""]
    for i, s in enumerate(steps):
        out.append(f"- [{'x' if i in done else ' '}] **{s['step']}**")
        if s.get("run"):
            out.append(f"  `{s['run']}`")
        if s.get("expect"):
            out.append(f"  expect: {s['expect']}")
    return "\n".join(out) + "\n"
