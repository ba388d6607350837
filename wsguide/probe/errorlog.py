"""`--error-log PATH`: the lines nginx appended to its error log while the probe ran.

Run on the nginx host, the probe can read what nginx itself said about the test connection
("upstream timed out (110: Connection timed out) while proxying upgraded connection",
"connect() failed (111: Connection refused) while connecting to upstream"). `ErrorLogs(paths)`
opens each log and remembers where it ends, before the probe; `read()`, after it, returns the
lines written since, with their line numbers in the file.

Rotation: the file stays open, so lines written before a rename (logrotate's default) are read
from the old file, then the new file at PATH from its start; a file that shrank (truncated,
`copytruncate`) is read from its start. Compressed logs are refused: nginx never writes one.
Light: imports nothing beyond the standard library.
"""

from __future__ import annotations

import os
from typing import BinaryIO

from ..errors import UserError
from .result import LogLine

MAX_BYTES = 8 << 20  # read at most this much per file (a busy server's log during a long --idle)
CHUNK = 1 << 20


class _Watched:
    __slots__ = ("path", "file", "start", "ino")

    def __init__(self, path: str, file: BinaryIO, start: int, ino: int) -> None:
        self.path, self.file, self.start, self.ino = path, file, start, ino


def _refuse(path: str, why: str, label: str) -> UserError:
    return UserError(f"{label}: {path}: {why}")


class ErrorLogs:
    """Error logs watched during one probe (opened here: a problem is a UserError naming
    `label`, exit 2 in the CLI)."""

    def __init__(self, paths: list[str] | tuple[str, ...] | None, label: str = "--error-log") -> None:
        self.watched: list[_Watched] = []
        try:
            for path in paths or []:
                self.watched.append(self._open(path, label))
        except UserError:
            self.close()
            raise

    @staticmethod
    def _open(path: str, label: str) -> _Watched:
        if path.endswith(".gz"):
            raise _refuse(path, "a compressed (rotated) log; give the live error.log nginx "
                                "writes to now", label)
        if os.path.isdir(path):
            raise _refuse(path, "is a directory; give the error.log file", label)
        try:
            f = open(path, "rb", buffering=0)  # noqa: SIM115 - kept open until read(), to survive a rename
        except FileNotFoundError:
            raise _refuse(path, "no such file", label) from None
        except OSError as exc:
            raise _refuse(path, exc.strerror or str(exc), label) from None
        try:
            head = os.pread(f.fileno(), 2, 0)
            st = os.fstat(f.fileno())
        except OSError as exc:
            f.close()
            raise _refuse(path, exc.strerror or str(exc), label) from None
        if head == b"\x1f\x8b":
            f.close()
            raise _refuse(path, "a gzip-compressed log; give the live error.log nginx writes to now",
                          label)
        return _Watched(path, f, st.st_size, st.st_ino)

    def read(self) -> list[LogLine]:
        """The lines appended since the watch began, every file in turn; closes the files."""
        out: list[LogLine] = []
        try:
            for w in self.watched:
                out += _appended(w)
        finally:
            self.close()
        return out

    def close(self) -> None:
        for w in self.watched:
            w.file.close()


def _appended(w: _Watched) -> list[LogLine]:
    out: list[LogLine] = []
    try:
        size = os.fstat(w.file.fileno()).st_size
        if size >= w.start:  # still growing (or renamed away and still written to)
            out += _lines(w.path, w.file, w.start, _count_lines(w.file, w.start))
        else:  # truncated in place: everything in it is new
            out += _lines(w.path, w.file, 0, 0)
    except OSError:
        pass
    try:
        st = os.stat(w.path)
    except OSError:
        return out  # renamed and not (yet) recreated
    if st.st_ino != w.ino:  # rotated by rename: the new file holds only new lines
        try:
            with open(w.path, "rb", buffering=0) as f:
                out += _lines(w.path, f, 0, 0)
        except OSError:
            pass
    return out


def _read(f: BinaryIO, start: int, size: int) -> bytes:
    """Bytes at an offset, unbuffered (a buffer could hold what a truncation removed)."""
    parts, at, left = [], start, size
    while left > 0:
        chunk = os.pread(f.fileno(), min(CHUNK, left), at)
        if not chunk:
            break
        parts.append(chunk)
        at += len(chunk)
        left -= len(chunk)
    return b"".join(parts)


def _count_lines(f: BinaryIO, end: int) -> int:
    n = 0
    for at in range(0, end, CHUNK):
        n += os.pread(f.fileno(), min(CHUNK, end - at), at).count(b"\n")
    return n


def _lines(path: str, f: BinaryIO, start: int, before: int) -> list[LogLine]:
    data = _read(f, start, MAX_BYTES)
    out = []
    for i, raw in enumerate(data.split(b"\n"), before + 1):
        text = raw.decode("utf-8", "replace").rstrip("\r")
        if text.strip():
            out.append(LogLine(path, i, text))
    return out
