"""NMEA 0183 positions: RMC, GGA and GLL from GPS, BeiDou and multi-constellation receivers.

Pure codec: a checksum-verified :class:`~.framing.Sentence` (or one raw line) in, a
:class:`~.events.Position`, :class:`~.events.NoFix`, :class:`~.events.OtherSentence` or
:class:`~.events.Reject` out; nothing here raises on device input. A line without a checksum
is rejected (pynmea2's default ``check=False`` would accept it, research-serial.md §2).

Talkers: GP (GPS), BD and GB (BeiDou; GB is the NMEA 4.11 spelling), GN (combined), and GL /
GA, which the same multi-constellation modules emit. ``ddmm.mmmm`` becomes decimal degrees
(see :data:`~.events.COORD_QUANTUM`); S and W are negative. RMC carries a date (``ddmmyy``,
years 80-99 → 19xx, 00-79 → 20xx); GGA and GLL carry only a time of day, so ``fix_time`` is
set only when the caller passes the date it knows (``on_date``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation

from .events import COORD_QUANTUM, NoFix, OtherSentence, Position, Reject, RejectReason
from .framing import Frame, Sentence, check_sentence

TALKERS = frozenset({"GP", "BD", "GB", "GN", "GL", "GA"})
POSITION_TYPES = frozenset({"RMC", "GGA", "GLL"})
# Recognised, checksum-checked and passed on as OtherSentence, but not interpreted here.
OTHER_TYPES = frozenset({"GSA", "GSV", "VTG", "ZDA", "TXT", "GST", "GNS", "GRS", "DTM", "GBS"})

_NUMBER_CHARS = b"0123456789.-+"
_SIXTY = Decimal(60)


class FieldError(ValueError):
    """A field value that cannot be what the sentence says it is."""


def ddmm_to_degrees(value: bytes, hemisphere: bytes, *, longitude: bool) -> Decimal:
    """``ddmm.mmmm`` (``dddmm.mmmm`` for longitude) + N/S/E/W → signed decimal degrees."""
    # Hand-parsed rather than a regex: this runs twice per fix (see benchmarks/comms_bench).
    head, dot, frac = value.partition(b".")
    if not 3 <= len(head) <= 5 or not head.isdigit() or len(frac) > 12 or (
            frac and not frac.isdigit()):
        raise FieldError(f"bad {'longitude' if longitude else 'latitude'} {value!r}")
    if hemisphere == (b"E" if longitude else b"N"):
        sign = 1
    elif hemisphere == (b"W" if longitude else b"S"):
        sign = -1
    else:
        raise FieldError(f"bad hemisphere {hemisphere!r}")
    degrees, whole_minutes, limit = int(head[:-2]), head[-2:], 180 if longitude else 90
    if whole_minutes >= b"60" or degrees > limit or (
            degrees == limit and (whole_minutes != b"00" or frac.strip(b"0"))):
        raise FieldError(f"coordinate out of range {value!r}")
    result = (degrees + Decimal((whole_minutes + dot + frac).decode()) / _SIXTY).quantize(
        COORD_QUANTUM)
    return result if sign > 0 else -result


def parse_time(value: bytes) -> time | None:
    """``hhmmss[.sss]`` → UTC time of day; empty → None."""
    if not value:
        return None
    hms, dot, frac = value.partition(b".")
    if len(hms) != 6 or not hms.isdigit() or (dot and not (frac.isdigit() and len(frac) <= 9)):
        raise FieldError(f"bad time {value!r}")
    hh, mm, ss = int(hms[:2]), int(hms[2:4]), int(hms[4:])
    if hh > 23 or mm > 59 or ss > 59:  # a leap second (60) is not representable: reject
        raise FieldError(f"time out of range {value!r}")
    return time(hh, mm, ss, int((frac + b"00000")[:6]) if frac else 0, tzinfo=UTC)


def parse_date(value: bytes) -> date | None:
    """``ddmmyy`` → date (80-99 → 19xx, else 20xx); empty → None."""
    if not value:
        return None
    if len(value) != 6 or not value.isdigit():
        raise FieldError(f"bad date {value!r}")
    yy = int(value[4:])
    try:
        return date(1900 + yy if yy >= 80 else 2000 + yy, int(value[2:4]), int(value[:2]))
    except ValueError:
        raise FieldError(f"date out of range {value!r}") from None


def _number(value: bytes) -> Decimal | None:
    if not value:
        return None
    if value.translate(None, _NUMBER_CHARS) or len(value) > 20:
        raise FieldError(f"bad number {value!r}")
    try:
        return Decimal(value.decode())
    except InvalidOperation:  # "-", ".", "1-2": the characters were right, the shape not
        raise FieldError(f"bad number {value!r}") from None


def _integer(value: bytes) -> int | None:
    if not value:
        return None
    if len(value) > 4 or not value.isdigit():
        raise FieldError(f"bad integer {value!r}")
    return int(value)


def _combine(day: date | None, tod: time | None) -> datetime | None:
    if day is None or tod is None:
        return None
    return datetime.combine(day, tod)


def _rmc(talker: str, f: list[bytes], on_date: date | None):
    if len(f) < 9:
        raise _Malformed("RMC needs 9 fields")
    tod = parse_time(f[0])
    mode = f[11] if len(f) > 11 else b""
    if f[1] != b"A":
        return NoFix(talker, "RMC", tod, "status_void")
    if mode == b"N":
        return NoFix(talker, "RMC", tod, "mode_n")
    lat = ddmm_to_degrees(f[2], f[3], longitude=False)
    lon = ddmm_to_degrees(f[4], f[5], longitude=True)
    day = parse_date(f[8]) or on_date
    return Position(lat, lon, tod, _combine(day, tod), talker, "RMC",
                    speed_knots=_number(f[6]), course_deg=_number(f[7]))


def _gga(talker: str, f: list[bytes], on_date: date | None):
    if len(f) < 6:
        raise _Malformed("GGA needs 6 fields")
    tod = parse_time(f[0])
    quality = _integer(f[5])
    if not quality:
        return NoFix(talker, "GGA", tod, "quality_0")
    lat = ddmm_to_degrees(f[1], f[2], longitude=False)
    lon = ddmm_to_degrees(f[3], f[4], longitude=True)
    f = [*f, b"", b"", b""]  # satellites, HDOP and altitude may be missing at the end
    return Position(lat, lon, tod, _combine(on_date, tod), talker, "GGA", quality=quality,
                    satellites=_integer(f[6]), hdop=_number(f[7]), altitude_m=_number(f[8]))


def _gll(talker: str, f: list[bytes], on_date: date | None):
    if len(f) < 4:
        raise _Malformed("GLL needs 4 fields")
    tod = parse_time(f[4]) if len(f) > 4 else None
    status = f[5] if len(f) > 5 else b"A"  # NMEA 1.x GLL had no status field
    mode = f[6] if len(f) > 6 else b""
    if status != b"A":
        return NoFix(talker, "GLL", tod, "status_void")
    if mode == b"N":
        return NoFix(talker, "GLL", tod, "mode_n")
    lat = ddmm_to_degrees(f[0], f[1], longitude=False)
    lon = ddmm_to_degrees(f[2], f[3], longitude=True)
    return Position(lat, lon, tod, _combine(on_date, tod), talker, "GLL")


class _Malformed(Exception):
    pass


_DECODERS = {"RMC": _rmc, "GGA": _gga, "GLL": _gll}


def decode_sentence(sentence: Sentence, *, on_date: date | None = None
                    ) -> Position | NoFix | OtherSentence | Reject | None:
    """Decode a verified sentence; None if it is not an NMEA type this module knows.

    ``on_date`` (UTC) gives GGA/GLL fixes a ``fix_time``; RMC uses its own date first.
    """
    address = sentence.address
    talker, kind = address[:2], address[2:]
    if talker not in TALKERS:
        return None
    decoder = _DECODERS.get(kind)
    if decoder is None:
        if kind in OTHER_TYPES:
            return OtherSentence(address, tuple(f.decode("latin-1") for f in sentence.fields))
        return None
    try:
        return decoder(talker, sentence.fields, on_date)
    except _Malformed as err:
        return Reject.of(RejectReason.MALFORMED, sentence.raw, sentence.offset, str(err))
    except FieldError as err:
        return Reject.of(RejectReason.BAD_FIELD, sentence.raw, sentence.offset, str(err))


def decode_line(line: bytes, *, on_date: date | None = None, offset: int = 0
                ) -> Position | NoFix | OtherSentence | Reject:
    """Check and decode one line (with or without CR LF): the whole path for one sentence."""
    checked = check_sentence(Frame(offset, line.rstrip(b"\r\n")))
    if isinstance(checked, Reject):
        return checked
    result = decode_sentence(checked, on_date=on_date)
    if result is None:
        return Reject.of(RejectReason.UNKNOWN_TYPE, checked.raw, offset, checked.address)
    return result
