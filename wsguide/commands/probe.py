"""`wsguide probe`: live-test a ws:// or wss:// endpoint and rank what went wrong."""

from __future__ import annotations

import argparse
import sys

from .argtypes import top_count

NAME = "probe"
HELP = "live-test a ws:// or wss:// endpoint stage by stage and rank what went wrong"
EXAMPLES = """examples:
  wsguide probe wss://chat.example.com/ws
  wsguide probe wss://chat.example.com/ws --idle 70          catch a 60 s idle timeout
  wsguide probe wss://chat.example.com/ws --origin https://chat.example.com
  wsguide probe wss://127.0.0.1:8443/ws --insecure           self-signed certificate
  wsguide probe ws://127.0.0.1:8080/ws --json
  wsguide probe ws://127.0.0.1/ws --idle 70 --error-log /var/log/nginx/error.log
                                                          on the nginx host: add what nginx logged

stages: dns, tcp, tls, handshake, message (ping/pong and an echo attempt), idle (stay open
--idle seconds sending nothing), done. On a failure the evidence the probe saw is ranked
against the knowledge base like pasted text (`wsguide lookup`).

--error-log PATH (on the nginx host; repeatable): the lines nginx appends to that log during
the probe are ranked with the probe's own evidence, and shown with their line numbers. nginx
logs idle timeouts ("upstream timed out ... while proxying upgraded connection") at [info]:
set `error_log /var/log/nginx/error.log info;` to see them.

exit status: 0 the endpoint works, 1 the probe failed at some stage, 2 usage error."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("url", metavar="URL", help="ws://HOST[:PORT]/PATH or wss://...")
    p.add_argument("--idle", type=_seconds("--idle"), default=0.0, metavar="SECONDS",
                   help="stay open this long sending nothing, to catch idle timeouts (default 0)")
    p.add_argument("--origin", type=_origin, metavar="ORIGIN",
                   help="send this Origin header (browsers always send one), e.g. https://app.example.com")
    p.add_argument("--insecure", action="store_true",
                   help="wss: do not verify the server's certificate")
    p.add_argument("--ca-file", metavar="PATH", help="wss: trust the CA certificates in this PEM file")
    p.add_argument("--timeout", type=_seconds("--timeout", 0.1), default=10.0, metavar="SECONDS",
                   help="limit for each of dns, tcp, tls, handshake and the pong (default 10)")
    p.add_argument("--error-log", action="append", metavar="PATH",
                   help="on the nginx host: rank the lines nginx writes to this error log during "
                        "the probe too (repeatable; idle timeouts need `error_log PATH info;`)")
    p.add_argument("--top", type=top_count, default=5, metavar="N",
                   help="show at most N causes (default 5)")
    p.add_argument("--json", action="store_true", help="machine-readable output")


def _seconds(option: str, minimum: float = 0.0):
    def parse(value: str) -> float:
        from ..probe.target import seconds

        return seconds(option, value, minimum)

    return parse


def _origin(value: str) -> str:
    from ..probe.target import origin

    return origin(value)


class IdleProgress:
    """`idle: 12 s of 70 s, still open` on stderr, only when stderr is a terminal."""

    def __init__(self, stream=None) -> None:
        self.stream = stream if stream is not None else sys.stderr  # the current one (tests swap it)
        self.shown = False

    def __call__(self, done: float, total: float) -> None:
        if done < 0:
            if self.shown:
                self.stream.write("\r\x1b[K")
                self.stream.flush()
            return
        self.shown = True
        self.stream.write(f"\ridle: {done:.0f} s of {total:g} s, still open")
        self.stream.flush()


def live_test(target, opts):
    """`probe.stages.run` with the idle progress line on stderr when it is a terminal (cleared
    afterwards, also before "interrupted"). An unusable --error-log exits 2 before anything is sent."""
    from ..probe.stages import run as run_probe

    progress = IdleProgress() if sys.stderr.isatty() and opts.idle > 0 else None
    try:
        return run_probe(target, opts, progress)
    except KeyboardInterrupt:
        if progress is not None:
            progress(-1, opts.idle)
        raise


def rank(evidence: list[str], top: int, extra_kb: list[str] | None = None):
    """The probe's evidence lines (`ProbeResult.lookup_lines()`: with --error-log, the log's
    lines first) through the same Lookup as pasted text."""
    from ..kb.index import load_index
    from ..lookup import Lookup, LookupResult

    if not evidence:
        return LookupResult()
    engine = Lookup(load_index(extra_kb))
    engine.add_text("\n".join(evidence))
    return engine.ranked(top)


def _placed(result, cause: dict) -> dict:
    """A cause's JSON with each evidence `line` put back where it came from: the index in
    `evidence`, or for an error-log line its line in the file, with `file`."""
    evidence = []
    for ev in cause["evidence"]:
        log, line = result.place(ev["line"])
        evidence.append({**ev, "line": line, **({"file": log.file} if log is not None else {})})
    return {**cause, "evidence": evidence}


def run(args: argparse.Namespace) -> int:
    from .. import exit_codes
    from ..probe.target import Options, parse_target

    target = parse_target(args.url)
    opts = Options(idle=args.idle, origin=args.origin, insecure=args.insecure,
                   ca_file=args.ca_file, timeout=args.timeout, error_logs=tuple(args.error_log or ()))
    result = live_test(target, opts)
    ranking = rank(result.lookup_lines(), args.top, args.kb) if not result.ok else rank([], args.top)
    if args.json:
        import json

        out = result.as_dict()
        doc = {"ok": out.pop("ok"), "stage": out.pop("stage"), "status": out.pop("status"),
               "elapsed": out.pop("elapsed"), "causes": [_placed(result, c.as_dict()) for c in ranking.causes],
               "detail": out.pop("detail"), **out}
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
    else:
        from ..render.probe_text import place_evidence, render
        from ..render.style import Style, use_colour

        place_evidence(result, ranking)
        sys.stdout.write(render(result, ranking, Style(use_colour()), args.error_log or []))
    return exit_codes.OK if result.ok else exit_codes.FINDINGS
