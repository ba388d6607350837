"""Human output for audit: findings grouped by file, `file:line: severity: message [cause]`,
then the fix, wrapped to 80 columns (the `file:line:` prefix stays whole so editors link it)."""

from __future__ import annotations

from ..audit import AuditResult
from .style import Style

WIDTH = 80
INDENT = "    "
COLOURS = {"error": ("red", "bold"), "warning": ("yellow",), "info": ("cyan",)}


def _wrap(text: str, first: str, indent: str = INDENT) -> list[str]:
    """Greedy wrap to WIDTH; the first line always holds `first` and at least one word, so
    `file:line: severity:` stays on one line (editors link it) even for a long path."""
    lines: list[str] = []
    line, empty = first, True
    for word in text.split():
        if empty:
            line, empty = line + word, False
        elif len(line) + 1 + len(word) <= WIDTH:
            line = f"{line} {word}"
        else:
            lines.append(line)
            line = indent + word
    lines.append(line)
    return lines


def render(result: AuditResult, style: Style) -> str:
    out: list[str] = []
    current = None
    for f in result.findings:
        if f.file != current:
            if current is not None:
                out.append("")
            out.append(style(f.file, "bold"))
            current = f.file
        head = f"{f.file}:{f.line}: {f.severity}: "
        lines = _wrap(f"{f.message} [{f.cause}]", head)
        # colour after wrapping: escape codes must not count towards the width
        lines[0] = lines[0].replace(f"{f.severity}:", style(f"{f.severity}:", *COLOURS[f.severity]), 1)
        lines[-1] = lines[-1].replace(f"[{f.cause}]", style(f"[{f.cause}]", "dim"))
        out += lines
        out += [style(line, "green") for line in _wrap(f.fix, INDENT + "fix: ", INDENT + "     ")]
    if result.findings:
        out.append("")
    out.append(style(summary(result), "dim"))
    return "\n".join(out) + "\n"


def summary(result: AuditResult) -> str:
    n_files = len(result.files)
    files = f"{n_files} file{'s' if n_files != 1 else ''}"
    if not result.findings:
        return f"No findings in {files}."
    counts = {}
    for f in result.findings:
        counts[f.severity] = counts.get(f.severity, 0) + 1
    parts = [f"{counts[s]} {s}{'s' if counts[s] != 1 and s != 'info' else ''}"
             for s in ("error", "warning", "info") if s in counts]
    n = len(result.findings)
    return f"{n} finding{'s' if n != 1 else ''} ({', '.join(parts)}) in {files}."
