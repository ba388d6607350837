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

from ..errors import UserError
from .signatures import Matcher, Signature

TYPE_CHECKING = False  # typing costs start-up time; the names are for annotations only
if TYPE_CHECKING:
    from typing import BinaryIO

CHUNK = 8 << 20
PASTE_LIMIT = 1 << 20  # up to this size an input is a paste (people's prose signatures apply)
MAX_SAMPLES = 5
MAX_EVIDENCE_CHARS = 400
GZIP_MAGIC = b"\x1f\x8b"


class Hit:
    """One input line that matched, with the signatures it matched."""

    __slots__ = ("line", "text", "signatures")

    def __init__(self, line: int, text: str, signatures: list[Signature]) -> None:
        self.line, self.text, self.signatures = line, text, signatures


class ScanResult:
    """What a scan saw (a plain class: dataclasses cost start-up time)."""

    __slots__ = ("lines_read", "counts", "matched", "samples")

    def __init__(self) -> None:
        self.lines_read = 0
        self.counts: dict[str, int] = {}
        """cause id -> number of input lines that matched one of its signatures"""
        self.matched: dict[str, set[int]] = {}
        """cause id -> indexes of the distinct signatures that matched"""
        self.samples: dict[str, list[tuple[int, str, str]]] = {}
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


Piece = tuple[bytes, int, int]
"""A buffer and the [start, end) range of whole lines in it to scan (no slicing, no copies)."""

WORKERS = 2  # RE2 releases the GIL: two threads use both cores of a small machine
IN_FLIGHT = 3  # pieces queued at once: bounds memory to a few chunks whatever the input size


def _scan_piece(matcher: Matcher, piece: Piece) -> tuple[int, list[tuple[int, bytes, list[Signature]]]]:
    """Lines in the piece, and (line index within the piece, raw line, signatures) for each hit."""
    buf, start, end = piece
    hits = []
    line_no = 0
    counted_to = start
    for line_start, line_end in matcher.candidate_lines(buf, start, end):
        line_no += buf.count(b"\n", counted_to, line_start)
        counted_to = line_start
        raw = buf[line_start:line_end]
        sigs = matcher.match_line(raw)
        if sigs:
            hits.append((line_no, raw, sigs))
    # Pieces end at a newline, except a forced split of a >32 MiB line (it continues).
    return line_no + buf.count(b"\n", counted_to, end), hits


def scan_chunks(matcher: Matcher, pieces: Iterator[Piece], result: ScanResult) -> ScanResult:
    """Scan pieces in order (two at a time on two threads), numbering lines from result.lines_read."""

    def merge(lines: int, hits: list[tuple[int, bytes, list[Signature]]]) -> None:
        for rel, raw, sigs in hits:
            result.add(Hit(result.lines_read + rel + 1, _decode(raw), sigs))
        result.lines_read += lines

    first = next(pieces, None)
    second = next(pieces, None)
    if second is None:  # a paste: no thread pool needed
        if first is not None:
            merge(*_scan_piece(matcher, first))
        return result
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(WORKERS) as pool:
        queue = deque([pool.submit(_scan_piece, matcher, first), pool.submit(_scan_piece, matcher, second)])
        for piece in pieces:
            if len(queue) >= IN_FLIGHT:
                merge(*queue.popleft().result())
            queue.append(pool.submit(_scan_piece, matcher, piece))
        while queue:
            merge(*queue.popleft().result())
    return result


def aligned_chunks(stream: BinaryIO, size: int | None = None,
                   progress: Callable[[], None] | None = None) -> Iterator[Piece]:
    """Read `stream` in blocks and yield pieces of whole lines; a line is never split.

    The line that straddles two blocks is the only data copied.
    """
    size = size or CHUNK  # read at call time, so tests can shrink it
    carry = b""
    while True:
        block = stream.read(size)
        if progress:
            progress()
        if not block:
            if carry:  # the input's last line has no newline: give it one, so it counts
                yield carry + b"\n", 0, len(carry) + 1
            return
        first = block.find(b"\n")
        if first < 0:
            carry += block  # one very long line: keep reading, up to a bound
            if len(carry) >= 4 * size:
                yield carry, 0, len(carry)  # a 32 MiB line: split it rather than hoard memory
                carry = b""
            continue
        start = 0
        if carry:
            head = carry + block[: first + 1]
            yield head, 0, len(head)
            start = first + 1
        last = block.rfind(b"\n")
        if last + 1 > start:
            yield block, start, last + 1
        carry = block[last + 1:]


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


def read_up_to(stream: BinaryIO, size: int) -> bytes:
    """Read until `size` bytes or end of input (a pipe may return less per read)."""
    parts, got = [], 0
    while got < size:
        block = stream.read(size - got)
        if not block:
            break
        parts.append(block)
        got += len(block)
    return b"".join(parts)


def scan_stream(matcher: Matcher, stream: BinaryIO, result: ScanResult, head: bytes = b"") -> ScanResult:
    """Scan standard input (or any stream); `head` is what the caller already read from it."""
    if head.startswith(GZIP_MAGIC):
        import io

        stream = gzip.GzipFile(fileobj=io.BufferedReader(_Prepend(head, stream)))  # type: ignore[arg-type]
        head = b""
    elif _looks_binary(head):
        raise UserError("standard input looks like binary data, not text "
                        "(pipe a text log, or use --file for a .gz log)")
    try:
        return scan_chunks(matcher, aligned_chunks(_Prepend(head, stream)), result)  # type: ignore[arg-type]
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise UserError(f"standard input: cannot read past line {result.lines_read} ({exc})") from None


def scan_text(matcher: Matcher, text: str, result: ScanResult) -> ScanResult:
    data = text.encode("utf-8", errors="replace")
    if data and not data.endswith(b"\n"):
        data += b"\n"
    return scan_chunks(matcher, iter([(data, 0, len(data))] if data else []), result)


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
