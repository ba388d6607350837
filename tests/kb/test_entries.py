"""One parametrized suite over every knowledge entry (no per-cause Python)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from wsguide.kb.loader import builtin_dir, load
from wsguide.kb.templates import FIX_CONTEXTS, render_fix_parts, render_map
from wsguide.lookup.selftest import run_entry_tests

DATA = Path(__file__).parent / "data"
KB, PROBLEMS = load()
CAUSE_IDS = sorted(KB.causes)
FAILURES = [c for c in CAUSE_IDS if KB.causes[c].get("kind", "failure") == "failure"]


def test_knowledge_base_loads_without_problems():
    assert [str(p) for p in PROBLEMS] == []


def test_every_taxonomy_id_has_an_entry():
    wanted = (DATA / "taxonomy.txt").read_text().split()
    missing = [cid for cid in wanted if cid not in KB.causes]
    assert missing == [], f"no entry for: {missing}"


@pytest.mark.parametrize("cid", CAUSE_IDS)
def test_entry_lookup_tests(cid):
    assert [str(p) for p in run_entry_tests(KB, only={cid})] == []


@pytest.mark.parametrize("cid", CAUSE_IDS)
def test_entry_has_its_own_examples(cid):
    """Like gixy: no cause without a positive and a look-alike example."""
    cause = KB.causes[cid]
    tests = cause["tests"].get("lookup", {})
    if not cause.get("signatures"):
        pytest.skip(f"{cid} has no observable output to recognise")
    if "examples" in cause["tests"].get("exempt", {}):
        assert len(tests.get("match", [])) >= 1 and tests.get("no_match")
        pytest.skip(f"exempt: {cause['tests']['exempt']['examples']}")
    assert len(tests.get("match", [])) >= 3, "needs at least 3 texts that must rank it first"
    assert len(tests.get("no_match", [])) >= 2, "needs at least 2 look-alikes"


@pytest.mark.parametrize("cid", CAUSE_IDS)
def test_entry_recognition_breadth(cid):
    sigs = KB.causes[cid].get("signatures", [])
    if not sigs:
        pytest.skip(f"{cid} has no observable output to recognise")
    exempt = KB.causes[cid]["tests"].get("exempt", {})
    if "breadth" in exempt:
        pytest.skip(f"exempt: {exempt['breadth']}")
    assert len(sigs) >= 4, "at least 4 signatures"
    assert len({s["source"] for s in sigs}) >= 2, "signatures from at least 2 sources"


def _nginx_t(nginx_bin: str, tmp_path: Path, http_body: str, main: str = "") -> subprocess.CompletedProcess[str]:
    conf = tmp_path / "nginx.conf"
    (tmp_path / "logs").mkdir(exist_ok=True)
    events = "" if re.search(r"^\s*events\s*\{", main, re.M) else "events {}\n"
    conf.write_text(
        f"pid nginx.pid;\nerror_log logs/error.log;\n{main}\n{events}http {{\n"
        "client_body_temp_path tmp; proxy_temp_path tmp; fastcgi_temp_path tmp;\n"
        "uwsgi_temp_path tmp; scgi_temp_path tmp; access_log off;\n"
        "upstream backend { server 127.0.0.1:9; }\n"
        f"{http_body}\n}}\n")
    return subprocess.run([nginx_bin, "-t", "-q", "-p", str(tmp_path), "-c", str(conf),
                           "-e", str(tmp_path / "logs/error.log")],
                          capture_output=True, text=True, timeout=30)


WITH_TEMPLATE = [c for c in CAUSE_IDS if any(KB.causes[c]["fix"].get(k) for k in FIX_CONTEXTS)]
TLS_FILES = ("ssl_certificate", "ssl_certificate_key")
"""Fix variables naming certificate files: the test points them at a throwaway certificate."""


@pytest.fixture(scope="module")
def dummy_cert(tmp_path_factory) -> dict[str, str]:
    """A throwaway certificate and key (trustme), so `nginx -t` can load a TLS fix's files."""
    import trustme

    certs = tmp_path_factory.mktemp("certs")
    leaf = trustme.CA().issue_cert("example.com", "127.0.0.1")
    leaf.private_key_pem.write_to_path(str(certs / "privkey.pem"))
    with open(certs / "fullchain.pem", "wb") as f:
        for pem in leaf.cert_chain_pems:
            f.write(pem.bytes())
    return {"ssl_certificate": str(certs / "fullchain.pem"), "ssl_certificate_key": str(certs / "privkey.pem")}


@pytest.mark.nginx
@pytest.mark.parametrize("cid", WITH_TEMPLATE)
@pytest.mark.parametrize("which", ["defaults", "test-vars"])
def test_fix_renders_and_passes_nginx_t(cid, which, nginx_bin, tmp_path, dummy_cert):
    """Every part of the fix renders (StrictUndefined) and real nginx accepts it in its context.
    A TLS fix names its certificate files with the variables in TLS_FILES."""
    cause = KB.causes[cid]
    overrides = cause["tests"].get("fix", {}).get("vars", {}) if which == "test-vars" else {}
    declared = cause["fix"].get("variables", {})
    overrides = {**overrides, **{k: v for k, v in dummy_cert.items() if k in declared}}
    parts = render_fix_parts(KB, cid, overrides)
    server = parts.get("template", "")
    http = f"{render_map(KB)}\n{parts.get('http_template', '')}"
    res = _nginx_t(nginx_bin, tmp_path, f"{http}\nserver {{\nlisten 127.0.0.1:1;\n{server}\n}}",
                   main=parts.get("main_template", ""))
    assert res.returncode == 0, f"nginx -t rejects the fix of {cid}:\n{res.stderr}" + (
        f"\n(name certificate files with the fix variables {' and '.join(TLS_FILES)})"
        if "certificate" in res.stderr else "")


def test_tls_fix_is_checked_by_nginx():
    """The TLS server of tls-termination is real config (http_template), not only a platform snippet."""
    fix = KB.causes["tls-termination"]["fix"]
    assert "ssl;" in fix.get("http_template", "") and set(TLS_FILES) <= set(fix["variables"])


def test_negative_corpus_matches_no_strong_signature():
    """Ordinary log noise (favicon 404s, TLS chatter, slow APIs) must not name any cause."""
    from wsguide.kb.index import build
    from wsguide.lookup import Lookup

    index = build(KB)
    offenders = []
    for n, line in enumerate((DATA / "unrelated.txt").read_text().splitlines(), 1):
        engine = Lookup(index)
        engine.add_text(line)
        for hit in engine.ranked(top=None).causes:
            if hit.strong:
                offenders.append(f"line {n} -> {hit.id} ({hit.evidence[0].signature}): {line[:90]}")
    assert offenders == []


def test_schema_json_is_current():
    from wsguide.kb.schema import schema_text

    on_disk = (builtin_dir() / "schema.json").read_text()
    assert on_disk == schema_text(), "run: python -m wsguide kb schema > knowledge/schema.json"


def test_signatures_do_not_decide_on_bare_codes():
    for cid, cause in KB.causes.items():
        for sig in cause.get("signatures", []):
            if sig["strength"] != "strong":
                continue
            text = sig.get("regex") or " ".join(sig["all"])
            assert re.search(r"[A-Za-z]{4,}", text), f"{cid}/{sig['id']} is strong on a bare code"
