"""`wsguide diagnose`: the wizard's engine without a terminal UI."""

from __future__ import annotations

import argparse
import sys

from .paste_input import read_paste_text

NAME = "diagnose"
HELP = "rank causes from pasted text and answers; print the next question and why"
EXAMPLES = """examples:
  wsguide diagnose --paste "upstream timed out (110: Connection timed out) while proxying upgraded connection"
  wsguide diagnose --answer symptom=drops-later --answer drop-interval=about-100s
  wsguide diagnose --paste-file console.txt --answer in-front=cloudflare --json
  wsguide diagnose --paste-file error.txt --config /etc/nginx/nginx.conf
  sudo nginx -T 2>/dev/null | wsguide diagnose --config - --paste "Unexpected response code: 426"
  wsguide diagnose --probe wss://chat.example.com/ws --idle 70 --runbook ws.md

--config audits an nginx config (as `wsguide audit` does) and --probe runs a live test (as
`wsguide probe` does); their findings and observations count as evidence next to the paste.
A config pasted with --paste/--paste-file is audited too."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--paste", action="append", default=[], metavar="TEXT", help="pasted text")
    p.add_argument("--paste-file", action="append", default=[], metavar="PATH",
                   help="read pasted text from a file (or - for stdin)")
    p.add_argument("--answer", action="append", default=[], metavar="QUESTION=ANSWER",
                   help="an answer to a question (repeatable); ANSWER '?' means I don't know")
    p.add_argument("--config", action="append", default=[], metavar="PATH",
                   help="audit this nginx config (nginx.conf with its includes, a directory holding one, "
                        "or snippets; '-' reads stdin, e.g. nginx -T; repeatable) and take its findings as evidence")
    p.add_argument("--probe", metavar="URL", help="live-test this ws:// or wss:// URL and take what it saw as evidence")
    p.add_argument("--idle", type=_seconds("--idle"), default=0.0, metavar="SECONDS",
                   help="with --probe: stay open this long sending nothing, to catch idle timeouts (default 0)")
    p.add_argument("--insecure", action="store_true", help="with --probe: do not verify a wss:// certificate")
    p.add_argument("--error-log", action="append", default=[], metavar="PATH",
                   help="with --probe: nginx error.log whose lines written during the test count as evidence "
                        "(repeatable; idle timeouts need `error_log PATH info;`)")
    p.add_argument("--top", type=int, default=5, metavar="N")
    p.add_argument("--runbook", metavar="FILE", help="also write the session as a markdown runbook")
    p.add_argument("--no-redact", action="store_true",
                   help="keep IP addresses, host names and tokens in the runbook")
    p.add_argument("--json", action="store_true")



def _seconds(option: str):
    def parse(value: str) -> float:
        from ..probe.target import seconds

        return seconds(option, value)

    return parse


def run(args: argparse.Namespace) -> int:
    from ..engine.session import Session
    from ..errors import UserError
    from ..kb.loader import kb_dirs, load_or_fail

    if (args.idle or args.insecure or args.error_log) and not args.probe:
        raise UserError("--idle, --insecure and --error-log go with --probe URL")
    if "-" in args.config and "-" in args.paste_file:
        raise UserError("--config - and --paste-file - both read stdin; give one of them a file")
    target = None
    if args.probe:
        from ..probe.target import parse_target

        target = parse_target(args.probe)  # a bad URL is a usage error before anything else runs
    session = Session(load_or_fail(kb_dirs(args.kb)))
    for text in args.paste + [read_paste_text(p, "--paste-file") for p in args.paste_file]:
        pasted = session.paste(text)
        if pasted.config_error:
            print(f"wsguide: note: the pasted nginx config was not audited: {pasted.config_error}", file=sys.stderr)
    audited = _audit(session, args.config) if args.config else None
    probed = _probe(session, target, args) if target is not None else None
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

        doc = {"causes": [r.as_dict() for r in ranking], "next_question": nxt,
               "explanation": explanation, "answers": session.answers}
        if session.findings:  # extra keys: what the config audit and the live test found
            doc["findings"] = [{**f.as_dict(), **({"input_line": f.input_line} if f.input_line else {})}
                               for f in session.findings]
        if audited is not None:
            doc["config_files"] = audited.files
        if probed is not None:
            doc["probe"] = probed.result.as_dict()
        print(json.dumps(doc, indent=1, ensure_ascii=False))
        return 0
    if probed is not None:
        from ..render.probe_text import stage_lines
        from ..render.style import Style, use_colour

        for line in stage_lines(probed.result, Style(use_colour())):
            print(line)
        print()
    if audited is not None:
        n = len(audited.findings)
        print(f"Audited {len(audited.files)} config file(s): {n} finding(s)"
              + (" (each counts as evidence below)." if n else "."))
        for f in audited.findings[:8]:
            print(f"  {f.file}:{f.line}: {f.severity}: [{f.cause}] {clip(f.message)}")
        if n > 8:
            print(f"  ... and {n - 8} more (wsguide audit {' '.join(args.config)})")
        print()
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


def clip(text: str, limit: int = 110) -> str:
    from ..engine.session import clip_quote

    return clip_quote(text, limit)


def _config_paths(paths: list[str]) -> list[str]:
    """A directory stands for the nginx.conf in it (a copy of /etc/nginx)."""
    from ..engine.sources import config_path

    return [config_path(p, "--config ") for p in paths]


def _audit(session, paths: list[str]):
    """`wsguide audit PATH ...` into the session; a config that does not parse is a usage error.
    `-` reads the config from stdin (`nginx -T` output is split back into its files)."""
    from ..audit import ConfigError, Options, audit
    from ..errors import UserError

    try:
        if "-" in paths:
            from ..audit.stdin import audit_stdin

            files = _config_paths([p for p in paths if p != "-"])
            result = audit_stdin(sys.stdin.buffer.read(), files, Options(), session.audit_rules())
        else:
            result = audit(_config_paths(paths), rules=session.audit_rules())
    except ConfigError as exc:
        raise UserError(f"--config: {exc}") from None
    for note in result.notes:
        print(f"wsguide: note: {note}", file=sys.stderr)
    session.add_findings(result.findings, result)
    return result


def _probe(session, target, args):
    """`wsguide probe URL` into the session (progress on stderr during --idle, on a terminal)."""
    from ..probe.target import Options
    from .probe import live_test

    result = live_test(target, Options(idle=args.idle, insecure=args.insecure,
                                       error_logs=tuple(args.error_log or ())))
    return session.add_probe(result)
