"""WARC framing that accounts for every record, including cut and mis-sized ones.

fastwarc stops silently when a file ends inside a record's WARC header (or inside a gzip
member holding one), so the record is lost. This reader frames records itself from a
byte stream (gzip members inflated one by one) and reports what it cannot read:

- a record cut inside its header is an error event, unless the part read already states a
  WARC-Type other than ``response``;
- a record whose block is cut is an error event (``warc_truncated``);
- a block whose Content-Length does not end at a record boundary is an error event; reading
  goes on at the next record (found inside the block when the length was too large);
- bytes where a record should start that are not one (garbage, a non-WARC file) are one
  error event, and reading goes on at the next ``WARC/`` line.
"""
from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from cleaners.record import ErrorInfo

CHUNK = 1 << 16
MAX_LINE = 1 << 16  # one WARC header line
MAX_HEADER_LINES = 1000
NEXT_RECORD = re.compile(rb"\r?\n\r?\n(?=WARC/\d)")
VERSION_LINE = re.compile(rb"WARC/\d\.\d+\r?\n$")


@dataclass
class Event:
    """A response record's header and block, or an error standing for one input."""

    headers: dict[str, str]
    block: bytes | None = None
    error: ErrorInfo | None = None


class Stream:
    """A file's bytes, gunzipped member by member when ``gz``, with peek and push-back.

    ``cut`` says why the bytes end early (a gzip member cut or corrupt); ``member_start``
    is the output offset where the member being read began.
    """

    def __init__(self, fh: BinaryIO, gz: bool) -> None:
        self.fh, self.gz = fh, gz
        self.buf = bytearray()
        self.offset = 0  # output bytes handed out so far
        self.produced = 0
        self.inflater: zlib._Decompress | None = None
        self.pending = b""
        self.eof = False
        self.cut: str | None = None
        self.member_start = 0

    def _fill(self) -> bool:
        while not self.eof:
            raw, self.pending = self.pending or self.fh.read(CHUNK), b""
            out = self._inflate(raw) if self.gz else raw
            if not raw and not out:
                self.eof = True
                return False
            if out:
                self.buf += out
                self.produced += len(out)
                return True
        return False

    def _inflate(self, raw: bytes) -> bytes:
        if not raw:  # end of file: what the member being read still holds
            if self.inflater is None:
                return b""
            out, cut = self.inflater.flush(), not self.inflater.eof
            self.inflater = None
            if cut:
                self.cut = "the file ends inside a gzip member"
            return out
        if self.inflater is None:
            self.inflater, self.member_start = zlib.decompressobj(wbits=31), self.produced
        try:
            out = self.inflater.decompress(raw, CHUNK)
        except zlib.error as exc:
            self.eof, self.cut = True, f"gzip data does not inflate: {exc}"
            return b""
        self.pending = self.inflater.unconsumed_tail
        if self.inflater.eof:
            self.pending += self.inflater.unused_data
            self.inflater = None
        return out

    def peek(self, n: int) -> bytes:
        while len(self.buf) < n and self._fill():
            pass
        return bytes(self.buf[:n])

    def read(self, n: int) -> bytes:
        self.peek(n)
        out = bytes(self.buf[:n])
        del self.buf[:n]
        self.offset += len(out)
        return out

    def skip(self, n: int) -> int:
        done = 0
        while done < n and (self.buf or self._fill()):
            step = min(n - done, len(self.buf))
            del self.buf[:step]
            done += step
        self.offset += done
        return done

    def readline(self, limit: int = MAX_LINE) -> bytes:
        start = 0
        while True:
            end = self.buf.find(b"\n", start, limit)
            if end >= 0:
                return self.read(end + 1)
            start = len(self.buf)
            if start >= limit or not self._fill():
                return self.read(min(len(self.buf), limit))

    def unread(self, data: bytes) -> None:
        self.buf[:0] = data
        self.offset -= len(data)

    def skip_newlines(self) -> None:
        while self.peek(1) in (b"\r", b"\n"):
            self.read(1)

    def resync(self) -> None:
        """Skip to the next line that starts a WARC record (or the end)."""
        self.readline()  # the rest of the current line
        while line := self.readline():
            if line.startswith(b"WARC/"):
                self.unread(line)
                return


def events(stream: Stream, max_bytes: int) -> Iterator[Event]:
    """One event per response record, cut record or stretch of unreadable bytes."""
    while True:
        stream.skip_newlines()
        if not stream.peek(1):
            if stream.cut and stream.member_start >= stream.offset:
                yield Event({}, error=ErrorInfo("warc_truncated", f"{stream.cut} before its "
                                                "record's WARC header could be read"))
            return
        head = stream.peek(5)
        if len(head) < 5 and b"WARC/".startswith(head):
            stream.skip(len(head))
            yield Event({}, error=ErrorInfo("warc_truncated", f"{stream.cut or 'the file ends'} "
                                            "inside a record's WARC header"))
            return
        if head != b"WARC/":
            offset = stream.offset
            stream.resync()
            yield Event({}, error=ErrorInfo("bad_record", f"bytes at offset {offset:,} are "
                                            "not a WARC record"))
            continue
        headers, state = read_header(stream)
        rtype = headers.get("warc-type", "").lower()
        wanted = rtype in ("", "response")
        if state == "cut" or (state == "interrupted" and wanted):
            if wanted:
                why = stream.cut or ("the file ends" if state == "cut" else "the next record starts")
                yield Event(headers, error=ErrorInfo(
                    "warc_truncated", f"{why} inside the record's WARC header"))
            continue
        if state == "malformed":
            stream.resync()
            if wanted:
                yield Event(headers, error=ErrorInfo(
                    "bad_record", f"WARC header with a line over {MAX_LINE:,} bytes or over "
                    f"{MAX_HEADER_LINES:,} lines"))
            continue
        if state == "interrupted":
            continue
        yield from _block(stream, headers, rtype == "response", max_bytes)


def read_header(stream: Stream) -> tuple[dict[str, str], str]:
    """The header fields (names lower-cased) and how the header ended: ``ok`` (a blank
    line), ``cut`` (the end of the file), ``interrupted`` (another record's ``WARC/`` line)
    or ``malformed`` (a line or a header too long)."""
    headers: dict[str, str] = {}
    name = ""
    stream.readline()  # the WARC/1.x version line
    for _ in range(MAX_HEADER_LINES):
        line = stream.readline()
        if not line.endswith(b"\n"):
            return headers, "malformed" if stream.peek(1) else "cut"
        if start := VERSION_LINE.search(line):  # a cut header runs into the next record
            stream.unread(line[start.start():])
            return headers, "interrupted"
        text = line.decode("utf-8", "replace").rstrip("\r\n")
        if not text:
            return headers, "ok"
        if text[:1] in " \t" and name:
            headers[name] += " " + text.strip()
            continue
        name, colon, value = text.partition(":")
        name = name.strip().lower()
        if colon:
            headers[name] = value.strip()
    return headers, "malformed"


def _block(stream: Stream, headers: dict[str, str], response: bool,
           max_bytes: int) -> Iterator[Event]:
    value = headers.get("content-length", "")
    if not value.isdigit():
        stream.resync()
        if response:
            yield Event(headers, error=ErrorInfo("bad_record",
                                                 f"invalid Content-Length {value[:40]!r}"))
        return
    length = int(value)
    if length > max_bytes:
        stream.skip(length)
        if response:
            yield Event(headers, error=ErrorInfo(
                "too_large", f"{length:,} bytes, over the {max_bytes:,} limit"))
        return
    block = stream.read(length)
    if len(block) == length and _at_boundary(stream):
        if response:
            yield Event(headers, block)
        return
    inner = NEXT_RECORD.search(block)
    if inner:  # the declared length runs into the next record: read on from there
        stream.unread(block[inner.end():])
    elif len(block) == length:
        stream.resync()
    if not response:
        return
    if inner or len(block) == length:
        yield Event(headers, error=ErrorInfo(
            "bad_record", f"Content-Length {length:,} does not end at a record boundary"))
    else:
        why = f": {stream.cut}" if stream.cut else ""
        yield Event(headers, error=ErrorInfo(
            "warc_truncated", f"record has {len(block):,} of its {length:,} bytes: cut short{why}"))


def _at_boundary(stream: Stream) -> bool:
    """Only line ends, then the next record or the end of the file, follow a block."""
    stream.skip_newlines()
    return b"WARC/".startswith(stream.peek(5))  # the end, or a record (maybe cut) next
