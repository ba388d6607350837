"""`wsguide lookup`: diagnose pasted text, stdin or whole (gzipped) logs."""

from __future__ import annotations

import argparse
import sys

NAME = "lookup"
HELP = "rank the likely causes of pasted error text or a log file"
EXAMPLES = """examples:
  wsguide lookup "Error during WebSocket handshake: Unexpected response code: 505"
  tail -n 500 /var/log/nginx/error.log | wsguide lookup
  wsguide lookup --file /var/log/nginx/error.log --file /var/log/nginx/error.log.2.gz
  wsguide lookup --json --top 3 - < paste.txt

exit status: 0 (also when nothing is recognised), 2 on unusable input."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("text", nargs="*", metavar="TEXT",
                   help="pasted text (several are joined by newlines); '-' reads stdin")
    p.add_argument("--file", action="append", default=[], metavar="PATH",
                   help="a log file to scan, plain or gzip (repeatable; streamed, any size)")
    p.add_argument("--top", type=_positive, default=5, metavar="N",
                   help="show at most N causes (default 5)")
    p.add_argument("--json", action="store_true", help="machine-readable output")


def _positive(value: str) -> int:
    from ..errors import UserError

    try:
        n = int(value)
    except ValueError:
        raise UserError(f"--top: {value!r} is not a whole number") from None
    if n < 1:
        raise UserError(f"--top: must be at least 1, got {n}")
    return n


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
    engine = Lookup(load_index(args.kb))
    if texts:
        engine.add_text("\n".join(texts))
    if want_stdin:
        engine.add_stream(sys.stdin.buffer)
    for path in args.file:
        with Progress(path) as progress:
            engine.add_file(path, progress)
    result = engine.ranked(args.top)
    if args.json:
        import json

        sys.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=1) + "\n")
    else:
        from ..render.lookup_text import render
        from ..render.style import Style, use_colour

        sys.stdout.write(render(result, Style(use_colour())))
    return 0
