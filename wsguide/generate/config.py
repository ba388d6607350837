"""Turn a validated `Setup` into files to install, verification steps and notes.

`generate(setup)` is the API the CLI and the wizard share. Rendering uses jinja2 with
StrictUndefined (a missing value fails, never prints empty) and a `finalize` guard that refuses
any interpolated value carrying nginx syntax (`;`, braces, quotes, `#`, `$`, backslash, control
characters): `params.validate` already refuses them, the guard makes a template slip loud.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UserError
from .params import Setup, format_duration

if TYPE_CHECKING:
    from jinja2 import Environment

TEMPLATES = Path(__file__).parent / "templates"
MAP_SNIPPET = "ws-upgrade-map.conf.j2"
#: Characters no interpolated value may carry: each could end or open a directive or block,
#: start a comment, or make nginx expand a variable.
_UNSAFE = re.compile(r"[;{}\"'\\$#\x00-\x1f\x7f]")


@dataclass
class Result:
    """What `wsguide config` prints: files by install path, then how to check them."""

    files: dict[str, str] = field(default_factory=dict)
    """Install path (relative to the nginx config directory, or the target's own) -> content."""
    verify: list[dict[str, str]] = field(default_factory=list)
    """Steps, each {"step", "run", "expect"}, in the order to run them."""
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"files": self.files, "verify": self.verify, "notes": self.notes}

    def text(self) -> str:
        """All files, one after another (each starts with a comment naming where it goes)."""
        return "\n".join(content.rstrip("\n") + "\n" for content in self.files.values())


def _guard(value: Any) -> Any:
    if isinstance(value, str) and _UNSAFE.search(value):
        raise UserError(f"refusing to print {value[:40]!r} into a config: it contains nginx "
                        "syntax (this is a wsguide bug; please report it)")
    return value


def map_snippet() -> str:
    """The http-level upgrade maps from the knowledge base's snippet (the one source of truth).

    Reads only the snippet file: loading and validating the whole KB is not needed here."""
    from ..kb.loader import builtin_dir

    path = builtin_dir() / "snippets" / MAP_SNIPPET
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot read the upgrade map snippet {path}: {exc.strerror}") from exc


def environment() -> Environment:
    # jinja2 costs ~30 ms to import: only commands that render pay for it.
    from jinja2 import ChoiceLoader, DictLoader, Environment, FileSystemLoader, StrictUndefined

    loader = ChoiceLoader([FileSystemLoader(str(TEMPLATES)),
                           DictLoader({MAP_SNIPPET: map_snippet()})])
    env = Environment(loader=loader, undefined=StrictUndefined, keep_trailing_newline=True,
                      trim_blocks=True, lstrip_blocks=True, autoescape=False, finalize=_guard)
    env.filters["duration"] = format_duration
    return env


def render(env: Environment, template: str, /, **values: Any) -> str:
    from jinja2 import TemplateError

    try:
        text = env.get_template(template).render(**values)
    except TemplateError as exc:
        raise UserError(f"cannot render {template}: {exc}") from exc
    return align_comments(text)


def align_comments(text: str, limit: int = 60) -> str:
    """Line up trailing `# why` comments within each block of consecutive lines."""
    lines = text.split("\n")
    out: list[str] = []
    block: list[tuple[str, str]] = []

    def flush() -> None:
        if not block:
            return
        width = min(limit, max(len(code) for code, _ in block))
        for code, comment in block:
            out.append(f"{code.ljust(width)}  # {comment}" if comment else code)
        block.clear()

    for line in lines:
        code, sep, comment = line.partition("  # ")
        if sep and code.strip() and not code.lstrip().startswith("#"):
            block.append((code.rstrip(), comment))
        else:
            flush()
            out.append(line)
    flush()
    return "\n".join(out)


def generate(setup: Setup) -> Result:
    """Render every file for `setup.target`, with verify steps and notes."""
    from .targets import TARGETS

    env = environment()
    result = TARGETS[setup.target].build(setup, env)
    result.notes = list(setup.notes) + result.notes
    return result
