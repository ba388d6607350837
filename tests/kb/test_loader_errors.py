"""A knowledge author's mistakes give `file:line: field: message` and exit 2, never a traceback."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from helpers import run_cli

VALID = textwrap.dedent("""\
    id: demo-cause
    title: A demo cause
    summary: Used by the loader tests.
    layer: nginx
    stage: handshake
    references: [https://nginx.org/en/docs/http/websocket.html]
    signatures:
      - {id: demo-phrase, source: nginx-error-log, regex: 'demo phrase that nginx prints', strength: strong}
    problem: It breaks.
    why: Because.
    evidence:
      - {question: symptom, expect: [never-connects], weight: 1}
    fix:
      summary: Do the thing.
      variables:
        ws_path: {default: /ws, ask: 'Which path?', kind: path}
      template: |
        location {{ ws_path }} { return 204; }
    verify:
      - {step: Test, run: nginx -t, expect: ok}
    tests:
      lookup:
        match: [{text: demo phrase that nginx prints}]
    """)


MINI = {"WSGUIDE_BUILTIN_KB": str(Path(__file__).parent / "data" / "mini-kb")}


def write(tmp_path: Path, text: str, name: str = "demo-cause.yaml") -> Path:
    d = tmp_path / "extra"
    (d / "causes").mkdir(parents=True, exist_ok=True)
    (d / "causes" / name).write_text(text)
    return d


def check(d: Path):
    return run_cli("kb", "check", str(d), env=MINI)


def test_valid_extra_entry_passes(tmp_path):
    res = check(write(tmp_path, VALID))
    assert res.returncode == 0, res.stdout + res.stderr
    assert "ok:" in res.stderr


@pytest.mark.parametrize(
    ("old", "new", "line", "expect"),
    [
        ("summary: Used by", "gotcha: Used by", 3, "gotcha: unknown key"),
        ("stage: handshake", "stage: handshake\nprior: high", 6, "prior: expected a number"),
        ("regex: 'demo phrase that nginx prints'", "regex: 'demo (phrase'", 8,
         "signatures[0].regex: does not compile under RE2"),
        ("references:", "related: [no-such-cause]\nreferences:", 6, "related[0]: unknown cause id 'no-such-cause'"),
        ("location {{ ws_path }}", "location {{ ws_pth }}", 17, "fix.template: unknown variable 'ws_pth'"),
        ("kind: path}\n", "kind: path}\n    host: {default: example.com, ask: 'Host?', kind: host}\n", 17,
         "fix.variables.host: declared but used by no fix template"),
        ("\nverify:", "\n  steps: ['Reload, then open {{ ws_pth }}']\nverify:", 19,
         "fix.steps[0]: unknown variable 'ws_pth'"),
        ("\ntests:", "\ngotchas: ['Test {{ ws_path }} again']\ntests:", 21,
         "gotchas[0]: plain text is not rendered"),
        ("expect: [never-connects]", "expect: [yes]", 12, "expected text, got bool"),
        ("expect: [never-connects]", "expect: [sometimes]", 12, "question 'symptom' has no answer 'sometimes'"),
        ("regex: 'demo phrase that nginx prints'", "regex: '\\b400\\b'", 8,
         "strong signature must name a phrase"),
        ("title: A demo cause\n", "", 1, "title: required field is missing"),
        ("layer: nginx", "layer: [nginx", 5, "(yaml)"),
        ("id: demo-cause", "id: other-cause", 1, "must equal the file name"),
    ],
)
def test_mistake_is_reported_with_file_line_and_field(tmp_path, old, new, line, expect):
    assert old in VALID
    res = check(write(tmp_path, VALID.replace(old, new, 1)))
    assert res.returncode == 2
    assert "Traceback" not in res.stdout + res.stderr
    hits = [ln for ln in res.stdout.splitlines() if expect in ln]
    assert hits, res.stdout
    assert any(f"demo-cause.yaml:{line}:" in ln for ln in hits), hits


def test_duplicate_id_across_directories(tmp_path):
    d = write(tmp_path, VALID.replace("demo-cause", "proxy-read-timeout").replace(
        "demo phrase", "another phrase"), name="proxy-read-timeout.yaml")
    res = check(d)
    assert res.returncode == 2
    assert "duplicate cause id 'proxy-read-timeout'" in res.stdout


def test_binary_file_is_a_clear_error(tmp_path):
    d = write(tmp_path, "")
    (d / "causes" / "demo-cause.yaml").write_bytes(b"\xff\xfe\x00garbage\x00")
    res = check(d)
    assert res.returncode == 2
    assert "not UTF-8 text" in res.stdout


def test_missing_directory(tmp_path):
    res = check(tmp_path / "nope")
    assert res.returncode == 2
    assert "no such directory" in res.stdout


def test_env_var_adds_directories_and_they_are_checked(tmp_path):
    d = write(tmp_path, VALID.replace("prior", "x").replace("layer: nginx", "layer: moon"))
    res = run_cli("lookup", "demo phrase that nginx prints", env={**MINI, "WSGUIDE_KB_PATH": str(d)})
    assert res.returncode == 2
    assert "layer: 'moon' is not one of" in res.stderr
    assert "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


def test_extra_entry_is_used_by_lookup(tmp_path):
    d = write(tmp_path, VALID)
    res = run_cli("--kb", str(d), "lookup", "--json", "2025/01/01 [error] demo phrase that nginx prints",
                  env=MINI)
    assert res.returncode == 0, res.stderr
    assert '"demo-cause"' in res.stdout


def test_a_bad_regex_is_one_readable_line_without_re2_log_noise(tmp_path):
    """RE2's C++ logger would print its own copy of the error to stderr (and a bytes repr)."""
    res = check(write(tmp_path, VALID.replace("regex: 'demo phrase that nginx prints'",
                                              "regex: 'demo (phrase'", 1)))
    assert res.returncode == 2
    assert "re2.cc" not in res.stderr and "absl" not in res.stderr
    line = next(ln for ln in res.stdout.splitlines() if "does not compile under RE2" in ln)
    assert line.endswith("missing ): demo (phrase"), line
