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

#: The fields of a config with no diagnosed cause ("generate a config" from the home screen).
GENERIC_FIELDS = (
    ("host", "Which host name do clients connect to?", "host", "chat.example.com"),
    ("ws_path", "Which path is the WebSocket on?", "path", "/ws"),
    ("upstream", "Where does the backend listen (HOST:PORT)?", "backend", "127.0.0.1:8000"),
    ("timeout", "Longest quiet period to tolerate (blank: derived)?", "duration", ""),
)

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
    default: str
    guess: str = ""
    """A value read from the pasted text (the nginx log's `server:`, `request:`, `upstream:`)."""

    @property
    def initial(self) -> str:
        return self.guess or self.default


@dataclass
class Match:
    """One pasted line that matched a signature, for the paste screen's "which lines matched"."""

    cause: str
    title: str
    line: int
    text: str
    strength: str


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
    if "upstream" in found:
        found["backend"] = found["ws_backend"] = found["upstream"].split("://", 1)[1]
    return found


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

    # -- evidence --------------------------------------------------------------------------

    def paste(self, text: str) -> list[Match]:
        """Add pasted text as evidence; return the lines that matched, strongest first."""
        pasted = self.session.paste(text)
        matches = [Match(hit.id, hit.title, ev.line, ev.text, ev.strength)
                   for hit in pasted.hits for ev in hit.evidence]
        matches.sort(key=lambda m: (m.strength != "strong", m.line))
        self.chosen = None
        return matches

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
        return bool(self.session.pastes or self.session.answers)

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
        """The setup values the cause's fix needs (or the generic ones), with pasted guesses."""
        guesses = guess_values(self.pasted_texts)
        if cid is None or not self.kb.causes[cid].get("fix", {}).get("variables"):
            spec = [(n, ask, kind, default) for n, ask, kind, default in GENERIC_FIELDS]
        else:
            spec = [(n, v["ask"], v.get("kind", "text"), str(v["default"]))
                    for n, v in self.kb.causes[cid]["fix"]["variables"].items()]
        return [Field(n, ask, kind, default, self.values.get(n) or guesses.get(n, ""))
                for n, ask, kind, default in spec]

    def build_config(self, cid: str | None, values: dict[str, str]) -> ConfigOutput:
        """Validate the values and render the config with `wsguide config`'s generator, plus the
        cause's own fix snippet. Raises UserError naming the first bad value."""
        from ..generate.config import generate
        from ..generate.params import Options, validate

        checked: dict[str, str] = {}
        kinds = {f.name: f.kind for f in self.fields(cid)}
        for name, value in values.items():
            if not value.strip() and name == "timeout" and cid is None:
                continue  # optional in the generic form: the generator derives it
            try:
                checked[name] = check_value(kinds.get(name, "text"), value)
            except UserError as exc:
                raise UserError(f"{name}: {exc}") from None
        opts = Options()
        for name, value in checked.items():
            option = OPTION_OF.get(name)
            if option in ("server_names", "paths", "backends"):
                getattr(opts, option).append(value)
            elif option:
                setattr(opts, option, value)
        opts.socketio = self.session.answers.get("socketio") == "socketio-yes" or any(
            p.startswith("/socket.io") for p in opts.paths)
        result: Result = generate(validate(opts))
        fix_parts: dict[str, str] = {}
        verify = list(result.verify)
        if cid is not None:
            from ..kb.templates import render, render_fix_parts

            snippet_values = {k: (v if k != "upstream" or "://" in v else f"http://{v}")
                              for k, v in checked.items()}
            fix_parts = render_fix_parts(self.kb, cid, snippet_values)
            own = [{k: render(self.kb, str(s.get(k, "")), self._template_values(cid, snippet_values))
                    for k in ("step", "run", "expect")}
                   for s in self.kb.causes[cid].get("verify", [])]
            verify = own + verify
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
