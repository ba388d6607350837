"""Progress on stderr for long scans: only on a terminal, at most a few updates a second."""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, label: str, stream=None) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr  # the current one (tests swap it)
        self.enabled = self.stream.isatty()
        self.last = 0.0
        self.started = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.enabled or now - self.last < 0.2 or now - self.started < 0.5:
            return
        self.last = now
        pct = f"{100 * done / total:5.1f}%" if total else ""
        mb = done / (1 << 20)
        self.stream.write(f"\rscanning {self.label}: {pct} {mb:,.0f} MiB")
        self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.enabled and self.last:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
