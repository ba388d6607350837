"""The one generic lab test: for every cause with a `lab:`, the broken config shows the symptom
on a real nginx, the knowledge base's own fix (rendered from its template) cures it, and what
the broken run printed, pasted into `wsguide lookup`, names the cause.

Run: `pytest -m nginx tests/labs` (about a minute; labs run their broken and fixed variants
concurrently). Under CI (CI=true) a missing nginx fails the run instead of skipping.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from . import harness

pytestmark = [pytest.mark.nginx]

HERE = Path(__file__).resolve().parent
UNDER_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _load_kb():
    from wsguide.kb.loader import load

    kb, problems = load()
    return kb, problems


KB, KB_PROBLEMS = _load_kb()


def _pending() -> dict[str, dict[str, Any]]:
    """Labs written before their cause file existed or was free to edit (tests/labs/pending/)."""
    from wsguide.kb.model import LAB
    from wsguide.kb.shape import Ctx

    out = {}
    for path in sorted((HERE / "pending").glob("*.yaml")):
        ctx = Ctx(str(path))
        node = yaml.compose(path.read_text(), Loader=yaml.SafeLoader)
        lab = LAB.check(node.value[0][1], "lab", ctx)
        out[path.stem] = lab if not ctx.problems else {"problems": [str(p) for p in ctx.problems]}
    return out


PENDING = _pending()


def _labs() -> dict[str, dict[str, Any]]:
    labs = {cid: c["lab"] for cid, c in KB.causes.items() if c.get("lab")}
    for cid, lab in PENDING.items():
        if cid in KB.causes and cid not in labs:
            labs[cid] = lab
    return dict(sorted(labs.items()))


LABS = _labs()
RESULTS: dict[str, Any] = {}


def _lab_problems(cid: str) -> list[str]:
    return [str(p) for p in KB_PROBLEMS
            if p.file.endswith(f"{cid}.yaml") and p.field.startswith("lab")]


def _require_nginx() -> None:
    if harness.find_nginx() is None:
        if UNDER_CI:
            pytest.fail("CI=true but nginx is not on PATH: the lab suite must run")
        pytest.skip("nginx is not installed")


def _results(cid: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    _require_nginx()
    lab = LABS[cid]
    if "problems" in lab:
        pytest.fail("lab does not fit the LAB shape:\n" + "\n".join(lab["problems"]))
    problems = _lab_problems(cid)
    assert not problems, "\n".join(problems)
    if lab.get("skip_reason"):
        pytest.skip(lab["skip_reason"])
    unmet = harness.unmet_requirements(lab)
    if unmet:
        pytest.skip("; ".join(unmet))
    if cid not in RESULTS:
        # not under pytest's 0700 basetemp: nginx workers run as nobody when tests run as root
        workdir = Path(tempfile.mkdtemp(prefix=f"wsguide-lab-{cid}-"))
        os.chmod(workdir, 0o755)
        try:
            RESULTS[cid] = asyncio.run(harness.run_lab(KB, cid, workdir, lab))
        except Exception as exc:  # noqa: BLE001
            RESULTS[cid] = exc
        finally:
            if not os.environ.get("WSGUIDE_LAB_KEEP"):
                shutil.rmtree(workdir, ignore_errors=True)
    res = RESULTS[cid]
    if isinstance(res, Exception):
        raise res
    return res


def _report(obs: dict[str, Any]) -> str:
    keys = ("status", "exception", "echo", "close_code", "drop_after", "open_after", "opened",
            "post_status", "upstream_connections", "connected", "transport", "served_by",
            "backend_lines", "error_log", "config_test_output")
    return "\n".join(f"  {k}: {obs.get(k)!r}" for k in keys if k in obs)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("cause_id", list(LABS))
def test_lab(cause_id: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    lab = LABS[cause_id]
    res = _results(cause_id, tmp_path_factory)
    for which in ("broken", "fixed"):
        assert not res[which]["left_listening"], f"{which}: ports still listening after teardown"
    bad = harness.check(lab["broken"]["expect"], res["broken"])
    assert not bad, ("the broken config did not show the symptom:\n  " + "\n  ".join(bad)
                     + "\nobserved:\n" + _report(res["broken"]))
    bad = harness.check(lab["fixed"]["expect"], res["fixed"])
    assert not bad, ("the KB fix did not cure it:\n  " + "\n  ".join(bad)
                     + "\nobserved:\n" + _report(res["fixed"])
                     + "\n--- fixed nginx.conf ---\n" + res["fixed"].get("config", ""))


# A client exception that carries nothing but the status ("server rejected WebSocket connection:
# HTTP 400") is a status line in another wrapper: a status alone names no cause.
_STATUS_ONLY = re.compile(r"^[\w.]+: server rejected WebSocket connection: HTTP \d{3}$")


def _bare_status(source: str, text: str) -> bool:
    return source == "status_line" or all(_STATUS_ONLY.match(line) for line in text.splitlines())


def _ranked(text: str) -> list[str]:
    from wsguide.lookup import lookup_text

    return [c.id for c in lookup_text(text, top=5).causes]


@pytest.mark.timeout(120)
@pytest.mark.parametrize("cause_id", list(LABS))
def test_lab_round_trip(cause_id: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    """What the broken run printed, pasted into lookup, names the cause.

    - everything it printed, pasted at once: top 3 (first when a source is listed as specific);
    - each source alone (error.log lines, the client's exception, the body, nginx -t, ...): top 3;
      a bare status line is exempt (a status alone names no cause: knowledge/README.md);
    - each source listed in `round_trip.first`: first.
    """
    try:
        from wsguide.lookup import lookup_text  # noqa: F401
    except ImportError as exc:
        pytest.skip(f"wsguide.lookup.lookup_text is not available yet ({exc})")
    lab = LABS[cause_id]
    res = _results(cause_id, tmp_path_factory)
    rt = lab.get("round_trip", {})
    if "sources" in rt and not rt["sources"]:
        assert rt.get("why"), "round_trip.sources is empty: say why in round_trip.why"
        pytest.skip(f"no round trip: {rt['why']}")
    texts = harness.round_trip_texts(lab, res["broken"])
    assert texts, "the broken run printed nothing to look up; set round_trip.sources: [] + why"
    failures = []
    checks = [("everything", "\n".join(t for _, t, _ in texts), any(f for *_, f in texts))]
    checks += [(src, text, first) for src, text, first in texts if first or not _bare_status(src, text)]
    for source, text, first in checks:
        ranked = _ranked(text)
        need = 1 if first else 3
        if cause_id not in ranked[:need]:
            failures.append(f"[{source}] top{need} expected {cause_id}, got {ranked[:3]} for:\n"
                            f"    " + text.replace("\n", "\n    "))
    assert not failures, "\n".join(failures)


@pytest.mark.timeout(60)
def test_backend_that_stops_reading_is_cut_by_proxy_send_timeout() -> None:
    """The mirror of client-send-timeout's lab, as that entry states it: a client that keeps
    sending to a backend that stops reading is cut by proxy_send_timeout (send_timeout does not
    apply to that direction), and nginx logs it like an idle cut, "upstream timed out"."""
    _require_nginx()
    config = """{{ map }}
server {
    listen {{ listen }};
    location /ws {
        proxy_pass {{ upstream }};
{% include "ws-upgrade-headers.conf.j2" %}
        proxy_read_timeout 1h;
        proxy_send_timeout %s;
        send_timeout 1h;
    }
}
"""
    obs = {}
    for timeout in ("2s", "1h"):
        lab = {"backend": "ws-echo stall=6", "client": "flood secs=4",
               "broken": {"config": config.replace("%s", timeout), "expect": {}}}
        workdir = Path(tempfile.mkdtemp(prefix="wsguide-lab-mirror-"))
        os.chmod(workdir, 0o755)
        try:
            obs[timeout] = asyncio.run(harness.run_variant(KB, "client-send-timeout", lab, "broken", workdir))
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    cut, kept = obs["2s"], obs["1h"]
    assert cut["drop_after"] is not None and 1.5 < cut["drop_after"] < 3.5, _report(cut)
    assert any("upstream timed out (110: Connection timed out) while proxying upgraded connection" in ln
               for ln in cut["error_log"]), cut["error_log"]
    assert kept["drop_after"] is None and kept["open_after"] >= 3.9, _report(kept)
