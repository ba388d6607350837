"""Human output for probe: one line per stage with a mark and its time, then the ranked causes."""

from __future__ import annotations

import os
import sys

from ..lookup import LookupResult
from ..probe.result import STAGES, ProbeResult
from .lookup_text import INDENT, WIDTH, _evidence, _wrap
from .style import Style

NAME_WIDTH = 10


def _marks(unicode: bool | None = None) -> dict[str, str]:
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "")
    if unicode or (unicode is None and encoding in ("utf8", "utf16", "utf32")):
        return {"ok": "✓", "fail": "✗", "skip": "·", "never": " "}
    return {"ok": "+", "fail": "x", "skip": "-", "never": " "}


def _time(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s"


def stage_lines(result: ProbeResult, style: Style, unicode: bool | None = None) -> list[str]:
    """The URL, then one line per stage with a mark, its time and what was seen (also used by
    `wsguide diagnose --probe` and the wizard; `unicode`: ✓/✗ marks, None: when stdout takes them)."""
    mark = _marks(unicode)
    out = [style(f"wsguide probe {result.url}", "bold")]
    reached = {s.stage: s for s in result.stages}
    for name in STAGES:
        s = reached.get(name)
        if s is None:
            if name != "done":
                out.append(style(f"{mark['never']} {name:<{NAME_WIDTH}} {'':>9}  not reached", "dim"))
            continue
        if s.skipped:
            sign, colour = mark["skip"], ("dim",)
        elif s.ok:
            sign, colour = mark["ok"], ("green",)
        else:
            sign, colour = mark["fail"], ("red", "bold")
        head = f"{name:<{NAME_WIDTH}} {_time(s.elapsed) if not s.skipped else '':>9}  "
        text = _wrap(s.detail, " " * (len(head) + 2), WIDTH, max_lines=2)
        out.append(f"{style(sign, *colour)} {head}{text[0].lstrip()}")
        out += text[1:]
    return out


def log_lines(result: ProbeResult, logs: list[str]) -> list[str]:
    """What `--error-log` found: per file, how many lines nginx wrote during the test, where."""
    out: list[str] = []
    for path in dict.fromkeys(logs):
        nums = [ln.line for ln in result.log_lines if ln.file == path]
        if not nums:
            out += _wrap(f"{path}: nothing written during the test (nginx logs idle timeouts "
                         "at [info]: `error_log PATH info;`).", "")
            continue
        span = f"line {nums[0]}" if len(nums) == 1 else f"lines {min(nums)}-{max(nums)}"
        quoted = "" if result.ok else f"; quoted below as {os.path.basename(path)}:LINE:"
        out += _wrap(f"{path}: {len(nums)} line(s) written during the test ({span}){quoted}.", "")
    return out


def place_evidence(result: ProbeResult, ranking: LookupResult) -> None:
    """Ranked `result.lookup_lines()`: each evidence's `line` put back (index in `evidence`, or
    the line in its log), and a log line quoted as `error.log:LINE: [level] words`."""
    names = {ln.file for ln in result.log_lines}
    short = len({os.path.basename(n) for n in names}) == len(names)
    for hit in ranking.causes:
        for ev in hit.evidence:
            log, ev.line = result.place(ev.line)
            if log is not None:
                name = os.path.basename(log.file) if short else log.file
                ev.text = f"{name}:{log.line}: {_evidence(ev.text)}"


def render(result: ProbeResult, ranking: LookupResult, style: Style,
           logs: list[str] | None = None) -> str:
    out = stage_lines(result, style)
    if logs:
        out.append("")
        out += [style(line, "dim") for line in log_lines(result, logs)]
    out.append("")
    if result.ok:
        out += _wrap(f"OK: the WebSocket works ({_time(result.elapsed)} in all).", "")
        if not any(s.stage == "idle" and not s.skipped for s in result.stages):
            out += _wrap("Idle timeouts were not tested: add --idle SECONDS, longer than the "
                         "quietest period of your app.", "")
        return "\n".join(out) + "\n"
    out += [style(ln, "red") for ln in _wrap(
        f"FAILED at {result.stage} after {_time(result.elapsed)}: {result.detail}", "")]
    out.append("")
    if not ranking.causes:
        out += _wrap("No known cause matches what the probe saw. Look at nginx's error.log "
                     "(at info level) for the moment of the failure and paste it into "
                     "`wsguide lookup` (or, on the nginx host, probe again with --error-log "
                     "PATH), or run `wsguide` to be asked the questions that narrow it down.", "")
        return "\n".join(out) + "\n"
    out.append(style("Likely causes:", "bold"))
    for rank, hit in enumerate(ranking.causes, 1):
        head = style(f"{rank}. {hit.id}", *(("green", "bold") if rank == 1 else ("bold",)))
        out.append(f"{head}  {style(f'{hit.score:.2f}', 'cyan')}")
        out += _wrap(hit.title)
        for ev in hit.evidence[: 3 if rank == 1 else 1]:
            for line in _wrap(_evidence(ev.text), INDENT + "> ", max_lines=2):
                out.append(style(line, "dim"))
        if rank == 1:
            out += _wrap(f"Fix: {hit.fix}")
            out += _wrap(f"More: wsguide export --cause {hit.id}")
    return "\n".join(out) + "\n"
