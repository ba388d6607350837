"""Reading a pasted text from a file or stdin: bounded, text only (diagnose and the wizard)."""

from __future__ import annotations

import sys

MAX_PASTE = 16 << 20
"""A paste is what a person copies; a bigger input is a log, and `lookup --file` streams those."""


def read_paste_text(path: str, option: str) -> str:
    """The text in `path` (`-` is stdin), or a one-line UserError naming `option`."""
    from ..errors import UserError

    name = "stdin" if path == "-" else path
    if path == "-":
        data = sys.stdin.buffer.read(MAX_PASTE + 1)
    else:
        try:
            with open(path, "rb") as f:
                data = f.read(MAX_PASTE + 1)
        except OSError as exc:
            raise UserError(f"{option} {path}: cannot read ({exc.strerror or exc})") from None
    if len(data) > MAX_PASTE:
        raise UserError(f"{option} {name}: more than 16 MiB; use `wsguide lookup --file` for whole logs")
    if b"\x00" in data[:8192]:
        raise UserError(f"{option} {name}: looks like binary data, not text")
    return data.decode("utf-8", errors="replace")
