"""docs/runbooks/ is `wsguide export` of the knowledge base; editing a cause means regenerating."""

from __future__ import annotations

from helpers import ROOT

from wsguide.engine.graph import mermaid
from wsguide.render.runbook import export_pages

FIX = "python -m wsguide export --out docs/runbooks"
DOCS = ROOT / "docs/runbooks"


def test_docs_runbooks_match_export(kb) -> None:
    expected = export_pages(kb, graph_mermaid=mermaid(kb))
    actual = {p.name: p.read_text(encoding="utf-8") for p in sorted(DOCS.glob("*.md"))}
    missing = sorted(set(expected) - set(actual))
    extra = sorted(set(actual) - set(expected))
    stale = sorted(n for n in expected if n in actual and actual[n] != expected[n])
    assert not (missing or extra or stale), (
        f"docs/runbooks is out of date (missing {missing}, extra {extra}, changed {stale}); "
        f"regenerate with `{FIX}`")
