"""Audit the nginx config inside pasted text: an error message with the config around it, or
`nginx -T` output with the lines before and after it.

The config part is cut out by line: inside a `{ ... }` every line belongs to it; outside, lines
that read as nginx (a `name ... {` block start, a `name ...;` directive, `}`, a comment) do, and
anything else (a log line, a console error, prose) is blanked. Blanking instead of removing
keeps every line where it was, so a finding's line is the line of the paste (`input_line`),
and for `nginx -T` output the file's own line too. Each run of config lines is its own snippet;
snippets are read together as one `http{}` (as `wsguide audit a.conf b.conf` does).

Only called once `engine.sources.has_config` said there is a config: importing this module
(and crossplane, when it reads) is what a config paste costs, and a plain paste does not pay it.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .audit import AuditResult, audit
from .parse import ConfigError
from .rules import Options
from .stdin import _HEADER

PASTED = "pasted config"
ELIDED_FACTOR = 0.5
_NAME = r"[a-z_][a-z0-9_]*"
_BLOCK = re.compile(rf"^\s*{_NAME}\b[^;{{}}]*\{{")
_DIRECTIVE = re.compile(rf"^\s*{_NAME}(\s[^{{}}]*)?;\s*(#.*)?$")
_CLOSE = re.compile(r"^\s*\}")
_QUOTED = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'")
_ELIDED = re.compile(r"^\s*(\.{2,}|…+|\[\.\.\.\]|<\.\.\.>)\s*$")
"""A line people write for "the rest of the block": read as blank inside a config."""


@dataclass
class PastedAudit:
    """What the audit of a pasted config found, with lines of the paste."""

    result: AuditResult | None
    lines: list[int] = field(default_factory=list)
    """The paste's lines (1-based) read as config."""
    error: str = ""
    """Why the config part could not be audited (a syntax error), else ''."""
    elided: bool = False
    """The config leaves lines out (`...`): what is missing may be there, so each finding
    counts half (ELIDED_FACTOR) and a clean result clears nothing."""

    @property
    def findings(self) -> list[Any]:
        return self.result.findings if self.result is not None else []


def _braces(line: str) -> int:
    """Net `{` minus `}` of one line, outside quotes and comments."""
    code = _QUOTED.sub("", line).split("#", 1)[0]
    return code.count("{") - code.count("}")


def config_lines(lines: list[str]) -> list[bool]:
    """For each line: is it part of a config? (see the module docstring)."""
    keep = [False] * len(lines)
    depth = 0
    for i, line in enumerate(lines):
        stripped = line.strip()
        if depth > 0:
            keep[i] = True
            depth = max(0, depth + _braces(line))
            continue
        if not stripped or stripped.startswith("#"):
            keep[i] = None  # type: ignore[call-overload]  # neutral: joins config lines, not alone
            continue
        if _BLOCK.match(line):
            keep[i] = True
            depth = max(0, _braces(line))
        elif _DIRECTIVE.match(line):
            keep[i] = True
    # Blank lines join config lines; a comment also counts just before or after them.
    out = [bool(k) for k in keep]
    for i, k in enumerate(keep):
        if k is None:
            before = next((keep[j] for j in range(i - 1, -1, -1) if keep[j] is not None), False)
            after = next((keep[j] for j in range(i + 1, len(keep)) if keep[j] is not None), False)
            comment = lines[i].strip().startswith("#")
            out[i] = bool(before and after) or (comment and bool(before or after))
    return out


def _runs(mask: list[bool]) -> list[tuple[int, int]]:
    """[(start, end)) index ranges of consecutive config lines."""
    runs: list[tuple[int, int]] = []
    start = None
    for i, k in enumerate([*mask, False]):
        if k and start is None:
            start = i
        elif not k and start is not None:
            runs.append((start, i))
            start = None
    return runs


def audit_pasted(text: str, rules: dict[str, Any], options: Options | None = None) -> PastedAudit:
    """Audit the config part of `text`. Findings get `input_line` (the paste's line); their `file`
    is `pasted config`, or the path `nginx -T` named. Never raises for a bad config: `error` says."""
    options = options or Options()
    all_lines = text.splitlines()
    with tempfile.TemporaryDirectory(prefix="wsguide-paste-") as d:
        root = Path(d)
        files: list[tuple[Path, str, int]] = []  # (temp file, shown name, paste line of its line 1)
        used: list[int] = []
        headers = [i for i, line in enumerate(all_lines) if _HEADER.match(line)]
        if headers:
            bounds = [*headers, len(all_lines)]
            for n, (h, end) in enumerate(zip(bounds, bounds[1:], strict=False)):
                name = _HEADER.match(all_lines[h]).group(1)  # type: ignore[union-attr]
                body = all_lines[h + 1:end]
                mask = config_lines(body)
                rel = name.lstrip("/")
                target = root / "fs" / rel
                if ".." in Path(rel).parts or not rel:
                    target = root / f"file{n}.conf"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text("\n".join(_line(ln, k) for ln, k in zip(body, mask, strict=True)) + "\n",
                                  encoding="utf-8")
                files.append((target, name, h + 2))
                used += [h + 2 + i for i, k in enumerate(mask) if k]
            paths = [files[0][0]]  # nginx.conf first: its includes bring in the rest
        else:
            mask = config_lines(all_lines)
            for n, (start, end) in enumerate(_runs(mask)):
                target = root / f"pasted-{n + 1}.conf"
                # Blank lines before the run: the file's line numbers are the paste's.
                target.write_text("\n" * start + "\n".join(_line(ln, True) for ln in all_lines[start:end]) + "\n",
                                  encoding="utf-8")
                files.append((target, PASTED, 1))
                used += list(range(start + 1, end + 1))
            paths = [f[0] for f in files]
        if not paths:
            return PastedAudit(None)
        try:
            result = audit([str(p) for p in paths], options, rules=rules)
        except ConfigError as exc:
            shown, first = _shown(exc.file, files)
            if first is None:
                return PastedAudit(None, used, str(exc))
            at = exc.line + first - 1
            return PastedAudit(None, used, f"line {at}: {exc.message}" + (f" ({shown}:{exc.line})"
                                                                          if shown != PASTED else ""))
        elided = any(_ELIDED.match(all_lines[n - 1]) for n in used if 0 < n <= len(all_lines))
        for f in result.findings:
            if elided:
                f.strength = round(f.strength * ELIDED_FACTOR, 3)
            shown, first = _shown(f.file, files)
            if first is None:
                continue  # a file of this machine an include found (/etc/nginx/proxy_params): not pasted
            f.input_line = f.line + first - 1
            f.file = shown
            if shown == PASTED:
                f.line = f.input_line
        result.files = list(dict.fromkeys(_shown(x, files)[0] for x in result.files))
        result.notes = [_replace(n, files) for n in result.notes]
    return PastedAudit(result, used, elided=elided)


def _line(line: str, keep: bool) -> str:
    """A line as the config file gets it: blank when it is not config or is an elision."""
    return line if keep and not _ELIDED.match(line) else ""


def _shown(file: str, files: list[tuple[Path, str, int]]) -> tuple[str, int | None]:
    """The name a temporary file stands for and the paste line of its line 1 (None: not a file
    of the paste)."""
    for target, shown, first in files:
        if file == str(target) or Path(file).resolve() == target.resolve():
            return shown, first
    return file, None


def _replace(note: str, files: list[tuple[Path, str, int]]) -> str:
    for target, shown, _ in files:
        note = note.replace(str(target), shown)
    return note
