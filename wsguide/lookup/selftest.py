"""Run every entry's own tests (`tests.lookup`) against a loaded knowledge base."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..kb.shape import Problem

if TYPE_CHECKING:
    from ..kb.loader import KB


def run_entry_tests(kb: KB, only: set[str] | None = None) -> list[Problem]:
    from ..kb.index import build
    from . import Lookup

    index = build(kb)
    problems: list[Problem] = []

    def rank(text: str) -> tuple[list[str], bool]:
        """Ranked ids, and whether the top one is decided by a strong signature."""
        engine = Lookup(index)
        engine.add_text(text)
        hits = engine.ranked(top=None).causes
        return [h.id for h in hits], bool(hits) and hits[0].strong

    for cid, cause in sorted(kb.causes.items()):
        if only and cid not in only:
            continue
        tests = cause["tests"].get("lookup", {})
        for kind in ("match", "top3", "no_match"):
            for i, case in enumerate(tests.get(kind, [])):
                ids, decided = rank(case["text"])
                field = f"tests.lookup.{kind}[{i}]"
                line = kb.lines.get(f"{cid}/{field}", 1)
                got = ", ".join(ids[:3]) or "nothing"
                if kind == "match" and (not ids or ids[0] != cid):
                    problems.append(Problem(kb.files[cid], line, field,
                                            f"should rank {cid} first; ranked: {got}"))
                elif kind == "top3" and cid not in ids[:3]:
                    problems.append(Problem(kb.files[cid], line, field,
                                            f"should rank {cid} in the top 3; ranked: {got}"))
                elif kind == "no_match" and ids and ids[0] == cid and decided:
                    # A top spot earned by generic clues alone (a bare 1006) is shown as
                    # undecided, so it does not count as naming the cause.
                    problems.append(Problem(kb.files[cid], line, field,
                                            f"look-alike must not rank {cid} first; ranked: {got}"))
    return problems
