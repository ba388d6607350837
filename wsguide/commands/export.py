"""`wsguide export`: the knowledge base as markdown runbooks (index.md plus one ID.md per cause)."""

from __future__ import annotations

import argparse
import sys

NAME = "export"
HELP = "write markdown runbooks: index.md plus one ID.md per cause"
EXAMPLES = """examples:
  wsguide export --out docs/runbooks          every cause, the index and the decision graph
  wsguide export --cause proxy-read-timeout   one page on stdout
  wsguide export --out runbooks --cause proxy-read-timeout --cause no-keepalive-pings

Each file ends with a comment holding the hash of its content. A file edited since it was
generated is not overwritten (exit 2, the files are named) unless --force is given. Exporting
every cause also removes unedited pages of causes that no longer exist."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", metavar="DIR",
                   help="output directory (default: ./runbooks; with --cause and no --out, print to stdout)")
    p.add_argument("--cause", action="append", default=[], metavar="ID",
                   help="export only this cause (repeatable); no index is written then")
    p.add_argument("--force", action="store_true", help="overwrite files that were changed by hand")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..errors import UserError
    from ..kb.loader import kb_dirs, load_or_fail
    from ..render.runbook import export_pages, write_pages

    kb = load_or_fail(kb_dirs(args.kb))
    unknown = [c for c in args.cause if c not in kb.causes]
    if unknown:
        import difflib

        close = difflib.get_close_matches(unknown[0], list(kb.causes), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else " (see `wsguide kb list`)"
        raise UserError(f"--cause {unknown[0]}: no such cause{hint}")

    if args.cause:
        pages = export_pages(kb, args.cause, index=False)
    else:
        # networkx is only needed for the decision-graph page (~60 ms to import).
        from ..engine.graph import mermaid

        pages = export_pages(kb, graph_mermaid=mermaid(kb))

    if args.cause and args.out is None:
        from ..render.runbook import body_and_hash

        sys.stdout.write("\n".join(body_and_hash(text)[0].rstrip("\n") + "\n" for text in pages.values()))
        return 0

    out = Path(args.out or "runbooks")
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out}: not a directory")
    report = write_pages(pages, out, force=args.force, prune=not args.cause)
    parts = [f"{len(report.written)} written", f"{len(report.unchanged)} unchanged"]
    if report.removed:
        parts.append(f"{len(report.removed)} removed ({', '.join(report.removed)})")
    print(f"{out}: {', '.join(parts)}")
    for name in report.stale:
        print(f"wsguide: note: {out / name}: its cause no longer exists, but it was edited; left in place",
              file=sys.stderr)
    if report.skipped:
        names = ", ".join(str(out / n) for n in report.skipped)
        raise UserError(f"changed since generated, not overwritten: {names} (use --force to overwrite)")
    return 0
