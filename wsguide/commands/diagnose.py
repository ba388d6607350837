"""`wsguide diagnose`: the wizard's engine without a terminal UI."""

from __future__ import annotations

import argparse
import sys

NAME = "diagnose"
HELP = "rank causes from pasted text and answers; print the next question and why"
EXAMPLES = """examples:
  wsguide diagnose --paste "upstream timed out (110: Connection timed out) while proxying upgraded connection"
  wsguide diagnose --answer symptom=drops-later --answer drop-interval=about-100s
  wsguide diagnose --paste-file console.txt --answer in-front=cloudflare --json"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--paste", action="append", default=[], metavar="TEXT", help="pasted text")
    p.add_argument("--paste-file", action="append", default=[], metavar="PATH",
                   help="read pasted text from a file (or - for stdin)")
    p.add_argument("--answer", action="append", default=[], metavar="QUESTION=ANSWER",
                   help="an answer to a question (repeatable); ANSWER '?' means I don't know")
    p.add_argument("--top", type=int, default=5, metavar="N")
    p.add_argument("--runbook", metavar="FILE", help="also write the session as a markdown runbook")
    p.add_argument("--no-redact", action="store_true",
                   help="keep IP addresses, host names and tokens in the runbook")
    p.add_argument("--json", action="store_true")


MAX_PASTE = 16 << 20


def _read(path: str) -> str:
    from ..errors import UserError

    if path == "-":
        data = sys.stdin.buffer.read(MAX_PASTE + 1)
    else:
        try:
            with open(path, "rb") as f:
                data = f.read(MAX_PASTE + 1)
        except OSError as exc:
            raise UserError(f"--paste-file {path}: cannot read ({exc.strerror or exc})") from None
    if len(data) > MAX_PASTE:
        raise UserError(f"--paste-file {path}: more than 16 MiB; use `wsguide lookup --file` for whole logs")
    if b"\x00" in data[:8192]:
        raise UserError(f"--paste-file {path}: looks like binary data, not text")
    return data.decode("utf-8", errors="replace")


def run(args: argparse.Namespace) -> int:
    from ..engine.session import Session
    from ..errors import UserError
    from ..kb.loader import kb_dirs, load_or_fail

    session = Session(load_or_fail(kb_dirs(args.kb)))
    for text in args.paste + [_read(p) for p in args.paste_file]:
        session.paste(text)
    for item in args.answer:
        qid, sep, aid = item.partition("=")
        if not sep or not qid or not aid:
            raise UserError(f"--answer {item!r}: expected QUESTION=ANSWER, e.g. drop-interval=about-60s")
        session.answer(qid.strip(), None if aid.strip() in ("?", "unknown") else aid.strip())
    ranking = session.ranking(args.top)
    nxt = session.next_question()
    explanation = session.explain()
    if args.runbook:
        from ..render.runbook import write_session_runbook

        write_session_runbook(session, args.runbook, redact=not args.no_redact)
    if args.json:
        import json

        print(json.dumps({"causes": [r.as_dict() for r in ranking], "next_question": nxt,
                          "explanation": explanation, "answers": session.answers}, indent=1))
        return 0
    for i, r in enumerate(ranking, 1):
        print(f"{i}. {r.id:32} {r.score:5.0%}  {r.title}")
    print()
    print(explanation)
    if nxt:
        print()
        print(f"Next question ({nxt['id']}): {nxt['text']}")
        print(f"  why: {nxt['why']}")
        for a in nxt["answers"]:
            print(f"  --answer {nxt['id']}={a['id']:20} {a['label']}")
    else:
        print("\nSettled: no further question would change the ranking much.")
    return 0
