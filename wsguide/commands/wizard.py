"""`wsguide` / `wsguide wizard`: the interactive wizard (Textual).

Textual costs ~0.25 s to import and probes the terminal, so it is imported only inside run().
"""

from __future__ import annotations

import argparse
import os
import sys

from .paste_input import read_paste_text

NAME = "wizard"
HELP = "the interactive wizard (the default when no command is given)"
EXAMPLES = """examples:
  wsguide                                   open the wizard
  wsguide --paste console.txt               open straight on the diagnosis of that text
  tail -n 50 /var/log/nginx/error.log | wsguide
  wsguide wizard --light"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--paste", metavar="FILE", help="diagnose the text in FILE first (- for stdin)")
    p.add_argument("--light", action="store_true", help="light theme (default dark)")


def read_paste(path: str | None) -> str | None:
    """The text to diagnose first: FILE, `-`, or stdin when it is not a terminal. Bounded and
    text only, like `wsguide diagnose --paste-file`."""
    if path is None and sys.stdin.isatty():
        return None
    return read_paste_text(path or "-", "--paste")


def reattach_terminal() -> None:
    """After reading piped stdin, point fd 0 at the terminal: Textual reads keys from fd 0."""
    from ..errors import UserError

    if sys.stdin.isatty():
        return
    try:
        tty = os.open("/dev/tty", os.O_RDWR)
    except OSError:
        raise UserError("the wizard needs a terminal; for pipes use `wsguide lookup` or "
                        "`wsguide diagnose`") from None
    os.dup2(tty, 0)
    os.close(tty)


def run(args: argparse.Namespace) -> int:
    from ..errors import UserError

    paste = read_paste(args.paste)
    if paste is not None and not paste.strip():
        raise UserError(f"--paste {args.paste or '-'}: nothing to diagnose (the text is empty)")
    reattach_terminal()
    if not sys.stdout.isatty():
        raise UserError("the wizard needs a terminal on stdout; for pipes use `wsguide lookup` or "
                        "`wsguide diagnose`")
    # Deferred, and through importlib: commands sit below the TUI in the layer contract, and
    # Textual's ~0.25 s import is paid only here.
    import importlib

    app_module = importlib.import_module("wsguide.tui.app")
    app = app_module.WsguideApp(kb_dirs=args.kb, paste=paste, theme="textual-light" if args.light else None)
    app.run()
    return app.return_code or 0
