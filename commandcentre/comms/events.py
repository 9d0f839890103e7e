"""Typed events the comms codecs produce: what a device said, already checked and decoded.

Every codec turns bytes into these frozen records and never raises on bad input: a line it
cannot use becomes a :class:`Reject` with a machine-readable ``reason`` (one of
:class:`RejectReason`) so the link layer can count it per port and show it in diagnostics.

Coordinates are :class:`~decimal.Decimal` degrees rounded half-even to 8 decimal places
(``COORD_QUANTUM``, about 1.1 mm at the equator), finer than any NMEA or Hytera LP input
(4-5 decimals of a minute, 0.2-0.02 m), so no precision that the device sent is lost; negative
is south / west. Times are UTC: ``time_of_day`` is what the sentence carried, ``fix_time`` is
an aware datetime only when a date is known (from RMC, or supplied by the caller for GGA/GLL).
"""

from __future__ import annotations

import dataclasses
import enum
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, NamedTuple

COORD_QUANTUM = Decimal("1e-8")
EXCERPT_BYTES = 64


class RejectReason(enum.StrEnum):
    """Why a line or frame was not turned into an event (stable strings: logged, counted)."""

    NOISE = "noise"  # bytes between sentences that are not a sentence
    TOO_LONG = "too_long"  # no terminator within the framer's maximum line length
    TRUNCATED = "truncated"  # a sentence cut short by a new start marker or end of input
    NO_CHECKSUM = "no_checksum"  # no '*hh' (NMEA / RDSS lines must carry one)
    BAD_CHECKSUM = "bad_checksum"  # checksum present but does not match the bytes
    MALFORMED = "malformed"  # wrong shape: field count, header, length field, terminator
    UNKNOWN_TYPE = "unknown_type"  # well formed, but not a sentence / service we know
    BAD_FIELD = "bad_field"  # a field value out of range or not parseable
    UNSUPPORTED = "unsupported"  # understood but deliberately not decoded (e.g. compression)


@dataclasses.dataclass(frozen=True, slots=True)
class Reject:
    """A line or frame that produced no event; ``excerpt`` is its first bytes (raw)."""

    reason: RejectReason
    excerpt: bytes
    offset: int | None = None  # byte offset in the stream, when the caller tracks one
    detail: str = ""  # developer-facing detail for logs, not UI text

    @classmethod
    def of(cls, reason: RejectReason, data: bytes, offset: int | None = None,
           detail: str = "") -> Reject:
        return cls(reason, bytes(data[:EXCERPT_BYTES]), offset, detail)


@dataclasses.dataclass(frozen=True, slots=True)
class Position:
    """A position fix (定位): from NMEA RMC/GGA/GLL or a Hytera LP report."""

    lat: Decimal
    lon: Decimal
    time_of_day: time | None  # UTC time the device stamped, if any
    fix_time: datetime | None  # aware UTC datetime, only when a date is known
    talker: str  # NMEA talker (GP, BD, GB, GN, ...) or "LP" for Hytera
    sentence: str  # RMC, GGA, GLL or LP
    speed_knots: Decimal | None = None
    course_deg: Decimal | None = None
    altitude_m: Decimal | None = None
    quality: int | None = None  # GGA fix quality (1 GPS, 2 DGPS, 4 RTK fixed, ...)
    satellites: int | None = None
    hdop: Decimal | None = None
    source_id: str | None = None  # the reporting radio / terminal, when the protocol says


@dataclasses.dataclass(frozen=True, slots=True)
class NoFix:
    """A valid sentence saying the device has no position (status V, quality 0, empty)."""

    talker: str
    sentence: str
    time_of_day: time | None
    reason: str  # "status_void", "quality_0", "mode_n", "empty_position"
    source_id: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class ShortMessage:
    """A text message (短报文 / radio text) received or, for captured commands, sent.

    ``mode`` is ``hanzi`` (raw GBK), ``code`` (hex digits), ``mixed`` (A4 + hex of GBK) or
    ``utf16le`` (Hytera TMP). ``payload`` is the content bytes after undoing the mode;
    ``decoded`` is False when the content did not follow its mode and ``text`` is the raw
    content as received (vendors do this; see research-serial.md §1.3).
    """

    sender: str | None
    recipient: str | None
    text: str
    mode: str
    raw: bytes
    payload: bytes = b""
    decoded: bool = True
    direction: str = "in"  # "in" from the device, "out" = a command we or another PC sent
    info_class: str | None = None  # TXR 信息类别 / TCQ 频点 as sent
    sent_time: str | None = None  # TXR 发信时间 (hhmm) / TCI hhmmss, as sent


@dataclasses.dataclass(frozen=True, slots=True)
class SendFeedback:
    """$BDFKI: the terminal accepted or refused a transmit. Not a delivery receipt."""

    command: str  # TXA, TCQ, DWA, ...
    accepted: bool
    dialect: str  # "2.1" or "bd3"
    freq_ok: bool | None = None  # 2.1 频度设置指示
    inhibit: int | None = None  # 2.1 发射抑制指示 0-3
    fail_code: int | None = None  # BD-3 失败原因 (table incomplete: keep unknown codes)
    reason: str | None = None  # machine name of the inhibit / failure code, if known
    wait_s: int | None = None  # seconds to wait before the next transmit, if given
    wait_raw: str = ""  # the wait field as sent (its unit is not certain, see beidou.py)
    time_of_day: time | None = None  # BD-3 only


@dataclasses.dataclass(frozen=True, slots=True)
class CardInfo:
    """$BDICI / $BDICP: the terminal's BeiDou card (北斗卡); ``present`` False = no card."""

    address: str
    present: bool
    sentence: str  # ICI or ICP
    serial: str | None = None
    broadcast: str | None = None
    user_class: int | None = None
    service_interval_s: Decimal | None = None  # 服务频度: minimum seconds between sends
    comm_level: int | None = None  # 通信等级 1-4 (sets the message length limit)
    encrypted: bool | None = None
    subordinates: int | None = None
    extra: tuple[str, ...] = ()  # fields we keep but cannot name (ICP)


@dataclasses.dataclass(frozen=True, slots=True)
class BeamStatus:
    """$BDBSI (2.1) beam power levels 0-4; ``usable`` when a response beam is reported."""

    response_beam: int
    timediff_beam: int
    powers: tuple[int, ...]
    usable: bool


@dataclasses.dataclass(frozen=True, slots=True)
class SignalPower:
    """$BDPWI (BD-3) per-beam carrier-to-noise; ``beams`` = (beam, S2C_d, S2C_p) dB-Hz."""

    time_of_day: time | None
    bd12_count: int
    bd3_count: int
    beams: tuple[tuple[int, int | None, int | None], ...]
    usable: bool  # a time is known and a beam has S2C_d > 45 dB-Hz (MBA05 rule)


@dataclasses.dataclass(frozen=True, slots=True)
class TerminalCommand:
    """A PC → terminal command seen in a capture ($CCICA, $CCICR, $CCRMO, ...)."""

    sentence: str
    fields: tuple[str, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class OtherSentence:
    """A checksum-valid sentence of a known type we do not interpret (GSV, GSA, VTG, ...)."""

    sentence: str
    fields: tuple[str, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class SmsIndication:
    """+CMTI / +CDSI: a message (or status report) was stored at ``storage`` ``index``."""

    storage: str
    index: int
    report: bool = False  # True for +CDSI (a status report was stored)


@dataclasses.dataclass(frozen=True, slots=True)
class ConcatInfo:
    """Concatenated-SMS header (UDH IEI 0x00 8-bit ref, 0x08 16-bit ref)."""

    reference: int
    total: int
    seq: int
    wide: bool  # 16-bit reference


@dataclasses.dataclass(frozen=True, slots=True)
class SmsMessage:
    """An SMS read from the modem (SMS-DELIVER, or a stored SMS-SUBMIT)."""

    sender: str | None
    recipient: str | None
    text: str
    encoding: str  # gsm7, ucs2, 8bit
    sent_at: datetime | None  # SC timestamp with its zone (DELIVER only)
    smsc: str | None = None
    concat: ConcatInfo | None = None
    index: int | None = None  # storage index from +CMGR, if known
    raw: bytes = b""  # the PDU octets
    parts: int = 1  # >1 once joined from concatenated parts


@dataclasses.dataclass(frozen=True, slots=True)
class DeliveryReport:
    """SMS-STATUS-REPORT (+CDS): what became of the message with ``reference``."""

    reference: int
    recipient: str | None
    status: int  # TP-ST
    state: str  # delivered, pending, failed
    submitted_at: datetime | None
    discharged_at: datetime | None
    smsc: str | None = None
    raw: bytes = b""


@dataclasses.dataclass(frozen=True, slots=True)
class SmsSubmitted:
    """+CMGS: the modem handed the message to the network; ``reference`` = TP-MR."""

    reference: int


@dataclasses.dataclass(frozen=True, slots=True)
class AtResult:
    """A final result code: OK, ERROR, +CMS ERROR: n, +CME ERROR: n."""

    ok: bool
    kind: str  # OK, ERROR, CMS, CME
    code: int | None = None
    text: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class AtPrompt:
    """The '> ' prompt after AT+CMGS=<n>: the modem waits for the PDU and Ctrl-Z."""


@dataclasses.dataclass(frozen=True, slots=True)
class AtLine:
    """Any other modem line (echo, +CSQ, RING, ...), kept verbatim."""

    text: str


@dataclasses.dataclass(frozen=True, slots=True)
class RadioTextAck:
    """Hytera TMP acknowledgement for a text we sent (``ok`` = result code 0)."""

    request_id: int
    result_code: int
    result: str
    ok: bool
    destination: str
    source: str | None
    group: bool


Event = (Position | NoFix | ShortMessage | SendFeedback | CardInfo | BeamStatus | SignalPower
         | TerminalCommand | OtherSentence | SmsIndication | SmsMessage | DeliveryReport
         | SmsSubmitted | AtResult | AtPrompt | AtLine | RadioTextAck)


class Decoded(NamedTuple):
    """An event with where it came from: stream byte ``offset`` and sentence ``type``."""

    offset: int
    type: str  # GNRMC, BDTXR, +CMTI, TMP, ...
    event: Event


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if dataclasses.is_dataclass(value):
        return to_dict(value)
    return value


def excerpt_text(data: bytes) -> str:
    """A printable rendering of raw bytes (GBK where it decodes, ``\\xNN`` elsewhere)."""
    return data.decode("gbk", "backslashreplace")


def to_dict(event: Any) -> dict[str, Any]:
    """A JSON-ready dict of an event: Decimal as text, times ISO 8601, bytes as hex."""
    out: dict[str, Any] = {"event": type(event).__name__}
    for f in dataclasses.fields(event):
        value = getattr(event, f.name)
        if isinstance(event, Reject) and f.name == "excerpt":
            out["excerpt"] = excerpt_text(value)
            continue
        out[f.name] = _plain(value)
    return out
