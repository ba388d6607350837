"""`wsguide kb`: check a knowledge base, print its schema, list its causes."""

from __future__ import annotations

import argparse
import sys

NAME = "kb"
HELP = "check, list or describe the knowledge base"
EXAMPLES = """examples:
  wsguide kb check                  the built-in knowledge base
  wsguide kb check ./my-causes      extra entries (with the built-in ones they refer to)
  wsguide kb list
  wsguide kb schema > knowledge/schema.json"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="kb_command", metavar="ACTION", required=True)
    check = sub.add_parser("check", help="validate entries, references, templates, graph and entry tests")
    check.add_argument("path", nargs="?", metavar="PATH", help="a directory of extra entries")
    check.add_argument("--no-tests", action="store_true", help="skip the entries' lookup and audit tests")
    lst = sub.add_parser("list", help="list the causes")
    lst.add_argument("--json", action="store_true")
    sub.add_parser("schema", help="print the JSON Schema of an entry (knowledge/schema.json)")
    graph = sub.add_parser("graph", help="print the decision graph as a mermaid flowchart")
    graph.add_argument("--min-weight", type=float, default=2)


def run(args: argparse.Namespace) -> int:
    from ..kb.loader import kb_dirs, load

    if args.kb_command == "schema":
        from ..kb.schema import schema_text

        sys.stdout.write(schema_text())
        return 0
    extra = list(args.kb) + ([args.path] if getattr(args, "path", None) else [])
    kb, problems = load(kb_dirs(extra))
    if args.kb_command == "check":
        from ..engine.graph import check

        if not problems:
            problems += check(kb)
            if not args.no_tests:
                from ..lookup.selftest import run_entry_tests

                problems += run_entry_tests(kb)
                from ..audit.selftest import run_rule_tests

                problems += run_rule_tests(kb)
        for p in problems:
            print(p)
        if problems:
            print(f"{len(problems)} problem(s) in {len(kb.causes)} cause(s).", file=sys.stderr)
            return 2
        n_sig = sum(len(c.get("signatures", [])) for c in kb.causes.values())
        print(f"ok: {len(kb.causes)} causes, {len(kb.questions)} questions, {n_sig} signatures",
              file=sys.stderr)
        return 0
    if problems:
        from ..errors import KBError

        raise KBError([str(p) for p in problems])
    if args.kb_command == "graph":
        from ..engine.graph import mermaid

        sys.stdout.write(mermaid(kb, args.min_weight))
        return 0
    if args.json:
        import json

        rows = [{"id": k, "title": c["title"], "layer": c["layer"], "stage": c["stage"],
                 "kind": c.get("kind", "failure")} for k, c in sorted(kb.causes.items())]
        print(json.dumps(rows, indent=1))
    else:
        for k, c in sorted(kb.causes.items()):
            print(f"{k:32} {c['layer']:9} {c['title']}")
    return 0
