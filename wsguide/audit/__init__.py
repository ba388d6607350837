"""Static checks of nginx configs (`wsguide audit`), driven by the KB's `audit:` rules.

parse.py reads configs with crossplane into a tree with file/line on every directive;
rules.py gives the declarative rule language its nginx meaning (inheritance, WebSocket
locations); checks.py holds the few named checks YAML cannot express; audit.py runs the rules
and builds findings. Imports crossplane only when a config is read: `wsguide lookup` never pays.
"""

from __future__ import annotations

from .audit import AuditResult, Finding, audit, audit_configs, audit_text, load_rules, rules_from_kb
from .parse import ConfigError
from .rules import Options

__all__ = ["AuditResult", "ConfigError", "Finding", "Options", "audit", "audit_configs", "audit_text",
           "load_rules", "rules_from_kb"]
