"""What the wizard knows so far, and the calls the screens make into engine, generate and render.

The screens hold no knowledge and no scoring: they show what this object returns and pass the
user's input back to it. It wraps one `engine.session.Session` (ranking, next question,
explanations) and adds only what a UI needs on top: the order questions were answered in (so
"back" can undo the last one), the setup values typed on the config screen, and the last
generated config. It must not import Textual, so flows can be tested and reused without a
terminal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import UserError

if TYPE_CHECKING:
    from ..engine.session import Ranked, Session
    from ..generate.config import Result
    from ..kb.loader import KB

#: Fix variable names that are also `wsguide config` options; the rest only fill the snippet.
OPTION_OF = {
    "host": "server_names", "ws_path": "paths", "upstream": "backends", "backend": "backends",
    "ws_backend": "backends", "timeout": "idle_timeout", "max_body": "max_body_size",
}

#: The setup of the site: the `wsguide config` options a full config needs. Asked on their own
#: from the home screen, and after a diagnosed cause's fix variables (minus the ones those
#: already cover). (name, question, kind, default, optional, shown when).
SITE_FIELDS: tuple[tuple[str, str, str, str, bool, str], ...] = (
    ("host", "Which host name do clients connect to?", "host", "chat.example.com", False, ""),
    ("ws_path", "Which path is the WebSocket on?", "path", "/ws", False, ""),
    ("upstream", "Where does the backend listen (HOST:PORT)?", "backend", "127.0.0.1:8000", False, ""),
    ("more_backends", "More backends for the same app? HOST:PORT, space-separated (blank: only one)",
     "backends", "10.0.0.2:8000 10.0.0.3:8000", True, ""),
    ("socketio", "It is socket.io (path /socket.io/)", "bool", "no", False, ""),
    ("sticky", "Keep each client on one backend by", "choice", "ip_hash", False, "several"),
    ("tls", "Clients use wss:// (TLS ends at nginx)", "bool", "no", False, ""),
    ("cert", "Certificate chain file (PEM, readable on this machine)", "cert",
     "/etc/letsencrypt/live/chat.example.com/fullchain.pem", False, "tls"),
    ("key", "Private key file (PEM, readable on this machine)", "key",
     "/etc/letsencrypt/live/chat.example.com/privkey.pem", False, "tls"),
    ("backend_tls", "The backend speaks TLS (nginx uses https://)", "bool", "no", False, ""),
    ("backend_tls_verify", "Check the backend's certificate", "bool", "yes", False, "backend_tls"),
    ("backend_tls_name", "Name on the backend's certificate (blank: the backend's host name)",
     "hostname", "backend.internal", True, "verify"),
    ("backend_ca", "CA file that signed it (blank: the system CAs)", "ca", "/etc/ssl/private-ca.pem",
     True, "verify"),
    ("timeout", "Longest quiet period to tolerate (blank: derived)?", "duration", "", True, ""),
    ("listen", "Port nginx listens on (blank: 80, or 443 with TLS)", "listen", "8443", True, ""),
)
SITE_OPTION = {"host": "server_names", "ws_path": "paths", "upstream": "backends", "timeout": "idle_timeout"}
"""The `wsguide config` option each site field sets when a cause's variable may set it instead."""

CHOICES = {"sticky": (("ip_hash", "ip_hash: the client's address (/24 for IPv4)"),
                      ("hash", "hash: the client's full address"),
                      ("none", "nothing: any backend (affinity off)"))}

#: Where `generate.params` names an option in an error, the field that holds it.
OPTION_FIELD = {"--server-name": "host", "--path": "ws_path", "--backend": "upstream", "--sticky": "sticky",
                "--tls": "cert", "--cert": "cert", "--key": "key", "--backend-tls-name": "backend_tls_name",
                "--backend-tls-verify": "backend_tls_name", "--backend-ca": "backend_ca",
                "--idle-timeout": "timeout", "--listen": "listen", "--redirect-from": "listen"}

FIX_PLACE = {"main_template": "main context (top of nginx.conf)", "http_template": "http {} context",
             "template": "server {} context"}
"""Where each part of a cause's fix goes (kb.templates.FIX_CONTEXTS)."""

_UNSAFE = re.compile(r"[;{}\"'\\$#\x00-\x1f\x7f]")
_ORIGIN = re.compile(r"(https?|wss?)://[A-Za-z0-9.-]+(:[0-9]{1,5})?")


@dataclass
class Field:
    """One setup value the config screen asks for."""

    name: str
    ask: str
    kind: str
    """A `check_value` kind; `bool` (a tick box: yes/no) and `choice` (one of `choices`) aside."""
    default: str
    guess: str = ""
    """A value read from the pasted text (the nginx log's `server:`, `request:`, `upstream:`)."""
    optional: bool = False
    when: str = ""
    """Asked only when this holds (see `Wizard.relevant`): tls, backend_tls, verify, several."""
    site: bool = False
    """A site option (`wsguide config`'s), not a variable of the cause's fix."""
    choices: tuple[tuple[str, str], ...] = ()

    @property
    def initial(self) -> str:
        if self.guess:
            return self.guess
        # An example host name or file is a placeholder, not a value: it must not end up in a
        # config because nobody changed it.
        return "" if self.kind in ("host", "cert", "key", "ca", "hostname") or self.optional else self.default

    @property
    def example(self) -> str:
        """What the empty input shows."""
        if self.optional and not self.default:
            return "derived from your setup"
        return f"e.g. {self.default}" if self.default else ""


@dataclass
class Match:
    """One pasted line that matched a signature, for the paste screen's "which lines matched"."""

    cause: str
    title: str
    line: int
    text: str
    strength: str
    source: str = "paste"
    """"paste" (a signature matched the line) or "audit" (a finding of the pasted nginx config)."""


@dataclass
class Check:
    """One finding of a config check, as the check screen lists it."""

    cause: str
    title: str
    severity: str
    where: str
    """`file:line` (a config file) or `line N` (a pasted config)."""
    message: str


@dataclass
class ConfigChecked:
    """What checking a config found (the check screen and the paste screen show it)."""

    files: list[str]
    checks: list[Check]
    notes: list[str] = field(default_factory=list)
    ws_locations: int = 0
    lines: list[int] = field(default_factory=list)
    """For a pasted config: the lines of the paste read as config."""
    error: str = ""
    """A pasted config that did not parse: why (nothing was checked)."""
    elided: bool = False
    """A pasted config with lines left out (`...`): its findings count half."""


@dataclass
class ConfigOutput:
    """A generated config: the generator's files plus the diagnosed cause's own fix snippet."""

    files: dict[str, str]
    notes: list[str]
    verify: list[dict[str, str]]
    fix_parts: dict[str, str] = field(default_factory=dict)
    """The cause's fix rendered with the same values, by context (main, http, server)."""
    values: dict[str, str] = field(default_factory=dict)

    def text(self) -> str:
        """Everything to install, as one copyable text."""
        out = [content.rstrip("\n") + "\n" for content in self.files.values()]
        for key, body in self.fix_parts.items():
            out.append(f"# The fix itself, for the {FIX_PLACE.get(key, key)}:\n{body.rstrip()}\n")
        return "\n".join(out)


def check_value(kind: str, value: str) -> str:
    """Validate one typed value; return it normalised or raise UserError saying what to write."""
    from ..generate import params

    text = value.strip()
    if not text:
        raise UserError("a value is needed")
    if kind == "host":
        return params.parse_server_name(text, "host")
    if kind == "path":
        return params.parse_path(text, "path")
    if kind in ("backend", "url"):
        params.parse_backend(text, kind)
        return text
    if kind == "duration":
        params.parse_duration_ms(text, "duration")
        return text
    if kind == "size":
        return params.parse_size(text, "size")
    if kind in ("port", "number"):
        if not text.isascii() or not text.isdigit() or int(text) < 1 or (kind == "port" and int(text) > 65535):
            raise UserError(f"{text!r}: " + ("a port from 1 to 65535" if kind == "port" else "a whole number"))
        return text
    if kind == "backends":
        parts = text.replace(",", " ").split()
        for part in parts:
            params.parse_backend(part, "backend")
        return " ".join(parts)
    if kind in ("cert", "key", "ca"):
        marker = "PRIVATE KEY" if kind == "key" else "CERTIFICATE"
        # notes=[]: a root-only file (certbot's live/ directory) is accepted; validate() notes it
        return params.parse_file(text, {"cert": "certificate", "key": "key", "ca": "CA file"}[kind], (marker,), [])
    if kind == "hostname":
        if not params.is_hostname(text.lower()):
            raise UserError(f"{text!r}: a host name (letters, digits, hyphens and dots), as on the certificate")
        return text.lower()
    if kind == "listen":
        params.parse_listen(text, "port")
        return text
    if kind in ("bool", "choice"):
        return text
    if kind == "origin":
        if not _ORIGIN.fullmatch(text):
            raise UserError(f"{text!r}: scheme://host[:port], e.g. https://app.example.com")
        return text
    if _UNSAFE.search(text):
        raise UserError(f"{text!r}: no quotes, ;, braces, $, # or backslashes")
    return text


def guess_values(texts: list[str]) -> dict[str, str]:
    """Setup values that pasted nginx log lines or browser errors already name."""
    found: dict[str, str] = {}
    for text in texts:
        patterns = (
            ("host", r'\bhost: "([A-Za-z0-9.-]+)"'),
            ("host", r"\bserver: ([A-Za-z0-9.-]+),"),
            ("host", r"wss?://([A-Za-z0-9.-]+)[:/]"),
            ("ws_path", r'request: "GET (/[^ ?"]*)'),
            ("ws_path", r"wss?://[A-Za-z0-9.:-]+(/[^ ?'\"]*)"),
            ("upstream", r'upstream: "(https?://[A-Za-z0-9.:\[\]-]+)'),
        )
        for name, pattern in patterns:
            m = re.search(pattern, text)
            if m and name not in found:
                try:
                    check_value({"host": "host", "ws_path": "path", "upstream": "url"}[name], m[1])
                except UserError:
                    continue
                found[name] = m[1]
        if "tls" not in found and re.search(r"\b(wss|https)://", text):
            found["tls"] = "yes"
        if "socketio" not in found and "/socket.io" in text:
            found["socketio"] = "yes"
    if "upstream" in found:
        found["backend"] = found["ws_backend"] = found["upstream"].split("://", 1)[1]
        if found["upstream"].startswith("https://"):
            found["backend_tls"] = "yes"
    return found


def _repeats(step: dict[str, str], steps: list[dict[str, str]]) -> bool:
    """Whether every command of `step` (`a && b`) is already run by one of `steps` (the cause's
    "test and reload" after the generated config's own test and reload steps)."""
    commands = [c.strip() for c in step.get("run", "").split("&&") if c.strip()]
    return bool(commands) and all(any(s.get("run", "").startswith(c) for s in steps) for c in commands)


class Wizard:
    """One diagnosis session as the wizard drives it."""

    def __init__(self, kb: KB) -> None:
        from ..engine.session import Session

        self.kb = kb
        self.session: Session = Session(kb)
        self.history: list[str] = []
        """Question ids in the order they were answered or skipped (for "back")."""
        self.values: dict[str, str] = {}
        """Setup values typed on the config screen, by fix variable name."""
        self.config: ConfigOutput | None = None
        self.config_cause: str | None = None
        self.chosen: str | None = None
        """A cause the user picked to work on instead of the leader (None: the leader)."""
        self.pasted_config: ConfigChecked | None = None

    # -- evidence --------------------------------------------------------------------------

    def paste(self, text: str) -> list[Match]:
        """Add pasted text as evidence; return the lines that matched, strongest first. An nginx
        config in the text is checked too (`pasted_config` says what was found); its findings
        are matches of the lines at fault."""
        pasted = self.session.paste(text)
        matches = [Match(hit.id, hit.title, ev.line, ev.text, ev.strength)
                   for hit in pasted.hits for ev in hit.evidence]
        lines = text.splitlines()
        matches += [Match(f.cause, self._title(f.cause), f.input_line,
                          lines[f.input_line - 1] if 0 < f.input_line <= len(lines) else f.message,
                          "strong" if f.severity == "error" else "supporting", "audit")
                    for f in pasted.findings]
        matches.sort(key=lambda m: (m.strength != "strong", m.line))
        self.pasted_config = None
        if pasted.config_lines:
            self.pasted_config = ConfigChecked(
                sorted({f.file for f in pasted.findings}), [self._check(f) for f in pasted.findings],
                lines=pasted.config_lines, error=pasted.config_error, elided=pasted.config_elided)
        self.chosen = None
        return matches

    # pasted_config (set in __init__ and paste()): what the last paste's nginx config gave
    # (None: the paste held no config).

    def _title(self, cid: str) -> str:
        return str(self.kb.causes[cid]["title"]) if cid in self.kb.causes else cid

    def _check(self, f: Any) -> Check:
        where = f"line {f.input_line}" if f.input_line is not None else f"{f.file}:{f.line}"
        return Check(f.cause, self._title(f.cause), f.severity, where, f.message)

    # -- config check and live test: the slow part runs in a worker, the session update here --

    def read_config(self, path: str) -> Any:
        """Audit a config file (nginx.conf with its includes, a directory holding one, or a
        snippet). Touches no session state, so a worker thread may run it. Raises UserError."""
        import os

        from ..audit import ConfigError, audit
        from ..engine.sources import config_path

        path = os.path.expanduser(path.strip())
        if not path:
            raise UserError("give the path of nginx.conf (or a site's .conf file)")
        path = config_path(path)
        if not os.path.exists(path):
            raise UserError(f"{path}: no such file")
        try:
            return audit([path], rules=self.session.audit_rules())
        except ConfigError as exc:
            raise UserError(str(exc)) from None

    def add_config(self, result: Any) -> ConfigChecked:
        """Take a config check (`read_config`) as evidence; return what to show."""
        self.session.add_findings(result.findings, result)
        self.chosen = None
        return ConfigChecked(list(result.files), [self._check(f) for f in result.findings], list(result.notes),
                             result.ws_locations)

    @staticmethod
    def probe_target(url: str, idle: str, origin: str = "", insecure: bool = False,
                     error_log: str = "") -> tuple[Any, Any]:
        """Validate the live test's options (UserError naming what is wrong): the URL, idle
        seconds, an optional Origin, skip TLS verification, an optional nginx error.log."""
        import os

        from ..probe.target import Options, parse_target, seconds
        from ..probe.target import origin as check_origin

        target = parse_target(url)
        wait = seconds("idle seconds", idle.strip() or "0")
        sent = origin.strip()
        if sent:
            try:
                check_origin(sent)
            except UserError:
                raise UserError(f"Origin {sent!r} is not an origin (e.g. https://app.example.com)") from None
        log = os.path.expanduser(error_log.strip())
        if log:
            Wizard.check_error_log(log)
        return target, Options(idle=wait, origin=sent or None, insecure=insecure,
                               error_logs=(log,) if log else ())

    @staticmethod
    def check_error_log(path: str) -> None:
        """An nginx error.log path as typed: a readable, uncompressed file (UserError if not)."""
        import os

        from ..probe.errorlog import ErrorLogs

        ErrorLogs([os.path.expanduser(path.strip())], label="error log").close()

    @staticmethod
    def error_log_problem(path: str) -> str:
        """What is wrong with an error.log path as typed ("" when it is fine or empty)."""
        if not path.strip():
            return ""
        try:
            Wizard.check_error_log(path)
        except UserError as exc:
            return str(exc)
        return ""

    @staticmethod
    def run_probe(target: Any, options: Any, progress: Any = None) -> Any:
        """Run the live test (blocking: a worker thread runs it); `progress(done, total)` is
        called during the idle stage. With an error log, the lines nginx wrote to it during
        the test join the result (`log_lines`). Touches no session state."""
        from ..probe.stages import run

        return run(target, options, progress, log_label="error log")

    def add_probe(self, result: Any) -> list[str]:
        """Take a live test as evidence; return its stage lines and the outcome, to show."""
        from ..render.probe_text import stage_lines
        from ..render.style import Style

        self.session.add_probe(result)
        self.chosen = None
        lines = stage_lines(result, Style(False), unicode=True)[1:]
        if result.ok:
            lines.append("Worked: every stage passed." + ("" if any(
                s.stage == "idle" and not s.skipped for s in result.stages)
                else " Idle timeouts were not tested (give idle seconds)."))
        else:
            lines.append(f"Failed at {result.stage}: {result.detail}")
        files = [ln.file for ln in result.log_lines]
        for path in dict.fromkeys(files):  # before the outcome, which stays last
            lines.insert(-1, f"{path}: {files.count(path)} line(s) written during the test")
        return lines

    @property
    def pasted_texts(self) -> list[str]:
        return [p.text for p in self.session.pastes]

    def answer(self, qid: str, aid: str | None) -> None:
        """Record an answer (None: "I don't know") and remember the order for "back"."""
        self.session.answer(qid, aid)
        if qid in self.history:
            self.history.remove(qid)
        self.history.append(qid)
        self.chosen = None

    def back(self) -> str | None:
        """Undo the last answer; return its question id so it can be asked again."""
        if not self.history:
            return None
        qid = self.history.pop()
        self.session.unanswer(qid)
        return qid

    def reset(self) -> None:
        self.__init__(self.kb)  # type: ignore[misc]

    # -- what the engine concluded --------------------------------------------------------

    def ranking(self, top: int | None = 5) -> list[Ranked]:
        return self.session.ranking(top)

    @property
    def has_evidence(self) -> bool:
        s = self.session
        return bool(s.pastes or s.answers or s.findings or s.probes or s.cleared)

    def next_question(self) -> dict[str, Any] | None:
        return self.session.next_question()

    def question(self, qid: str) -> dict[str, Any]:
        """A question as `next_question()` shapes it, for asking one again after "back"."""
        q = self.kb.questions[qid]
        return {"id": qid, "text": q["ask"], "help": q.get("help", ""),
                "why": self.session.explain_question(qid),
                "answers": [{"id": a["id"], "label": a["label"]} for a in q["answers"]]}

    def answer_label(self, qid: str, aid: str) -> str:
        return next(a["label"] for a in self.kb.questions[qid]["answers"] if a["id"] == aid)

    def explain(self) -> str:
        return self.session.explain()

    @property
    def top(self) -> str | None:
        """The cause to work on: the one the user chose, else the leader."""
        if self.chosen:
            return self.chosen
        ranked = self.ranking(1)
        return ranked[0].id if ranked else None

    @property
    def runner_up(self) -> Ranked | None:
        ranked = [r for r in self.ranking(3) if r.id != self.top]
        return ranked[0] if ranked else None

    def score(self, cid: str) -> float:
        return self.session.posterior().get(cid, 0.0)

    def cause(self, cid: str) -> dict[str, Any]:
        return self.kb.causes[cid]

    def tell_apart(self, a: str, b: str) -> list[str]:
        """Unanswered questions whose answers point to `a` and to `b` differently, as sentences.

        Read straight from the entries' evidence edges: the answer each cause weights most."""
        out = []
        for qid, q in self.kb.questions.items():
            if qid in self.session.answers:
                continue
            best = {}
            for cid in (a, b):
                edges = [(e["weight"], x) for e in self.kb.causes[cid].get("evidence", [])
                         if e["question"] == qid and e["weight"] > 0 for x in e["expect"]]
                if edges:
                    best[cid] = max(edges)[1]
            if len(best) == 2 and best[a] != best[b]:
                out.append(f"{q['ask']} '{self.answer_label(qid, best[a])}' points to {a}; "
                           f"'{self.answer_label(qid, best[b])}' points to {b}.")
        return out[:4]

    # -- config ---------------------------------------------------------------------------

    def fields(self, cid: str | None) -> list[Field]:
        """What the config screen asks: the cause's fix variables (none without a cause), then
        the site options those do not already cover, with values read from the paste."""
        guesses = guess_values(self.pasted_texts)
        if self.session.answers.get("socketio") == "socketio-yes":
            guesses.setdefault("socketio", "yes")
        own: list[Field] = []
        if cid is not None:
            own = [Field(n, v["ask"], v.get("kind", "text"), str(v["default"]))
                   for n, v in self.kb.causes[cid].get("fix", {}).get("variables", {}).items()]
        covered = {OPTION_OF.get(f.name) for f in own} | {f.name for f in own}
        site = [Field(n, ask, kind, default, optional=optional, when=when, site=True, choices=CHOICES.get(n, ()))
                for n, ask, kind, default, optional, when in SITE_FIELDS
                if n not in covered and SITE_OPTION.get(n) not in covered]
        out = own + site
        for f in out:
            f.guess = self.values.get(f.name) or guesses.get(f.name, "")
        if guesses.get("socketio") and not any(f.name == "ws_path" and f.guess for f in out):
            for f in out:
                if f.name == "ws_path":
                    f.default = "/socket.io/"
        return out

    @staticmethod
    def relevant(f: Field, values: dict[str, str]) -> bool:
        """Whether `f` is asked, given the values of the form so far (TLS files only with TLS...)."""
        def on(name: str) -> bool:
            return values.get(name, "") == "yes"

        backend_tls = on("backend_tls") or any(
            values.get(n, "").strip().lower().startswith("https://") for n in ("upstream", "backend", "ws_backend"))
        return {
            "tls": on("tls"),
            "backend_tls": backend_tls,
            "verify": backend_tls and values.get("backend_tls_verify", "yes") == "yes",
            "several": on("socketio") or bool(values.get("more_backends", "").strip()),
        }.get(f.when, True)

    @staticmethod
    def follow_up(changed: str, values: dict[str, str]) -> dict[str, str]:
        """Values that change with another one: ticking socket.io moves an untouched /ws path
        to /socket.io/ (where socket.io clients connect), and back."""
        if changed == "socketio":
            path = values.get("ws_path", "").strip()
            if values.get("socketio") == "yes" and path in ("", "/ws"):
                return {"ws_path": "/socket.io/"}
            if values.get("socketio") == "no" and path == "/socket.io/":
                return {"ws_path": "/ws"}
        return {}

    def build_config(self, cid: str | None, values: dict[str, str]) -> ConfigOutput:
        """Validate the values and render the config with `wsguide config`'s generator, plus the
        cause's own fix snippet. Raises UserError starting with the name of the bad field."""
        from ..generate.config import generate
        from ..generate.params import Options, validate

        fields = self.fields(cid)
        by_name = {f.name: f for f in fields}
        checked: dict[str, str] = {}
        for f in fields:
            if not self.relevant(f, values):
                continue
            value = values.get(f.name, f.initial)
            if f.optional and not value.strip():
                continue  # the generator derives it
            try:
                checked[f.name] = check_value(f.kind, value)
            except UserError as exc:
                raise UserError(f"{f.name}: {exc}") from None
        opts = Options()
        for name, value in checked.items():
            option = OPTION_OF.get(name) if not by_name[name].site else SITE_OPTION.get(name)
            if option in ("server_names", "paths", "backends"):
                getattr(opts, option).append(value)
            elif option:
                setattr(opts, option, value)
        opts.backends += checked.get("more_backends", "").split()
        opts.socketio = checked.get("socketio", "no") == "yes"
        opts.sticky = checked.get("sticky")
        opts.tls = checked.get("tls") == "yes"
        opts.cert, opts.key = checked.get("cert"), checked.get("key")
        opts.backend_tls = checked.get("backend_tls") == "yes"
        opts.backend_tls_verify = checked.get("backend_tls_verify", "yes") == "yes"
        opts.backend_tls_name = checked.get("backend_tls_name")
        opts.backend_ca = checked.get("backend_ca")
        opts.listen = [checked["listen"]] if "listen" in checked else []
        try:
            setup = validate(opts)
        except UserError as exc:
            # The generator names its CLI options; point at the field that holds the value.
            message = str(exc)
            named = [(message.find(o), -len(o), o) for o in OPTION_FIELD if o in message]
            option = min(named)[2] if named else ""  # the first named; --backend-tls-verify over --backend
            name = OPTION_FIELD.get(option, "")
            if name not in by_name:
                name = next((f.name for f in fields if OPTION_OF.get(f.name) == OPTION_OF.get(name, name)
                             and not f.site), name)
            raise UserError(f"{name}: {message}" if name in by_name else message) from None
        result: Result = generate(setup)
        fix_parts: dict[str, str] = {}
        verify = list(result.verify)
        if cid is not None:
            from ..kb.templates import render, render_fix_parts

            snippet_values = {k: (v if k != "upstream" or "://" in v else f"http://{v}")
                              for k, v in checked.items() if not by_name[k].site}
            fix_parts = render_fix_parts(self.kb, cid, snippet_values)
            own = [{k: render(self.kb, str(s.get(k, "")), self._template_values(cid, snippet_values))
                    for k in ("step", "run", "expect")}
                   for s in self.kb.causes[cid].get("verify", [])]
            verify = verify + [s for s in own if not _repeats(s, verify)]
        self.values.update(checked)
        self.config = ConfigOutput(dict(result.files), list(result.notes), verify, fix_parts, checked)
        self.config_cause = cid
        return self.config

    def _template_values(self, cid: str, values: dict[str, str]) -> dict[str, str]:
        from ..kb.templates import fix_variables

        return fix_variables(self.kb.causes[cid], values) if self.kb.causes[cid].get("fix") else values

    def verify_steps(self) -> list[dict[str, str]]:
        """The checklist: the config's steps when one was generated, else the cause's own."""
        if self.config is not None:
            return self.config.verify
        cid = self.top
        if cid is None:
            return []
        from ..kb.templates import render

        values = self._template_values(cid, {})
        return [{k: render(self.kb, str(s.get(k, "")), values) for k in ("step", "run", "expect")}
                for s in self.kb.causes[cid].get("verify", [])]

    # -- output ---------------------------------------------------------------------------

    def runbook(self, redact: bool = True) -> str:
        """The session as a markdown runbook, by the same renderer as `wsguide diagnose --runbook`."""
        from ..render.runbook import render_session_runbook

        config = None
        if self.config is not None:
            config = dict(self.config.files)
            for key, body in self.config.fix_parts.items():
                config[f"the fix itself ({FIX_PLACE.get(key, key)})"] = body
        return render_session_runbook(self.session, config=config, verify=self.verify_steps() or None,
                                      redact=redact)

    def entry(self, cid: str) -> str:
        """A cause's full entry as markdown (the page `wsguide export` writes)."""
        from ..render.runbook import cause_page

        return cause_page(self.kb, cid)
