"""Read nginx configs into one tree of `Node`s, with the file and line of every directive.

crossplane lexes exactly as nginx does (quoting, escapes, comments, line numbers); this module
builds the statements (with nginx's own syntax errors) and resolves `include` itself so that
it can:
- find includes of a config copied off a server (`/etc/nginx/...` re-rooted at the copy),
- skip a missing include with a note instead of giving up (nginx -t would refuse; an audit of
  the rest is still worth having),
- wrap snippets (a bare `server {}`, a `location {}`, a location body) in the contexts they
  would live in, so rules see the same shape either way.

Unusable input raises `ConfigError` (`file:line: message`); nothing here prints.
"""

from __future__ import annotations

import functools
import glob
import os
from dataclasses import dataclass, field
from pathlib import Path

MAIN_ONLY = {"events", "http", "stream", "mail", "worker_processes", "worker_rlimit_nofile", "user",
             "pid", "load_module", "daemon", "master_process", "worker_shutdown_timeout",
             "worker_cpu_affinity", "env", "include_main"}
HTTP_LEVEL = {"server", "map", "upstream", "geo", "split_clients", "limit_conn_zone", "limit_req_zone",
              "log_format", "proxy_cache_path", "types", "default_type", "sendfile", "server_names_hash_bucket_size",
              "ssl_protocols", "gzip", "keepalive_timeout", "access_log"}
SERVER_LEVEL = {"location", "listen", "server_name", "ssl_certificate", "ssl_certificate_key", "root", "index",
                "return", "rewrite"}
DEFAULT_CONF_DIRS = ("/etc/nginx/", "/usr/local/nginx/conf/", "/usr/local/etc/nginx/",
                     "/opt/homebrew/etc/nginx/", "/opt/nginx/conf/")


class ConfigError(Exception):
    """Input that cannot be audited: `file:line: message`."""

    def __init__(self, file: str, line: int, message: str) -> None:
        self.file, self.line, self.message = file, line, message
        super().__init__(f"{file}:{line}: {message}")


@dataclass(eq=False)
class Node:
    """One directive. `block` is None for simple directives; `virtual` wraps a snippet."""

    name: str
    args: list[str]
    file: str
    line: int
    block: list[Node] | None = None
    parent: Node | None = field(default=None, repr=False)
    virtual: bool = False
    _by_name: dict[str, list[Node]] | None = field(default=None, repr=False)

    def own(self, name: str) -> list[Node]:
        """Directives of this name directly in this block (includes already inlined)."""
        if self._by_name is None:
            self._by_name = {}
            for n in self.block or ():
                self._by_name.setdefault(n.name, []).append(n)
        return self._by_name.get(name, [])

    def walk(self):
        """This node and every node below it, depth first, in file order."""
        yield self
        for child in self.block or ():
            yield from child.walk()

    def ancestors(self):
        n = self.parent
        while n is not None:
            yield n
            n = n.parent

    def enclosing(self, name: str) -> Node | None:
        return next((a for a in self.ancestors() if a.name == name), None)

    @property
    def text(self) -> str:
        """The directive as written, quoted where needed: `proxy_set_header Connection ""`."""
        return " ".join([self.name, *(_quote(a) for a in self.args)])

    def label(self) -> str:
        """How findings name this block: the location's match, else `server example.com` etc."""
        if self.name == "location":
            return " ".join(self.args) or f"(location in {self.file})"
        if self.name == "server":
            names = next((n.args for n in self.own("server_name") if n.args), None)
            if names:
                return f"server {names[0]}"
            listen = next((n.args[0] for n in self.own("listen") if n.args), None)
            return f"server (listen {listen})" if listen else "server"
        if self.name in ("upstream", "map"):
            return " ".join([self.name, *self.args])
        return self.name


def _quote(arg: str) -> str:
    if arg == "" or any(c in arg for c in " \t;{}\"'"):
        return '"' + arg.replace('"', '\\"') + '"'
    return arg


@dataclass
class Config:
    """What was read: the tree, the files, and whether the main context was seen."""

    root: Node
    files: list[str]
    complete: bool
    """True for a whole nginx.conf (events{}/http{} at top level): main-context rules apply."""
    notes: list[str] = field(default_factory=list)
    """Not fatal: includes that were not found, and the like (`file:line: text`)."""
    upstreams: dict[str, Node] = field(default_factory=dict)
    maps: dict[str, Node] = field(default_factory=dict)
    """map{} blocks by the variable they define (without `$`)."""

    nodes: list[Node] = field(default_factory=list)
    """Every node, depth first in file order (rules walk this, not the tree)."""

    def index(self) -> None:
        self.nodes = list(self.root.walk())
        for n in self.nodes:
            if n.name == "upstream" and n.args and n.block is not None:
                self.upstreams.setdefault(n.args[0].lower(), n)
            elif n.name == "map" and len(n.args) >= 2 and n.block is not None:
                self.maps.setdefault(n.args[1].lstrip("$").lower(), n)


@functools.lru_cache(maxsize=4096)
def display(path: Path | str) -> str:
    """A path as findings print it: relative to the working directory when below it."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


class _Reader:
    def __init__(self) -> None:
        self.files: list[str] = []
        self.notes: list[str] = []
        self._parsed: dict[str, list[dict]] = {}

    def read(self, path: Path, stack: tuple[str, ...] = ()) -> list[dict]:
        """The statements of one file (no includes followed)."""
        import crossplane  # deferred: only audit pays for it
        import crossplane.errors

        key = str(path)
        shown = display(path)
        if key in self._parsed:
            if shown not in self.files:
                self.files.append(shown)
            return self._parsed[key]
        try:
            data = path.read_bytes()
        except IsADirectoryError:
            raise ConfigError(shown, 1, "is a directory; give the nginx.conf or the files in it") from None
        except OSError as exc:
            raise ConfigError(shown, 1, f"cannot read: {exc.strerror or exc}") from None
        if b"\0" in data[:8192]:
            raise ConfigError(shown, 1, "binary file, not an nginx config")
        # Not UTF-8 is fine: nginx reads bytes; crossplane's lexer replaces undecodable bytes,
        # which only changes text nobody matches on (comments, strings).
        try:
            tokens = list(crossplane.lex(str(path)))
        except crossplane.errors.NgxParserBaseException as exc:
            raise ConfigError(shown, exc.lineno or 1, exc.strerror) from None
        parsed = _statements(tokens, shown)
        self.files.append(shown)
        self._parsed[key] = parsed
        return parsed

    def build(self, stmts: list[dict], path: Path, parent: Node, bases: list[Path],
              stack: tuple[str, ...]) -> None:
        shown = display(path)
        for st in stmts:
            if st["directive"] == "include" and st.get("args"):
                self._include(st, path, parent, bases, stack)
                continue
            node = Node(st["directive"], list(st.get("args", [])), shown, st["line"], None, parent)
            if "block" in st:
                node.block = []
                self.build(st["block"], path, node, bases, stack)
            parent.block.append(node)  # type: ignore[union-attr]

    def _include(self, st: dict, path: Path, parent: Node, bases: list[Path], stack: tuple[str, ...]) -> None:
        pattern = st["args"][0]
        where = f"{display(path)}:{st['line']}"
        found = resolve_include(pattern, bases)
        if found is None:
            self.notes.append(f"{where}: include {pattern}: not found, skipped (its directives are not audited)")
            return
        for inc in found:
            if str(inc) in stack:
                self.notes.append(f"{where}: include {pattern}: includes itself, skipped")
                continue
            stmts = self.read(inc)
            self.build(stmts, inc, parent, bases, (*stack, str(inc)))


def _statements(tokens: list[tuple[str, int, bool]], shown: str) -> list[dict]:
    """crossplane's tokens -> statements `{directive, line, args[, block]}`, refusing what nginx
    refuses (`listen 80 }`, a file that ends inside a directive). crossplane does the lexing
    (quotes, escapes, line numbers); its own parser is not used because with argument checks
    off it accepts those, and with them on its directive table (older than nginx) rejects
    valid configs."""
    pos = 0
    last = tokens[-1][1] if tokens else 1

    def block(depth: int) -> list[dict]:
        nonlocal pos
        out: list[dict] = []
        while pos < len(tokens):
            token, line, quoted = tokens[pos]
            pos += 1
            if not quoted and token.startswith("#"):
                continue  # a comment
            if not quoted and token == "}":
                if depth == 0:
                    raise ConfigError(shown, line, 'unexpected "}"')
                return out
            if not quoted and token in (";", "{"):
                raise ConfigError(shown, line, f'unexpected "{token}"')
            st: dict = {"directive": token, "line": line, "args": []}
            while True:
                if pos >= len(tokens):
                    raise ConfigError(shown, last, 'unexpected end of file, expecting ";" or "}"')
                tok, tline, q = tokens[pos]
                pos += 1
                if not q and tok.startswith("#"):
                    continue
                if not q and tok == ";":
                    break
                if not q and tok == "{":
                    st["block"] = block(depth + 1)
                    break
                if not q and tok == "}":
                    raise ConfigError(shown, tline, 'unexpected "}"')
                st["args"].append(tok)
            if st["directive"] == "if":
                _if_args(st["args"])
            out.append(st)
        if depth:
            raise ConfigError(shown, last, 'unexpected end of file, expecting "}"')
        return out

    return block(0)


def _if_args(args: list[str]) -> None:
    """`if ($a = b)` lexes as `($a`, `=`, `b)`: drop the parentheses, as nginx does."""
    if args and args[0].startswith("(") and args[-1].endswith(")"):
        args[0] = args[0][1:].lstrip()
        args[-1] = args[-1][:-1].rstrip()
        while args and not args[0]:
            args.pop(0)
        while args and not args[-1]:
            args.pop()


def resolve_include(pattern: str, bases: list[Path]) -> list[Path] | None:
    """Files an include names; [] for a glob that matches nothing (nginx accepts that), None when
    a plain file name is missing. Relative names are tried against each base directory (nginx:
    the directory of nginx.conf); absolute ones under /etc/nginx and the like first below the
    bases, so a copy of a server's config finds its own includes."""
    candidates: list[str] = []
    if os.path.isabs(pattern):
        # A copy of a server's tree (./etc-nginx/nginx.conf) means its own conf.d, not this
        # machine's /etc/nginx: the copy is tried first (for /etc/nginx itself both are one).
        for prefix in DEFAULT_CONF_DIRS:
            if pattern.startswith(prefix):
                candidates += [str(b / pattern[len(prefix):]) for b in bases]
        candidates.append(pattern)
    else:
        candidates += [str(b / pattern) for b in bases]
    magic = glob.has_magic(pattern)
    for cand in candidates:
        if magic:
            hits = sorted(glob.glob(cand))
            if hits:
                return [Path(h) for h in hits if os.path.isfile(h)]
        elif os.path.isfile(cand):
            return [Path(cand)]
    return [] if magic else None


def _kind(stmts: list[dict]) -> str:
    """What a file holds at its top level: main, http, server or location (body)."""
    names = {s["directive"] for s in stmts}
    if names & {"http", "events", "stream", "mail"}:
        return "main"
    if names & {"location", "listen", "server_name"}:
        return "server"
    if names & HTTP_LEVEL:
        return "http"
    if names & MAIN_ONLY:
        return "main"
    if names & SERVER_LEVEL:
        return "server"
    return "location"


def read_configs(paths: list[str]) -> list[Config]:
    """One Config per whole nginx.conf among `paths`, plus one for all snippets together
    (so a map in one conf.d file is seen by a server in another)."""
    cache: dict[str, list[dict]] = {}

    def reader() -> _Reader:
        r = _Reader()
        r._parsed = cache
        return r

    configs: list[Config] = []
    snippets: list[tuple[Path, str]] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise ConfigError(raw, 1, "no such file")
        kind = _kind(reader().read(path))
        if kind != "main":
            snippets.append((path, kind))
            continue
        r = reader()
        root = Node("main", [], display(path), 1, [], None)
        bases = [path.parent.resolve(), path.parent.resolve().parent]
        r.build(r.read(path), path, root, bases, (str(path),))
        config = Config(root, r.files, True, r.notes)
        config.index()
        configs.append(config)
    if snippets:
        r = reader()
        first = display(snippets[0][0])
        root = Node("main", [], first, 1, [], None, virtual=True)
        http = Node("http", [], first, 1, [], root, virtual=True)
        root.block.append(http)  # type: ignore[union-attr]
        for path, kind in snippets:
            shown = display(path)
            stmts = r.read(path)
            bases = [path.parent.resolve(), path.parent.resolve().parent]
            parent = http
            if kind in ("server", "location"):
                parent = Node("server", [], shown, 1, [], http, virtual=True)
                http.block.append(parent)  # type: ignore[union-attr]
            if kind == "location":
                loc = Node("location", [], shown, 1, [], parent, virtual=True)
                parent.block.append(loc)  # type: ignore[union-attr]
                parent = loc
            r.build(stmts, path, parent, bases, (str(path),))
        config = Config(root, r.files, False, r.notes)
        config.index()
        configs.append(config)
    return configs
