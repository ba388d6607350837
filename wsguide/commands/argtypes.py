"""argparse `type=` converters shared by several commands (errors name the option and the rule)."""

from __future__ import annotations


def top_count(value: str) -> int:
    """--top N: a whole number, at least 1."""
    from ..errors import UserError

    try:
        n = int(value)
    except ValueError:
        raise UserError(f"--top: {value!r} is not a whole number") from None
    if n < 1:
        raise UserError(f"--top: must be at least 1, got {n}")
    return n
