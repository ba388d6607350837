"""Evidence besides pasted error text: the audit of a config (pasted, or a file) and a live probe.

One diagnosis can combine what the user pasted, their nginx config and a live test. This module
is where the three meet, for `wsguide lookup` (a `LookupResult`) and for `Session` (diagnose,
the wizard):

- `has_config(text)`: a cheap check (one regex) for an nginx config in pasted text. Only when it
  says yes is `wsguide.audit` imported (and crossplane, when the config is read), so a plain
  error paste costs what it did.
- `audit_paste(text, rules)`: the audit of that config part (`audit.pasted`), findings with the
  paste's line numbers.
- `finding_evidence(f)`: a finding as an evidence entry (`{"text", "line", "source": "audit", ...}`).
- `merge_findings(result, findings, index)`: findings into a lookup ranking, as one more signal
  per cause (the best of the lookup score and the finding's strength counts, as in `Session`).

Imports nothing heavy at module level: `wsguide lookup` imports it on every run.
"""

from __future__ import annotations

import re

TYPE_CHECKING = False  # typing costs start-up time; the names are for annotations only
if TYPE_CHECKING:
    from typing import Any

    from ..audit.pasted import PastedAudit
    from ..lookup import LookupResult

CONFIG_HINT = re.compile(r"^[ \t]*(server|location|upstream|map|http|events)([ \t][^;{\n]*)?\{|^# configuration file ",
                         re.MULTILINE)
"""A block start of an nginx config, or the file header of `nginx -T` output."""


def has_config(text: str) -> bool:
    """Whether pasted text holds an nginx config worth auditing (cheap: no audit import)."""
    return CONFIG_HINT.search(text) is not None


def audit_paste(text: str, rules: dict[str, Any]) -> PastedAudit | None:
    """Audit the config part of pasted text; None when there is none."""
    if not has_config(text):
        return None
    from ..audit.pasted import audit_pasted

    return audit_pasted(text, rules)


def config_path(path: str, label: str = "") -> str:
    """A config path as `diagnose --config` and the wizard take it: a directory stands for the
    nginx.conf in it (a copy of /etc/nginx); anything else is passed on as given."""
    import os

    if not os.path.isdir(path):
        return path
    conf = os.path.join(path, "nginx.conf")
    if not os.path.isfile(conf):
        from ..errors import UserError

        raise UserError(f"{label}{path}: a directory without nginx.conf; give the nginx.conf or a .conf file")
    return conf


def _mentions(conditions: Any, key: str) -> bool:
    if isinstance(conditions, dict):
        return key in conditions or any(_mentions(v, key) for v in conditions.values())
    if isinstance(conditions, list):
        return any(_mentions(v, key) for v in conditions)
    return False


def cleared_causes(result: Any) -> set[str]:
    """Causes the audit could have seen in this config and did not: the config has a WebSocket
    location, the cause has a rule for (WebSocket) locations that needs neither a whole
    nginx.conf nor the nginx version, its `audit.lab` does not say it also breaks in ways no
    config shows, and no finding names it. A config that shows no sign of
    a config mistake is evidence against it (`Session.CLEARED_LOG_ODDS`)."""
    if result is None or not getattr(result, "ws_locations", 0):
        return set()
    found = {f.cause for f in result.findings}
    visible = {cid for cid, cause in result.causes.items()
               if not cause.get("partial") and any(rule["scope"] in ("ws-location", "location")
                      and not _mentions(rule["when"], "complete") and not _mentions(rule["when"], "nginx")
                      for rule in cause["rules"])}
    return visible - found


def finding_evidence(f: Any) -> dict[str, Any]:
    """An audit finding as an evidence entry. `line` is the paste's line for a pasted config,
    the file's line otherwise (the text then names the file)."""
    pasted = getattr(f, "input_line", None) is not None
    where = "" if pasted else f"{f.file}:{f.line}: "
    return {"text": f"{where}{f.message}", "line": f.input_line if pasted else f.line,
            "signature": f"audit:{f.rule}" if f.rule else "audit", "source": "audit",
            "strength": "strong" if f.severity == "error" else "supporting",
            "severity": f.severity, "file": f.file, "config_line": f.line, "location": f.location,
            "fix": f.fix}


def merge_findings(result: LookupResult, findings: list[Any], index: dict[str, Any],
                   top: int | None = 5) -> LookupResult:
    """A lookup ranking (of every cause: `ranked(top=None)`) with audit findings added: a
    cause's score becomes the best of its lookup score and its strongest finding; causes only
    the config points to join the ranking."""
    from ..lookup import CauseHit, Evidence
    from ..lookup.lookup import ranked_result

    class AuditEvidence(Evidence):
        def __init__(self, entry: dict[str, Any]) -> None:
            super().__init__(entry["text"], entry["line"], entry["signature"], "audit", entry["strength"])
            self.entry = entry

        def as_dict(self) -> dict[str, Any]:
            return dict(self.entry)

    hits = {h.id: h for h in result.causes}
    for f in findings:
        meta = index["causes"].get(f.cause)
        if meta is None:
            continue  # a rule of a cause this index does not know (another --kb)
        hit = hits.get(f.cause)
        if hit is None:
            hit = hits[f.cause] = CauseHit(f.cause, meta["title"], 0.0, 0, [], meta["fix"], meta["next"], False)
        hit.score = max(hit.score, float(f.strength))
        hit.count += 1
        hit.evidence.append(AuditEvidence(finding_evidence(f)))
    return ranked_result(list(hits.values()), index, top, result.lines_read)
