"""Required literals of a regex: strings of which every match must contain at least one.

The scanner's first pass looks only for these literals (one case-insensitive alternation of plain
strings keeps RE2's DFA small and fast); the exact patterns then run on the few candidate lines.
A union of hundreds of full patterns with bounded repeats such as `.{0,80}` would instead blow up
the DFA and crawl (measured: ~20 MB/s against ~700 MB/s for the literals).

RE2 and Python's `re` agree on the syntax the knowledge base uses, so Python's own parser reads it.
"""

from __future__ import annotations

import re._constants as C  # noqa: N812 - the parser's opcode names
import re._parser as P  # noqa: N812

MIN_LITERAL = 4
"""Shorter literals (e.g. 'nginx', '100') hit too many ordinary log lines to be worth a prefilter."""

Requirement = set[str] | None
"""Alternatives of which every match contains one (None: nothing is required)."""

MAX_ALTERNATIVES = 32  # cross products of alternations beyond this stop growing


def _strength(req: set[str]) -> tuple[int, int]:
    return min(len(s) for s in req), -len(req)


def _node(op, av) -> tuple[Requirement, bool]:
    """(requirement, exact): exact means the node matches exactly one of the strings, nothing else."""
    if op is C.LITERAL:
        return {chr(av)}, True
    if op is C.AT:
        return {""}, True  # ^ $ \b are zero-width: they do not break a literal run
    if op is C.IN and len(av) <= 8 and all(item_op is C.LITERAL for item_op, _ in av):
        return {chr(v) for _, v in av}, True  # the parser turns (301|308) into 30[18]
    if op is C.SUBPATTERN:
        return _sequence(list(av[-1]))
    if op is C.BRANCH:
        alts = [_sequence(list(b)) for b in av[1]]
        if any(r is None for r, _ in alts):
            return None, False
        union: set[str] = set().union(*(r for r, _ in alts))  # type: ignore[misc]
        return union, all(exact for _, exact in alts)
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        low, _high, sub = av
        req, _ = _sequence(list(sub))
        return (req if low >= 1 else None), False
    return None, False  # classes, '.', anchors, \s...: no literal here


def _sequence(items: list) -> tuple[Requirement, bool]:
    """Requirement of a concatenation: runs of exact parts combine (their cross product)."""
    found: list[set[str]] = []
    run: set[str] | None = {""}
    all_exact = True
    for op, av in items:
        req, exact = _node(op, av)
        if exact and req is not None and run is not None and len(run) * len(req) <= MAX_ALTERNATIVES:
            run = {a + b for a in run for b in req}
            continue
        all_exact = False
        if run and run != {""}:
            found.append(run)
        if req:
            found.append(req)
        run = set(req) if exact and req is not None and len(req) <= MAX_ALTERNATIVES else {""}
    if run and run != {""}:
        found.append(run)
    found = [f for f in found if f != {""} and "" not in f]
    if not found:
        return None, False
    return max(found, key=_strength), all_exact and len(found) == 1


def required_literals(pattern: str) -> list[str] | None:
    """Lower-cased literals, one of which is in every match; None if none is long enough."""
    try:
        tree = P.parse(pattern, 0)
    except Exception:  # RE2-only syntax: no prefilter, the pattern is matched in full
        return None
    req, _ = _sequence(list(tree))
    if not req or min(len(s) for s in req) < MIN_LITERAL:
        return None
    return sorted({s.lower() for s in req})
