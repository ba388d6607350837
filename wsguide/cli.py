"""The argparse parser, built from the command modules in `wsguide/commands/`.

Each command module defines `NAME`, `HELP`, `add_arguments(parser)` and `run(args) -> int`,
and keeps heavy imports (textual, networkx, jinja2) inside `run()`: every module listed here
is imported on every invocation.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from . import __version__, exit_codes
from .errors import UserError

# Order is the order of `wsguide --help`. One reviewable list, not whatever is in the folder.
COMMANDS = ("wizard", "lookup", "diagnose", "audit", "probe", "config", "export", "kb")

EPILOG = """examples:
  wsguide                                   open the wizard
  wsguide lookup "Unexpected response code: 502"
  tail -n 200 /var/log/nginx/error.log | wsguide lookup
  wsguide lookup --file /var/log/nginx/error.log.1.gz --json
  wsguide probe wss://chat.example.com/ws --idle 70
  wsguide audit /etc/nginx/nginx.conf
  wsguide config --server-name chat.example.com --path /ws --backend 127.0.0.1:8000
  wsguide kb check
"""


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so main() prints one line and returns 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UserError(f"{message} (see `{self.prog} --help`)")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole parser; with `only`, the other commands get no arguments (argparse spends
    ~20 ms adding them all, a tenth of a lookup's start-up, for a command that is not run)."""
    parser = _Parser(
        prog="wsguide",
        description="Make WebSockets work through nginx: diagnose errors, generate tested configs.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"wsguide {__version__}")
    parser.add_argument("--kb", action="append", metavar="DIR", default=[],
                        help="extra knowledge directory (repeatable; also WSGUIDE_KB_PATH)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        module = importlib.import_module(f".commands.{name}", __package__)
        p = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP,
                           epilog=getattr(module, "EXAMPLES", None),
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        if only is None or only == name:
            module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def _command_word(argv: list[str]) -> str | None:
    """The command `argv` (after default_command) names, if it is one of COMMANDS."""
    i = 0
    while i < len(argv) and (argv[i] == "--kb" or argv[i].startswith("--kb=")):
        i += 1 if "=" in argv[i] else 2
    return argv[i] if i < len(argv) and argv[i] in COMMANDS else None


def default_command(argv: list[str]) -> list[str]:
    """`wsguide [--kb DIR] [--paste FILE ...]` means the wizard: insert `wizard` after the
    top-level options, so its own options parse. Commands, --help and --version pass through."""
    if "wizard" not in COMMANDS:
        return argv
    i = 0
    while i < len(argv) and (argv[i] == "--kb" or argv[i].startswith("--kb=")):
        i += 1 if "=" in argv[i] else 2
    rest = argv[i:]
    if rest and (not rest[0].startswith("-") or rest[0] in ("-h", "--help", "--version")):
        return argv  # a command (or a typo of one: argparse names the choices)
    return [*argv[:i], "wizard", *rest]


def run(argv: list[str]) -> int:
    argv = default_command(argv)
    command = _command_word(argv)
    parser = build_parser(only=command) if command else build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return exit_codes.OK
    try:
        return args._run(args)
    except OSError as exc:
        # A file we were told to read or write could not be: a user matter, not a crash.
        name = f" {exc.filename}" if getattr(exc, "filename", None) else ""
        print(f"wsguide: error:{name}: {exc.strerror or exc}", file=sys.stderr)
        return exit_codes.USAGE
