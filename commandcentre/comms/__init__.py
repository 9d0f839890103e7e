"""Comms codecs: device bytes in, typed events out (no I/O, no threads, no Qt).

One module per protocol family, each pure and tested on captured lines:

* :mod:`.framing` — ``$…*hh`` and AT line framers with resync, length caps, reject counts
* :mod:`.nmea` — NMEA 0183 RMC / GGA / GLL positions
* :mod:`.beidou` — BeiDou RDSS short messages, 2.1 and BD-3, encode and decode
* :mod:`.sms_pdu` — SMS PDUs (TS 23.040) and modem responses (TS 27.005)
* :mod:`.hdap` — Hytera HDAP text (TMP) and location (LP) over UDP
* :mod:`.events` — the event and reject records they all return

:class:`StreamDecoder` puts a framer and the sentence tables together for one serial port
(or one capture file) and counts every sentence by type and every reject by reason.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from . import beidou, nmea
from .events import Decoded, Reject, RejectReason
from .framing import BEIDOU_MAX_LINE, NMEA_MAX_LINE, SentenceFramer, check_sentence
from .sms_pdu import AtDecoder

DIALECTS = ("auto", "nmea", "beidou", "at")
_SNIFF_BYTES = 65536


def sniff_dialect(data: bytes) -> str:
    """Guess ``at`` or ``beidou`` (which includes NMEA) from the first bytes of a capture."""
    head = data[:_SNIFF_BYTES]
    sentences = head.count(b"$")
    at_lines = sum(head.count(m) for m in (b"\nOK", b"+CM", b"+CDS", b"AT+", b"\nERROR"))
    return "at" if at_lines > sentences else "beidou"


class StreamDecoder:
    """Bytes of one stream → :class:`~.events.Decoded` and :class:`~.events.Reject`.

    ``nmea`` knows only NMEA positions (line cap 120), ``beidou`` knows RDSS 2.1 / BD-3 and
    the NMEA a terminal also outputs (line cap 1024), ``at`` is a modem in PDU mode.
    ``on_date`` gives GGA/GLL fixes a full ``fix_time``. ``sentences`` counts decoded items
    by type, ``rejects`` counts rejects by reason, across all calls.
    """

    def __init__(self, dialect: str = "beidou", *, on_date: date | None = None,
                 max_length: int | None = None) -> None:
        if dialect not in DIALECTS or dialect == "auto":
            raise ValueError(f"dialect must be one of nmea, beidou, at; not {dialect!r}")
        self.dialect = dialect
        self.on_date = on_date
        self.sentences: Counter[str] = Counter()
        self.rejects: Counter[str] = Counter()
        self._at = AtDecoder() if dialect == "at" else None
        default = NMEA_MAX_LINE if dialect == "nmea" else BEIDOU_MAX_LINE
        self._framer = SentenceFramer(max_length or default)

    def _count(self, items: list[Decoded | Reject]) -> list[Decoded | Reject]:
        for item in items:
            if isinstance(item, Reject):
                self.rejects[item.reason] += 1
            else:
                self.sentences[item.type] += 1
        return items

    def _sentences(self, frames) -> list[Decoded | Reject]:
        out: list[Decoded | Reject] = []
        for frame in frames:
            if isinstance(frame, Reject):
                out.append(frame)
                continue
            checked = check_sentence(frame)
            if isinstance(checked, Reject):
                out.append(checked)
                continue
            result = nmea.decode_sentence(checked, on_date=self.on_date)
            if result is None and self.dialect == "beidou":
                result = beidou.decode_sentence(checked)
            if result is None:
                out.append(Reject.of(RejectReason.UNKNOWN_TYPE, checked.raw, checked.offset,
                                     checked.address))
            elif isinstance(result, Reject):
                out.append(result)
            else:
                out.append(Decoded(checked.offset, checked.address, result))
        return out

    def feed(self, data: bytes) -> list[Decoded | Reject]:
        """Consume a chunk; return what it completed, in stream order."""
        if self._at is not None:
            return self._count(self._at.feed(data))
        return self._count(self._sentences(self._framer.feed(data)))

    def flush(self) -> list[Decoded | Reject]:
        """End of stream: report what is left half-received."""
        if self._at is not None:
            return self._count(self._at.flush())
        return self._count(self._sentences(self._framer.flush()))


@dataclass
class DecodeResult:
    """Everything decoded from one capture, with totals."""

    dialect: str
    items: list[Decoded | Reject] = field(default_factory=list)
    sentences: Counter[str] = field(default_factory=Counter)
    rejects: Counter[str] = field(default_factory=Counter)
    size: int = 0


def decode_capture(data: bytes, dialect: str = "auto", *, on_date: date | None = None,
                   chunk: int = 4096) -> DecodeResult:
    """Decode a whole raw capture as a port would receive it (in ``chunk``-byte reads)."""
    chosen = sniff_dialect(data) if dialect == "auto" else dialect
    decoder = StreamDecoder(chosen, on_date=on_date)
    result = DecodeResult(chosen, size=len(data))
    for start in range(0, len(data), chunk):
        result.items.extend(decoder.feed(data[start:start + chunk]))
    result.items.extend(decoder.flush())
    result.sentences, result.rejects = decoder.sentences, decoder.rejects
    return result
