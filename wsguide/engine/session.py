"""A diagnosis session: answers and pasted evidence in, ranked causes and the next question out.

The model is a small naive-Bayes over the causes in the knowledge base. For a question, the
chance of answer `a` given cause `c` is a softmax over that question's answers of the evidence
weights `c` puts on them (0 where it says nothing), so an entry's `weight: 3` multiplies the
odds of that answer by about e^3 relative to an answer the cause is silent on. Pasted text adds
the lookup score as extra log-odds. `next_question()` maximises expected information gain over
the causes still in play; `explain_*()` say why a question is asked and how a ranking came about.
The UI (wizard) and `wsguide diagnose` only drive this class.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import graph as G
from .scoring import entropy, normalise

if TYPE_CHECKING:
    from ..kb.loader import KB
    from ..lookup import CauseHit

PASTE_LOG_ODDS = 5.0      # a strong (score ~0.9) lookup hit multiplies a cause's odds by ~e^4.5
RISK_PRIOR_FACTOR = 0.3   # risks (h2c, hidden log lines) are rarely why something is broken
SETTLED_PROBABILITY = 0.85
MIN_GAIN_BITS = 0.05
IN_PLAY_SHARE = 0.01      # causes below this share of the top score no longer count
QUOTE_LIMIT = 160         # characters of a pasted line quoted in an explanation
CLEARED_LOG_ODDS = 1.5    # an audited WebSocket location that shows no sign of a config mistake
                          # divides its odds by ~e^1.5 (the config may not be the one running)


def clip_quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    """A pasted line shortened for quoting: cut at a word boundary, marked with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,;:") + "…"


@dataclass
class Pasted:
    """Text the user pasted, with the lookup hits it produced."""

    text: str
    hits: list[CauseHit]
    findings: list[Any] = field(default_factory=list)
    """Audit findings of the nginx config in the text (with `input_line`), also in Session.findings."""
    config_lines: list[int] = field(default_factory=list)
    """The lines read as an nginx config (empty: none)."""
    config_error: str = ""
    """Why that config could not be audited (a syntax error), else ''."""
    config_elided: bool = False
    """The config leaves lines out (`...`): its findings count half."""


def _probe_lines(result: Any) -> list[str]:
    """What a live test's result gives Lookup: its error-log lines, then its evidence lines."""
    return result.lookup_lines() if hasattr(result, "lookup_lines") else list(result.evidence)


@dataclass
class Probed:
    """A live test (`wsguide.probe`'s ProbeResult: url, ok, stage, stages, evidence ...) with the
    lookup hits of its evidence lines."""

    result: Any
    hits: list[CauseHit]


@dataclass
class Ranked:
    id: str
    title: str
    score: float
    evidence: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "score": round(self.score, 3),
                "evidence": self.evidence}


@dataclass
class Session:
    kb: KB
    answers: dict[str, str] = field(default_factory=dict)
    """question id -> answer id, in the order given"""
    skipped: set[str] = field(default_factory=set)
    pastes: list[Pasted] = field(default_factory=list)
    inferred: dict[str, str] = field(default_factory=dict)
    """question id -> answer id that pasted text gave (answers' `detect:` patterns); a user's own
    answer to the same question overrides it"""
    findings: list[Any] = field(default_factory=list)
    """Static findings (wsguide.audit.Finding: .cause, .strength, .file, .line, .message), taken
    as evidence the way pasted text is: from `add_findings` (a config file) and from the nginx
    config inside pasted text"""
    probes: list[Probed] = field(default_factory=list)
    """Live tests (`add_probe`)."""
    cleared: set[str] = field(default_factory=set)
    """Causes an audited config could have shown and did not (`sources.cleared_causes`)."""

    def __post_init__(self) -> None:
        self._index: dict[str, Any] | None = None
        self._rules: dict[str, Any] | None = None
        self._said_by: dict[str, str] = {}
        self.graph = G.build(self.kb)
        self._weights = {qid: G.evidence_weights(self.graph, qid) for qid in self.kb.questions}
        self._detectors = self._compile_detectors()

    def _compile_detectors(self) -> list[tuple[str, str, Any]]:
        import re2

        options = re2.Options()
        options.case_sensitive = False
        options.log_errors = False
        return [(qid, ans["id"], re2.compile("|".join(f"(?:{p})" for p in ans.get("detect", []) + ans.get("cues", [])),
                                             options))
                for qid, q in self.kb.questions.items() for ans in q["answers"]
                if ans.get("detect") or ans.get("cues")]

    # -- input ---------------------------------------------------------------------------

    def answer(self, qid: str, aid: str | None) -> None:
        """Record an answer; None means "I don't know" (the question is skipped)."""
        from ..errors import UserError

        question = self.kb.questions.get(qid)
        if question is None:
            raise UserError(f"unknown question {qid!r} (questions: {', '.join(sorted(self.kb.questions))})")
        if aid is None:
            self.answers.pop(qid, None)
            self.skipped.add(qid)
            return
        known = [x["id"] for x in question["answers"]]
        if aid not in known:
            raise UserError(f"question {qid!r} has no answer {aid!r} (answers: {', '.join(known)})")
        self.skipped.discard(qid)
        self.answers[qid] = aid

    def unanswer(self, qid: str) -> None:
        self.answers.pop(qid, None)
        self.skipped.discard(qid)

    def _lookup(self, text: str) -> list[CauseHit]:
        from ..kb.index import build
        from ..lookup import Lookup

        if self._index is None:
            self._index = build(self.kb)
        engine = Lookup(self._index)
        engine.add_text(text)
        return engine.ranked(top=None).causes

    def audit_rules(self) -> dict[str, Any]:
        """The audit rules of this session's knowledge base (for `wsguide.audit`)."""
        if self._rules is None:
            from ..audit import rules_from_kb

            self._rules = rules_from_kb(self.kb)
        return self._rules

    def paste(self, text: str, extra_kb: list[str] | None = None) -> Pasted:
        """Run lookup over pasted text and keep its hits as evidence. An nginx config in the
        text (`sources.has_config`) is audited too, and its findings count as evidence."""
        from .sources import audit_paste, has_config

        pasted = Pasted(text, self._lookup(text))
        # has_config first: audit_rules() builds the rules, which a plain error paste never needs.
        done = audit_paste(text, self.audit_rules()) if has_config(text) else None
        if done is not None:
            pasted.findings, pasted.config_lines, pasted.config_error = done.findings, done.lines, done.error
            pasted.config_elided = done.elided
            self.add_findings(done.findings, None if done.elided else done.result)
        self.pastes.append(pasted)
        self._infer_answers()
        return pasted

    def add_findings(self, findings: list[Any], result: Any = None) -> None:
        """Take audit findings as evidence: each adds PASTE_LOG_ODDS x its strength to its cause
        (the best finding per cause counts, as the best lookup hit does). With the whole
        `AuditResult`, causes it could have seen and did not count against (CLEARED_LOG_ODDS)."""
        from .sources import cleared_causes

        self.findings.extend(findings)
        self.cleared |= cleared_causes(result)

    def add_probe(self, result: Any) -> Probed:
        """Take a live test (`probe.stages.run`'s ProbeResult) as evidence: its evidence lines
        are ranked like pasted text (the KB's `source: probe` signatures), and they answer
        questions the way a paste does (an HTTP status, a close code). The error-log lines
        nginx wrote during the test (`result.log_lines`) count with them, quoted as
        `error.log:LINE: ...`. A probe that worked adds no hit."""
        lines = _probe_lines(result)
        hits = self._lookup("\n".join(lines)) if not result.ok and lines else []
        if getattr(result, "log_lines", None):  # with error-log lines: each line put back where it came from
            for hit in hits:
                for ev in hit.evidence:
                    log, ev.line = result.place(ev.line)
                    if log is not None:  # quoted as error.log:LINE: text (see tui/widgets/ranking.py)
                        ev.text = f"{log.file.rsplit('/', 1)[-1]}:{log.line}: {ev.text}"
        probed = Probed(result, hits)
        self.probes.append(probed)
        self._infer_answers()
        return probed

    @property
    def hit_sources(self) -> list[tuple[str, list[CauseHit]]]:
        """Every lookup ranking behind this session: ("paste", hits) and ("probe", hits)."""
        return [("paste", p.hits) for p in self.pastes] + [("probe", p.hits) for p in self.probes]

    def _infer_answers(self) -> None:
        """Answers that the pasted lines state outright (a status code, a close code, a log line)."""
        found: dict[str, set[str]] = {}
        said_by: dict[str, set[str]] = {}
        texts = [("your paste", p.text) for p in self.pastes] + [
            ("the live test", "\n".join(_probe_lines(p.result))) for p in self.probes]
        for who, text in texts:
            for line in text.splitlines():
                for qid, aid, pattern in self._detectors:
                    if pattern.search(line):
                        found.setdefault(qid, set()).add(aid)
                        said_by.setdefault(qid, set()).add(who)
        # Two different status codes pasted: the paste does not settle that question.
        self.inferred = {qid: next(iter(a)) for qid, a in found.items() if len(a) == 1}
        self._said_by = {qid: " and ".join(sorted(who, reverse=True)) for qid, who in said_by.items()}

    def inferred_by(self, qid: str) -> str:
        """Who stated an inferred answer: "your paste", "the live test", or both."""
        return self._said_by.get(qid, "your paste")

    # -- model ---------------------------------------------------------------------------

    def _likelihood(self, qid: str, aid: str, cid: str) -> float:
        weights = self._weights[qid]
        logits = {x: weights.get(x, {}).get(cid, 0.0) for x in self._answer_ids(qid)}
        top = max(logits.values())
        total = sum(math.exp(v - top) for v in logits.values())
        return math.exp(logits[aid] - top) / total

    def _answer_ids(self, qid: str) -> list[str]:
        return [x["id"] for x in self.kb.questions[qid]["answers"]]

    def _paste_log_odds(self) -> dict[str, float]:
        best: dict[str, float] = {}
        for _, hits in self.hit_sources:
            for hit in hits:
                best[hit.id] = max(best.get(hit.id, 0.0), hit.score)
        for f in self.findings:
            best[f.cause] = max(best.get(f.cause, 0.0), f.strength)
        return {cid: PASTE_LOG_ODDS * s for cid, s in best.items()}

    def _cleared(self) -> set[str]:
        """Cleared by one config and found in none (a finding anywhere wins)."""
        return self.cleared - {f.cause for f in self.findings}

    def effective_answers(self) -> dict[str, str]:
        """What the diagnosis uses: answers inferred from pastes, overridden by the user's own."""
        inferred = {q: a for q, a in self.inferred.items() if q not in self.skipped}
        return {**inferred, **self.answers}

    def log_scores(self, answers: dict[str, str] | None = None) -> dict[str, float]:
        answers = self.effective_answers() if answers is None else answers
        paste = self._paste_log_odds()
        cleared = self._cleared()
        out = {}
        for cid, cause in self.kb.causes.items():
            prior = cause.get("prior", 1.0) * (RISK_PRIOR_FACTOR if cause.get("kind") == "risk" else 1)
            score = math.log(prior) + paste.get(cid, 0.0) - (CLEARED_LOG_ODDS if cid in cleared else 0.0)
            for qid, aid in answers.items():
                score += math.log(self._likelihood(qid, aid, cid))
            out[cid] = score
        return out

    def posterior(self, answers: dict[str, str] | None = None) -> dict[str, float]:
        return normalise(self.log_scores(answers))

    def ranking(self, top: int | None = 5) -> list[Ranked]:
        post = self.posterior()
        order = sorted(post, key=lambda k: (-post[k], k))
        out = []
        for cid in order[:top] if top else order:
            out.append(Ranked(cid, self.kb.causes[cid]["title"], post[cid], self._evidence_for(cid)))
        return out

    def _evidence_for(self, cid: str) -> list[dict[str, Any]]:
        from .sources import finding_evidence

        ev: list[dict[str, Any]] = []
        for source, hits in self.hit_sources:
            for hit in hits:
                if hit.id == cid:
                    # Probe lines keep the signature's own source (curl, probe) under "matched".
                    ev += [e.as_dict() if source == "paste" else {**e.as_dict(), "source": "probe",
                                                                  "matched": e.source}
                           for e in hit.evidence[:3]]
        ev += [finding_evidence(f) for f in self.findings if f.cause == cid][:3]
        if cid in self._cleared():
            ev.append({"text": "wsguide audit checked the WebSocket location(s) of your nginx config for this "
                               "and found no sign of it", "source": "audit", "weight": -CLEARED_LOG_ODDS})
        for qid, aid in self.effective_answers().items():
            w = self._weights[qid].get(aid, {}).get(cid, 0.0)
            if w:
                how = "" if qid in self.answers else f" (from {self.inferred_by(qid)})"
                ev.append({"question": qid, "answer": aid, "weight": w,
                           "text": f"{self.kb.questions[qid]['ask']} -> {self._label(qid, aid)}{how}"})
        return ev

    def _name(self, cid: str) -> str:
        """A cause as people read it: its title, with the id to look it up by."""
        title = str(self.kb.causes[cid].get("title", "")).strip()
        return f"{title} ({cid})" if title else cid

    def _label(self, qid: str, aid: str) -> str:
        return next(x["label"] for x in self.kb.questions[qid]["answers"] if x["id"] == aid)

    # -- questions -----------------------------------------------------------------------

    def in_play(self) -> dict[str, float]:
        post = self.posterior()
        top = max(post.values(), default=0.0)
        return {k: v for k, v in post.items() if v >= top * IN_PLAY_SHARE}

    def settled_by_paste(self) -> dict[str, str]:
        """Questions whose answer a strong pasted clue already gives (not asked again)."""
        implied: dict[str, set[str]] = {}
        for _, hits in self.hit_sources:
            for hit in hits:
                if not hit.strong or hit.score < 0.8:
                    continue
                for ev in self.kb.causes[hit.id].get("evidence", []):
                    if ev["weight"] >= 3:
                        implied.setdefault(ev["question"], set()).update(ev["expect"])
        return {qid: next(iter(a)) for qid, a in implied.items() if len(a) == 1}

    def gain(self, qid: str) -> float:
        """Expected information gain (bits) of asking `qid` over the causes in play."""
        play = self.in_play()
        total = sum(play.values())
        prior = {k: v / total for k, v in play.items()}
        h0 = entropy(prior.values())
        expected = 0.0
        for aid in self._answer_ids(qid):
            joint = {k: p * self._likelihood(qid, aid, k) for k, p in prior.items()}
            pa = sum(joint.values())
            if pa <= 0:
                continue
            expected += pa * entropy(v / pa for v in joint.values())
        return h0 - expected

    def candidates(self) -> list[tuple[float, str]]:
        done = set(self.answers) | self.skipped | set(self.settled_by_paste()) | set(self.inferred)
        scored = [(self.gain(qid), qid) for qid in self.kb.questions if qid not in done]
        return sorted(scored, key=lambda t: (-t[0], t[1]))

    def settled(self) -> bool:
        """True when the leading cause has SETTLED_PROBABILITY or more (no question is asked)."""
        return max(self.posterior().values(), default=1.0) >= SETTLED_PROBABILITY

    def next_question(self) -> dict[str, Any] | None:
        """The most informative unanswered question, or None when the diagnosis is settled."""
        if self.settled():
            return None
        ranked = self.candidates()
        if not ranked or ranked[0][0] < MIN_GAIN_BITS:
            return None
        gain, qid = ranked[0]
        question = self.kb.questions[qid]
        return {"id": qid, "text": question["ask"], "help": question.get("help", ""),
                "why": self.explain_question(qid), "gain_bits": round(gain, 3),
                "answers": [{"id": x["id"], "label": x["label"]} for x in question["answers"]]}

    # -- explanations --------------------------------------------------------------------

    def explain_question(self, qid: str) -> str:
        """Why this question: which causes in play each answer points to."""
        question = self.kb.questions[qid]
        play = sorted(self.in_play().items(), key=lambda kv: -kv[1])[:6]
        parts = []
        for aid in self._answer_ids(qid):
            favoured = [cid for cid, _ in play if self._weights[qid].get(aid, {}).get(cid, 0) > 0]
            if favoured:
                parts.append(f"'{self._label(qid, aid)}' points to {', '.join(favoured)}")
        lead = question.get("why", "").strip()
        split = "; ".join(parts) if parts else "it narrows the causes still in play"
        return f"{lead} {'It separates: ' if parts else ''}{split}.".strip()

    def explain(self) -> str:
        """How the ranking came about: evidence for the leader and against the runner-up."""
        ranked = self.ranking(top=2)
        if not ranked:
            return "The knowledge base is empty."
        lead = ranked[0]
        lines = [f"{self._name(lead.id)} leads with {lead.score:.0%}."]
        for source, hits in self.hit_sources:
            for hit in hits:
                if hit.id == lead.id and hit.evidence:
                    who = "Your paste matched" if source == "paste" else "The live test saw"
                    lines.append(f"{who}: \"{clip_quote(hit.evidence[0].text)}\".")
        found = [f for f in self.findings if f.cause == lead.id]
        if found:
            f = max(found, key=lambda x: x.strength)
            where = (f"line {f.input_line} of your paste" if f.input_line is not None else f"{f.file}:{f.line}")
            lines.append(f"Your nginx config ({where}): \"{clip_quote(f.message)}\".")
        for qid, aid in self.effective_answers().items():
            w = self._weights[qid].get(aid, {}).get(lead.id, 0.0)
            if w > 0:
                who = "You answered" if qid in self.answers else f"{self.inferred_by(qid).capitalize()} says"
                lines.append(f"{who} '{self._label(qid, aid)}' ({qid}), which supports it.")
        if len(ranked) > 1:
            second = ranked[1]
            against = [
                f"'{self._label(qid, aid)}' ({qid})"
                for qid, aid in self.effective_answers().items()
                if self._likelihood(qid, aid, lead.id) > self._likelihood(qid, aid, second.id) * 1.5
            ]
            if second.id in self._cleared():
                against.append("your nginx config shows no sign of it (wsguide audit)")
            if against:
                lines.append(f"Against the runner-up, {self._name(second.id)} ({second.score:.0%}): "
                             + ", ".join(against) + ".")
            else:
                lines.append(f"The runner-up is {self._name(second.id)} ({second.score:.0%}); nothing asked yet "
                             "tells them apart.")
        if not self.answers and not self.pastes and not self.findings and not self.probes:
            lines.append("No answers or pasted text yet: this is only how common each cause is.")
        return " ".join(lines)
