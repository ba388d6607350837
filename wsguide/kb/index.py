"""The compiled lookup index: the few fields lookup needs, cached as JSON.

Parsing ~40 YAML files and linting them costs far more than lookup's whole start-up budget, so
the first run writes `$XDG_CACHE_HOME/wsguide/index-<key>.json` and later runs read only that.
The key covers wsguide's version and every knowledge file's path, size and mtime: an edited
entry or a new `--kb` directory builds a fresh index. An unwritable cache is not an error.
"""

from __future__ import annotations

import contextlib
import json
import os
import zlib

from .. import __version__

TYPE_CHECKING = False  # typing and pathlib cost start-up time; lookup's warm path runs this module
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

FORMAT = 6  # bump when the index layout (or what goes into it) changes


def _cache_base() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "wsguide")


def _cache_dir() -> Path:
    from pathlib import Path

    return Path(_cache_base())


def _key(dirs: list[str] | list[Path]) -> str:
    """A cache key over wsguide's version and every knowledge file's path, size and mtime.
    (crc32 + adler32 of that text: a cache key, not a security boundary, and zlib is loaded
    anyway where hashlib would load OpenSSL.)"""
    parts = [f"{__version__}/{FORMAT}"]
    for d in map(os.fspath, dirs):
        parts.append(os.path.realpath(d))
        if not os.path.isdir(d):
            parts.append("<missing>")
            continue
        for path in sorted(_kb_files(d)):
            st = os.stat(path)
            parts.append(f"{path}\0{st.st_size}\0{st.st_mtime_ns}")
    text = "\n".join(parts).encode()
    return f"{zlib.crc32(text):08x}{zlib.adler32(text):08x}"


def _kb_files(d: str) -> list[str]:
    """The files a knowledge directory's index depends on (YAML entries and jinja2 snippets)."""
    out = []
    for sub, suffix in (("", ".yaml"), ("causes", ".yaml"), ("snippets", ".j2")):
        folder = os.path.join(d, sub) if sub else d
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        out += [os.path.join(folder, n) for n in names if n.endswith(suffix)]
    return out


def build(kb: Any) -> dict[str, Any]:
    """Reduce a validated KB to what lookup and its renderers need."""
    from .literals import required_literals
    from .templates import fix_variables, render

    causes = {}
    signatures = []
    for cid, c in sorted(kb.causes.items()):
        # The first verify step is lookup's "Next:"; rendered with the fix's example values, as
        # the runbooks are, so no {{ host }} reaches the user.
        first, values = c["verify"][0], fix_variables(c)
        step = render(kb, first["step"], values)
        run = render(kb, first["run"], values) if first.get("run") else ""
        causes[cid] = {
            "title": c["title"],
            "summary": c["summary"],
            "kind": c.get("kind", "failure"),
            "layer": c["layer"],
            "stage": c["stage"],
            "prior": c.get("prior", 1.0),
            "fix": c["fix"]["summary"],
            "next": step + (f": {run}" if run else ""),
        }
        for s in c.get("signatures", []):
            sig = {k: s[k] for k in ("id", "source", "strength") if k in s}
            sig["group"] = s.get("group", s["id"])
            sig["cause"] = cid
            sig["weight"] = s.get("weight", 0.9 if s["strength"] == "strong" else 0.35)
            for k in ("regex", "all", "none"):
                if k in s:
                    sig[k] = s[k]
            if "regex" in s:  # the prefilter's literals, worked out once here instead of on every run
                sig["literals"] = required_literals(s["regex"])
            signatures.append(sig)
    return {"format": FORMAT, "causes": causes, "signatures": signatures}


def load_index(extra: list[str] | None = None) -> dict[str, Any]:
    """The lookup index for the built-in KB plus extra directories, from cache when current."""
    from .paths import kb_dir_names

    dirs = kb_dir_names(extra)
    key = _key(dirs)
    base = _cache_base()
    path = os.path.join(base, f"index-{key}.json")
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        if data.get("format") == FORMAT:
            return data
    except (OSError, ValueError):
        pass
    from pathlib import Path

    from .loader import load_or_fail  # the slow path: YAML, validation, lint

    data = build(load_or_fail([Path(d) for d in dirs]))
    try:
        os.makedirs(base, exist_ok=True)
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(data, f)
        os.replace(tmp, path)
        _prune(base, keep=path)
    except OSError:
        pass  # read-only home, full disk: lookup still works, just slower next time
    return data


def _prune(base: str, keep: str, prefix: str = "index-", spare: int = 3) -> None:
    """Drop all but the newest few stale indexes (every KB edit makes a new one); a few are
    kept because other --kb combinations have their own."""
    stale = [os.path.join(base, n) for n in os.listdir(base)
             if n.startswith(prefix) and n.endswith(".json") and os.path.join(base, n) != keep]
    stale.sort(key=os.path.getmtime, reverse=True)
    for old in stale[spare:]:
        with contextlib.suppress(OSError):
            os.remove(old)
