"""Evidence besides pasted errors, in a Session: a pasted config, a config file's audit, a live
test (a ProbeResult built here: the network part is tested in tests/probe)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from helpers import ERROR_426, INHERITANCE_CONF

from wsguide.engine.session import CLEARED_LOG_ODDS, Session

GOOD_LOCATION = """location /ws {
    proxy_pass http://127.0.0.1:8000;
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection "upgrade";
    proxy_set_header Host $host;
    proxy_read_timeout 1h;
}
"""


@dataclass
class Stage:
    stage: str
    ok: bool
    elapsed: float = 0.01
    detail: str = ""
    skipped: bool = False


@dataclass
class Probe:
    url: str = "ws://127.0.0.1:8080/ws"
    ok: bool = False
    stage: str = "idle"
    detail: str = ""
    evidence: list[str] = field(default_factory=list)
    stages: list[Stage] = field(default_factory=list)


def test_a_pasted_config_is_evidence_with_the_paste_lines(kb):
    session = Session(kb)
    pasted = session.paste(ERROR_426 + "\n" + INHERITANCE_CONF)
    assert pasted.config_lines[0] == 2 and not pasted.config_error
    assert session.ranking(1)[0].id == "proxy-set-header-inheritance"
    ev = [e for e in session.ranking(1)[0].evidence if e.get("source") == "audit"]
    assert ev[0]["line"] == 10 and ev[0]["file"] == "pasted config"  # the location's own proxy_set_header
    # The config sets Upgrade/Connection (in server{}): the plain "missing headers" cause loses.
    assert "missing-upgrade-headers" in session.cleared
    alone = Session(kb)
    alone.paste(ERROR_426)
    assert alone.ranking(1)[0].id == "missing-upgrade-headers"


def test_a_clean_config_counts_against_config_causes_only(kb):
    error = "upstream timed out (110: Connection timed out) while proxying upgraded connection"
    plain, session = Session(kb), Session(kb)
    plain.paste(error)
    session.paste(error + "\n" + GOOD_LOCATION)
    assert "proxy-read-timeout" in session.cleared  # 1h: this location is not the one cutting
    assert "tls-termination" not in session.cleared  # its lab: not visible in a config
    before, after = plain.log_scores(), session.log_scores()
    assert after["proxy-read-timeout"] == pytest.approx(before["proxy-read-timeout"] - CLEARED_LOG_ODDS)
    # Not cleared: a cause no config shows (a CDN's idle timeout) keeps its odds.
    assert after["intermediary-idle-timeout"] == pytest.approx(before["intermediary-idle-timeout"])
    # nginx's own timeout line still names it: the pasted config may not be the one running.
    assert session.ranking(1)[0].id == "proxy-read-timeout"
    ev = session.ranking(1)[0].evidence
    assert any(e.get("weight") == -CLEARED_LOG_ODDS for e in ev)


def test_a_config_that_does_not_parse_is_not_evidence(kb):
    session = Session(kb)
    pasted = session.paste(ERROR_426 + "\nlocation /ws {\n    proxy_pass http://x\n}\n")
    assert pasted.config_error.startswith("line 4: unexpected")
    assert not session.findings and not session.cleared


def test_a_live_idle_drop_ranks_and_answers(kb):
    session = Session(kb)
    session.add_probe(Probe(evidence=[
        "wsguide probe: idle connection closed after 60.4 s with close code 1006 (no close frame)"]))
    assert session.ranking(1)[0].id == "proxy-read-timeout"
    answers = session.effective_answers()
    assert answers.get("symptom") == "drops-later" and answers.get("handshake-status") == "s101"
    assert "The live test says" in session.explain() and "The live test saw" in session.explain()
    ev = session.ranking(1)[0].evidence
    assert any(e.get("source") == "probe" and e["line"] == 1 for e in ev)


def test_a_probe_that_worked_adds_no_hit(kb):
    session = Session(kb)
    probed = session.add_probe(Probe(ok=True, stage="done", evidence=[]))
    assert probed.hits == [] and session.probes == [probed]


def test_an_elided_config_clears_nothing(kb):
    session = Session(kb)
    pasted = session.paste(ERROR_426 + "\n" + GOOD_LOCATION.replace("    proxy_read_timeout 1h;\n", "    ...\n"))
    assert pasted.config_lines and not session.cleared


def test_context_words_in_a_paste_answer_questions(kb):
    """`cues:` in questions.yaml: "behind Cloudflare", "socket.io", "every 100 seconds" answer the
    wizard's questions without asking; a CDN host in a script URL does not."""
    s = Session(kb)
    s.paste("We run socket.io behind Cloudflare and it drops every 100 seconds.\n"
            "WebSocket connection to 'wss://chat.example.com/socket.io/?EIO=4&transport=websocket' "
            "failed: Connection closed before receiving a handshake response")
    assert s.inferred["in-front"] == "cloudflare"
    assert s.inferred["socketio"] == "socketio-yes"
    assert s.inferred["drop-interval"] == "about-100s"
    assert "in-front" not in [q for _, q in s.candidates()]
    s2 = Session(kb)
    s2.paste('<script src="https://cdnjs.cloudflare.com/ajax/libs/socket.io/4.7.2/socket.io.js"></script>')
    assert "in-front" not in s2.inferred
