"""Top-1 / top-3 accuracy of `wsguide lookup` on real pastes from public bug reports.

Usage (from the repository root, project installed):

    python bench/accuracy.py [--data bench/data/real-pastes.yaml] [--json] [--misses-only]

Each entry of the data file is {id, cause, also_ok, corpus, source, text}. A paste counts as right
at rank k when the expected cause, or one of its `also_ok` ids, is among the first k causes that
`wsguide.lookup.lookup_text(text, top=5)` returns. This is a measurement, not a test: it always
exits 0 (a broken knowledge base is reported, not raised).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE / "data" / "real-pastes.yaml"
TARGET_TOP1 = 0.95
TARGET_TOP3 = 0.99


def load_pastes(path: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise SystemExit(f"{path}: expected a list of pastes")
    return data


def rank_of(expected: set[str], got: list[str]) -> int | None:
    """1-based rank of the first acceptable cause in `got`, or None."""
    for i, cid in enumerate(got, 1):
        if cid in expected:
            return i
    return None


def evaluate(pastes: list[dict[str, Any]]) -> dict[str, Any]:
    sys.path.insert(0, str(HERE.parent))
    from wsguide.lookup.lookup import lookup_text

    rows = []
    for p in pastes:
        expected = {p["cause"], *(p.get("also_ok") or [])}
        error = None
        try:
            result = lookup_text(p["text"], top=5)
            got = [c.id for c in result.causes]
            scores = [round(c.score, 3) for c in result.causes]
        except Exception as exc:  # a KB error is a measurement result, not a crash
            got, scores, error = [], [], f"{type(exc).__name__}: {exc}"
        rows.append({"id": p["id"], "cause": p["cause"], "also_ok": p.get("also_ok") or [],
                     "corpus": p.get("corpus"), "source": p.get("source"), "got": got, "scores": scores,
                     "rank": rank_of(expected, got), "error": error,
                     "text": p["text"]})
    return summarise(rows)


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    n = len(rows)
    top1 = sum(1 for r in rows if r["rank"] == 1)
    top3 = sum(1 for r in rows if r["rank"] is not None and r["rank"] <= 3)
    per: dict[str, dict[str, int]] = defaultdict(lambda: {"n": 0, "top1": 0, "top3": 0})
    for r in rows:
        c = per[r["cause"]]
        c["n"] += 1
        c["top1"] += r["rank"] == 1
        c["top3"] += r["rank"] is not None and r["rank"] <= 3
    misses = []
    for r in rows:
        if r["rank"] == 1:
            continue
        snippet = " ".join(r["text"].split())[:100]
        misses.append({"id": r["id"], "expected": r["cause"], "also_ok": r["also_ok"], "rank": r["rank"],
                       "got": r["got"][:3], "scores": r["scores"][:3], "error": r["error"],
                       "source": r["source"], "text": snippet})
    return {
        "pastes": n,
        "top1": top1, "top3": top3,
        "top1_rate": round(top1 / n, 4) if n else 0.0,
        "top3_rate": round(top3 / n, 4) if n else 0.0,
        "targets": {"top1": TARGET_TOP1, "top3": TARGET_TOP3},
        "per_cause": {k: dict(v) for k, v in sorted(per.items())},
        "misses": misses,
        "errors": sum(1 for r in rows if r["error"]),
    }


def print_report(s: dict[str, Any], misses_only: bool = False) -> None:
    n = s["pastes"]
    if not misses_only:
        print(f"real pastes: {n}")
        print(f"top-1: {s['top1']}/{n} = {s['top1_rate']:.1%}  (target {TARGET_TOP1:.0%})")
        print(f"top-3: {s['top3']}/{n} = {s['top3_rate']:.1%}  (target {TARGET_TOP3:.0%})")
        if s["errors"]:
            print(f"lookup errors: {s['errors']} (see misses)")
        print()
        print(f"{'cause':34} {'n':>3} {'top1':>5} {'top3':>5}")
        for cid, c in s["per_cause"].items():
            print(f"{cid:34} {c['n']:>3} {c['top1']:>5} {c['top3']:>5}")
        print()
    print(f"misses ({len(s['misses'])}):")
    for m in s["misses"]:
        rank = "-" if m["rank"] is None else str(m["rank"])
        got = ", ".join(f"{g} {sc}" for g, sc in zip(m["got"], m["scores"], strict=True)) or "(nothing)"
        print(f"- {m['id']}: expected {m['expected']} (rank {rank}); got {got}")
        if m["error"]:
            print(f"    error: {m['error']}")
        print(f"    {m['text']}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, action="append",
                    help="YAML list of pastes (repeatable: the sets are measured as one; "
                         f"default {DEFAULT_DATA})")
    ap.add_argument("--json", action="store_true", help="print the summary as JSON")
    ap.add_argument("--misses-only", action="store_true", help="print only the misses")
    args = ap.parse_args(argv)
    try:
        summary = evaluate([p for path in args.data or [DEFAULT_DATA] for p in load_pastes(path)])
    except Exception as exc:  # still a measurement: report and exit 0
        summary = {"error": f"{type(exc).__name__}: {exc}"}
        if args.json:
            print(json.dumps(summary, indent=2))
        else:
            print(f"could not evaluate: {summary['error']}")
        return 0
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        print_report(summary, args.misses_only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
