"""Compiled signature matchers over bytes, one RE2 pass for all causes.

Two RE2 objects do the work: `prefilter`, one case-insensitive alternation of the literals that
every signature's match must contain (see literals.py), finds candidate lines in a whole chunk in
linear time; `rset`, an RE2::Set of the full patterns, tells which signatures a candidate line
really matches. `all:`/`none:` phrase conditions are then checked on that one line. Most log
lines never reach Python code at all.
"""

from __future__ import annotations

import re2

from ..kb.literals import required_literals

TYPE_CHECKING = False  # typing costs start-up time; the names are for annotations only
if TYPE_CHECKING:
    from typing import Any


class Signature:
    """One compiled signature (a plain class: dataclasses and typing cost start-up time)."""

    __slots__ = ("index", "id", "cause", "source", "group", "strength", "weight", "pattern", "all", "none")

    def __init__(self, *, index: int, id: str, cause: str, source: str, group: str,  # noqa: A002
                 strength: str, weight: float, pattern: bytes, all: tuple[bytes, ...],  # noqa: A002
                 none: tuple[bytes, ...]) -> None:
        self.index, self.id, self.cause, self.source, self.group = index, id, cause, source, group
        self.strength, self.weight, self.pattern, self.all, self.none = strength, weight, pattern, all, none

    def __repr__(self) -> str:
        return f"Signature({self.id!r}, cause={self.cause!r}, {self.strength})"


PROSE = "user-description"


def _pattern(sig: dict[str, Any]) -> tuple[bytes, tuple[bytes, ...], list[str] | None]:
    """The RE2 pattern for the Set, the phrases still to check on the line, and the required literals."""
    if "regex" in sig:
        rest = tuple(p.lower().encode() for p in sig.get("all", []))
        required = sig["literals"] if "literals" in sig else required_literals(sig["regex"])
        return sig["regex"].encode(), rest, required
    phrases = [p.lower() for p in sig["all"]]
    lead = max(phrases, key=len)  # the rarest-looking phrase does the searching
    rest = tuple(p.encode() for p in phrases if p != lead)
    return re2.escape(lead.encode()), rest, [lead]


class Matcher:
    """Matches text against the signatures of an index.

    Args:
        signatures: the index's signature dicts; `Signature.index` is the position in this list.
        prose: also use `user-description` signatures (pastes yes; multi-MB logs no: people's
            prose is not in error.log, and its loose patterns would slow every scan).
    """

    def __init__(self, signatures: list[dict[str, Any]], prose: bool = True, text: str | None = None) -> None:
        self.signatures: list[Signature] = []
        # For one paste, only signatures with a required literal somewhere in it can match a line
        # of it: leaving the rest out makes the RE2 set a few patterns, not hundreds (start-up time).
        present = text.lower() if text is not None else None
        options = re2.Options()
        options.case_sensitive = False
        options.max_mem = 64 << 20
        options.never_nl = True  # a match never spans lines, whatever `[^)]*` in a pattern says
        options.log_errors = False  # no RE2 C++ log lines (e.g. a DFA budget note) on the user's stderr
        self.rset = re2.Set.SearchSet(options)
        literals: set[bytes] = set()
        unfiltered: list[bytes] = []
        for i, sig in enumerate(signatures):
            pattern, rest, required = _pattern(sig)
            signature = Signature(
                index=i, id=sig["id"], cause=sig["cause"], source=sig["source"],
                group=sig.get("group", sig["id"]), strength=sig["strength"], weight=float(sig["weight"]),
                pattern=pattern, all=rest, none=tuple(p.lower().encode() for p in sig.get("none", [])),
            )
            if sig["source"] == PROSE and not prose:
                continue
            if present is not None and required and not any(lit.lower() in present for lit in required):
                continue
            self.rset.Add(pattern)
            self.signatures.append(signature)
            if required:
                literals.update(re2.escape(lit.encode()) for lit in required)
            else:
                # (?m): the prefilter runs over many lines, so ^ and $ must mean line start/end.
                unfiltered.append(b"(?m:" + pattern + b")")
        self.empty = not self.signatures
        if not self.empty:
            self.rset.Compile()
            self.prefilter = re2.compile(b"|".join(sorted(literals) + unfiltered), options)

    def match_line(self, line: bytes) -> list[Signature]:
        """Every signature whose pattern and phrase conditions hold on this one line."""
        if self.empty:
            return []
        hits = self.rset.Match(line)
        if not hits:
            return []
        lowered = line.lower()
        out = []
        for i in sorted(hits):
            sig = self.signatures[i]
            if all(p in lowered for p in sig.all) and not any(p in lowered for p in sig.none):
                out.append(sig)
        return out

    def candidate_lines(self, buf: bytes, start: int = 0, end: int | None = None):
        """Yield (start, end) of each line of buf[start:end] that the prefilter hits, in order.

        `start` must be at a line start; no slice of `buf` is copied.
        """
        if self.empty:
            return
        search = self.prefilter.search
        end = len(buf) if end is None else end
        pos = start
        while pos < end:
            m = search(buf, pos, end)
            if m is None:
                return
            line_start = max(buf.rfind(b"\n", start, m.start()) + 1, start)
            line_end = buf.find(b"\n", m.end(), end)
            if line_end < 0:
                line_end = end
            yield line_start, line_end
            pos = line_end + 1
