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
    return out


def _lint_signatures(cid: str, cause: dict[str, Any], add: Any) -> None:
    import re2  # compile exactly as lookup will

    from .literals import MIN_LITERAL, required_literals

    seen: set[str] = set()
    for i, sig in enumerate(cause.get("signatures", [])):
        where = f"signatures[{i}]"
        if sig["id"] in seen:
            add(cid, f"{where}.id", f"duplicate signature id {sig['id']!r}")
        seen.add(sig["id"])
        if "regex" in sig:
            try:
                re2.compile(sig["regex"])
            except Exception as exc:  # re2.error has no stable base across versions
                add(cid, f"{where}.regex", f"does not compile under RE2: {exc}")
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


def _lint_detect(kb: KB, out: list[Problem]) -> None:
    """Answer `detect:` patterns must compile under RE2, as the session will compile them."""
    import re2

    for qid, question in kb.questions.items():
        for i, answer in enumerate(question["answers"]):
            for j, pattern in enumerate(answer.get("detect", [])):
                try:
                    re2.compile(pattern)
                except Exception as exc:  # re2.error has no stable base across versions
                    out.append(Problem(kb.files.get(f"?{qid}", "questions.yaml"), kb.lines.get(f"?{qid}", 1),
                                       f"{qid}.answers[{i}].detect[{j}]", f"does not compile under RE2: {exc}"))
