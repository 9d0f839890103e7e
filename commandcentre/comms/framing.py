"""Byte stream → complete lines, for the ``$…*hh\\r\\n`` dialects (NMEA 0183, BeiDou RDSS
2.1 and BD-3) and for line-oriented AT modems.

Serial bytes arrive in arbitrary chunks with noise in between (research-serial.md §5.2), so a
framer keeps state across :meth:`feed` calls, resynchronises on ``$``, caps the line length,
and reports everything it drops as a :class:`~.events.Reject` with a reason, counted in
``rejects``. Framing works on bytes only: Chinese payloads are GBK and the checksum covers
those raw bytes, so nothing is decoded as text before the checksum is verified. The GBK
trail-byte range (0x40-0xFE) never contains ``$ * , \\r \\n``, so splitting on them is safe.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import NamedTuple

from .events import EXCERPT_BYTES, Reject, RejectReason

BEIDOU_MAX_LINE = 1024  # BD-3 TCQ lines exceed 600 bytes (research-serial.md §5.2)
NMEA_MAX_LINE = 120  # NMEA 0183 says 82 with CR LF; receivers overrun it a little
AT_MAX_LINE = 1024  # a 140-octet PDU is 280 hex digits (+SMSC); room for vendor noise

_SENTENCE_DELIMS = re.compile(rb"[\r\n$]")
_LINE_DELIMS = re.compile(rb"[\r\n]")
_WHITESPACE = b" \t\r\n"  # NUL bursts (a break, a wrong baud rate) do count as noise
_HEXDIGITS = "0123456789ABCDEFabcdef"
_HEX_VALUE = {(a + b).encode(): int(a + b, 16) for a in _HEXDIGITS for b in _HEXDIGITS}
_ADDRESS_CHARS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


class Frame(NamedTuple):
    """One complete line (terminator removed) and the stream offset of its first byte."""

    offset: int
    data: bytes


class Sentence(NamedTuple):
    """A checksum-verified sentence: ``address`` (talker + type) and its raw byte fields."""

    offset: int
    address: str  # e.g. "GNRMC", "BDTXR"
    fields: list[bytes]
    raw: bytes  # the whole line from '$' through the checksum


def xor_checksum(body: bytes) -> int:
    """XOR of every byte of ``body`` (the bytes strictly between ``$`` and ``*``)."""
    # Fold the bytes as one integer: a handful of C-level big-int operations instead of a
    # Python loop per byte (XOR is associative, so folding at byte boundaries is exact).
    width = len(body)
    value = int.from_bytes(body, "little")
    while width > 8:
        half = (width + 1) >> 1
        value = (value & ((1 << (half << 3)) - 1)) ^ (value >> (half << 3))
        width = half
    value ^= value >> 32
    value ^= value >> 16
    value ^= value >> 8
    return value & 0xFF


def encode_sentence(address: str, fields: list[bytes | str]) -> bytes:
    """Build ``$ADDRESS,f1,…*HH\\r\\n``; str fields are GBK-encoded, checksum over the bytes."""
    parts = [address.encode("ascii")]
    parts += [f.encode("gbk") if isinstance(f, str) else bytes(f) for f in fields]
    body = b",".join(parts)
    return b"$" + body + b"*%02X\r\n" % xor_checksum(body)


def check_sentence(frame: Frame) -> Sentence | Reject:
    """Verify one framed line: start marker, ``*hh`` checksum, address shape; split fields."""
    offset, line = frame
    if line[:1] != b"$":
        return Reject.of(RejectReason.MALFORMED, line, offset, "no start marker")
    star = line.rfind(b"*")
    if star < 0:
        return Reject.of(RejectReason.NO_CHECKSUM, line, offset)
    body = line[1:star]
    given = _HEX_VALUE.get(line[star + 1:])
    if given is None:
        return Reject.of(RejectReason.MALFORMED, line, offset, "checksum not two hex digits")
    computed = xor_checksum(body)
    if given != computed:
        return Reject.of(RejectReason.BAD_CHECKSUM, line, offset,
                         f"given {given:02X}, computed {computed:02X}")
    address, *fields = body.split(b",")
    if not 5 <= len(address) <= 8 or address.translate(None, _ADDRESS_CHARS):
        return Reject.of(RejectReason.MALFORMED, line, offset, "bad address field")
    return Sentence(offset, address.decode("ascii"), fields, line)


class _Noise:
    """Bytes between lines: only the start offset, the first bytes and "anything visible"."""

    __slots__ = ("head", "start", "visible")

    def __init__(self) -> None:
        self.start: int | None = None
        self.head = bytearray()
        self.visible = False

    def add(self, data: bytes, offset: int) -> None:
        if not data:
            return
        if self.start is None:
            self.start = offset
        if len(self.head) < EXCERPT_BYTES:
            self.head += data[:EXCERPT_BYTES - len(self.head)]
        if not self.visible and data.strip(_WHITESPACE):
            self.visible = True

    def take(self) -> Reject | None:
        """The noise run as one reject (None if it was only whitespace); then reset."""
        if self.start is None:
            return None
        reject = None
        if self.visible:
            reject = Reject.of(RejectReason.NOISE, bytes(self.head).strip(_WHITESPACE),
                               self.start)
        self.start, self.head, self.visible = None, bytearray(), False
        return reject


class SentenceFramer:
    """Split a byte stream into ``$…`` lines; everything dropped becomes a counted Reject.

    A line starts at ``$`` and ends at CR or LF (CR LF, LF and CR alone all occur in the
    field). A ``$`` inside a line ends the line as ``truncated`` and starts a new one. A line
    longer than ``max_length`` bytes is rejected as ``too_long`` and the rest of it, up to the
    next terminator or ``$``, is skipped. Visible bytes between lines are one ``noise``
    reject per run (blank lines and stray CR/LF are not noise).
    """

    def __init__(self, max_length: int = BEIDOU_MAX_LINE) -> None:
        if max_length < 8:
            raise ValueError("max_length must leave room for a sentence")
        self.max_length = max_length
        self.rejects: Counter[str] = Counter()
        self._pos = 0  # stream offset of the next byte fed
        self._line: bytes | None = None  # an unfinished line from '$', across chunks
        self._line_start = 0
        self._skipping = False  # inside the remainder of an over-long line
        self._noise = _Noise()

    def _reject(self, out: list, reject: Reject | None) -> None:
        if reject is not None:
            self.rejects[reject.reason] += 1
            out.append(reject)

    def feed(self, data: bytes) -> list[Frame | Reject]:
        """Consume ``data``; return the lines completed and the rejects, in stream order."""
        out: list[Frame | Reject] = []
        data = bytes(data)
        n, i, base = len(data), 0, self._pos
        search = _SENTENCE_DELIMS.search
        # The current line is ``carry`` (bytes from earlier chunks) + data[start:i]; slicing
        # the chunk once per line, not byte by byte, keeps the common case to one copy.
        carry, start, self._line = self._line, 0, None
        while i < n:
            if carry is not None:
                room = self.max_length - len(carry) - (i - start)
                limit = min(n, i + room + 1)
                m = search(data, i, limit)
                if m is None:
                    if n - i <= room:
                        break  # the line continues in the next chunk
                    self._reject(out, Reject.of(
                        RejectReason.TOO_LONG, carry + data[start:start + EXCERPT_BYTES],
                        self._line_start, f"over {self.max_length}"))
                    carry, self._skipping, i = None, True, limit
                    continue
                j = m.start()
                if data[j] == 0x24:  # '$': resync on the new start marker
                    self._reject(out, Reject.of(RejectReason.TRUNCATED, carry + data[start:j],
                                                self._line_start, "new '$' before the end"))
                else:
                    out.append(Frame(self._line_start, carry + data[start:j]))
                    carry, i = None, j + 1
                    continue
            elif self._skipping:
                m = search(data, i)
                if m is None:
                    break
                j = m.start()
                self._skipping = False
                if data[j] != 0x24:
                    i = j + 1
                    continue
            else:
                m = search(data, i)
                j = n if m is None else m.start()
                self._noise.add(data[i:j], base + i)
                if m is None:
                    break
                # A noise run ends at a terminator (one reject per noise line) or at '$'.
                self._reject(out, self._noise.take())
                if data[j] != 0x24:
                    i = j + 1
                    continue
            carry, start, self._line_start, i = b"", j, base + j, j + 1  # a line starts at j
        if carry is not None:
            self._line = carry + data[start:]
        self._pos = base + n
        return out

    def flush(self) -> list[Frame | Reject]:
        """End of input: report a partial line (``truncated``) and pending noise."""
        out: list[Frame | Reject] = []
        if self._line is not None:
            self._reject(out, Reject.of(RejectReason.TRUNCATED, self._line, self._line_start,
                                        "end of input"))
            self._line = None
        self._skipping = False
        self._reject(out, self._noise.take())
        return out


class LineFramer:
    """Split an AT modem's output into lines (CR, LF or CR LF); blank lines are dropped.

    The ``> `` prompt after ``AT+CMGS=<n>`` has no terminator, so a line that starts with
    ``>`` is returned at once as the frame ``b">"``; anything after it on that line (some
    modems echo the PDU) is framed as usual.
    """

    def __init__(self, max_length: int = AT_MAX_LINE) -> None:
        self.max_length = max_length
        self.rejects: Counter[str] = Counter()
        self._pos = 0
        self._line = bytearray()
        self._line_start = 0
        self._skipping = False

    def feed(self, data: bytes) -> list[Frame | Reject]:
        """Consume ``data``; return the completed lines and rejects in stream order."""
        out: list[Frame | Reject] = []
        data = bytes(data)
        n, i, base = len(data), 0, self._pos
        while i < n:
            if not self._line and not self._skipping and data[i] == 0x3E:  # '>'
                out.append(Frame(base + i, b">"))
                i += 1
                if i < n and data[i] == 0x20:
                    i += 1
                continue
            m = _LINE_DELIMS.search(data, i)
            j = n if m is None else m.start()
            if self._skipping:
                if m is not None:
                    self._skipping = False
                i = j + 1
                continue
            if not self._line:
                self._line_start = base + i
            self._line += data[i:j]
            if len(self._line) > self.max_length:
                reject = Reject.of(RejectReason.TOO_LONG, bytes(self._line), self._line_start)
                self.rejects[reject.reason] += 1
                out.append(reject)
                self._line, self._skipping = bytearray(), m is None
            elif m is not None and self._line:
                out.append(Frame(self._line_start, bytes(self._line)))
                self._line = bytearray()
            i = j + 1
        self._pos = base + n
        return out

    def flush(self) -> list[Frame | Reject]:
        """End of input: a last line without terminator is still a line for AT output."""
        out: list[Frame | Reject] = []
        if self._line:
            out.append(Frame(self._line_start, bytes(self._line)))
        self._line, self._skipping = bytearray(), False
        return out
