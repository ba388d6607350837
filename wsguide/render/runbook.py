"""Markdown runbooks: one page per cause (`wsguide export`) and the session runbook (wizard, diagnose).

Pages are GitHub-flavoured markdown rendered from jinja2 templates in `templates/`; this module
shapes the data (escaping, grouping, fix rendering) and the templates only lay it out. Output is
byte-identical for the same knowledge base: no dates, no versions, sorted everywhere.

Each exported file ends with `<!-- ... sha256:HEX -->`, the hash of everything above it. On the
next export a file whose body no longer matches its hash was edited by hand and is left alone
unless `force` is given; writes go to a temporary file in the same directory, then `os.replace`.

Layering: this module reads KB dicts and duck-typed sessions; it never imports `engine` (the
commands pass in what they need, such as the decision graph as mermaid text).
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import UserError
from . import markdown as md
from .redact import Redactor

if TYPE_CHECKING:
    from jinja2 import Environment

    from ..kb.loader import KB

TEMPLATES = Path(__file__).parent / "templates"
INDEX = "index.md"
GRAPH_PAGE = "decision-graph.md"
RESERVED = (INDEX, GRAPH_PAGE)

LAYER_NAMES = {
    "client": "Client (browser, app)", "cdn": "CDN", "platform": "Platform (load balancer, ingress, OS)",
    "nginx": "nginx", "backend": "Backend", "network": "Network",
}
STAGE_NAMES = {
    "handshake": "handshake", "after-connect": "after connecting", "config-test": "config test",
    "intermittent": "intermittent", "setup": "setup",
}
SOURCE_NAMES = {
    "browser-console": "Browser console", "nginx-error-log": "nginx error log",
    "nginx-access-log": "nginx access log", "nginx-t": "nginx -t and reload",
    "backend-log": "Backend log", "client-exception": "Client library", "curl": "curl",
    "platform-log": "Platform, CDN and ingress", "http-response": "HTTP response",
}
CONTEXTS = (
    ("main_template", "The main context of nginx.conf (outside `http {}`)"),
    ("http_template", "The `http {}` context (for example a file in conf.d/)"),
    ("template", "The `server {}` block of the site"),
)
FOOTER = re.compile(r"^<!-- .*sha256:([0-9a-f]{64}) -->$")


# -- jinja ---------------------------------------------------------------------------------

@functools.cache
def _environment() -> Environment:
    # jinja2 costs ~30 ms to import: only export, diagnose --runbook and the wizard pay for it.
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), undefined=StrictUndefined,
                      autoescape=False, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(text=md.text, cell=md.cell, code=md.code, fence=md.fence, label=md.mermaid_label)
    return env


def _render(template: str, **context: Any) -> str:
    return md.tidy(_environment().get_template(template).render(**context))


# -- cause pages ---------------------------------------------------------------------------

def _unique(title: str, seen: set[str]) -> str:
    """A heading not used before on this page (linters reject duplicate headings)."""
    out, n = title, 2
    while out.lower() in seen:
        out, n = f"{title} ({n})", n + 1
    seen.add(out.lower())
    return out


def _fix_context(kb: KB, cid: str) -> dict[str, Any]:
    from ..kb.templates import fix_variables, render, render_fix_parts, render_map

    cause = kb.causes[cid]
    fix = cause["fix"]
    parts = render_fix_parts(kb, cid)
    blocks = [{"where": where, "code": parts[key]} for key, where in CONTEXTS if key in parts]
    uses_map = any("$connection_upgrade" in b["code"] for b in blocks)
    has_map = any("map $http_upgrade" in b["code"] for b in blocks)
    need_map = uses_map and not has_map and "ws-upgrade-map.conf.j2" in kb.snippets
    values = fix_variables(cause)
    steps = [render(kb, step, values) for step in fix.get("steps", [])]
    verify = [{k: render(kb, str(s[k]), values) if s.get(k) else "" for k in ("step", "run", "expect")}
              for s in cause["verify"]]
    seen = {"configuration", "tailor it", "steps", "application side", "platform variants"}
    snippets = {
        group: [{**s, "heading": _unique(f"{s['for']}: {s['title']}", seen)} for s in fix.get(group, [])]
        for group in ("app", "platforms")
    }
    variables = [{"name": n, "default": v["default"], "ask": v["ask"]}
                 for n, v in fix.get("variables", {}).items()]
    return {"summary": fix["summary"], "blocks": blocks, "map": render_map(kb) if need_map else "",
            "variables": variables, "steps": steps, "app": snippets["app"],
            "platforms": snippets["platforms"], "verify": verify}


def _messages(cause: dict[str, Any]) -> list[dict[str, Any]]:
    """Messages grouped by source, in the schema's source order ('silent' ones say in words
    that the program prints nothing: prose, not a code block)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for m in cause.get("messages", []):
        groups.setdefault(m["source"], []).append({"silent": False, **m})
    order = list(SOURCE_NAMES)
    return [{"source": SOURCE_NAMES.get(s, s), "items": groups[s]}
            for s in sorted(groups, key=lambda s: order.index(s) if s in order else len(order))]


SCOPE_NAMES = {
    "ws-location": "in WebSocket locations", "location": "in proxied locations", "server": "in server blocks",
    "upstream": "in upstream blocks", "map": "in map blocks", "events": "in events {}", "http": "in http {}",
    "main": "in the main context",
}


def static_check(kb: KB, cid: str) -> dict[str, Any] | None:
    """What `wsguide audit` looks for on behalf of a cause: each rule with its severity, where it
    looks, and what it reports on its own `flag` example (None: the cause has no rules)."""
    audit = kb.causes[cid].get("audit")
    if not audit or not audit.get("rules"):
        return None
    from ..audit.audit import audit_text, fill, rules_from_kb
    from ..audit.parse import ConfigError
    from ..audit.selftest import example_options

    doc = rules_from_kb(kb)
    cause = doc["causes"][cid]
    rules = []
    for rule in cause["rules"]:
        single = {"format": doc["format"], "causes": {cid: {**cause, "rules": [rule]}}}
        try:
            found = [f for f in audit_text(rule["flag"], single, example_options(rule["flag"])).findings
                     if f.rule == rule["id"]]
        except ConfigError:
            found = []
        message = found[0].message if found else fill(rule["message"], {})
        rules.append({"id": rule["id"], "severity": rule["severity"],
                      "scope": SCOPE_NAMES.get(rule["scope"], rule["scope"]), "example": message})
    return {"rules": rules, "blind": " ".join(str(audit.get("lab", "")).split())}


def cause_page(kb: KB, cid: str) -> str:
    """The markdown page for one cause, without the hash footer."""
    # Optional fields filled in, so the template (StrictUndefined) needs no guards.
    cause = {"kind": "failure", "gotchas": [], "myths": [], "backend_notes": [], "related": [],
             "messages": [], **kb.causes[cid]}
    related = [{"id": r, "title": kb.causes[r]["title"] if r in kb.causes else "", "known": r in kb.causes}
               for r in cause.get("related", [])]
    return _render("cause.md.j2", cause=cause, layer=LAYER_NAMES.get(cause["layer"], cause["layer"]),
                   stage=STAGE_NAMES.get(cause["stage"], cause["stage"]), messages=_messages(cause),
                   fix=_fix_context(kb, cid), related=related, symptom=symptom(kb, cid)[0],
                   static=static_check(kb, cid),
                   clue=symptom(kb, cid)[1])


def symptom(kb: KB, cid: str) -> tuple[str, str]:
    """What leads a user here: the strongest `symptom` answer, and the strongest other clue
    as "question -> answer" ('' when the cause has none)."""
    cause = kb.causes[cid]
    best: dict[str, tuple[float, str]] = {}
    for ev in cause.get("evidence", []):
        question = kb.questions.get(ev["question"])
        if question is None or ev["weight"] <= 0:
            continue
        labels = {a["id"]: a["label"] for a in question["answers"]}
        key = "symptom" if ev["question"] == "symptom" else "clue"
        for aid in ev["expect"]:
            # Higher weight wins; on a tie the earlier edge (the author's order) does.
            if aid in labels and (key not in best or ev["weight"] > best[key][0]):
                text = labels[aid] if key == "symptom" else f"{question['ask']} -> {labels[aid]}"
                best[key] = (ev["weight"], text)
    if "symptom" in best:
        main = best["symptom"][1]
    else:
        first = md.paragraphs(cause["problem"])[0]
        main = re.split(r"(?<=[.!?])\s", first, maxsplit=1)[0]
    return main, best["clue"][1] if "clue" in best else ""


def index_page(kb: KB, cause_ids: Iterable[str], graph: bool = True) -> str:
    """The index: causes grouped by layer, ordered by stage, each with its symptom."""
    from ..kb.model import LAYERS, STAGES

    ids = sorted(cause_ids)
    layers = []
    for layer in LAYERS:
        rows = [cid for cid in ids if kb.causes[cid]["layer"] == layer]
        if not rows:
            continue
        rows.sort(key=lambda c: (STAGES.index(kb.causes[c]["stage"]), kb.causes[c]["title"].lower(), c))
        causes = []
        for c in rows:
            main, clue = symptom(kb, c)
            causes.append({"id": c, "title": kb.causes[c]["title"], "stage": STAGE_NAMES[kb.causes[c]["stage"]],
                           "kind": kb.causes[c].get("kind", "failure"), "symptom": main, "clue": clue})
        layers.append({"name": LAYER_NAMES.get(layer, layer), "causes": causes})
    return _render("index.md.j2", layers=layers, count=len(ids), graph_page=GRAPH_PAGE if graph else "")


def graph_page(graph_mermaid: str) -> str:
    return _render("graph.md.j2", graph=graph_mermaid.rstrip("\n"))


def _with_footer(body: str, source: str) -> str:
    body += "\n"  # a blank line before the comment; the hash covers everything above the footer
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    return f"{body}<!-- generated by wsguide export from {source}; edit that and export again. sha256:{digest} -->\n"


def export_pages(kb: KB, cause_ids: Iterable[str] | None = None, graph_mermaid: str | None = None,
                 index: bool = True) -> dict[str, str]:
    """File name -> full content (footer included) for the given causes (default: all)."""
    ids = sorted(kb.causes) if cause_ids is None else sorted(set(cause_ids))
    clash = [cid for cid in ids if f"{cid}.md" in RESERVED]
    if clash:
        raise UserError(f"cause id {clash[0]!r} clashes with a generated page name ({', '.join(RESERVED)})")
    pages = {f"{cid}.md": _with_footer(cause_page(kb, cid), f"knowledge/causes/{cid}.yaml") for cid in ids}
    if index:
        pages[INDEX] = _with_footer(index_page(kb, ids, graph=graph_mermaid is not None), "the knowledge base")
    if graph_mermaid is not None:
        pages[GRAPH_PAGE] = _with_footer(graph_page(graph_mermaid), "the knowledge base")
    return dict(sorted(pages.items()))


# -- writing -------------------------------------------------------------------------------

def body_and_hash(content: str) -> tuple[str, str | None]:
    """Split a generated file into its body and the hash its footer records (None: no footer)."""
    head, sep, last = content.rstrip("\n").rpartition("\n")
    m = FOOTER.match(last)
    if not sep or not m:
        return content, None
    return head + sep, m[1]


def is_pristine(content: str) -> bool:
    """True when the file carries our footer and nobody changed the body since."""
    body, recorded = body_and_hash(content)
    return recorded is not None and hashlib.sha256(body.encode("utf-8")).hexdigest() == recorded


def atomic_write(path: Path, content: str) -> None:
    """Write via a temporary file in the same directory, so readers never see half a file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(content)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass
class WriteReport:
    """What `write_pages` did, file names relative to the output directory."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    """Changed by hand since generated (or not ours): left alone without force."""
    removed: list[str] = field(default_factory=list)
    """Pristine generated pages of causes that no longer exist."""
    stale: list[str] = field(default_factory=list)
    """Pages of causes that no longer exist but were edited by hand: left in place."""


def write_pages(pages: dict[str, str], out: Path, force: bool = False, prune: bool = False) -> WriteReport:
    """Write pages into `out`; never overwrite a hand-edited file unless `force`.

    Args:
        pages: file name -> content, as `export_pages` returns.
        out: the directory (created if missing).
        force: overwrite files that were changed since they were generated.
        prune: remove pristine generated pages (our footer, unchanged) that are not in `pages`.
    """
    report = WriteReport()
    out.mkdir(parents=True, exist_ok=True)
    for name, content in pages.items():
        path = out / name
        if path.exists():
            old = path.read_text(encoding="utf-8", errors="replace")
            if old == content:
                report.unchanged.append(name)
                continue
            if not force and not is_pristine(old):
                report.skipped.append(name)
                continue
        atomic_write(path, content)
        report.written.append(name)
    if prune:
        for path in sorted(out.glob("*.md")):
            if path.name in pages:
                continue
            old = path.read_text(encoding="utf-8", errors="replace")
            if is_pristine(old):
                path.unlink()
                report.removed.append(path.name)
            elif body_and_hash(old)[1] is not None:
                report.stale.append(path.name)
    return report


# -- session runbook -----------------------------------------------------------------------

class _Session(Protocol):
    """What the session runbook needs from `engine.session.Session` (duck-typed: no engine import)."""

    kb: KB
    answers: dict[str, str]
    skipped: set[str]
    pastes: list[Any]
    inferred: dict[str, str]
    findings: list[Any]
    probes: list[Any]

    def ranking(self, top: int | None = 5) -> list[Any]: ...

    def explain(self) -> str: ...

    def settled(self) -> bool: ...


CLOSE_SHARE = 0.5
"""Not settled, and the runner-up has at least this share of the leader's score: a close call,
so the runbook says so, how to tell the two apart, and the runner-up's fix in one line."""


def _label(kb: KB, qid: str, aid: str) -> str:
    return next((a["label"] for a in kb.questions[qid]["answers"] if a["id"] == aid), aid)


def _decision_path(session: _Session, ranked: list[Any]) -> str:
    """The session as a mermaid flowchart: start -> paste -> each answer -> the leading causes."""
    kb = session.kb
    lines = ["flowchart TD", '  start(["Start"])']
    prev, edge_label = "start", ""
    if session.pastes:
        matched = sorted({h.id for p in session.pastes for h in p.hits})
        n_lines = sum(len(p.text.splitlines()) for p in session.pastes)
        what = (f"matched {', '.join(matched[:4])}" + (" ..." if len(matched) > 4 else "")) if matched \
            else "matched no signature"
        lines += [f'  paste["{md.mermaid_label(f"Pasted text: {n_lines} line(s), {what}", 120)}"]',
                  "  start --> paste"]
        prev = "paste"
    findings = list(getattr(session, "findings", []))
    if findings:
        causes = sorted({f.cause for f in findings})
        more = " ..." if len(causes) > 3 else ""
        what = f"Config checked: {len(findings)} finding(s), {', '.join(causes[:3])}{more}"
        lines += [f'  config["{md.mermaid_label(what, 120)}"]', f"  {prev} --> config"]
        prev = "config"
    for i, probed in enumerate(getattr(session, "probes", [])):
        r = probed.result
        what = f"Live test: {'worked' if r.ok else f'failed at {r.stage}'}"
        lines += [f'  probe{i}["{md.mermaid_label(what, 120)}"]', f"  {prev} --> probe{i}"]
        prev = f"probe{i}"

    def edge(src: str, dst: str, label: str, arrow: str = "-->") -> str:
        return f'  {src} {arrow}|"{md.mermaid_label(label, 60)}"| {dst}' if label else f"  {src} {arrow} {dst}"

    for i, (qid, aid) in enumerate(session.answers.items()):
        node = f"q{i}"
        lines += [f'  {node}["{md.mermaid_label(kb.questions[qid]["ask"])}"]', edge(prev, node, edge_label)]
        prev, edge_label = node, _label(kb, qid, aid)
    for j, r in enumerate(ranked[:3]):
        lines += [f'  c{j}(["{md.mermaid_label(f"{r.id}: {r.score:.0%}")}"])',
                  edge(prev, f"c{j}", edge_label) if j == 0 else f"  {prev} -.-> c{j}"]
    return "\n".join(lines)


def _tell_apart(kb: KB, done: set[str], a: str, b: str, limit: int = 3) -> list[dict[str, str]]:
    """Unasked questions whose answers point to `a` and to `b` differently (the answer each
    cause's evidence weights most), the most telling first."""
    out = []
    for qid, question in kb.questions.items():
        if qid in done:
            continue
        best: dict[str, tuple[float, str]] = {}
        for cid in (a, b):
            edges = [(e["weight"], x) for e in kb.causes[cid].get("evidence", [])
                     if e["question"] == qid and e["weight"] > 0 for x in e["expect"]]
            if edges:
                best[cid] = max(edges)
        if len(best) == 2 and best[a][1] != best[b][1]:
            out.append((-(best[a][0] + best[b][0]), len(out), {
                "question": question["ask"], "a": _label(kb, qid, best[a][1]), "b": _label(kb, qid, best[b][1])}))
    return [item for *_, item in sorted(out)[:limit]]


def _close_call(session: _Session, ranked: list[Any]) -> dict[str, Any] | None:
    """The runner-up when the diagnosis is not settled and it is close behind the leader."""
    if len(ranked) < 2 or session.settled() or ranked[1].score < CLOSE_SHARE * ranked[0].score:
        return None
    kb, lead, second = session.kb, ranked[0], ranked[1]
    done = set(session.answers) | set(session.skipped) | set(getattr(session, "inferred", {}))
    return {"id": second.id, "title": second.title, "score": f"{second.score:.0%}",
            "lead": lead.id, "lead_score": f"{lead.score:.0%}",
            "fix": kb.causes[second.id]["fix"]["summary"], "clues": _tell_apart(kb, done, lead.id, second.id)}


def _verify_for(kb: KB, cid: str) -> list[dict[str, str]]:
    from ..kb.templates import fix_variables, render

    values = fix_variables(kb.causes[cid])
    return [{k: render(kb, str(s[k]), values) if s.get(k) else "" for k in ("step", "run", "expect")}
            for s in kb.causes[cid]["verify"]]


def _explanation(session: _Session, scrub: Callable[[str], str]) -> str:
    """session.explain(), redacted. It quotes pasted lines clipped to a length, and a clipped
    address ("live.exa") no longer looks like one, so the quotes are swapped for whole redacted lines first."""
    from ..engine.session import clip_quote

    text = session.explain()
    for pasted in session.pastes:
        for hit in pasted.hits:
            for ev in hit.evidence:
                for clip in (ev.text, clip_quote(ev.text)):
                    if clip and clip in text:
                        text = text.replace(clip, scrub(ev.text))
                        break
    return scrub(text)


def render_session_runbook(session: _Session, config: dict[str, str] | str | None = None,
                           verify: list[dict[str, str]] | None = None, redact: bool = True) -> str:
    """The session as a markdown runbook: symptom, answers, ranking, decision path, config, checks.

    Args:
        session: an `engine.session.Session` (or anything with the same attributes).
        config: the tailored config, as install path -> content or one text; None renders the
            leading cause's fix with its example values.
        verify: the checklist as {"step", "run", "expect"} dicts; None uses the leading cause's.
        redact: replace IP addresses, host names and tokens in pasted text (and in the
            evidence and explanation that quote it) with placeholders.
    """
    kb = session.kb
    scrub: Callable[[str], str] = Redactor() if redact else str
    ranked = session.ranking(5)
    findings = list(getattr(session, "findings", []))
    probes = list(getattr(session, "probes", []))
    evidence_given = bool(session.answers or session.pastes or findings or probes)
    top = ranked[0].id if ranked and evidence_given else None
    pastes = [scrub(p.text) for p in session.pastes]
    answers = [{"question": kb.questions[q]["ask"], "qid": q, "answer": _label(kb, q, a), "aid": a}
               for q, a in session.answers.items()]
    causes = []
    for r in ranked:
        evidence = []
        for ev in r.evidence:
            if "question" in ev:
                sign = "for" if ev["weight"] > 0 else "against"
                evidence.append({"kind": "answer", "text": ev["text"], "detail": f"{sign}, weight {ev['weight']:+g}"})
            elif ev.get("source") == "audit":
                evidence.append({"kind": "audit", "text": scrub(ev["text"]), "detail": _audit_detail(ev)})
            elif ev.get("source") == "probe":
                evidence.append({"kind": "probe", "text": scrub(ev["text"]),
                                 "detail": f"live test, {ev.get('signature', '')}"})
            else:
                evidence.append({"kind": "paste", "text": scrub(ev["text"]),
                                 "detail": f"line {ev.get('line', '?')}, {ev.get('signature', '')}"})
        causes.append({"id": r.id, "title": r.title, "score": f"{r.score:.0%}", "evidence": evidence})
    if isinstance(config, str):
        config_files = [{"path": "", "code": config}]
    elif config:
        # install paths as code; the wizard's descriptive keys ("the fix itself (...)") as text
        config_files = [{"path": md.text(p) if " " in p else md.code(p), "code": c} for p, c in config.items()]
    else:
        config_files = []
    fix = _fix_context(kb, top) if top else None
    if verify is not None:
        steps = [{k: str(s.get(k) or "") for k in ("step", "run", "expect")} for s in verify]
    else:
        steps = _verify_for(kb, top) if top else []
    reproduce = " ".join(["wsguide diagnose"] + [f"--answer {q}={a}" for q, a in session.answers.items()]
                         + [f"--answer {q}=?" for q in sorted(session.skipped)])
    checked = [{"where": scrub(f"line {f.input_line} of the paste" if getattr(f, "input_line", None) is not None
                               else f"{f.file}:{f.line}"),
                "severity": f.severity, "cause": f.cause, "message": scrub(f.message)} for f in findings]
    live = [{"url": scrub(p.result.url), "stages": _stage_lines(p.result, scrub),
             "outcome": scrub("worked" if p.result.ok else f"failed at {p.result.stage}: {p.result.detail}")}
            for p in probes]
    return _render("session.md.j2", checked=checked, live=live, pastes=pastes, answers=answers,
                   skipped=sorted(session.skipped),
                   causes=causes, explanation=_explanation(session, scrub), top=kb.causes[top] if top else None,
                   fix=fix, config_files=config_files, verify=steps, redacted=redact,
                   path=_decision_path(session, ranked), reproduce=reproduce,
                   pasted=bool(session.pastes), close=_close_call(session, ranked) if top else None)


def _audit_detail(ev: dict[str, Any]) -> str:
    if "weight" in ev:
        return f"against, config check, weight {ev['weight']:+g}"
    pasted = ev.get("file") == "pasted config"
    where = f"line {ev.get('line', '?')} of the paste" if pasted else "config check"
    return f"{where}, {ev.get('severity', '')}, {ev.get('signature', 'audit')}"


def _stage_lines(result: Any, scrub: Callable[[str], str]) -> str:
    """A probe's stages as plain text lines (ok / FAIL / skip, time, what was seen)."""
    out = []
    for st in result.stages:
        mark = "skip" if st.skipped else "ok" if st.ok else "FAIL"
        took = "" if st.skipped else (f"{st.elapsed * 1000:.1f} ms" if st.elapsed < 1 else f"{st.elapsed:.2f} s")
        out.append(f"{mark:<4} {st.stage:<9} {took:>9}  {scrub(st.detail)}".rstrip())
    return "\n".join(out)


def write_session_runbook(session: _Session, path: str | Path, redact: bool = True,
                          config: dict[str, str] | str | None = None,
                          verify: list[dict[str, str]] | None = None, force: bool = False) -> Path:
    """Render the session runbook and write it atomically; an existing file needs `force`."""
    target = Path(path)
    if target.exists() and not force:
        raise UserError(f"{target}: already exists; not overwriting it (choose another name or remove it)")
    if not target.parent.is_dir():
        raise UserError(f"{target}: directory {target.parent} does not exist")
    text = render_session_runbook(session, config=config, verify=verify, redact=redact)
    atomic_write(target, text)
    return target
