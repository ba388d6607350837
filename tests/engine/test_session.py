"""The diagnosis engine on a small hand-made knowledge base, so the arithmetic is checkable."""

from __future__ import annotations

import pytest

from wsguide.engine.graph import build, check
from wsguide.engine.session import Session
from wsguide.errors import UserError
from wsguide.kb.loader import KB


def cause(cid: str, evidence: list[dict], signatures: list[dict] | None = None, prior: float = 1):
    return {
        "id": cid, "title": cid.replace("-", " "), "summary": "s", "layer": "nginx",
        "stage": "after-connect", "prior": prior, "references": ["https://nginx.org/"],
        "problem": "p", "why": "w", "evidence": evidence, "signatures": signatures or [],
        "fix": {"summary": f"fix {cid}"}, "verify": [{"step": "check", "expect": "ok"}],
        "tests": {},
    }


def question(qid: str, *answers: str, why: str = "") -> dict:
    return {"id": qid, "ask": f"{qid}?", "why": why,
            "answers": [{"id": a, "label": a.replace("-", " ")} for a in answers]}


@pytest.fixture
def kb() -> KB:
    kb = KB()
    kb.questions = {
        "drop-interval": question("drop-interval", "about-60s", "about-100s", "random",
                                  why="Timers drop on a beat."),
        "in-front": question("in-front", "nothing", "cloudflare"),
        "close-code": {"id": "close-code", "ask": "close code?", "answers": [
            {"id": "c1006", "label": "1006", "detect": [r"\b1006\b"]},
            {"id": "c1000", "label": "1000", "detect": [r"\bcode 1000\b"]}]},
        "colour": question("colour", "red", "blue"),  # separates nothing
    }
    kb.causes = {
        "nginx-timeout": cause("nginx-timeout", [
            {"question": "drop-interval", "expect": ["about-60s"], "weight": 3},
            {"question": "in-front", "expect": ["cloudflare"], "weight": -1},
            {"question": "close-code", "expect": ["c1006"], "weight": 1}],
            [{"id": "t", "source": "nginx-error-log", "strength": "strong",
              "regex": "while proxying upgraded connection"}]),
        "cdn-timeout": cause("cdn-timeout", [
            {"question": "drop-interval", "expect": ["about-100s"], "weight": 3},
            {"question": "in-front", "expect": ["cloudflare"], "weight": 3}]),
        "no-pings": cause("no-pings", [
            {"question": "drop-interval", "expect": ["random"], "weight": 3}]),
    }
    kb.files = {c: f"causes/{c}.yaml" for c in kb.causes}
    return kb


def test_graph_has_typed_nodes_and_weighted_edges(kb):
    g = build(kb)
    assert g.nodes["q:drop-interval"]["kind"] == "question"
    assert g.edges["a:drop-interval=about-60s", "c:nginx-timeout"]["weight"] == 3
    assert g.has_edge("s:nginx-timeout/t", "c:nginx-timeout")


def test_graph_check_flags_a_question_that_separates_nothing(kb):
    problems = [str(p) for p in check(kb)]
    assert any("colour: question separates nothing" in p for p in problems)
    assert not any("drop-interval" in p for p in problems)


def test_graph_check_flags_unreachable_cause(kb):
    kb.causes["orphan"] = cause("orphan", [])
    kb.files["orphan"] = "causes/orphan.yaml"
    assert any("orphan.yaml" in str(p) and "unreachable" in str(p) for p in check(kb))


def test_scores_are_probabilities_and_answers_move_them(kb):
    s = Session(kb)
    before = {r.id: r.score for r in s.ranking()}
    assert abs(sum(before.values()) - 1) < 1e-9
    s.answer("drop-interval", "about-100s")
    after = {r.id: r.score for r in s.ranking()}
    assert s.ranking()[0].id == "cdn-timeout"
    assert after["cdn-timeout"] > before["cdn-timeout"]
    assert all(0 <= v <= 1 for v in after.values())


def test_next_question_maximises_information_gain(kb):
    s = Session(kb)
    q = s.next_question()
    assert q["id"] == "drop-interval"  # splits all three causes; in-front splits one off
    assert s.gain("drop-interval") > s.gain("in-front") > s.gain("colour") == pytest.approx(0)
    assert "Timers drop on a beat." in q["why"]
    assert "points to nginx-timeout" in q["why"]


def test_answered_and_skipped_questions_are_not_asked_again(kb):
    s = Session(kb)
    s.answer("drop-interval", None)  # I don't know
    assert s.next_question()["id"] == "in-front"
    s.answer("in-front", "cloudflare")
    nxt = s.next_question()
    assert nxt is None or nxt["id"] not in {"drop-interval", "in-front"}


def test_strong_paste_settles_the_question_it_answers(kb):
    s = Session(kb)
    s.paste("2025/03/14 [info] 1#1: *2 upstream timed out (110: x) while proxying upgraded connection")
    assert s.ranking()[0].id == "nginx-timeout"
    assert s.settled_by_paste() == {"drop-interval": "about-60s"}
    assert s.next_question() is None or s.next_question()["id"] != "drop-interval"
    assert "Your paste matched" in s.explain()


def test_explain_quotes_a_long_line_cut_at_a_word(kb):
    s = Session(kb)
    line = ("2025/03/14 [info] 1#1: *2 upstream timed out (110: x) while proxying upgraded connection, "
            "client: 10.0.0.1, server: live.example.com, request: GET /ws HTTP/1.1, "
            "upstream: http://10.0.0.2:8000/ws, host: live.example.com")
    s.paste(line)
    quote = s.explain().split('Your paste matched: "', 1)[1].split('"', 1)[0]
    assert quote.endswith("…") and len(quote) <= 161
    assert line.startswith(quote[:-1])
    assert line[len(quote) - 1] == " "  # cut between words, not inside one


def test_explain_names_evidence_against_the_runner_up(kb):
    s = Session(kb)
    s.answer("drop-interval", "about-100s")
    s.answer("in-front", "cloudflare")
    text = s.explain()
    assert text.startswith(f"{kb.causes['cdn-timeout']['title']} (cdn-timeout) leads")
    assert "Against the runner-up" in text


def test_unknown_question_or_answer_is_a_user_error(kb):
    s = Session(kb)
    with pytest.raises(UserError, match="unknown question"):
        s.answer("nope", "x")
    with pytest.raises(UserError, match="has no answer 'sometimes'"):
        s.answer("drop-interval", "sometimes")


def test_pasted_text_answers_the_questions_it_states(kb):
    s = Session(kb)
    s.paste("the socket closed with code 1006 after a while")
    assert s.inferred == {"close-code": "c1006"}
    assert s.effective_answers() == {"close-code": "c1006"}
    asked = [q for _, q in s.candidates()]
    assert "close-code" not in asked  # the paste already said it
    assert s.ranking()[0].id == "nginx-timeout"  # the inferred 1006 counts as evidence
    assert "Your paste says '1006' (close-code)" in s.explain()
    s.answer("close-code", "c1000")  # the user's own answer wins over the paste
    assert s.effective_answers()["close-code"] == "c1000"


def test_conflicting_pasted_values_settle_nothing(kb):
    s = Session(kb)
    s.paste("closed with code 1006\nlater: closed with code 1000")
    assert s.inferred == {}
