"""`wsguide export`: required sections, lint-clean markdown, well-formed mermaid, stable bytes,
atomic writes that never clobber a hand-edited page."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from helpers import ROOT, run_cli
from md_lint import lint_text
from mermaid_check import blocks, check

from wsguide.kb.loader import load_or_fail
from wsguide.render.runbook import (
    GRAPH_PAGE,
    INDEX,
    body_and_hash,
    export_pages,
    is_pristine,
    write_pages,
)

MINI = ROOT / "tests/kb/data/mini-kb"
REQUIRED = ("## Error messages", "## Problem", "## Solution", "## Why", "## Gotchas", "## Verify")
OPTIONAL = {"myths": "## Myths", "related": "## Related", "references": "## References"}


@pytest.fixture(scope="module")
def mini_kb():
    return load_or_fail([MINI])


@pytest.fixture
def mini_env(tmp_path: Path) -> dict[str, str]:
    kb_dir = tmp_path / "kb"
    shutil.copytree(MINI, kb_dir)
    return {"WSGUIDE_BUILTIN_KB": str(kb_dir), "XDG_CACHE_HOME": str(tmp_path / "cache")}


def headings(page: str) -> list[str]:
    body = re.sub(r"^```.*?^```", "", page, flags=re.MULTILINE | re.DOTALL)
    return [line for line in body.splitlines() if line.startswith("## ")]


def assert_cause_page(kb, cid: str, page: str) -> None:
    cause = kb.causes[cid]
    found = headings(page)
    for section in REQUIRED:
        assert section in found, f"{cid}.md lacks {section}"
    for key, section in OPTIONAL.items():
        assert (section in found) == bool(cause.get(key)), f"{cid}.md: {section} present iff {key}"
    assert [s for s in found if s in REQUIRED] == list(REQUIRED), f"{cid}.md: sections out of order"
    assert page.startswith("# ")
    assert is_pristine(page)
    solution = page.split("## Solution", 1)[1].split("\n## ", 1)[0]
    if cause["fix"].get("template"):
        assert "```nginx" in solution, f"{cid}.md: the fix is not rendered"
    for name in cause["fix"].get("variables", {}):
        assert f"`{name}`" in solution, f"{cid}.md: variable {name} not explained"
    for snippet in cause["fix"].get("app", []) + cause["fix"].get("platforms", []):
        assert snippet["code"].strip().splitlines()[0].strip() in solution
    verify = page.split("## Verify", 1)[1].split("\n## ", 1)[0]
    assert verify.count("- [ ] ") == len(cause["verify"])
    assert "{{" not in verify, f"{cid}.md: unrendered template in Verify"


def assert_clean(name: str, page: str) -> None:
    problems = lint_text(page)
    assert not problems, f"{name}: markdown lint:\n" + "\n".join(problems)
    for chart in blocks(page):
        assert not check(chart), f"{name}: mermaid:\n" + "\n".join(check(chart))


def test_mini_kb_pages(mini_kb) -> None:
    from wsguide.engine.graph import mermaid

    pages = export_pages(mini_kb, graph_mermaid=mermaid(mini_kb, 1))
    assert set(pages) == {"proxy-read-timeout.md", INDEX, GRAPH_PAGE}
    assert_cause_page(mini_kb, "proxy-read-timeout", pages["proxy-read-timeout.md"])
    for name, page in pages.items():
        assert_clean(name, page)
    assert blocks(pages[GRAPH_PAGE]), "the graph page has no mermaid block"
    assert "](proxy-read-timeout.md)" in pages[INDEX]


def test_export_is_byte_identical(mini_kb) -> None:
    from wsguide.engine.graph import mermaid

    first = export_pages(mini_kb, graph_mermaid=mermaid(mini_kb))
    assert first == export_pages(load_or_fail([MINI]), graph_mermaid=mermaid(load_or_fail([MINI])))


def test_footer_hash_round_trip() -> None:
    page = export_pages(load_or_fail([MINI]), ["proxy-read-timeout"], index=False)["proxy-read-timeout.md"]
    body, digest = body_and_hash(page)
    assert digest and page.startswith(body) and is_pristine(page)
    assert not is_pristine(page.replace("## Why", "## Why (edited)"))
    assert not is_pristine("# my own notes\n")


def test_write_pages_protects_hand_edits(tmp_path: Path, mini_kb) -> None:
    pages = export_pages(mini_kb)
    first = write_pages(pages, tmp_path)
    assert sorted(first.written) == sorted(pages)
    again = write_pages(pages, tmp_path)
    assert again.written == [] and sorted(again.unchanged) == sorted(pages)

    edited = tmp_path / "proxy-read-timeout.md"
    edited.write_text(edited.read_text().replace("## Why", "## Why\n\nMy note."))
    mine = tmp_path / INDEX
    mine.write_text("# my index\n")
    newer = {k: v.replace("Idle WebSocket", "Idle  WebSocket") for k, v in pages.items()}
    report = write_pages(newer, tmp_path)
    assert sorted(report.skipped) == sorted([edited.name, INDEX])
    assert "My note." in edited.read_text() and mine.read_text() == "# my index\n"
    forced = write_pages(newer, tmp_path, force=True)
    assert sorted(forced.written) == sorted([edited.name, INDEX])
    assert "My note." not in edited.read_text()
    assert not list(tmp_path.glob(".*.tmp")), "temporary files left behind"


def test_prune_removes_only_pristine_orphans(tmp_path: Path, mini_kb) -> None:
    pages = export_pages(mini_kb)
    write_pages(pages, tmp_path)
    orphan = export_pages(mini_kb, ["proxy-read-timeout"], index=False)["proxy-read-timeout.md"]
    (tmp_path / "gone-cause.md").write_text(orphan)
    (tmp_path / "edited-gone.md").write_text(orphan.replace("## Why", "## Why!"))
    (tmp_path / "notes.md").write_text("# notes\n")
    report = write_pages(pages, tmp_path, prune=True)
    assert report.removed == ["gone-cause.md"] and report.stale == ["edited-gone.md"]
    assert (tmp_path / "notes.md").exists() and (tmp_path / "edited-gone.md").exists()


def test_cli_export_and_refusal(tmp_path: Path, mini_env: dict[str, str]) -> None:
    out = tmp_path / "out"
    res = run_cli("export", "--out", str(out), env=mini_env)
    assert res.returncode == 0, res.stderr
    assert "3 written" in res.stdout
    snapshot = {p.name: p.read_bytes() for p in out.iterdir()}
    res = run_cli("export", "--out", str(out), env=mini_env)
    assert res.returncode == 0 and "3 unchanged" in res.stdout
    assert {p.name: p.read_bytes() for p in out.iterdir()} == snapshot

    page = out / "proxy-read-timeout.md"
    page.write_text(page.read_text() + "\nlocal note\n")
    # change the KB so the export has something new to write
    entry = Path(mini_env["WSGUIDE_BUILTIN_KB"]) / "causes/proxy-read-timeout.yaml"
    entry.write_text(entry.read_text().replace("title: ", "title: Changed - ", 1))
    res = run_cli("export", "--out", str(out), env=mini_env)
    assert res.returncode == 2
    assert res.stderr.count("\n") == 1 and "proxy-read-timeout.md" in res.stderr and "--force" in res.stderr
    assert "local note" in page.read_text()
    assert "Changed - " in (out / INDEX).read_text(), "pristine files are still updated"
    res = run_cli("export", "--out", str(out), "--force", env=mini_env)
    assert res.returncode == 0, res.stderr
    assert "local note" not in page.read_text()


def test_cli_single_cause_to_stdout(mini_env: dict[str, str]) -> None:
    res = run_cli("export", "--cause", "proxy-read-timeout", env=mini_env)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("# ") and "## Verify" in res.stdout and "sha256:" not in res.stdout


def test_cli_unknown_cause(mini_env: dict[str, str]) -> None:
    res = run_cli("export", "--cause", "proxy-read-timout", env=mini_env)
    assert res.returncode == 2
    assert "did you mean proxy-read-timeout" in res.stderr and "Traceback" not in res.stderr


def test_cli_out_is_a_file(tmp_path: Path, mini_env: dict[str, str]) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    res = run_cli("export", "--out", str(target), env=mini_env)
    assert res.returncode == 2 and "not a directory" in res.stderr


# -- the real knowledge base (passes once every entry loads) ---------------------------------

@pytest.fixture(scope="module")
def real_pages(kb):
    from wsguide.engine.graph import mermaid

    return export_pages(kb, graph_mermaid=mermaid(kb))


def test_every_cause_exports_with_required_sections(kb, real_pages) -> None:
    for cid in kb.causes:
        assert_cause_page(kb, cid, real_pages[f"{cid}.md"])


def test_real_pages_lint_clean(real_pages) -> None:
    for name, page in real_pages.items():
        assert_clean(name, page)


def test_index_groups_by_layer_and_lists_every_cause(kb, real_pages) -> None:
    index = real_pages[INDEX]
    for cid in kb.causes:
        assert f"]({cid}.md)" in index
    from wsguide.kb.model import LAYERS
    from wsguide.render.runbook import LAYER_NAMES

    used = [LAYER_NAMES[layer] for layer in LAYERS if any(c["layer"] == layer for c in kb.causes.values())]
    assert [h[3:] for h in headings(index)] == used
