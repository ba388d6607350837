"""Paste-an-error lookup: text or logs in, ranked causes with their evidence out.

Must stay light: no networkx, no jinja2, no textual, no PyYAML on the warm path (the compiled
index comes from the cache). `tests/cli/test_import_hygiene.py` holds it to that.
"""

from __future__ import annotations

from .lookup import CauseHit, Evidence, Lookup, LookupResult, lookup_text

__all__ = ["CauseHit", "Evidence", "Lookup", "LookupResult", "lookup_text"]
