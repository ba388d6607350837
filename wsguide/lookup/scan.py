"""Stream text through the matcher: pastes, stdin and multi-GB (optionally gzipped) logs.

Memory stays flat whatever the input size: input is read in 8 MiB chunks cut at the last
newline, only candidate lines are decoded, and each cause keeps a handful of sample lines
plus an exact count.
"""

from __future__ import annotations

import gzip
import sys
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from ..errors import UserError
from .signatures import Matcher, Signature

CHUNK = 8 << 20
MAX_SAMPLES = 5
MAX_EVIDENCE_CHARS = 400
GZIP_MAGIC = b"\x1f\x8b"


@dataclass
class Hit:
    """One input line that matched, with the signatures it matched."""

    line: int
    text: str
    signatures: list[Signature]


@dataclass
class ScanResult:
    lines_read: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    """cause id -> number of input lines that matched one of its signatures"""
    matched: dict[str, set[int]] = field(default_factory=dict)
    """cause id -> indexes of the distinct signatures that matched"""
    samples: dict[str, list[tuple[int, str, str]]] = field(default_factory=dict)
    """cause id -> up to MAX_SAMPLES (line number, text, signature id)"""

    def add(self, hit: Hit) -> None:
        seen: set[str] = set()
        for sig in hit.signatures:
            self.matched.setdefault(sig.cause, set()).add(sig.index)
            if sig.cause in seen:
                continue
            seen.add(sig.cause)
            self.counts[sig.cause] = self.counts.get(sig.cause, 0) + 1
            samples = self.samples.setdefault(sig.cause, [])
            if len(samples) < MAX_SAMPLES:
                samples.append((hit.line, hit.text, sig.id))


def _decode(raw: bytes) -> str:
    text = raw.decode("utf-8", errors="replace").strip()
    return text if len(text) <= MAX_EVIDENCE_CHARS else text[: MAX_EVIDENCE_CHARS - 1] + "…"


def scan_chunks(matcher: Matcher, chunks: Iterator[bytes], result: ScanResult) -> ScanResult:
    """Feed newline-aligned chunks through the matcher, numbering lines from result.lines_read."""
    for chunk in chunks:
        base = result.lines_read
        counted_to = 0
        line_no = base
        for start, end in matcher.candidate_lines(chunk):
            line_no += chunk.count(b"\n", counted_to, start)
            counted_to = start
            raw = chunk[start:end]
            sigs = matcher.match_line(raw)
            if sigs:
                result.add(Hit(line_no + 1, _decode(raw), sigs))
        result.lines_read = base + chunk.count(b"\n")
        if chunk and not chunk.endswith(b"\n"):
            result.lines_read += 1  # the final line has no newline
    return result


def aligned_chunks(stream: BinaryIO, size: int = CHUNK,
                   progress: Callable[[], None] | None = None) -> Iterator[bytes]:
    """Read `stream` in chunks that end at a newline (a line is never split between chunks)."""
    carry = b""
    while True:
        block = stream.read(size)
        if progress:
            progress()
        if not block:
            if carry:
                yield carry
            return
        data = carry + block
        cut = data.rfind(b"\n")
        if cut < 0 and len(data) < 4 * size:
            carry = data  # one very long line: keep reading, up to a bound
            continue
        if cut < 0:
            cut = len(data) - 1  # a 32 MiB line without a newline: split it, do not hoard memory
        carry = data[cut + 1:]
        yield data[: cut + 1]


def _looks_binary(head: bytes) -> bool:
    return b"\x00" in head[:8192]


def open_log(path: str) -> tuple[BinaryIO, BinaryIO]:
    """Open a log for streaming; gzip is recognised by its magic bytes, not just `.gz`.

    Returns the stream to read and the raw file (whose position drives progress).
    """
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed by the caller
    except IsADirectoryError:
        raise UserError(f"{path}: is a directory, not a log file") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read ({exc.strerror or exc})") from None
    head = raw.read(8192)
    raw.seek(0)
    if head.startswith(GZIP_MAGIC):
        return gzip.GzipFile(fileobj=raw, mode="rb"), raw
    if _looks_binary(head):
        raw.close()
        raise UserError(f"{path}: looks like a binary file, not a text log "
                        "(pass the text itself, or a plain or .gz error.log)")
    return raw, raw


def scan_file(matcher: Matcher, path: str, result: ScanResult,
              progress: Callable[[int, int], None] | None = None) -> ScanResult:
    stream, raw = open_log(path)
    total = _size(raw)
    tick = (lambda: progress(raw.tell(), total)) if progress else None
    try:
        with stream, raw:
            return scan_chunks(matcher, aligned_chunks(stream, progress=tick), result)
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise UserError(f"{path}: cannot read past line {result.lines_read} ({exc})") from None


def scan_stream(matcher: Matcher, stream: BinaryIO, result: ScanResult) -> ScanResult:
    head = stream.read(CHUNK)
    if head.startswith(GZIP_MAGIC):
        import io

        stream = gzip.GzipFile(fileobj=io.BufferedReader(_Prepend(head, stream)))  # type: ignore[arg-type]
        head = b""
    elif _looks_binary(head):
        raise UserError("standard input looks like binary data, not text "
                        "(pipe a text log, or use --file for a .gz log)")

    def chunks() -> Iterator[bytes]:
        yield from aligned_chunks(_Prepend(head, stream))  # type: ignore[arg-type]

    try:
        return scan_chunks(matcher, chunks(), result)
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise UserError(f"standard input: cannot read past line {result.lines_read} ({exc})") from None


def scan_text(matcher: Matcher, text: str, result: ScanResult) -> ScanResult:
    data = text.encode("utf-8", errors="replace")
    return scan_chunks(matcher, iter([data] if data else []), result)


def _size(raw: BinaryIO) -> int:
    try:
        import os

        return os.fstat(raw.fileno()).st_size
    except (OSError, ValueError):
        return 0


class _Prepend:
    """A read() stream that first returns `head`, then the rest of `stream`."""

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        self.head = head
        self.stream = stream

    def read(self, size: int = -1) -> bytes:
        if self.head:
            out, self.head = self.head, b""
            return out
        return self.stream.read(size)

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray) -> int:
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)

    @property
    def closed(self) -> bool:
        return False


def stdin_bytes() -> BinaryIO:
    return sys.stdin.buffer
