"""Entry point: `wsguide` and `python -m wsguide`.

Imports the CLI inside main() so that `python -m wsguide --version` and friends stay cheap,
and turns Ctrl-C into exit 130 and user mistakes into one line on stderr with exit 2.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from . import exit_codes
    from .errors import UserError

    try:
        from .cli import run  # deferred: argparse and the command table are built per call

        return run(sys.argv[1:] if argv is None else argv)
    except KeyboardInterrupt:
        print("wsguide: interrupted", file=sys.stderr)
        return exit_codes.INTERRUPTED
    except UserError as exc:
        print(f"wsguide: error: {exc}", file=sys.stderr)
        return exit_codes.USAGE
    except BrokenPipeError:
        # `wsguide lookup ... | head`: the reader left; that is not an error of ours.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return exit_codes.OK


if __name__ == "__main__":
    sys.exit(main())
