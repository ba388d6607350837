"""Where knowledge directories are. Light on purpose: lookup's warm path imports this."""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "WSGUIDE_KB_PATH"
BUILTIN_ENV_VAR = "WSGUIDE_BUILTIN_KB"  # replaces the built-in directory (tests, KB forks)


def builtin_dir() -> Path:
    """The knowledge directory shipped with wsguide (or $WSGUIDE_BUILTIN_KB)."""
    from importlib.resources import files

    override = os.environ.get(BUILTIN_ENV_VAR)
    if override:
        return Path(override)

    packaged = Path(str(files("wsguide"))) / "knowledge"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "knowledge"  # source checkout / editable install


def kb_dirs(extra: list[str] | None = None) -> list[Path]:
    """The built-in directory, then WSGUIDE_KB_PATH entries, then --kb directories."""
    dirs = [builtin_dir()]
    env = os.environ.get(ENV_VAR, "")
    dirs += [Path(p) for p in env.split(os.pathsep) if p.strip()]
    dirs += [Path(p) for p in (extra or [])]
    return dirs
