"""The hand-written docs lint clean, and docs/cli.md covers every command."""

from __future__ import annotations

import pytest
from helpers import ROOT
from md_lint import lint_path

from wsguide.cli import COMMANDS

DOCS = sorted((ROOT / "docs").glob("*.md"))


@pytest.mark.parametrize("path", DOCS, ids=[p.name for p in DOCS])
def test_doc_lints_clean(path) -> None:
    assert lint_path(path) == []


def test_cli_doc_covers_every_command() -> None:
    text = (ROOT / "docs/cli.md").read_text(encoding="utf-8")
    missing = [c for c in COMMANDS if f"`wsguide {c}" not in text and not (c == "wizard" and "`wsguide`" in text)]
    assert missing == [], f"docs/cli.md does not document: {missing}"
