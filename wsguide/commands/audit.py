"""`wsguide audit`: static checks of nginx configs against the knowledge base's `audit:` rules."""

from __future__ import annotations

import argparse
import sys

NAME = "audit"
HELP = "check nginx configs for WebSocket mistakes (static: nginx need not be installed)"
EXAMPLES = """examples:
  wsguide audit /etc/nginx/nginx.conf         the whole config; includes are followed
  wsguide audit sites-enabled/chat.conf       a server block (or a location) on its own
  wsguide audit conf.d/*.conf                 several snippets, read as one http{}
  wsguide audit --ws-path /live app.conf      the path clients open, if not /ws-like
  sudo nginx -T 2>/dev/null | wsguide audit - the config nginx really loaded
  wsguide audit --json nginx.conf | jq -r '.findings[].cause'
  wsguide audit --sarif nginx.conf > wsguide.sarif    for code scanning in CI
  wsguide audit --severity warning nginx.conf          errors and warnings only

A WebSocket location is one with proxy_pass that sets the Upgrade header, or whose path names
ws, socket, socket.io, cable or hub, or that serves a --ws-path.

exit status: 0 no findings (at --severity), 1 findings, 2 unusable input (missing file,
syntax error, binary file)."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="nginx.conf (includes followed) or snippet files; '-' reads stdin (e.g. nginx -T)")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="machine-readable findings")
    fmt.add_argument("--sarif", action="store_true", help="SARIF 2.1.0 (rule id = cause id)")
    p.add_argument("--severity", choices=("error", "warning", "info"), default="info",
                   help="report findings of this severity and worse (default info: all)")
    p.add_argument("--ws-path", action="append", default=[], metavar="PATH", type=_path,
                   help="a path clients open for WebSockets (repeatable)")
    p.add_argument("--nginx-version", metavar="X.Y.Z", type=_version,
                   help="the nginx that runs this config (version-dependent rules; default: assume older "
                        "than 1.29.7)")


def _path(value: str) -> str:
    from ..errors import UserError

    if not value.startswith("/") or any(c.isspace() for c in value):
        raise UserError(f"--ws-path: {value!r} must start with / and contain no spaces")
    return value


def _version(value: str) -> tuple[int, ...]:
    import re

    from ..errors import UserError

    if not re.fullmatch(r"\d+\.\d+(\.\d+)?", value):
        raise UserError(f"--nginx-version: {value!r} is not a version such as 1.24.0")
    return tuple(int(x) for x in value.split("."))


def run(args: argparse.Namespace) -> int:
    from .. import exit_codes
    from ..audit import ConfigError, Options, audit, load_rules

    rules = load_rules(args.kb)
    options = Options(ws_paths=args.ws_path, nginx_version=args.nginx_version)
    try:
        if "-" in args.paths:
            from ..audit.stdin import audit_stdin

            result = audit_stdin(sys.stdin.buffer.read(), [p for p in args.paths if p != "-"], options, rules)
        else:
            result = audit(args.paths, options, rules=rules)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)  # `file:line: message`, as compilers print it
        return exit_codes.USAGE
    if args.severity != "info":
        from ..audit.audit import SEVERITY_ORDER

        result.findings = [f for f in result.findings
                           if SEVERITY_ORDER[f.severity] <= SEVERITY_ORDER[args.severity]]
    for note in result.notes:
        print(f"wsguide: note: {note}", file=sys.stderr)
    if args.json or args.sarif:
        import json

        if args.sarif:
            from ..render.sarif import sarif

            doc = sarif(result)
        else:
            doc = result.as_dict()
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
    else:
        from ..render.audit_text import render
        from ..render.style import Style, use_colour

        if result.ws_locations == 0:
            print("wsguide: note: no location proxies WebSockets here (a location with proxy_pass that "
                  "sets Upgrade or whose path names ws/socket/socket.io/cable/hub); name the path with "
                  "--ws-path to check it", file=sys.stderr)
        sys.stdout.write(render(result, Style(use_colour())))
    return exit_codes.FINDINGS if result.findings else exit_codes.OK
