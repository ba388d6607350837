"""The compiled lookup index: the few fields lookup needs, cached as JSON.

Parsing ~40 YAML files and linting them costs far more than lookup's whole start-up budget, so
the first run writes `$XDG_CACHE_HOME/wsguide/index-<key>.json` and later runs read only that.
The key covers wsguide's version and every knowledge file's path, size and mtime: an edited
entry or a new `--kb` directory builds a fresh index. An unwritable cache is not an error.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from .. import __version__

FORMAT = 4  # bump when the index layout changes


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "wsguide"


def _key(dirs: list[Path]) -> str:
    h = hashlib.sha1(f"{__version__}/{FORMAT}".encode())
    for d in dirs:
        h.update(str(d.resolve()).encode())
        if not d.is_dir():
            h.update(b"<missing>")
            continue
        for path in sorted(_kb_files(d)):
            st = path.stat()
            h.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:20]


def _kb_files(d: Path) -> list[Path]:
    files = list(d.glob("*.yaml")) + list((d / "causes").glob("*.yaml"))
    return files + list((d / "snippets").glob("*.j2"))


def build(kb: Any) -> dict[str, Any]:
    """Reduce a validated KB to what lookup and its renderers need."""
    causes = {}
    signatures = []
    for cid, c in sorted(kb.causes.items()):
        causes[cid] = {
            "title": c["title"],
            "summary": c["summary"],
            "kind": c.get("kind", "failure"),
            "layer": c["layer"],
            "stage": c["stage"],
            "prior": c.get("prior", 1.0),
            "fix": c["fix"]["summary"],
            "next": c["verify"][0]["step"] + (f": {c['verify'][0]['run']}" if c["verify"][0].get("run") else ""),
        }
        for s in c.get("signatures", []):
            sig = {k: s[k] for k in ("id", "source", "strength") if k in s}
            sig["group"] = s.get("group", s["id"])
            sig["cause"] = cid
            sig["weight"] = s.get("weight", 0.9 if s["strength"] == "strong" else 0.35)
            for k in ("regex", "all", "none"):
                if k in s:
                    sig[k] = s[k]
            signatures.append(sig)
    return {"format": FORMAT, "causes": causes, "signatures": signatures}


def load_index(extra: list[str] | None = None) -> dict[str, Any]:
    """The lookup index for the built-in KB plus extra directories, from cache when current."""
    from .paths import kb_dirs

    dirs = kb_dirs(extra)
    key = _key(dirs)
    path = _cache_dir() / f"index-{key}.json"
    try:
        with path.open(encoding="utf-8") as f:
            data = json.load(f)
        if data.get("format") == FORMAT:
            return data
    except (OSError, ValueError):
        pass
    from .loader import load_or_fail  # the slow path: YAML, validation, lint

    data = build(load_or_fail(dirs))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # read-only home, full disk: lookup still works, just slower next time
    return data
