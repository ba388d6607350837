"""SARIF 2.1.0 for audit findings (GitHub code scanning, editors): one rule per cause."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from .. import __version__
from ..audit import AuditResult

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def _uri(file: str) -> str:
    p = Path(file)
    if p.is_absolute():
        return p.as_uri()
    return quote(str(PurePosixPath(*p.parts)))


def sarif(result: AuditResult) -> dict[str, Any]:
    ids = sorted(result.causes)
    index = {cid: i for i, cid in enumerate(ids)}
    rules = []
    for cid in ids:
        cause = result.causes[cid]
        severities = [r["severity"] for r in cause["rules"]]
        worst = min(severities, key=("error", "warning", "info").index)
        rule: dict[str, Any] = {
            "id": cid,
            "name": "".join(w.capitalize() for w in cid.split("-")),
            "shortDescription": {"text": cause["title"]},
            "help": {"text": cause["fix"]},
            "defaultConfiguration": {"level": LEVELS[worst]},
            "properties": {"kind": cause.get("kind", "failure")},
        }
        if cause.get("references"):
            rule["helpUri"] = cause["references"][0]
        rules.append(rule)
    results = []
    for f in result.findings:
        results.append({
            "ruleId": f.cause,
            "ruleIndex": index[f.cause],
            "level": LEVELS[f.severity],
            "message": {"text": f"{f.message} Fix: {f.fix}"},
            "locations": [{
                "physicalLocation": {"artifactLocation": {"uri": _uri(f.file)},
                                     "region": {"startLine": max(f.line, 1)}},
                "logicalLocations": [{"name": f.location, "kind": "module"}],
            }],
            "properties": {"rule": f.rule, "location": f.location, "fix": f.fix},
        })
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "wsguide", "version": __version__, "rules": rules}},
            "artifacts": [{"location": {"uri": _uri(f)}} for f in result.files],
            "results": results,
            "columnKind": "unicodeCodePoints",
        }],
    }
