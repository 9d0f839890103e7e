"""SMS over a serial modem: 3GPP TS 23.040 PDUs and TS 27.005 AT responses in PDU mode.

Pure codec. :func:`decode_pdu` reads SMS-DELIVER, SMS-SUBMIT (stored) and SMS-STATUS-REPORT;
:class:`SmsReassembler` joins parts (UDH IEI 0x00 and 0x08); :class:`AtDecoder` turns modem
output (+CMTI, +CMGR, +CMT, +CDS, +CMGS, OK, ERROR, +CMS ERROR) into events. Decoders never
raise on modem input: bad PDUs become :class:`~.events.Reject`. The encoders live in
:mod:`.sms_encode` and are re-exported here: :func:`encode_submit` (SMS-SUBMIT, GSM 7-bit or
UCS2, split into concatenated parts with a UDH when long) with :meth:`SubmitPart.cmgs` for
the ``AT+CMGS`` exchange, :func:`encode_deliver` and :func:`encode_status_report`.

Chinese text goes as UCS2 (UTF-16-BE; a pair of surrogates is never split across parts).
The modem setup is ``AT+CMGF=0`` (PDU mode) and ``AT+CNMI=2,1,0,1,0`` (+CMTI indications,
+CDS status reports); :data:`SETUP_COMMANDS`.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from .events import (
    AtLine,
    AtPrompt,
    AtResult,
    ConcatInfo,
    Decoded,
    DeliveryReport,
    Reject,
    RejectReason,
    SmsIndication,
    SmsMessage,
    SmsSubmitted,
)
from .framing import LineFramer

GSM7_BASIC = ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
              "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXTENSION = {0x0A: "\x0c", 0x14: "^", 0x28: "{", 0x29: "}", 0x2F: "\\", 0x3C: "[",
                  0x3D: "~", 0x3E: "]", 0x40: "|", 0x65: "€"}
_TO_GSM7 = {c: (i,) for i, c in enumerate(GSM7_BASIC) if i != 0x1B}
_TO_GSM7.update({c: (0x1B, i) for i, c in GSM7_EXTENSION.items()})
_BCD = "0123456789*#abc"  # TS 24.008 BCD digits; 0xF is the filler
SETUP_COMMANDS = (b"AT+CMGF=0\r", b"AT+CNMI=2,1,0,1,0\r")
# TS 27.005 §3.2.5 <err> values a duty-room operator may meet.
CMS_ERRORS = {300: "ME failure", 301: "SMS service of ME reserved", 302: "operation not allowed",
              303: "operation not supported", 304: "invalid PDU mode parameter",
              305: "invalid text mode parameter", 310: "SIM not inserted",
              311: "SIM PIN required", 313: "SIM failure", 314: "SIM busy", 315: "SIM wrong",
              316: "SIM PUK required", 320: "memory failure", 321: "invalid memory index",
              322: "memory full", 330: "SMSC address unknown", 331: "no network service",
              332: "network timeout", 500: "unknown error"}
_ENCODERS = ("TP_ST", "EncodedPdu", "SubmitPart", "encode_deliver", "encode_status_report",
             "encode_submit")


def __getattr__(name: str):
    # The encoders build on this module's alphabets, so they are re-exported lazily (PEP 562)
    # rather than imported at the top, which would be a cycle.
    if name in _ENCODERS:
        from . import sms_encode

        return getattr(sms_encode, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class PduError(ValueError):
    """A PDU that does not parse; becomes a Reject with ``reason``."""

    def __init__(self, message: str, reason: RejectReason = RejectReason.MALFORMED):
        super().__init__(message)
        self.reason = reason


# -- alphabets -------------------------------------------------------------------------

def gsm7_septets(text: str) -> list[int] | None:
    """Septets for ``text`` in the GSM default alphabet (+ extension), or None if it can't."""
    out: list[int] = []
    for ch in text:
        code = _TO_GSM7.get(ch)
        if code is None:
            return None
        out.extend(code)
    return out


def pack_septets(septets: list[int], fill_bits: int = 0) -> bytes:
    """Pack 7-bit values LSB first, after ``fill_bits`` zero bits (UDH alignment)."""
    value = 0
    for n, s in enumerate(septets):
        value |= s << (fill_bits + 7 * n)
    return value.to_bytes((fill_bits + 7 * len(septets) + 7) // 8, "little")


def unpack_septets(data: bytes, count: int, fill_bits: int = 0) -> list[int]:
    """The first ``count`` septets of ``data`` after ``fill_bits`` (fewer if data ends)."""
    count = min(count, (len(data) * 8 - fill_bits) // 7)
    value = int.from_bytes(data, "little") >> fill_bits
    return [(value >> (7 * n)) & 0x7F for n in range(max(count, 0))]


def gsm7_decode(septets: list[int]) -> str:
    """Septets → text; an unknown escape shows the basic character (TS 23.038 §6.2.1.1)."""
    out, escape = [], False
    for s in septets:
        if escape:
            out.append(GSM7_EXTENSION.get(s, GSM7_BASIC[s] if s != 0x1B else " "))
            escape = False
        elif s == 0x1B:
            escape = True
        else:
            out.append(GSM7_BASIC[s])
    return "".join(out)


# -- fields ----------------------------------------------------------------------------

def _digits(octets: bytes, count: int | None = None) -> str:
    nibbles = [n for b in octets for n in (b & 0x0F, b >> 4)]
    if count is not None:
        nibbles = nibbles[:count]
    return "".join(_BCD[n] for n in nibbles if n != 0x0F)


class _Reader:
    __slots__ = ("data", "pos")

    def __init__(self, data: bytes):
        self.data, self.pos = data, 0

    def take(self, n: int, what: str) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise PduError(f"PDU ends inside {what}")
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def byte(self, what: str) -> int:
        return self.take(1, what)[0]

    def address(self, what: str) -> str | None:
        count = self.byte(what)  # useful semi-octets; the type octet is always present
        toa = self.byte(what)
        octets = self.take((count + 1) // 2, what)
        if count == 0:
            return None
        if (toa >> 4) & 0x07 == 0x05:  # alphanumeric sender (e.g. "10086" brands)
            return gsm7_decode(unpack_septets(octets, count * 4 // 7))
        number = _digits(octets, count)
        return "+" + number if (toa >> 4) & 0x07 == 0x01 else number

    def smsc(self) -> str | None:
        count = self.byte("SMSC")
        if count == 0:
            return None
        toa = self.byte("SMSC")
        number = _digits(self.take(count - 1, "SMSC"))
        return "+" + number if (toa >> 4) & 0x07 == 0x01 else number

    def timestamp(self, what: str) -> datetime:
        raw = self.take(7, what)
        digits = [(b & 0x0F) * 10 + (b >> 4) for b in raw[:6]]
        tz = raw[6]
        if any((b & 0x0F) > 9 or (b >> 4) > 9 for b in raw[:6]):
            raise PduError(f"{what} is not BCD", RejectReason.BAD_FIELD)
        quarters = (tz & 0x07) * 10 + (tz >> 4)
        if (tz >> 4) > 9 or quarters > 56:
            quarters = 0  # a zone octet that is not BCD (seen: E1) is read as UTC, as smslib does
        try:
            zone = timezone(timedelta(minutes=(-15 if tz & 0x08 else 15) * quarters))
            yy, mo, dd, hh, mi, ss = digits
            return datetime(2000 + yy if yy < 80 else 1900 + yy, mo, dd, hh, mi, ss, tzinfo=zone)
        except ValueError as err:
            raise PduError(f"{what}: {err}", RejectReason.BAD_FIELD) from None


def _alphabet(dcs: int) -> str:
    group = dcs >> 4
    if group < 8:  # general data coding (00xx) and auto-deletion (01xx)
        if dcs & 0x20:
            raise PduError("compressed user data", RejectReason.UNSUPPORTED)
        return ("gsm7", "8bit", "ucs2", "gsm7")[(dcs >> 2) & 0x03]
    if group == 0x0E:
        return "ucs2"
    if group == 0x0F:
        return "8bit" if dcs & 0x04 else "gsm7"
    return "gsm7"  # message waiting groups C/D, reserved groups 8-B: default alphabet


def _user_data(r: _Reader, udhi: bool, alphabet: str) -> tuple[str, ConcatInfo | None]:
    udl = r.byte("TP-UDL")
    rest = r.data[r.pos:]
    concat, header_len = None, 0
    if udhi:
        if not rest:
            raise PduError("UDHI set but no user data")
        header_len = rest[0] + 1
        header = rest[1:header_len]
        if len(header) != header_len - 1:
            raise PduError("UDH longer than the PDU")
        i = 0
        while i < len(header):
            if i + 2 > len(header) or i + 2 + header[i + 1] > len(header):
                raise PduError("UDH element overruns the header")
            iei, data = header[i], header[i + 2:i + 2 + header[i + 1]]
            i += 2 + header[i + 1]
            if iei == 0x00 and len(data) == 3:
                ref, total, seq, wide = data[0], data[1], data[2], False
            elif iei == 0x08 and len(data) == 4:
                ref, total, seq, wide = (data[0] << 8) | data[1], data[2], data[3], True
            else:
                continue
            if total and 1 <= seq <= total:  # TS 23.040 §9.2.3.24.1: ignore bad values
                concat = ConcatInfo(ref, total, seq, wide)
    if alphabet == "gsm7":
        skip = (header_len * 8 + 6) // 7  # septets taken by the UDH and its fill bits
        fill = skip * 7 - header_len * 8
        # Lenient on TP-UDL: modems (ZTE, and python-gsmmodem's captures) overstate it.
        text = gsm7_decode(unpack_septets(rest[header_len:], udl - skip, fill))
    else:
        body = rest[header_len:udl] if udl >= header_len else b""
        if alphabet == "ucs2":
            text = body[:len(body) // 2 * 2].decode("utf-16-be", "replace")
        else:
            text = body.decode("latin-1")
    return text, concat


def decode_pdu(pdu: bytes | str, *, tpdu_length: int | None = None, index: int | None = None
               ) -> SmsMessage | DeliveryReport | Reject:
    """Decode one PDU (hex text or octets) as read from the modem, SMSC prefix included.

    ``tpdu_length`` is the length the modem announced (+CMGR / +CMT / +CDS); when it equals
    the whole PDU, the modem sent no SMSC prefix (some do for +CDS).
    """
    try:
        data = bytes.fromhex(pdu) if isinstance(pdu, str) else bytes(pdu)
    except ValueError:
        return Reject.of(RejectReason.MALFORMED, str(pdu).encode("latin-1", "replace"),
                         detail="not hex")
    try:
        r = _Reader(data)
        smsc = None if tpdu_length == len(data) else r.smsc()
        first = r.byte("first octet")
        mti, udhi = first & 0x03, bool(first & 0x40)
        if mti == 0x02:  # SMS-STATUS-REPORT
            reference = r.byte("TP-MR")
            recipient = r.address("TP-RA")
            submitted = r.timestamp("TP-SCTS")
            discharged = r.timestamp("TP-DT")
            status = r.byte("TP-ST")
            state = "delivered" if status < 0x20 else "pending" if status < 0x40 else "failed"
            if status >= 0x60:
                state = "failed"  # temporary error, SC no longer trying
            return DeliveryReport(reference, recipient, status, state, submitted, discharged,
                                  smsc, data)
        if mti == 0x00:  # SMS-DELIVER
            sender = r.address("TP-OA")
            r.byte("TP-PID")
            alphabet = _alphabet(r.byte("TP-DCS"))
            sent_at = r.timestamp("TP-SCTS")
            text, concat = _user_data(r, udhi, alphabet)
            return SmsMessage(sender, None, text, alphabet, sent_at, smsc, concat, index, data)
        if mti == 0x01:  # SMS-SUBMIT (a stored outgoing message)
            r.byte("TP-MR")
            recipient = r.address("TP-DA")
            r.byte("TP-PID")
            alphabet = _alphabet(r.byte("TP-DCS"))
            r.take({0x00: 0, 0x10: 1}.get(first & 0x18, 7), "TP-VP")
            text, concat = _user_data(r, udhi, alphabet)
            return SmsMessage(None, recipient, text, alphabet, None, smsc, concat, index, data)
        return Reject.of(RejectReason.UNKNOWN_TYPE, data, detail="reserved TP-MTI")
    except PduError as err:
        return Reject.of(err.reason, data, detail=str(err))


# -- joining parts ---------------------------------------------------------------------

class SmsReassembler:
    """Join concatenated parts into one message; pure, so the caller expires stale sets."""

    def __init__(self) -> None:
        self._sets: dict[tuple, dict[int, SmsMessage]] = {}

    def add(self, message: SmsMessage) -> SmsMessage | None:
        """A complete message (this one if it is not a part), or None while parts are due."""
        c = message.concat
        if c is None:
            return message
        key = (message.sender, message.recipient, c.reference, c.total, c.wide)
        got = self._sets.setdefault(key, {})
        got[c.seq] = message  # a repeated part replaces the earlier copy
        if len(got) < c.total:
            return None
        del self._sets[key]
        ordered = [got[n] for n in range(1, c.total + 1)]
        head = ordered[0]
        return SmsMessage(head.sender, head.recipient, "".join(p.text for p in ordered),
                          head.encoding, head.sent_at, head.smsc, None, head.index,
                          b"".join(p.raw for p in ordered), parts=c.total)

    def pending(self) -> int:
        """How many concatenated messages are still missing parts."""
        return len(self._sets)


# -- AT responses ----------------------------------------------------------------------

_CMTI = re.compile(r'\+(CMTI|CDSI): *"?([A-Za-z]{1,4})"?, *(\d{1,5})\Z')
_FINAL = re.compile(r"\+(CMS|CME) ERROR: *(.*)\Z")
_PDU_HEADER = re.compile(r"\+(CMGR|CMT|CDS|CMGL): *(.*)\Z")
_HEXLINE = re.compile(r"(?:[0-9A-Fa-f]{2})+\Z")
_ECHO_CMGR = re.compile(r"AT\+CMGR=(\d{1,5})", re.IGNORECASE)
_PRINTABLE = bytes(range(0x20, 0x7F)) + b"\t\x1a"  # Ctrl-Z ends an echoed PDU


class AtDecoder:
    """Modem output bytes → events: one per line, a PDU joined to the header before it."""

    def __init__(self) -> None:
        self.framer = LineFramer()
        self._header: tuple[str, int, int | None, int | None, bytes] | None = None
        self._read_index: int | None = None  # from an echoed AT+CMGR=<n>

    def feed(self, data: bytes) -> list[Decoded | Reject]:
        """Consume modem output; return events and rejects in stream order."""
        return self._lines(self.framer.feed(data))

    def flush(self) -> list[Decoded | Reject]:
        """End of input: a header still waiting for its PDU is ``truncated``."""
        out = self._lines(self.framer.flush())
        if self._header is not None:
            kind, offset, _index, _length, line = self._header
            out.append(Reject.of(RejectReason.TRUNCATED, line, offset, f"+{kind} without PDU"))
            self._header = None
        return out

    def _lines(self, frames) -> list[Decoded | Reject]:
        out: list[Decoded | Reject] = []
        for frame in frames:
            if isinstance(frame, Reject):
                out.append(frame)
                continue
            text = frame.data.decode("latin-1").strip()
            if self._header is not None:
                kind, offset, index, length, line = self._header
                self._header = None
                if _HEXLINE.match(text):
                    result = decode_pdu(text, tpdu_length=length, index=index)
                    if isinstance(result, Reject):
                        out.append(Reject.of(result.reason, frame.data, frame.offset,
                                             result.detail))
                    else:
                        out.append(Decoded(offset, "+" + kind, result))
                    continue
                out.append(Reject.of(RejectReason.MALFORMED, line, offset,
                                     f"+{kind} not followed by a PDU"))
            out.extend(self._line(frame.offset, frame.data, text))
        return out

    def _line(self, offset: int, raw: bytes, text: str) -> list[Decoded | Reject]:
        if raw.translate(None, _PRINTABLE):  # PDU-mode output is printable ASCII only
            return [Reject.of(RejectReason.NOISE, raw, offset)]
        if text in ("OK", "ERROR"):
            return [Decoded(offset, text, AtResult(text == "OK", text))]
        if text == ">":
            return [Decoded(offset, ">", AtPrompt())]
        if m := _FINAL.match(text):
            value = m.group(2).strip()
            code = int(value) if value.isdigit() and len(value) < 6 else None
            label = CMS_ERRORS.get(code, "") if m.group(1) == "CMS" else ""
            return [Decoded(offset, f"+{m.group(1)} ERROR",
                            AtResult(False, m.group(1), code, label or value))]
        if m := _CMTI.match(text):
            report = m.group(1) == "CDSI"
            return [Decoded(offset, "+" + m.group(1),
                            SmsIndication(m.group(2), int(m.group(3)), report))]
        if text.startswith("+CMGS:"):
            value = text[6:].split(",")[0].strip()
            if value.isdigit() and len(value) < 4:
                return [Decoded(offset, "+CMGS", SmsSubmitted(int(value)))]
            return [Reject.of(RejectReason.BAD_FIELD, raw, offset, "bad +CMGS reference")]
        if m := _PDU_HEADER.match(text):
            params = [p.strip() for p in m.group(2).split(",")]
            if not params[-1].isdigit() or len(params[-1]) > 4:
                return [Reject.of(RejectReason.BAD_FIELD, raw, offset, "bad PDU length")]
            index = self._read_index if m.group(1) == "CMGR" else None
            if m.group(1) == "CMGL" and params[0].isdigit() and len(params[0]) < 6:
                index = int(params[0])
            self._header = (m.group(1), offset, index, int(params[-1]), raw)
            return []
        if m := _ECHO_CMGR.match(text):
            self._read_index = int(m.group(1))
        return [Decoded(offset, "AT" if text[:2].upper() == "AT" else "LINE", AtLine(text))]
