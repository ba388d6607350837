"""`audit(paths)`: nginx configs in, findings out, each naming the cause it points to.

Rules come from the knowledge base (`audit:` sections), reduced to a small JSON document that
is cached next to lookup's index, so a warm audit reads no YAML. Findings carry a cause id and
a strength, so the diagnosis engine can take them as evidence (`Session.add_findings`).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .parse import Config, read_configs
from .rules import Evaluator, Options, State

FORMAT = 2
DEFAULT_WEIGHT = {"error": 0.8, "warning": 0.5, "info": 0.3}
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass
class Finding:
    cause: str
    severity: str
    file: str
    line: int
    location: str
    message: str
    fix: str
    rule: str = ""
    """The rule id within the cause (SARIF properties; not in the JSON contract)."""
    strength: float = 0.5
    """How strongly this finding names the cause, 0..1 (the rule's weight)."""
    input_line: int | None = None
    """For a config that came in pasted text (audit.pasted): the line of the paste; else None."""

    def as_dict(self) -> dict[str, Any]:
        return {"cause": self.cause, "severity": self.severity, "file": self.file, "line": self.line,
                "location": self.location, "message": self.message, "fix": self.fix}

    @property
    def score(self) -> float:
        """The same meaning as a lookup hit's score (engine.session reads either)."""
        return self.strength

    @property
    def id(self) -> str:
        return self.cause


@dataclass
class AuditResult:
    findings: list[Finding]
    files: list[str]
    notes: list[str] = field(default_factory=list)
    ws_locations: int = 0
    """How many WebSocket locations were found (0 suggests --ws-path)."""
    causes: dict[str, dict[str, Any]] = field(default_factory=dict)
    """id -> {title, fix, rules} of the causes that have rules (for SARIF rule metadata)."""

    def as_dict(self) -> dict[str, Any]:
        return {"findings": [f.as_dict() for f in self.findings], "files": self.files}


# -- rules from the knowledge base ------------------------------------------------------------


def rules_from_kb(kb: Any) -> dict[str, Any]:
    """The part of a validated KB that audit needs."""
    causes = {}
    for cid, c in sorted(kb.causes.items()):
        if c.get("audit"):
            causes[cid] = {"title": c["title"], "fix": c["fix"]["summary"], "kind": c.get("kind", "failure"),
                           "references": c.get("references", []), "rules": c["audit"]["rules"],
                           # `audit.lab` says the cause also breaks in ways no config shows
                           "partial": bool(c["audit"].get("lab"))}
    return {"format": FORMAT, "causes": causes}


def load_rules(extra: list[str] | None = None) -> dict[str, Any]:
    """Audit rules of the built-in KB plus extra directories, from cache when current."""
    from ..kb.index import _cache_dir, _key, _prune
    from ..kb.paths import kb_dirs

    dirs = kb_dirs(extra)
    path = _cache_dir() / f"audit-{_key(dirs)}-{FORMAT}.json"
    try:
        with path.open(encoding="utf-8") as f:
            doc = json.load(f)
        if doc.get("format") == FORMAT:
            return doc
    except (OSError, ValueError):
        pass
    from ..kb.loader import load_or_fail

    doc = rules_from_kb(load_or_fail(dirs))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(doc), encoding="utf-8")
        os.replace(tmp, path)
        _prune(str(path.parent), keep=str(path), prefix="audit-")
    except OSError:
        pass  # an unwritable cache only costs time
    return doc


# -- running ----------------------------------------------------------------------------------


_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def fill(text: str, fields: dict[str, str]) -> str:
    """Replace {location}, {directive} ... and leave every other brace alone (nginx text is full
    of them)."""
    return _PLACEHOLDER.sub(lambda m: fields.get(m.group(1), m.group(0)), " ".join(text.split()))


def audit_configs(configs: list[Config], rules: dict[str, Any], options: Options) -> AuditResult:
    findings: list[Finding] = []
    files: list[str] = []
    notes: list[str] = []
    ws = 0
    for config in configs:
        ev = Evaluator(config, options)
        ws += len(ev.scope("ws-location"))
        files += [f for f in config.files if f not in files]
        notes += config.notes
        findings += _run(ev, rules)
    findings = _merge(findings)
    order = {f: i for i, f in enumerate(files)}
    findings.sort(key=lambda f: (order.get(f.file, len(order)), f.line, SEVERITY_ORDER[f.severity], f.cause))
    return AuditResult(findings, files, notes, ws, rules["causes"])


def _merge(findings: list[Finding]) -> list[Finding]:
    """One finding per directive at fault: a map, an included snippet or a server-level line
    shared by 40 locations is reported once, saying how many more blocks it affects."""
    groups: dict[tuple[str, str, str, int], list[Finding]] = {}
    for f in findings:
        groups.setdefault((f.cause, f.rule, f.file, f.line), []).append(f)
    out = []
    for group in groups.values():
        first = group[0]
        if len(group) > 1:
            others = sorted({g.location for g in group[1:]} - {first.location})
            where = f": {', '.join(others[:3])}{', ...' if len(others) > 3 else ''}" if others else ""
            n = len(group) - 1
            first.message += f" (The same applies to {n} more block{'s' if n > 1 else ''}{where}.)"
        out.append(first)
    return out


def _run(ev: Evaluator, rules: dict[str, Any]) -> list[Finding]:
    out: list[Finding] = []
    scopes: dict[str, list[Any]] = {}
    for cid, cause in rules["causes"].items():
        reported: set[int] = set()
        for rule in cause["rules"]:
            if rule["scope"] not in scopes:
                scopes[rule["scope"]] = ev.scope(rule["scope"])
            nodes = scopes[rule["scope"]]
            for node in nodes:
                if id(node) in reported:
                    continue  # the cause's first matching rule already named this block
                state = State()
                if not ev.holds_all(rule["when"], node, state):
                    continue
                reported.add(id(node))
                out.append(_finding(cid, cause, rule, node, state, ev))
    return out


def _finding(cid: str, cause: dict[str, Any], rule: dict[str, Any], node: Any, state: State,
             ev: Evaluator) -> Finding:
    first = state.anchor or (state.found[0] if state.found else None)
    server = node if node.name == "server" else node.enclosing("server")
    fields = dict(
        location=node.label(),
        directive=first.directive if first else "",
        value=first.value if first else "",
        upstream=state.upstream,
        server=server.label() if server is not None else "",
        ws_path=ev.options.ws_paths[0] if ev.options.ws_paths else "",
    )
    at = state.anchor.node if state.anchor and state.anchor.node is not None else node
    location = node if node.name == "location" else node.enclosing("location")
    return Finding(
        cause=cid,
        severity=rule["severity"],
        file=at.file,
        line=at.line,
        location=location.label() if location is not None else node.label(),
        message=fill(rule["message"], fields),
        fix=fill(rule.get("fix", cause["fix"]), fields),
        rule=rule["id"],
        strength=rule.get("weight", DEFAULT_WEIGHT[rule["severity"]]),
    )


def audit(paths: list[str], options: Options | None = None, extra_kb: list[str] | None = None,
          rules: dict[str, Any] | None = None) -> AuditResult:
    """Read the configs and run every rule. Raises parse.ConfigError on unusable input."""
    configs = read_configs([str(Path(p)) for p in paths])
    return audit_configs(configs, rules if rules is not None else load_rules(extra_kb), options or Options())


def audit_text(text: str, rules: dict[str, Any], options: Options | None = None, name: str = "nginx.conf",
               ) -> AuditResult:
    """Audit config text (rule examples, lab configs, tests) through a temporary file."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="wsguide-audit-") as d:
        path = Path(d) / name
        path.write_text(text, encoding="utf-8")
        result = audit([str(path)], options, rules=rules)
    prefix = str(path.parent) + os.sep

    def short(f: str) -> str:  # findings name `nginx.conf`, not a temporary path
        return f[len(prefix):] if f.startswith(prefix) else f

    for f in result.findings:
        f.file = short(f.file)
    result.files = [short(f) for f in result.files]
    result.notes = [short(n) for n in result.notes]
    return result
