"""Escaping and layout helpers: KB prose never turns into markdown structure."""

from __future__ import annotations

import pytest
from md_lint import lint_text
from mermaid_check import check

from wsguide.render import markdown as md


@pytest.mark.parametrize(("raw", "expected"), [
    ("a *b* c", r"a \*b\* c"),
    ("proxy_read_timeout stays", "proxy_read_timeout stays"),
    ("_emph_ here", r"\_emph\_ here"),
    ("<b>html</b>", r"\<b>html\</b>"),
    ("# not a heading", r"\# not a heading"),
    ("- not a list", r"\- not a list"),
    ("1. not a list", r"1\. not a list"),
    ("> not a quote", r"\> not a quote"),
    ("[x] not a task box", r"\[x] not a task box"),
    ("use `code` as is", r"use \`code\` as is"),
    ("see http://127.0.0.1:8000/ws.", "see `http://127.0.0.1:8000/ws`."),
    ("redirect it to http://. Then", "redirect it to `http://`. Then"),
])
def test_text_escapes(raw: str, expected: str) -> None:
    assert md.text(raw) == expected


def test_text_keeps_paragraphs_and_folds_lines() -> None:
    assert md.text("one\ntwo\n\nthree") == "one two\n\nthree"


def test_cell_is_one_line_with_pipes_escaped() -> None:
    assert md.cell("a | b\nc") == r"a \| b c"
    assert md.code("x | y") == r"`x \| y`"


def test_code_span_survives_backticks() -> None:
    assert md.code("a `b` c") == "``a `b` c``"
    assert md.code("`edge") == "`` `edge ``"


def test_fence_outgrows_backticks_inside() -> None:
    out = md.fence("```\ninner\n```", "text")
    assert out.startswith("````text\n") and out.endswith("\n````")


def test_tidy_collapses_blank_lines_outside_code_only() -> None:
    src = "# T  \n\n\n\npara\n\n```text\na\n\n\nb\n```\n\n\n"
    assert md.tidy(src) == "# T\n\npara\n\n```text\na\n\n\nb\n```\n"


def test_hostile_prose_lints_clean() -> None:
    nasty = "# <script>alert(1)</script> *x* _y_ [x] | pipe ~~strike~~ http://a.example.com/x 1. two"
    page = "\n\n".join(["# Title", md.text(nasty), "- " + md.text(nasty),
                        "| a | b |\n| --- | --- |\n| " + md.cell(nasty) + " | " + md.code(nasty) + " |"]) + "\n"
    assert lint_text(page) == []
    assert "\\<script>" in md.text(nasty) and " <script>" not in md.text(nasty)


@pytest.mark.parametrize("raw", ['say "hi"', "a [b] (c) {d}", "x <y> | z", "#35 and `tick`", "ok"])
def test_mermaid_labels_are_well_formed(raw: str) -> None:
    chart = f'flowchart TD\n  {md.mermaid_id("q-1")}["{md.mermaid_label(raw)}"]\n'
    assert check(chart) == []


def test_mermaid_label_clips_and_folds() -> None:
    assert md.mermaid_label("a\nb " + "x" * 200, 20) == "a b " + "x" * 13 + "..."


def test_checker_rejects_broken_charts() -> None:
    assert check('graph XY\n  a["x"]')
    assert check('flowchart TD\n  a["say "hi""]')
    assert check('flowchart TD\n  a["x"]\n  a --> b')
    assert check('flowchart TD\n  subgraph s["x"]\n  a["y"]')
    assert check('flowchart TD\n  a[x y]')
    assert check('flowchart TD\n  end["x"]')
