"""Lint markdown with pymarkdownlnt, the way the generated docs are held to it.

MD013 (line length) is off: pages carry the knowledge base's prose and real log lines, which
GitHub wraps when it renders; wrapping them in the source would break code and tables.
"""

from __future__ import annotations

from pathlib import Path

DISABLED = ("md013",)


def lint_text(markdown: str) -> list[str]:
    from pymarkdown.api import PyMarkdownApi

    api = PyMarkdownApi()
    for rule in DISABLED:
        api.disable_rule_by_identifier(rule)
    result = api.scan_string(markdown)
    return [f"{f.line_number}:{f.column_number}: {f.rule_id} {f.rule_description} {f.extra_error_information or ''}"
            for f in result.scan_failures] + [str(e) for e in result.pragma_errors]


def lint_path(path: Path) -> list[str]:
    return [f"{path.name}:{p}" for p in lint_text(path.read_text(encoding="utf-8"))]
