"""`wsguide lookup`: diagnose pasted text, stdin or whole (gzipped) logs."""

from __future__ import annotations

import argparse
import sys

from .argtypes import top_count

NAME = "lookup"
HELP = "rank the likely causes of pasted error text or a log file"
EXAMPLES = """examples:
  wsguide lookup "Error during WebSocket handshake: Unexpected response code: 505"
  tail -n 500 /var/log/nginx/error.log | wsguide lookup
  wsguide lookup --file /var/log/nginx/error.log --file /var/log/nginx/error.log.2.gz
  wsguide lookup --json --top 3 - < paste.txt
  (echo "$ERROR"; sudo nginx -T 2>/dev/null) | wsguide lookup

An nginx config (or nginx -T output) in TEXT or stdin is audited too (`wsguide audit`), and its
findings rank with the error lines; log files given with --file never are.

exit status: 0 (also when nothing is recognised), 2 on unusable input."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("text", nargs="*", metavar="TEXT",
                   help="pasted text (several are joined by newlines); '-' reads stdin")
    p.add_argument("--file", action="append", default=[], metavar="PATH",
                   help="a log file to scan, plain or gzip (repeatable; streamed, any size)")
    p.add_argument("--top", type=top_count, default=5, metavar="N",
                   help="show at most N causes (default 5)")
    p.add_argument("--json", action="store_true", help="machine-readable output")


def run(args: argparse.Namespace) -> int:
    from ..errors import UserError
    from ..kb.index import load_index
    from ..lookup import Lookup
    from .progress import Progress

    texts = [t for t in args.text if t != "-"]
    want_stdin = "-" in args.text or (not args.text and not args.file and not sys.stdin.isatty())
    if not texts and not args.file and not want_stdin:
        raise UserError("nothing to look up: give TEXT, '-' or --file PATH "
                        "(or pipe text in); see `wsguide lookup --help`")
    index = load_index(args.kb)
    engine = Lookup(index)
    pasted: list[tuple[int, str]] = []  # (lines before it, text): pastes that may hold a config
    if texts:
        pasted.append((0, "\n".join(texts)))
        engine.add_text(pasted[-1][1])
    if want_stdin:
        before = engine.scan.lines_read
        head = engine.add_stream(sys.stdin.buffer)
        if head is not None and not head.startswith(b"\x1f\x8b"):
            pasted.append((before, head.decode("utf-8", errors="replace")))
    for path in args.file:  # logs: never audited, however much they look like a config
        with Progress(path) as progress:
            engine.add_file(path, progress)
    findings, audited = _audit_pastes(pasted, args.kb)
    if audited is None:
        result = engine.ranked(args.top)
    else:
        from ..engine.sources import merge_findings

        result = merge_findings(engine.ranked(None), findings, index, args.top)
    if args.json:
        import json

        doc = result.as_dict()
        if audited is not None:
            doc["audit"] = audited  # extra key: only when the paste held a config
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
    else:
        from ..render.lookup_text import render
        from ..render.style import Style, use_colour

        sys.stdout.write(render(result, Style(use_colour())))
    return 0


def _audit_pastes(pasted: list[tuple[int, str]], extra_kb: list[str] | None) -> tuple[list, dict | None]:
    """Audit the nginx config in pasted text, if any (`engine.sources.has_config` decides
    cheaply; only then is the audit imported). Returns the findings, with lines of the whole
    input, and a summary for the JSON (None when no paste held a config)."""
    from ..engine.sources import audit_paste, has_config

    if not any(has_config(text) for _, text in pasted):
        return [], None
    from ..audit import load_rules

    rules = load_rules(extra_kb)
    findings: list = []
    summary: dict = {"findings": 0, "lines": [], "files": [], "errors": []}
    for before, text in pasted:
        done = audit_paste(text, rules)
        if done is None:
            continue
        if done.error:
            print(f"wsguide: note: the pasted nginx config was not audited: {done.error}", file=sys.stderr)
            summary["errors"].append(done.error)
            continue
        summary["lines"] += [before + n for n in done.lines]
        for f in done.findings:
            if f.input_line is None:
                continue  # in a file of this machine that an include found, not in the paste
            f.input_line += before
            if f.file == "pasted config":
                f.line = f.input_line
        findings += done.findings
        summary["files"] += done.result.files
    if not summary["lines"] and not summary["errors"]:
        return [], None  # it looked like one (a `server {` in prose), but no line reads as config
    summary["findings"] = len(findings)
    summary["lines"] = _ranges(summary["lines"])
    if summary["lines"]:
        shown = ", ".join(f"{a}-{b}" if a != b else f"{a}" for a, b in summary["lines"])
        print(f"wsguide: note: audited the nginx config in the paste (lines {shown}): "
              f"{len(findings)} finding(s)", file=sys.stderr)
    return findings, summary


def _ranges(lines: list[int]) -> list[list[int]]:
    """1,2,3,7,8 -> [[1, 3], [7, 8]]."""
    out: list[list[int]] = []
    for n in lines:
        if out and n == out[-1][1] + 1:
            out[-1][1] = n
        else:
            out.append([n, n])
    return out
