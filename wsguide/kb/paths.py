"""Where knowledge directories are. Light on purpose: lookup's warm path imports this."""

from __future__ import annotations

import os

TYPE_CHECKING = False  # pathlib costs start-up time; lookup's warm path only needs strings
if TYPE_CHECKING:
    from pathlib import Path

ENV_VAR = "WSGUIDE_KB_PATH"
BUILTIN_ENV_VAR = "WSGUIDE_BUILTIN_KB"  # replaces the built-in directory (tests, KB forks)


def builtin_dir_name() -> str:
    """The knowledge directory shipped with wsguide (or $WSGUIDE_BUILTIN_KB), as a string."""
    override = os.environ.get(BUILTIN_ENV_VAR)
    if override:
        return override
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    packaged = os.path.join(package, "knowledge")  # the wheel force-includes it here
    if os.path.isdir(packaged):
        return packaged
    checkout = os.path.join(os.path.dirname(package), "knowledge")  # source checkout, editable install
    if os.path.isdir(checkout):
        return checkout
    from importlib.resources import files  # any other loader (a zip import, say)

    return os.path.join(str(files("wsguide")), "knowledge")


def builtin_dir() -> Path:
    from pathlib import Path

    return Path(builtin_dir_name())


def kb_dir_names(extra: list[str] | None = None) -> list[str]:
    """The built-in directory, then WSGUIDE_KB_PATH entries, then --kb directories."""
    dirs = [builtin_dir_name()]
    env = os.environ.get(ENV_VAR, "")
    dirs += [p for p in env.split(os.pathsep) if p.strip()]
    dirs += list(extra or [])
    return dirs


def kb_dirs(extra: list[str] | None = None) -> list[Path]:
    """kb_dir_names() as paths."""
    from pathlib import Path

    return [Path(p) for p in kb_dir_names(extra)]
