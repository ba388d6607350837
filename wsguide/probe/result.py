"""What a probe run found: per-stage results and the evidence lines (no causes: see evidence.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

STAGES = ("dns", "tcp", "tls", "handshake", "message", "idle", "done")


@dataclass
class StageResult:
    stage: str
    ok: bool
    elapsed: float  # seconds this stage took
    detail: str  # one line: what was seen ("127.0.0.1", "HTTP 101", "echo in 0.4 ms")
    skipped: bool = False  # tls for ws://, idle with --idle 0

    def as_dict(self) -> dict[str, Any]:
        out = {"stage": self.stage, "ok": self.ok, "elapsed": round(self.elapsed, 4),
               "detail": self.detail}
        if self.skipped:
            out["skipped"] = True
        return out


@dataclass(frozen=True)
class LogLine:
    """A line nginx wrote to an error log (`--error-log`) while the probe ran."""

    file: str
    line: int  # 1-based, in the file
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "text": self.text}


@dataclass
class ProbeResult:
    url: str
    ok: bool = False
    stage: str = "dns"  # where it failed, or "done"
    status: int | None = None  # HTTP status of a failed handshake
    elapsed: float = 0.0
    detail: str = ""
    stages: list[StageResult] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)  # lines for Lookup (see evidence.py)
    echo: bool | None = None  # our text message came back unchanged
    closed_after: float | None = None  # idle: seconds of silence before the drop
    close_code: int | None = None
    close_reason: str | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)  # of the handshake response
    log_lines: list[LogLine] = field(default_factory=list)  # --error-log: written during the probe

    def lookup_lines(self) -> list[str]:
        """What Lookup ranks: the error-log lines nginx wrote during the test first (its own
        words are the most specific, and evidence keeps the first lines), then `evidence`."""
        return [ln.text for ln in self.log_lines] + self.evidence

    def place(self, line: int) -> tuple[LogLine | None, int]:
        """Where line N of `lookup_lines()` came from: (the log line, its line in the file),
        or (None, its 1-based index in `evidence`)."""
        n = len(self.log_lines)
        if 1 <= line <= n:
            log = self.log_lines[line - 1]
            return log, log.line
        return None, line - n

    def as_dict(self) -> dict[str, Any]:
        """The JSON of `wsguide probe --json` without `causes` (the command ranks those)."""
        return {
            "ok": self.ok, "stage": self.stage, "status": self.status,
            "elapsed": round(self.elapsed, 3), "detail": self.detail, "url": self.url,
            "stages": [s.as_dict() for s in self.stages],
            "echo": self.echo, "closed_after": None if self.closed_after is None
            else round(self.closed_after, 2),
            "close_code": self.close_code, "close_reason": self.close_reason,
            "evidence": list(self.evidence),
            "log_lines": [ln.as_dict() for ln in self.log_lines],
        }
