"""Evaluate the knowledge base's declarative `audit:` rules over a parsed config.

A rule names a scope (which blocks to test) and conditions (all must hold). The language is
described in docs/audit-rules.md and its shape in `wsguide/kb/model.py` (AUDIT_CONDITION); this
module gives it nginx's meaning:

- `effective` lookup walks up from the block to the nearest enclosing block that has the
  directive at all. That is nginx's inheritance for plain directives (proxy_read_timeout,
  proxy_http_version) and for array directives (proxy_set_header, add_header, limit_conn,
  error_log) alike: one proxy_set_header in a location hides every one above it.
- a WebSocket location is a location with proxy_pass that sets `Upgrade`, has a path that
  names ws/socket/socket.io/cable/hub, or serves a path the user gave with --ws-path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .parse import Config, Node

WS_TOKENS = {"ws", "wss", "websocket", "websockets", "socket", "sockets", "socket.io", "sockjs", "cable",
             "hub", "hubs", "signalr"}
_TOKEN_SPLIT = re.compile(r"[^a-z0-9.]+")
_PROXY_URL = re.compile(r"(?i)^(?:https?|grpcs?)://([^/:$\s]+)(:\d+)?(/.*)?$")
_VAR = re.compile(r"^\$\{?(\w+)\}?$")


@dataclass
class Options:
    ws_paths: list[str] = field(default_factory=list)
    """Paths clients open (--ws-path); locations serving them are WebSocket locations."""
    nginx_version: tuple[int, ...] | None = None
    """--nginx-version; None when unknown."""


@dataclass
class Match:
    """What a condition found: a directive (or None when a default applied) and its value."""

    node: Node | None
    value: str
    directive: str


@dataclass
class State:
    found: list[Match] = field(default_factory=list)
    anchor: Match | None = None
    upstream: str = ""


def parse_version(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.split("."))


# -- values with units ------------------------------------------------------------------------

_DURATION_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "M": 2592000,
                   "y": 31536000, "": 1}
_DURATION = re.compile(r"(\d+)(ms|s|m|h|d|w|M|y)?")
_SIZE = re.compile(r"^(\d+)([kKmMgG]?)$")


def duration(text: str) -> float | None:
    """nginx time: 90s, 1h, 500ms, 1h30m; bare numbers are seconds. None if not a literal."""
    text = text.strip()
    if not text or not re.fullmatch(r"(?:\d+(?:ms|s|m|h|d|w|M|y)?)+", text):
        return None
    return sum(int(n) * _DURATION_UNITS[u or ""] for n, u in _DURATION.findall(text))


def size(text: str) -> float | None:
    """nginx size: 1k, 8m, 1g; bare bytes; 0 means no limit (infinite)."""
    m = _SIZE.match(text.strip())
    if not m:
        return None
    n = int(m.group(1)) * {"": 1, "k": 1024, "m": 1024 ** 2, "g": 1024 ** 3}[m.group(2).lower()]
    return float("inf") if n == 0 else n


def number(text: str) -> float | None:
    return float(text) if re.fullmatch(r"\d+", text.strip()) else None


PARSERS = {"duration": duration, "size": size, "number": number}


_cache: dict[str, re.Pattern[str]] = {}


def _rx(pattern: str) -> re.Pattern[str]:
    rx = _cache.get(pattern)
    if rx is None:
        rx = _cache[pattern] = re.compile(pattern, re.IGNORECASE)
    return rx


# -- the evaluator ----------------------------------------------------------------------------


class Evaluator:
    """Conditions of rules, evaluated against one Config."""

    def __init__(self, config: Config, options: Options) -> None:
        self.config = config
        self.options = options
        self._ws: dict[int, bool] = {}
        self.memo: dict[str, Any] = {}
        """Per-config facts that named checks compute once (defined variables ...)."""

    # blocks in scope

    def scope(self, name: str) -> list[Node]:
        nodes = self.config.nodes
        if name == "ws-location":
            return [n for n in nodes if self.is_ws_location(n)]
        if name == "location":
            return [n for n in nodes if self.is_proxied(n)]
        if name in ("main", "http"):
            return [n for n in nodes if n.name == name and n.block is not None and not n.virtual]
        return [n for n in nodes if n.name == name and n.block is not None]

    @staticmethod
    def is_proxied(node: Node) -> bool:
        return node.name == "location" and node.block is not None and bool(node.own("proxy_pass"))

    def is_ws_location(self, node: Node) -> bool:
        if not self.is_proxied(node):
            return False
        key = id(node)
        if key not in self._ws:
            self._ws[key] = (
                any(h.args and h.args[0].lower() == "upgrade" for h in effective(node, "proxy_set_header"))
                or looks_ws(node.args)
                or any(serves(node, p) for p in self.options.ws_paths)
                or (node.virtual and bool(self.options.ws_paths))
            )
        return self._ws[key]

    # conditions

    def _duplicate(self, hits: list[Node], cond: dict[str, Any], state: State) -> bool:
        """Two instances with the same first argument (a header set twice): the match is the
        later one, the line to delete (the earlier may sit in an included proxy_params)."""
        seen: set[str] = set()
        for hit in hits:
            key = hit.args[0].lower() if hit.args else ""
            if key in seen:
                self._record(state, cond, Match(hit, " ".join(hit.args), hit.text))
                return True
            seen.add(key)
        return False

    def holds_all(self, conds: list[dict[str, Any]], node: Node, state: State) -> bool:
        return all(self.holds(c, node, state) for c in conds)

    def holds(self, cond: dict[str, Any], node: Node, state: State) -> bool:
        if "present" in cond or "missing" in cond:
            name = cond.get("present") or cond["missing"]
            hits = [i for i in self.instances(node, name, cond.get("from", "effective")) if _args_match(i, cond)]
            if "present" in cond:
                if cond.get("duplicate"):
                    return self._duplicate(hits, cond, state)
                ok = len(hits) >= cond.get("count", 1)
                if ok:
                    self._record(state, cond, Match(hits[0], " ".join(hits[0].args), hits[0].text))
                return ok
            return not hits
        for kind in ("duration", "size", "number"):
            if kind in cond:
                return self._compare(kind, cond, node, state)
        if "path" in cond:
            return node.name == "location" and bool(_rx(cond["path"]).fullmatch(" ".join(node.args)))
        if "parent" in cond:
            return node.parent is not None and bool(_rx(cond["parent"]).fullmatch(node.parent.name))
        if "maps" in cond:
            if node.name != "map":
                return False
            value = map_value(node, cond["maps"])
            ok = bool(_rx(cond.get("to", ".*")).fullmatch(value))
            if ok:
                self._record(state, cond, Match(node, value, f"{node.text} ({cond['maps']!r} -> {value!r})"))
            return ok
        if "follow" in cond:
            target = self.follow(node, cond["follow"], cond.get("header", ""))
            if target is None:
                return False
            if target.name == "upstream":
                state.upstream = target.args[0]
            return self.holds_all(cond.get("when", []), target, state)
        if "nginx" in cond:
            spec = cond["nginx"]
            version = self.options.nginx_version
            if version is None:
                return bool(spec.get("unknown", False))
            if "below" in spec and not version < parse_version(spec["below"]):
                return False
            return not ("at_least" in spec and version < parse_version(spec["at_least"]))
        if "complete" in cond:
            return self.config.complete == cond["complete"]
        if "check" in cond:
            from .checks import CHECKS

            match = CHECKS[cond["check"]](self, node)
            if match is not None:
                self._record(state, cond, match)
            return match is not None
        if "any" in cond:
            for branch in cond["any"]:
                scratch = State()  # a branch that fails must not leave its matches behind
                if self.holds(branch, node, scratch):
                    state.found += scratch.found
                    state.anchor = state.anchor or scratch.anchor
                    state.upstream = scratch.upstream or state.upstream
                    return True
            return False
        if "all" in cond:
            return self.holds_all(cond["all"], node, state)
        if "not" in cond:
            return not self.holds(cond["not"], node, State())
        raise ValueError(f"unknown condition {cond!r}")  # the model rules this out

    def _record(self, state: State, cond: dict[str, Any], match: Match) -> None:
        state.found.append(match)
        if cond.get("at") and state.anchor is None:
            state.anchor = match

    def _compare(self, kind: str, cond: dict[str, Any], node: Node, state: State) -> bool:
        name = cond[kind]
        parse = PARSERS[kind]
        hits = [i for i in self.instances(node, name, cond.get("from", "effective")) if i.args]
        if hits:
            text, match = hits[0].args[0], Match(hits[0], hits[0].args[0], hits[0].text)
        elif "default" in cond:
            text = cond["default"]
            match = Match(None, text, f"{name} {text} (the default)")
        else:
            return False
        value = parse(text)
        if value is None:
            return False  # a variable or something we cannot read: no claim
        if "below" in cond and not value < (parse(cond["below"]) or 0):
            return False
        if "above" in cond and not value > (parse(cond["above"]) or float("inf")):
            return False
        self._record(state, cond, match)
        return True

    def instances(self, node: Node, name: str, where: str) -> list[Node]:
        if where == "effective":
            return effective(node, name)
        if where == "here":
            return node.own(name)
        if where == "enclosing":
            return [i for a in node.ancestors() for i in a.own(name)]
        if where == "inside":
            return [n for n in node.walk() if n.name == name and n is not node]
        return [n for n in self.config.nodes if n.name == name]

    def follow(self, node: Node, what: str, header: str) -> Node | None:
        if what == "upstream":
            passes = node.own("proxy_pass")
            m = _PROXY_URL.match(passes[0].args[0]) if passes and passes[0].args else None
            return self.config.upstreams.get(m.group(1).lower()) if m and not m.group(2) else None
        for h in effective(node, "proxy_set_header"):
            if len(h.args) >= 2 and h.args[0].lower() == header.lower():
                m = _VAR.match(h.args[1])
                return self.config.maps.get(m.group(1).lower()) if m else None
        return None


def effective(node: Node, name: str) -> list[Node]:
    """The instances of `name` nginx applies in this block: its own, else the nearest enclosing
    block's (directives are inherited only by blocks that set none of their own)."""
    n: Node | None = node
    while n is not None:
        found = n.own(name)
        if found:
            return found
        n = n.parent
    return []


def _args_match(inst: Node, cond: dict[str, Any]) -> bool:
    patterns = cond.get("args", [])
    if len(inst.args) < len(patterns):
        return False
    if not all(_rx(p).fullmatch(a) for p, a in zip(patterns, inst.args, strict=False)):
        return False
    if "any_arg" in cond and not any(_rx(cond["any_arg"]).fullmatch(a) for a in inst.args):
        return False
    return not ("no_arg" in cond and any(_rx(cond["no_arg"]).fullmatch(a) for a in inst.args))


def map_value(node: Node, key: str) -> str:
    """What a map{} yields for the literal input `key` ('' = empty; 'default' = the default);
    regex entries are not applied."""
    entries = {e.name: (e.args[0] if e.args else "") for e in node.block or ()
               if e.name not in ("hostnames", "volatile", "include")}
    if key in entries:
        return entries[key]
    return entries.get("default", "")


def looks_ws(args: list[str]) -> bool:
    """A location match such as /ws, /socket.io/, /cable, ~ ^/hubs/ names WebSockets."""
    return any(tok in WS_TOKENS for tok in _TOKEN_SPLIT.split(" ".join(args).lower()))


def serves(loc: Node, path: str) -> bool:
    """Whether a request for `path` would end up in this location (or its 301 to path/)."""
    args = loc.args
    if not args:
        return False
    if len(args) == 1 or args[0] == "^~":
        prefix = args[-1]
        return path.startswith(prefix) or prefix == path + "/"
    mod, pattern = args[0], args[-1]
    if mod == "=":
        return path == pattern
    if mod in ("~", "~*"):
        try:
            return re.search(pattern, path, re.IGNORECASE if mod == "~*" else 0) is not None
        except re.error:
            return False
    return False
