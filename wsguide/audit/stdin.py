"""Audit a config given on stdin, above all `nginx -T` output (every file nginx loaded, each
after a `# configuration file PATH:` line): the files are laid out again in a temporary
directory, so includes resolve exactly as on the server, and findings name the real paths."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from .audit import AuditResult, audit
from .parse import ConfigError
from .rules import Options

_HEADER = re.compile(r"^# configuration file (.+):\s*$")


def split_nginx_t(text: str) -> list[tuple[str, str]]:
    """[(path, text)] from `nginx -T` output; [] when it is not nginx -T output."""
    files: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        m = _HEADER.match(line)
        if m:
            files.append((m.group(1), []))
        elif files:
            files[-1][1].append(line)
    return [(p, "\n".join(lines) + "\n") for p, lines in files]


def audit_stdin(data: bytes, paths: list[str], options: Options, rules: dict[str, Any]) -> AuditResult:
    if b"\0" in data[:8192]:
        raise ConfigError("<stdin>", 1, "binary input, not an nginx config")
    text = data.decode("utf-8", "replace")
    with tempfile.TemporaryDirectory(prefix="wsguide-stdin-") as d:
        root = Path(d)
        names: dict[str, str] = {}
        files = split_nginx_t(text) or [("<stdin>", text)]
        for i, (orig, body) in enumerate(files):
            rel = orig.lstrip("/") if orig != "<stdin>" else "stdin.conf"
            target = root / "fs" / rel if orig != "<stdin>" else root / rel
            if not str(target.resolve()).startswith(str(root.resolve())):
                target = root / f"file{i}.conf"  # a path with .. in it: keep it inside the directory
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(body, encoding="utf-8")
            names[str(target)] = orig
        first = next(iter(names))
        try:
            result = audit([first, *paths], options, rules=rules)
        except ConfigError as exc:
            raise ConfigError(_orig(exc.file, names), exc.line, exc.message) from None
    for f in result.findings:
        f.file = _orig(f.file, names)
    result.files = [_orig(f, names) for f in result.files]
    result.notes = [_orig_in(n, names) for n in result.notes]
    return result


def _orig(shown: str, names: dict[str, str]) -> str:
    for tmp, orig in names.items():
        if shown == tmp or Path(shown).resolve() == Path(tmp).resolve():
            return orig
    return shown


def _orig_in(text: str, names: dict[str, str]) -> str:
    for tmp, orig in names.items():
        text = text.replace(tmp, orig)
    return text
