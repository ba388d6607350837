"""The decision graph, derived from the knowledge base (never hand-drawn).

Nodes: `q:<question>`, `a:<question>=<answer>`, `c:<cause>`, `s:<cause>/<signature>`,
`f:<cause>`. Edges: question -> answer (offers), answer -> cause (evidence, with its
log-likelihood weight), signature -> cause (recognises, with its confidence), cause -> fix
(fixed-by), cause -> cause (related). This is the only module that imports networkx.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import networkx as nx

from ..kb.shape import Problem

if TYPE_CHECKING:
    from ..kb.loader import KB


def q(qid: str) -> str:
    return f"q:{qid}"


def a(qid: str, aid: str) -> str:
    return f"a:{qid}={aid}"


def c(cid: str) -> str:
    return f"c:{cid}"


def build(kb: KB) -> nx.DiGraph:
    g = nx.DiGraph()
    for qid, question in kb.questions.items():
        g.add_node(q(qid), kind="question", label=question["ask"])
        for ans in question["answers"]:
            g.add_node(a(qid, ans["id"]), kind="answer", label=ans["label"], question=qid)
            g.add_edge(q(qid), a(qid, ans["id"]), kind="offers")
    for cid, cause in kb.causes.items():
        g.add_node(c(cid), kind="cause", label=cause["title"], prior=cause.get("prior", 1.0),
                   risk=cause.get("kind") == "risk")
        g.add_node(f"f:{cid}", kind="fix", label=cause["fix"]["summary"])
        g.add_edge(c(cid), f"f:{cid}", kind="fixed-by")
        for ev in cause.get("evidence", []):
            for aid in ev["expect"]:
                node = a(ev["question"], aid)
                if node not in g:
                    continue  # lint reports the dangling reference
                w = g.edges[node, c(cid)]["weight"] + ev["weight"] if g.has_edge(node, c(cid)) else ev["weight"]
                g.add_edge(node, c(cid), kind="evidence", weight=w)
        for sig in cause.get("signatures", []):
            s = f"s:{cid}/{sig['id']}"
            g.add_node(s, kind="signature", source=sig["source"], strength=sig["strength"])
            g.add_edge(s, c(cid), kind="recognises",
                       weight=sig.get("weight", 0.9 if sig["strength"] == "strong" else 0.35))
        for rel in cause.get("related", []):
            if rel in kb.causes:
                g.add_edge(c(cid), c(rel), kind="related")
    return g


def evidence_weights(g: nx.DiGraph, qid: str) -> dict[str, dict[str, float]]:
    """answer id -> {cause id -> weight} for one question."""
    out: dict[str, dict[str, float]] = {}
    for _, ans in g.out_edges(q(qid)):
        aid = ans.split("=", 1)[1]
        out[aid] = {cause[2:]: data["weight"] for _, cause, data in g.out_edges(ans, data=True)
                    if data["kind"] == "evidence"}
    return out


def check(kb: KB, g: nx.DiGraph | None = None) -> list[Problem]:
    """Graph-level problems: unreachable causes, questions that separate nothing."""
    g = g if g is not None else build(kb)
    problems: list[Problem] = []
    for cid, cause in kb.causes.items():
        if cause.get("draft"):
            continue
        sources = [u for u, _ in g.in_edges(c(cid))
                   if g.nodes[u]["kind"] in ("answer", "signature")
                   and (g.nodes[u]["kind"] == "signature" or g.edges[u, c(cid)]["weight"] > 0)]
        if not sources:
            line = kb.lines.get(f"{cid}/evidence", kb.lines.get(f"{cid}/id", 1))
            problems.append(Problem(kb.files[cid], line, "evidence",
                                    "cause is unreachable: no answer argues for it and no "
                                    "signature recognises it"))
    for qid in kb.questions:
        weights = evidence_weights(g, qid)
        vectors = {tuple(sorted(w.items())) for w in weights.values()}
        if len(vectors) <= 1:
            problems.append(Problem(kb.files.get(f"?{qid}", "questions.yaml"),
                                    kb.lines.get(f"?{qid}", 1), qid,
                                    "question separates nothing: no cause weighs its answers "
                                    "differently (add evidence edges or remove it)"))
    return problems


_MERMAID_ESCAPES = {'"': "#quot;", "#": "#35;", "[": "#91;", "]": "#93;", "(": "#40;", ")": "#41;",
                    "{": "#123;", "}": "#125;", "<": "#lt;", ">": "#gt;", "|": "#124;", "`": "#96;"}


def _label(text: str, limit: int = 90) -> str:
    """A label for inside double quotes: one line, clipped, brackets and quotes as entity codes."""
    s = " ".join(text.split())
    s = s if len(s) <= limit else s[: limit - 3].rstrip() + "..."
    return "".join(_MERMAID_ESCAPES.get(ch, ch) for ch in s)


def _mid(node: str) -> str:
    # KB ids are [a-z0-9-]; '-' -> '_' and the kind prefix keep ids unique and valid in mermaid.
    kind, _, rest = node.partition(":")
    return f"{kind}_" + rest.replace("-", "_").replace("=", "__")


def mermaid(kb: KB, min_weight: float = 2) -> str:
    """The decision graph as a mermaid flowchart: one box per question holding the answers that
    argue for a cause with at least `min_weight`, an edge per such answer -> cause (labelled with
    its weight), causes as rounded nodes. Sorted throughout, so the text is stable for a KB."""
    g = build(kb)
    edges = sorted((u, v, d["weight"]) for u, v, d in g.edges(data=True)
                   if d["kind"] == "evidence" and d["weight"] >= min_weight)
    used_answers = {u for u, _, _ in edges}
    lines = ["flowchart LR"]
    for qid in sorted(kb.questions):
        answers = sorted(n for n in used_answers if g.nodes[n]["question"] == qid)
        if not answers:
            continue
        lines.append(f'  subgraph {_mid(q(qid))}["{_label(kb.questions[qid]["ask"])}"]')
        lines += [f'    {_mid(n)}["{_label(g.nodes[n]["label"], 60)}"]' for n in answers]
        lines.append("  end")
    for node in sorted({v for _, v, _ in edges}):
        lines.append(f'  {_mid(node)}(["{_label(node[2:])}"])')
    for u, v, w in edges:
        lines.append(f'  {_mid(u)} -->|"{w:+g}"| {_mid(v)}')
    return "\n".join(lines) + "\n"
