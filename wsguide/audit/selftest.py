"""Every audit rule's own examples: `flag` must be reported by it, `pass` must not (gixy's rule:
no check without a positive and a false-positive case). Run by `wsguide kb check` and tests."""

from __future__ import annotations

import shlex
from typing import Any

from ..kb.shape import Problem
from .audit import audit_text, rules_from_kb
from .parse import ConfigError
from .rules import Options, parse_version


def example_options(text: str) -> Options:
    """Options from a first line `# audit: --ws-path /live --nginx-version 1.29.7`."""
    first = text.lstrip().splitlines()[0] if text.strip() else ""
    options = Options()
    if first.startswith("# audit:"):
        words = shlex.split(first[len("# audit:"):])
        for flag, value in zip(words[::2], words[1::2], strict=False):
            if flag == "--ws-path":
                options.ws_paths.append(value)
            elif flag == "--nginx-version":
                options.nginx_version = parse_version(value)
    return options


def run_rule_tests(kb: Any, only: set[str] | None = None) -> list[Problem]:
    doc = rules_from_kb(kb)
    out: list[Problem] = []
    for cid, cause in doc["causes"].items():
        if only and cid not in only:
            continue
        file = kb.files.get(cid, f"causes/{cid}.yaml")
        for i, rule in enumerate(cause["rules"]):
            line = kb.lines.get(f"{cid}/audit.rules[{i}]", 1)
            single = {"format": doc["format"], "causes": {cid: {**cause, "rules": [rule]}}}
            for key, want in (("flag", True), ("pass", False)):
                text = rule[key]
                try:
                    result = audit_text(text, single, example_options(text))
                except ConfigError as exc:
                    out.append(Problem(file, line, f"audit.rules[{i}].{key}", f"does not parse: {exc}"))
                    continue
                got = [f for f in result.findings if f.rule == rule["id"]]
                if want and not got:
                    out.append(Problem(file, line, f"audit.rules[{i}].{key}",
                                       f"rule {rule['id']!r} does not report its flag example"))
                if not want and got:
                    out.append(Problem(file, line, f"audit.rules[{i}].{key}",
                                       f"rule {rule['id']!r} reports its pass example: {got[0].message}"))
    return out
