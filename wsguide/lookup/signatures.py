"""Compiled signature matchers over bytes, one RE2 pass for all causes.

Two RE2 objects do the work: `prefilter`, one case-insensitive alternation of every signature,
finds candidate lines in a whole chunk in linear time; `rset`, an RE2::Set of the same
patterns, tells which signatures a candidate line matches. `all:`/`none:` phrase conditions are
then checked on that one line. Most log lines never reach Python code at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import re2


@dataclass(frozen=True)
class Signature:
    index: int
    id: str
    cause: str
    source: str
    group: str
    strength: str
    weight: float
    pattern: bytes
    all: tuple[bytes, ...]
    none: tuple[bytes, ...]


def _pattern(sig: dict[str, Any]) -> tuple[bytes, tuple[bytes, ...]]:
    """The RE2 pattern for the Set, and the literal phrases still to check on the line."""
    if "regex" in sig:
        return sig["regex"].encode(), tuple(p.lower().encode() for p in sig.get("all", []))
    phrases = [p.lower().encode() for p in sig["all"]]
    lead = max(phrases, key=len)  # the rarest-looking phrase does the searching
    return re2.escape(lead), tuple(p for p in phrases if p != lead)


class Matcher:
    """Matches text against every signature of the index."""

    def __init__(self, signatures: list[dict[str, Any]]) -> None:
        self.signatures: list[Signature] = []
        options = re2.Options()
        options.case_sensitive = False
        options.max_mem = 64 << 20  # room for the DFA of ~200 alternatives; else RE2 falls back to NFA
        options.never_nl = True  # a match never spans lines, whatever `[^)]*` in a pattern says
        self.rset = re2.Set.SearchSet(options)
        alternatives = []
        for i, sig in enumerate(signatures):
            pattern, rest = _pattern(sig)
            self.rset.Add(pattern)
            # (?m): the prefilter runs over many lines at once, so ^ and $ must mean line start/end
            # there, as they do when the Set checks one line.
            alternatives.append(b"(?m:" + pattern + b")")
            self.signatures.append(Signature(
                index=i, id=sig["id"], cause=sig["cause"], source=sig["source"],
                group=sig.get("group", sig["id"]),
                strength=sig["strength"], weight=float(sig["weight"]), pattern=pattern,
                all=rest, none=tuple(p.lower().encode() for p in sig.get("none", [])),
            ))
        self.empty = not alternatives
        if not self.empty:
            self.rset.Compile()
            self.prefilter = re2.compile(b"|".join(alternatives), options)

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
