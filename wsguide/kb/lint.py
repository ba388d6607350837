"""Cross-entry checks that the per-file shape cannot express.

References resolve (related causes, questions, answers), regexes compile under RE2, strong
signatures name a phrase rather than a bare number, and templates use only declared variables.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .shape import Problem
from .templates import FIX_CONTEXTS

if TYPE_CHECKING:
    from .loader import KB

# A strong signature must name a phrase a program prints: at least one word of 4+ letters.
_WORD = re.compile(r"[A-Za-z]{4,}")
_REGEX_META = re.compile(r"\\[a-zA-Z]|\[[^\]]*\]|[(){}*+?|^$.]")
_PLACEHOLDER = re.compile(r"\{\{\s*[A-Za-z_]")


def _at(kb: KB, cid: str, field: str) -> tuple[str, int]:
    line = kb.lines.get(f"{cid}/{field}")
    while line is None and ("." in field or "[" in field):
        field = re.sub(r"(\.[^.\[]*|\[\d+\])$", "", field)
        line = kb.lines.get(f"{cid}/{field}")
    return kb.files.get(cid, f"causes/{cid}.yaml"), line or 1


def lint(kb: KB) -> list[Problem]:
    out: list[Problem] = []

    def add(cid: str, field: str, message: str) -> None:
        file, line = _at(kb, cid, field)
        out.append(Problem(file, line, field, message))

    _lint_detect(kb, out)
    for cid, cause in kb.causes.items():
        _lint_signatures(cid, cause, add)
        for i, rel in enumerate(cause.get("related", [])):
            if rel not in kb.causes:
                add(cid, f"related[{i}]", f"unknown cause id {rel!r}")
            elif rel == cid:
                add(cid, f"related[{i}]", "a cause cannot be related to itself")
        for i, ev in enumerate(cause.get("evidence", [])):
            q = kb.questions.get(ev["question"])
            if q is None:
                add(cid, f"evidence[{i}].question", f"unknown question {ev['question']!r}")
                continue
            known = {a["id"] for a in q["answers"]}
            for a in ev["expect"]:
                if a not in known:
                    add(cid, f"evidence[{i}].expect",
                        f"question {q['id']!r} has no answer {a!r} (answers: {', '.join(sorted(known))})")
        _lint_templates(cid, cause, kb, add)
        if cause.get("audit"):
            _lint_audit(cid, cause["audit"], add)
    return out


_COMPARE = {"duration": r"(?:\d+(?:ms|s|m|h|d|w|M|y)?)+", "size": r"\d+[kKmMgG]?", "number": r"\d+"}
_MODIFIERS = {
    "args": ("present", "missing"), "no_arg": ("present", "missing"), "any_arg": ("present", "missing"),
    "count": ("present",),
    "duplicate": ("present",),
    "from": ("present", "missing", "duration", "size", "number"),
    "below": tuple(_COMPARE), "above": tuple(_COMPARE), "default": tuple(_COMPARE),
    "at": ("present", "duration", "size", "number", "maps", "check"),
    "to": ("maps",), "header": ("follow",), "when": ("follow",),
}


def _lint_audit(cid: str, audit: dict[str, Any], add: Any) -> None:
    """Audit rules: ids, regexes, which modifiers go with which condition, thresholds, placeholders."""
    from .model import AUDIT_KINDS, AUDIT_PLACEHOLDERS

    seen: set[str] = set()
    for i, rule in enumerate(audit["rules"]):
        where = f"audit.rules[{i}]"
        if rule["id"] in seen:
            add(cid, f"{where}.id", f"duplicate rule id {rule['id']!r}")
        seen.add(rule["id"])
        for key in ("message", "fix"):
            for name in sorted(set(re.findall(r"\{([a-z_]+)\}", rule.get(key, ""))) - set(AUDIT_PLACEHOLDERS)):
                add(cid, f"{where}.{key}", f"unknown placeholder {{{name}}} "
                                           f"(placeholders: {', '.join(AUDIT_PLACEHOLDERS)})")

        def walk(conds: list[dict[str, Any]], path: str, followed: str | None, scope: str = rule["scope"]) -> None:
            for j, cond in enumerate(conds):
                here = f"{path}[{j}]"
                kind = next(k for k in AUDIT_KINDS if k in cond)
                for mod, kinds in _MODIFIERS.items():
                    if mod in cond and kind not in kinds:
                        add(cid, f"{here}.{mod}", f"{mod!r} does not go with {kind!r} "
                                                  f"(it goes with: {', '.join(kinds)})")
                for key in ("path", "parent", "no_arg", "any_arg", "to"):
                    if key in cond:
                        _regex(cid, f"{here}.{key}", cond[key], add)
                for k, rx in enumerate(cond.get("args", [])):
                    _regex(cid, f"{here}.args[{k}]", rx, add)
                if kind in _COMPARE:
                    if "below" not in cond and "above" not in cond:
                        add(cid, here, f"{kind} needs below: or above:")
                    for key in ("below", "above", "default"):
                        if key in cond and not re.fullmatch(_COMPARE[kind], cond[key]):
                            add(cid, f"{here}.{key}", f"{cond[key]!r} is not a {kind} (e.g. "
                                f"{ {'duration': '75s', 'size': '1m', 'number': '1024'}[kind] })")
                if kind == "path" and (followed or scope not in ("location", "ws-location")):
                    add(cid, f"{here}.path", "path tests a location: use it in a location or ws-location rule")
                if kind == "maps" and followed != "header-map":
                    add(cid, f"{here}.maps", "maps tests a map{}: use it under follow: header-map")
                if kind == "follow":
                    if cond["follow"] == "header-map" and "header" not in cond:
                        add(cid, f"{here}.header", "follow: header-map needs header: (e.g. Connection)")
                    if scope not in ("location", "ws-location"):
                        add(cid, here, "follow starts from a location: use it in a location or ws-location rule")
                    walk(cond.get("when", []), f"{here}.when", cond["follow"])
                if kind in ("any", "all"):
                    walk(cond[kind], f"{here}.{kind}", followed)
                if kind == "not":
                    walk([cond["not"]], f"{here}.not", followed)

        walk(rule["when"], f"{where}.when", None)


def _regex(cid: str, field: str, pattern: str, add: Any) -> None:
    try:
        re.compile(pattern)
    except re.error as exc:
        add(cid, field, f"does not compile (Python re): {exc}")


def _lint_signatures(cid: str, cause: dict[str, Any], add: Any) -> None:

    from .literals import MIN_LITERAL, required_literals

    seen: set[str] = set()
    for i, sig in enumerate(cause.get("signatures", [])):
        where = f"signatures[{i}]"
        if sig["id"] in seen:
            add(cid, f"{where}.id", f"duplicate signature id {sig['id']!r}")
        seen.add(sig["id"])
        if "regex" in sig:
            problem = re2_problem(sig["regex"])
            if problem:
                add(cid, f"{where}.regex", f"does not compile under RE2: {problem}")
                continue
            phrase = _REGEX_META.sub(" ", sig["regex"])
            if sig["source"] != "user-description" and required_literals(sig["regex"]) is None:
                add(cid, f"{where}.regex",
                    f"every match must contain a literal of {MIN_LITERAL}+ characters (e.g. a fixed phrase "
                    "outside groups and classes), or log scans must run this pattern on every line")
        else:
            phrase = " ".join(sig["all"])
        if sig["strength"] == "strong" and sig["source"] == "user-description":
            add(cid, f"{where}.strength", "a user's own words can support a cause, never decide it; make it supporting")
        if sig["strength"] == "strong" and not _WORD.search(phrase):
            add(cid, f"{where}.strength",
                "a strong signature must name a phrase (a word of 4+ letters), not a bare "
                "code such as 400 or 1006; make it supporting")


def _lint_templates(cid: str, cause: dict[str, Any], kb: KB, add: Any) -> None:
    from jinja2 import Environment, TemplateSyntaxError, meta

    env = Environment()
    fix = cause["fix"]
    declared = set(fix.get("variables", {}))

    def undeclared(source: str, field: str, seen: frozenset[str] = frozenset()) -> set[str]:
        try:
            ast = env.parse(source)
        except TemplateSyntaxError as exc:
            add(cid, field, f"jinja2 syntax error on template line {exc.lineno}: {exc.message}")
            return set()
        names = set(meta.find_undeclared_variables(ast))
        for ref in meta.find_referenced_templates(ast):
            if ref is None or ref in seen:
                continue
            if ref not in kb.snippets:
                add(cid, field, f"includes unknown snippet {ref!r} "
                                f"(snippets: {', '.join(sorted(kb.snippets)) or 'none'})")
                continue
            names |= undeclared(kb.snippets[ref], field, seen | {ref})
        return names

    used: set[str] = set()

    def check(source: str, field: str) -> None:
        names = undeclared(source, field)
        used.update(names)
        for name in sorted(names - declared):
            add(cid, field, f"unknown variable {name!r} "
                            f"(variables: {', '.join(sorted(declared)) or 'none declared'})")

    # Rendered with the fix's variables: the config parts, fix.steps and the verify steps.
    for key in FIX_CONTEXTS:
        if key in fix:
            check(fix[key], f"fix.{key}")
    for i, step in enumerate(fix.get("steps", [])):
        check(step, f"fix.steps[{i}]")
    for i, step in enumerate(cause.get("verify", [])):
        for key in ("run", "expect", "step"):
            if key in step:
                check(step[key], f"verify[{i}].{key}")
    for name in sorted(declared - used):
        add(cid, f"fix.variables.{name}",
            "declared but used by no fix template, fix step or verify step (the wizard would ask for it "
            "for nothing): use it or remove it")
    # Shown as written: a jinja2 placeholder there would reach the reader unrendered.
    plain = [("summary", cause.get("summary", "")), ("problem", cause.get("problem", "")),
             ("why", cause.get("why", "")), ("fix.summary", fix.get("summary", ""))]
    plain += [(f"gotchas[{i}]", g) for i, g in enumerate(cause.get("gotchas", []))]
    plain += [(f"myths[{i}].{k}", m[k]) for i, m in enumerate(cause.get("myths", [])) for k in ("claim", "truth")]
    plain += [(f"backend_notes[{i}].note", n["note"]) for i, n in enumerate(cause.get("backend_notes", []))]
    for field, text in plain:
        if _PLACEHOLDER.search(text):
            add(cid, field, "plain text is not rendered: write an example value, not a {{ placeholder }}")
    fix_test = cause["tests"].get("fix")
    if fix_test:
        for name in sorted(set(fix_test["vars"]) - declared):
            add(cid, "tests.fix.vars", f"unknown variable {name!r}")
    lab = cause.get("lab")
    if lab:
        for name in sorted(set(lab.get("fix_vars", {})) - declared):
            add(cid, "lab.fix_vars", f"unknown variable {name!r}")


def re2_problem(pattern: str) -> str:
    """Why RE2 refuses `pattern` ('' when it compiles), as one readable line; RE2's own C++
    log line to stderr is switched off (it would be a second, cryptic copy of the error)."""
    import re2

    options = re2.Options()
    options.log_errors = False
    try:
        re2.compile(pattern, options)
    except Exception as exc:  # re2.error has no stable base across versions
        text = exc.args[0] if exc.args else exc
        return text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return ""


def _lint_detect(kb: KB, out: list[Problem]) -> None:
    """Answer `detect:` and `cues:` patterns must compile under RE2, as the session and lookup
    will compile them."""

    for qid, question in kb.questions.items():
        for i, answer in enumerate(question["answers"]):
            for key in ("detect", "cues"):
                for j, pattern in enumerate(answer.get(key, [])):
                    problem = re2_problem(pattern)
                    if problem:
                        out.append(Problem(kb.files.get(f"?{qid}", "questions.yaml"), kb.lines.get(f"?{qid}", 1),
                                           f"{qid}.answers[{i}].{key}[{j}]", f"does not compile under RE2: {problem}"))
