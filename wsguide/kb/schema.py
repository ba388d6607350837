"""JSON Schema for editors, generated from wsguide/kb/model.py (knowledge/schema.json)."""

from __future__ import annotations

import json

from .model import AUDIT_CONDITION, CAUSE, QUESTION_BANK


def schema() -> dict:
    out = CAUSE.json_schema()
    out["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    out["title"] = "wsguide knowledge-base entry (knowledge/causes/<id>.yaml)"
    out["$defs"] = {"questions": QUESTION_BANK.json_schema(),
                    "audit_condition": AUDIT_CONDITION.json_schema()}
    return out


def schema_text() -> str:
    return json.dumps(schema(), indent=2, sort_keys=True) + "\n"
