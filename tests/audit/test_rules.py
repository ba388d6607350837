"""The rule language: every rule's own examples, the lint that guards authors, the named checks."""

from __future__ import annotations

import pytest

from wsguide.audit.checks import CHECKS
from wsguide.audit.selftest import run_rule_tests
from wsguide.kb.loader import load
from wsguide.kb.model import AUDIT_CHECKS

KB, _ = load()
WITH_RULES = sorted(cid for cid, c in KB.causes.items() if c.get("audit"))


def test_enough_causes_have_static_checks():
    assert len(WITH_RULES) >= 18, WITH_RULES


@pytest.mark.parametrize("cid", WITH_RULES)
def test_rule_examples(cid):
    """flag: is reported by its rule, pass: is not (each rule alone)."""
    assert [str(p) for p in run_rule_tests(KB, only={cid})] == []


def test_named_checks_match_the_model():
    assert set(CHECKS) == set(AUDIT_CHECKS)


def test_a_broken_example_is_reported_by_the_self_test():
    import copy

    kb = copy.deepcopy(KB)
    rule = kb.causes["proxy-read-timeout"]["audit"]["rules"][0]
    rule["flag"] = rule["pass"]  # the flag example no longer shows the problem
    problems = [str(p) for p in run_rule_tests(kb, only={"proxy-read-timeout"})]
    assert len(problems) == 1 and "does not report its flag example" in problems[0]
    assert "proxy-read-timeout.yaml:" in problems[0] and "audit.rules[0].flag" in problems[0]


def _lint(audit):
    from wsguide.kb.lint import _lint_audit

    out = []
    _lint_audit("x", audit, lambda cid, field, msg: out.append(f"{field}: {msg}"))
    return out


def _rule(**kw):
    base = {"id": "r", "scope": "ws-location", "severity": "info", "message": "m", "flag": "", "pass": "",
            "when": [{"missing": "proxy_read_timeout"}]}
    return {"rules": [{**base, **kw}]}


def test_lint_names_authors_mistakes():
    assert _lint(_rule()) == []
    problems = _lint(_rule(when=[{"missing": "x", "below": "5s"}]))
    assert problems == ["audit.rules[0].when[0].below: 'below' does not go with 'missing' "
                        "(it goes with: duration, size, number)"]
    assert "does not compile" in _lint(_rule(when=[{"present": "x", "args": ["("]}]))[0]
    assert "is not a duration" in _lint(_rule(when=[{"duration": "x", "below": "75 seconds"}]))[0]
    assert "needs below: or above:" in _lint(_rule(when=[{"duration": "x"}]))[0]
    assert "unknown placeholder {locaton}" in _lint(_rule(message="in {locaton}"))[0]
    assert _lint(_rule(fix="map $a $b { default x; }")) == []  # nginx braces are not placeholders
    assert "maps tests a map" in _lint(_rule(when=[{"maps": "", "to": "close"}]))[0]
    assert "needs header" in _lint(_rule(when=[{"follow": "header-map", "when": [{"maps": ""}]}]))[0]
    assert "path tests a location" in _lint(_rule(scope="server", when=[{"path": "/ws"}]))[0]


def test_unknown_keys_in_a_rule_fail_with_file_and_line(tmp_path):
    (tmp_path / "causes").mkdir()
    src = (KB.files["proxy-read-timeout"])
    from pathlib import Path

    text = Path(src).read_text() if Path(src).exists() else ""
    if not text:
        pytest.skip("built-in KB not on disk")
    text = text.replace("      scope: ws-location\n", "      scope: ws-location\n      wen: []\n", 1)
    (tmp_path / "causes" / "proxy-read-timeout.yaml").write_text(text)
    _, problems = load([tmp_path])
    messages = [str(p) for p in problems]
    assert any("audit.rules[0].wen: unknown key (did you mean 'when'?)" in m for m in messages), messages
