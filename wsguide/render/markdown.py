"""Small GitHub-flavoured markdown and mermaid helpers shared by the runbook renderers.

Knowledge-base prose is plain text, not markdown: everything that goes into a page passes
through `text()` (or `cell()` in a table) so a `*` or `<` in an nginx explanation can never turn
into emphasis or HTML. No jinja2 here: these are plain functions, registered as filters.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*<~])")
_EDGE_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")  # intraword _ is literal in GFM
_LINE_START = re.compile(r"^(\s*)(?:([#>+-])|(\d+)([.)]))(?=\s|$)", re.MULTILINE)
_URL = re.compile(r"\b(?:https?|wss?)://(?:[^\s\"'<>`]*[^\s\"'<>`.,;:)\]])?")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def paragraphs(value: str) -> list[str]:
    """Split prose on blank lines and fold each paragraph's line breaks (YAML `|` or `>`)."""
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", value.strip()) if p.strip()]


def _escape(para: str) -> str:
    para = _SPECIAL.sub(r"\\\1", para)
    return _EDGE_UNDERSCORE.sub(r"\\_", para)


def text(value: object) -> str:
    """Escape plain text for a markdown paragraph or list item (paragraph breaks kept).

    URLs become code spans: in prose they are examples (`http://127.0.0.1:8000`) more often than
    links, and a bare URL is what markdown linters reject.
    """
    out = []
    for para in paragraphs(str(value)):
        pieces, last = [], 0
        for m in _URL.finditer(para):
            pieces += [_escape(para[last:m.start()]), code(m[0])]
            last = m.end()
        para = "".join([*pieces, _escape(para[last:])])
        para = re.sub(r"\[(?=[ xX]?\])", r"\\[", para)  # "[x]" must not become a task box
        # A paragraph (or list item text) must not start a heading, quote or nested list.
        para = _LINE_START.sub(lambda m: m[1] + (f"\\{m[2]}" if m[2] else f"{m[3]}\\{m[4]}"), para)
        out.append(para)
    return "\n\n".join(out)


def cell(value: object) -> str:
    """Escape text for one GitHub table cell (one line, `|` escaped)."""
    return " ".join(text(value).split()).replace("|", "\\|")


def code(value: object) -> str:
    """An inline code span that survives backticks and `|` (tables) in the value."""
    s = " ".join(str(value).split())
    longest = max((len(m) for m in re.findall(r"`+", s)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    return f"{ticks}{pad}{s}{pad}{ticks}".replace("|", "\\|")


def fence(value: str, lang: str = "text") -> str:
    """A fenced code block that no backtick run inside the code can close early."""
    body = "\n".join(line.rstrip() for line in value.strip("\n").splitlines())
    longest = max((len(m) for m in re.findall(r"^\s*(`{3,})", body, re.MULTILINE)), default=2)
    ticks = "`" * (longest + 1)
    return f"{ticks}{lang}\n{body}\n{ticks}"


def tidy(markdown: str) -> str:
    """Normalise template output: no trailing spaces, one blank line between blocks, one final newline.

    Inside fenced code blocks only trailing spaces go; their blank lines are content.
    """
    out: list[str] = []
    fence_mark: str | None = None
    for line in markdown.splitlines():
        line = line.rstrip()
        m = _FENCE.match(line)
        if fence_mark is None:
            if m:
                fence_mark = m[1]
            elif not line and (not out or not out[-1]):
                continue
        elif m and m[1][0] == fence_mark[0] and len(m[1]) >= len(fence_mark) and not line.strip()[len(m[1]):]:
            fence_mark = None
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"


_MERMAID_ESCAPES = {'"': "#quot;", "#": "#35;", "[": "#91;", "]": "#93;", "(": "#40;", ")": "#41;",
                    "{": "#123;", "}": "#125;", "<": "#lt;", ">": "#gt;", "|": "#124;", "`": "#96;"}


def mermaid_label(value: object, limit: int = 80) -> str:
    """A mermaid label body (goes between double quotes): entity-escaped, one line, clipped."""
    s = " ".join(str(value).split())
    if len(s) > limit:
        s = s[: limit - 3].rstrip() + "..."
    return "".join(_MERMAID_ESCAPES.get(ch, ch) for ch in s)


def mermaid_id(value: str) -> str:
    """A mermaid node id from a KB id: letters, digits and `_` only, never a keyword."""
    return "n_" + re.sub(r"[^A-Za-z0-9]", "_", value)
