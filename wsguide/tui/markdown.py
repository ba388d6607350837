"""Markdown for what the wizard shows and saves: a cause entry, a checklist, a session.

Plain functions over the KB entry dicts and `state.Wizard`; no Textual. The same text is shown
in a `Markdown` widget, copied to the clipboard and saved to files, so what you see is what you
save. `session_markdown` is a stand-in until `render/runbook.py` provides the shared renderer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .state import Wizard


def _fence(code: str, lang: str = "") -> str:
    ticks = "````" if "```" in code else "```"
    return f"{ticks}{lang}\n{code.rstrip()}\n{ticks}"


def entry_markdown(cause: dict[str, Any], score: float | None = None, fix: str = "") -> str:
    """A cause as a full entry: messages, problem, solution, why, gotchas, myths.

    Args:
        cause: the KB entry.
        score: its share of the ranking, shown in the heading when given.
        fix: the rendered fix snippet (server context), shown under the solution.
    """
    head = f"# {cause['title']}" + (f"  ({score:.0%})" if score is not None else "")
    out = [head, f"`{cause['id']}` - {cause.get('layer', '')}, {cause.get('stage', '')}", "",
           cause.get("summary", "").strip()]
    messages = cause.get("messages", [])
    if messages:
        out += ["", "## Error messages you may see"]
        for m in messages[:8]:
            out.append(f"- *{m.get('program') or m.get('source', '')}*: `{m['text'].strip()[:200]}`")
    if cause.get("problem"):
        out += ["", "## Problem", cause["problem"].strip()]
    fx = cause.get("fix", {})
    if fx:
        out += ["", "## Solution", fx.get("summary", "").strip()]
        out += [f"{i}. {s}" for i, s in enumerate(fx.get("steps", []), 1)]
        if fix:
            out += ["", _fence(fix, "nginx")]
        for extra in fx.get("platforms", []) + fx.get("app", []):
            out += ["", f"**{extra['for']}: {extra['title']}**", "", _fence(extra["code"], extra.get("lang", ""))]
    if cause.get("why"):
        out += ["", "## Why", cause["why"].strip()]
    if cause.get("gotchas"):
        out += ["", "## Gotchas"] + [f"- {g}" for g in cause["gotchas"]]
    if cause.get("myths"):
        out += ["", "## Myths"]
        out += [f"- \"{m['claim']}\" - **{m['verdict']}**: {m['truth']}" for m in cause["myths"]]
    if cause.get("references"):
        out += ["", "## References"] + [f"- {r}" for r in cause["references"]]
    return "\n".join(out).strip() + "\n"


def verify_markdown(steps: list[dict[str, str]], done: set[int] | None = None) -> str:
    """The verification checklist as a markdown task list."""
    done = done or set()
    out = ["# Verify the fix", ""]
    for i, s in enumerate(steps):
        out.append(f"- [{'x' if i in done else ' '}] **{s['step']}**")
        if s.get("run"):
            out.append(f"  `{s['run']}`")
        if s.get("expect"):
            out.append(f"  expect: {s['expect']}")
    return "\n".join(out) + "\n"


def config_markdown(config: Any) -> str:
    """A generated config (`state.ConfigOutput`) with its notes."""
    out = ["# Config", ""]
    for path, content in config.files.items():
        out += [f"## {path}", "", _fence(content, "nginx"), ""]
    for key, body in config.fix_parts.items():
        out += [f"## The fix ({key.replace('_template', '').replace('template', 'server')} context)", "",
                _fence(body, "nginx"), ""]
    if config.notes:
        out += ["## Notes"] + [f"- {n}" for n in config.notes]
    return "\n".join(out).strip() + "\n"


def session_markdown(wizard: Wizard) -> str:
    """The session as a runbook: what was seen, how it was concluded, the fix, the checks."""
    s = wizard.session
    out = ["# WebSocket behind nginx: runbook", ""]
    if s.pastes:
        out += ["## What was pasted", ""]
        for p in s.pastes:
            out += [_fence(p.text[:4000]), ""]
    if s.answers:
        out += ["## Answers", ""]
        out += [f"- {wizard.kb.questions[q]['ask']} **{wizard.answer_label(q, a)}**" for q, a in s.answers.items()]
        out.append("")
    out += ["## Ranking", ""]
    out += [f"{i}. {r.title} (`{r.id}`, {r.score:.0%})" for i, r in enumerate(wizard.ranking(5), 1)]
    out += ["", "## How this was concluded", "", wizard.explain(), ""]
    top = wizard.top
    if top:
        out += [entry_markdown(wizard.cause(top)).replace("# ", "## Cause: ", 1)]
    if wizard.config is not None:
        out += [config_markdown(wizard.config).replace("# Config", "## Config", 1)]
    steps = wizard.verify_steps()
    if steps:
        out += [verify_markdown(steps).replace("# Verify", "## Verify", 1)]
    return "\n".join(out).strip() + "\n"
