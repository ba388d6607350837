"""A small structural checker for the mermaid flowcharts wsguide writes (no mermaid CLI offline).

It accepts the subset we emit and rejects what breaks mermaid's parser in practice: a missing
`flowchart` header, node ids that are not identifiers (or are the keyword `end`), labels that
are not double-quoted or that carry a raw quote, bracket or pipe, edges to nodes never
defined, and unbalanced `subgraph`/`end`.
"""

from __future__ import annotations

import re

ID = r"[A-Za-z_][A-Za-z0-9_]*"
LABEL = r'"(?P<label>[^"]*)"'
SHAPES = (r"\[" + LABEL + r"\]", r"\(\[" + LABEL + r"\]\)", r"\(" + LABEL + r"\)", r"\{" + LABEL + r"\}")
NODE = re.compile(rf"^(?P<id>{ID})(?:{'|'.join(s.replace('?P<label>', '') for s in SHAPES)})$")
NODE_LABEL = re.compile(rf"^{ID}(?:\[|\(\[|\(|\{{)\"(?P<label>[^\"]*)\"")
EDGE = re.compile(rf"^(?P<src>{ID})\s+(?P<arrow>-->|-\.->|---|-\.-|==>)(?:\|\"(?P<label>[^\"]*)\"\|)?\s+(?P<dst>{ID})$")
SUBGRAPH = re.compile(rf"^subgraph\s+(?P<id>{ID})(?:\[\"(?P<label>[^\"]*)\"\])?$")
HEADER = re.compile(r"^(flowchart|graph)\s+(TD|TB|LR|RL|BT)$")
FORBIDDEN_IN_LABEL = set('"[](){}<>|`')


def _check_label(label: str | None, where: str, problems: list[str]) -> None:
    if label is None:
        return
    bad = sorted(set(label) & FORBIDDEN_IN_LABEL)
    if bad:
        problems.append(f"{where}: label has unescaped {''.join(bad)!r}: {label!r}")
    if "\n" in label:
        problems.append(f"{where}: label spans lines")
    # an entity code must be complete: '#quot;' or '#35;', never a stray '#'
    for m in re.finditer(r"#", label):
        if not re.match(r"#(?:[a-z]+|\d+);", label[m.start():]):
            problems.append(f"{where}: stray '#' in label {label!r} (use #35;)")


def check(source: str) -> list[str]:
    """Problems in one mermaid flowchart ([] when well formed)."""
    problems: list[str] = []
    lines = [ln.strip() for ln in source.strip().splitlines()]
    if not lines or not HEADER.match(lines[0]):
        return [f"line 1: expected 'flowchart TD|LR|...', got {lines[0] if lines else ''!r}"]
    defined: set[str] = set()
    edges: list[tuple[int, str, str]] = []
    depth = 0
    for n, line in enumerate(lines[1:], 2):
        where = f"line {n}"
        if not line or line.startswith("%%"):
            continue
        if line == "end":
            depth -= 1
            if depth < 0:
                problems.append(f"{where}: 'end' without 'subgraph'")
            continue
        if m := SUBGRAPH.match(line):
            depth += 1
            defined.add(m["id"])
            _check_label(m["label"], where, problems)
            continue
        if m := NODE.match(line):
            if m["id"] == "end":
                problems.append(f"{where}: node id 'end' is a keyword")
            defined.add(m["id"])
            _check_label(NODE_LABEL.match(line)["label"], where, problems)  # type: ignore[index]
            continue
        if m := EDGE.match(line):
            _check_label(m["label"], where, problems)
            edges.append((n, m["src"], m["dst"]))
            continue
        problems.append(f"{where}: not a node, edge, subgraph or end: {line!r}")
    if depth > 0:
        problems.append(f"{depth} subgraph(s) not closed with 'end'")
    for n, src, dst in edges:
        for node in (src, dst):
            if node not in defined:
                problems.append(f"line {n}: edge uses undefined node {node!r}")
    return problems


def blocks(markdown: str) -> list[str]:
    """The bodies of the ```mermaid fenced blocks in a markdown text."""
    return re.findall(r"^```mermaid\n(.*?)^```$", markdown, re.MULTILINE | re.DOTALL)
