"""Rank causes from scanned evidence."""

from __future__ import annotations

from .scan import PASTE_LIMIT, ScanResult, read_up_to, scan_file, scan_stream, scan_text
from .scoring import signature_score
from .signatures import Matcher, Signature

TYPE_CHECKING = False  # typing costs start-up time; the names are for annotations only
if TYPE_CHECKING:
    from typing import Any, BinaryIO

# Plain classes, not dataclasses: importing dataclasses (and inspect with it) is a measurable
# share of a paste's start-up time.


class Evidence:
    __slots__ = ("text", "line", "signature", "source", "strength")

    def __init__(self, text: str, line: int, signature: str, source: str, strength: str) -> None:
        self.text, self.line, self.signature, self.source, self.strength = text, line, signature, source, strength

    def __repr__(self) -> str:
        return f"Evidence({self.text!r}, line={self.line}, signature={self.signature!r})"

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "line": self.line, "signature": self.signature,
                "source": self.source, "strength": self.strength}


class CauseHit:
    __slots__ = ("id", "title", "score", "count", "evidence", "fix", "next", "strong")

    def __init__(self, id: str, title: str, score: float, count: int, evidence: list[Evidence],  # noqa: A002
                 fix: str, next: str, strong: bool) -> None:  # noqa: A002
        self.id, self.title, self.score, self.count = id, title, score, count
        self.evidence, self.fix, self.next, self.strong = evidence, fix, next, strong

    def __repr__(self) -> str:
        return f"CauseHit({self.id!r}, score={self.score:.3f}, count={self.count})"

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "score": round(self.score, 3),
                "evidence": [e.as_dict() for e in self.evidence], "count": self.count,
                "fix": self.fix, "next": self.next}


class LookupResult:
    __slots__ = ("causes", "lines_read")

    def __init__(self, causes: list[CauseHit] | None = None, lines_read: int = 0) -> None:
        self.causes = [] if causes is None else causes
        self.lines_read = lines_read

    def as_dict(self) -> dict[str, Any]:
        return {"causes": [c.as_dict() for c in self.causes], "lines_read": self.lines_read}


class Lookup:
    """A matcher over one index, fed any number of texts, files and streams, then ranked."""

    def __init__(self, index: dict[str, Any]) -> None:
        self.index = index
        self.scan = ScanResult()
        self._full: dict[bool, Matcher] = {}  # prose? -> a matcher over every signature
        self._signatures: dict[int, Signature] = {}  # what every matcher used so far knows

    def _use(self, matcher: Matcher) -> Matcher:
        self._signatures.update((s.index, s) for s in matcher.signatures)
        return matcher

    def _matcher_for(self, size: int) -> Matcher:
        """Logs beyond PASTE_LIMIT skip people's prose; built once, on first use."""
        prose = size <= PASTE_LIMIT
        if prose not in self._full:
            self._full[prose] = Matcher(self.index["signatures"], prose=prose)
        return self._use(self._full[prose])

    def add_text(self, text: str) -> None:
        if len(text) <= PASTE_LIMIT:  # a paste: a matcher of just the signatures it can hit
            matcher = self._use(Matcher(self.index["signatures"], text=text))
        else:
            matcher = self._matcher_for(0)
        scan_text(matcher, text, self.scan)

    def add_file(self, path: str, progress=None) -> None:
        import os

        try:
            size = os.path.getsize(path)
        except OSError:
            size = 0  # open_log reports the real problem
        scan_file(self._matcher_for(size), path, self.scan, progress)

    def add_stream(self, stream: BinaryIO) -> bytes | None:
        """Scan a stream; return its bytes when it was paste-sized (so the caller can look at
        the pasted text again, e.g. for a config in it), None for a log streamed past that."""
        head = read_up_to(stream, PASTE_LIMIT + 1)
        scan_stream(self._matcher_for(len(head)), stream, self.scan, head)
        return head if len(head) <= PASTE_LIMIT else None

    def ranked(self, top: int | None = 5) -> LookupResult:
        sigs = self._signatures
        hits = []
        for cid, indexes in self.scan.matched.items():
            matched = [sigs[i] for i in indexes]
            strong = any(s.strength == "strong" for s in matched)
            per_fact: dict[str, float] = {}
            for s in matched:  # one fact seen by several programs counts once
                per_fact[s.group] = max(per_fact.get(s.group, 0.0), s.weight)
            score = signature_score(per_fact.values(), strong)
            meta = self.index["causes"][cid]
            by_sig = {s.id: s for s in matched}
            evidence = [Evidence(text, line, sid, by_sig[sid].source, by_sig[sid].strength)
                        for line, text, sid in self.scan.samples.get(cid, [])]
            hits.append(CauseHit(cid, meta["title"], score, self.scan.counts.get(cid, 0),
                                 evidence, meta["fix"], meta["next"], strong))
        return ranked_result(hits, self.index, top, self.scan.lines_read)


def ranked_result(hits: list[CauseHit], index: dict[str, Any], top: int | None, lines_read: int) -> LookupResult:
    """Best first: score, then how common the cause is, then how often it was seen."""
    hits = sorted(hits, key=lambda h: (-h.score, -index["causes"][h.id]["prior"], -h.count, h.id))
    return LookupResult(hits[:top] if top else hits, lines_read)


def lookup_text(text: str, top: int | None = 5, extra_kb: list[str] | None = None) -> LookupResult:
    """Rank causes for one pasted text (the API the labs and the wizard use)."""
    from ..kb.index import load_index

    engine = Lookup(load_index(extra_kb))
    engine.add_text(text)
    return engine.ranked(top)
