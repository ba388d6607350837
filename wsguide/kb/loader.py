"""Find, read and validate knowledge-base directories.

A knowledge directory holds `causes/<id>.yaml`, optionally `questions.yaml` and `snippets/*.j2`.
The built-in one ships inside the wheel (`wsguide/knowledge`, found through importlib.resources)
and lives at the repository top level in a source checkout. Extra directories come from
`--kb DIR` or `WSGUIDE_KB_PATH` (os.pathsep-separated) and are checked the same way.

Every problem becomes `file:line: field: message`; nothing here raises on bad YAML except
`KBError` carrying all problems at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import KBError
from .model import CAUSE, QUESTION_BANK
from .paths import builtin_dir, kb_dirs  # noqa: F401 - re-exported for callers
from .shape import Ctx, Problem


@dataclass
class KB:
    """A validated knowledge base: causes by id, the question bank, snippet templates."""

    causes: dict[str, dict[str, Any]] = field(default_factory=dict)
    questions: dict[str, dict[str, Any]] = field(default_factory=dict)
    snippets: dict[str, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    """Which file each cause id came from (for messages)."""
    lines: dict[str, int] = field(default_factory=dict)
    """Line numbers of notable nodes, keyed `cause-id/field.path` (for lint messages)."""


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _compose(path: Path, ctx: Ctx) -> yaml.Node | None:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        ctx.problems.append(Problem(ctx.file, 1, "(file)", f"cannot read: {exc.strerror or exc}"))
        return None
    try:
        content = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        ctx.problems.append(Problem(ctx.file, 1, "(file)", f"not UTF-8 text ({exc.reason})"))
        return None
    try:
        node = yaml.compose(content, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        ctx.problems.append(Problem(ctx.file, line, "(yaml)", f"{exc.problem or exc}"))
        return None
    except yaml.YAMLError as exc:
        ctx.problems.append(Problem(ctx.file, 1, "(yaml)", str(exc)))
        return None
    if node is None:
        ctx.problems.append(Problem(ctx.file, 1, "(file)", "file is empty"))
    return node


def _record_lines(node: yaml.Node, prefix: str, out: dict[str, int]) -> None:
    """Remember where mapping keys and list items are, so lint can point at them."""
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = f"{prefix}.{k.value}" if prefix else str(k.value)
            out[key] = k.start_mark.line + 1
            _record_lines(v, key, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            key = f"{prefix}[{i}]"
            out[key] = v.start_mark.line + 1
            _record_lines(v, key, out)


def load(dirs: list[Path] | None = None) -> tuple[KB, list[Problem]]:
    """Read and validate every directory; return the KB and all problems (lint included)."""
    from .lint import lint

    kb = KB()
    problems: list[Problem] = []
    for d in dirs if dirs is not None else kb_dirs():
        problems += _load_dir(d, kb)
    problems += lint(kb)
    return kb, problems


def load_or_fail(dirs: list[Path] | None = None) -> KB:
    kb, problems = load(dirs)
    if problems:
        raise KBError([str(p) for p in problems])
    return kb


def _load_dir(d: Path, kb: KB) -> list[Problem]:
    problems: list[Problem] = []
    if not d.is_dir():
        return [Problem(_display(d), 1, "(dir)", "not a knowledge directory (no such directory)")]
    causes_dir = d / "causes"
    cause_files = sorted(causes_dir.glob("*.yaml")) if causes_dir.is_dir() else []
    stray = sorted(p for p in d.glob("*.yaml") if p.name != "questions.yaml")
    cause_files += stray  # an extra KB may keep entries at its top level
    if not cause_files and not (d / "questions.yaml").exists():
        return [Problem(_display(d), 1, "(dir)", "no causes/*.yaml and no questions.yaml found")]
    qfile = d / "questions.yaml"
    if qfile.exists():
        problems += _load_questions(qfile, kb)
    for path in cause_files:
        problems += _load_cause(path, kb)
    snippets = d / "snippets"
    if snippets.is_dir():
        for path in sorted(snippets.glob("*.j2")):
            try:
                kb.snippets[path.name] = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                problems.append(Problem(_display(path), 1, "(file)", f"cannot read: {exc}"))
    return problems


def _load_questions(path: Path, kb: KB) -> list[Problem]:
    ctx = Ctx(_display(path))
    node = _compose(path, ctx)
    if node is None:
        return ctx.problems
    data = QUESTION_BANK.check(node, "", ctx)
    for i, q in enumerate(data or []):
        if q["id"] in kb.questions:
            ctx.add(node.value[i], f"[{i}].id", f"duplicate question id {q['id']!r}")
            continue
        seen: set[str] = set()
        for j, a in enumerate(q["answers"]):
            if a["id"] in seen:
                ctx.add(node.value[i], f"{q['id']}.answers[{j}]", f"duplicate answer {a['id']!r}")
            seen.add(a["id"])
        kb.questions[q["id"]] = q
        kb.files[f"?{q['id']}"] = ctx.file
        kb.lines[f"?{q['id']}"] = node.value[i].start_mark.line + 1
    return ctx.problems


def _load_cause(path: Path, kb: KB) -> list[Problem]:
    ctx = Ctx(_display(path))
    node = _compose(path, ctx)
    if node is None:
        return ctx.problems
    data = CAUSE.check(node, "", ctx)
    if data is None:
        return ctx.problems
    cid = data["id"]
    if cid != path.stem:
        ctx.add(node, "id", f"id {cid!r} must equal the file name {path.stem!r}")
        return ctx.problems
    if cid in kb.causes:
        ctx.add(node, "id", f"duplicate cause id {cid!r} (also in {kb.files[cid]})")
        return ctx.problems
    kb.causes[cid] = data
    kb.files[cid] = ctx.file
    lines: dict[str, int] = {}
    _record_lines(node, "", lines)
    for key, line in lines.items():
        kb.lines[f"{cid}/{key}"] = line
    return ctx.problems
