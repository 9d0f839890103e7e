"""SMS PDU encoders (3GPP TS 23.040): SMS-SUBMIT to send, SMS-DELIVER and SMS-STATUS-REPORT as
a network would hand them to a modem (for the simulated modem and for tests).

Every PDU starts with the SMSC field (TS 24.011 RP address: length octet, type, BCD digits;
``00`` = the modem's default SMSC), as ``AT+CMGS`` wants it and ``AT+CMGR`` / ``+CDS`` print
it (TS 27.005 §3.1 ``<pdu>``). Text goes as GSM 7-bit when every character is in the default
alphabet (TS 23.038 §6.2.1), else UCS2; long text is split into concatenated parts with the
UDH of TS 23.040 §9.2.3.24.1 (8-bit reference) or §9.2.3.24.8 (16-bit), never inside a GSM
escape pair or a UTF-16 surrogate pair. :func:`~.sms_pdu.decode_pdu` reads back all three;
the functions are re-exported by :mod:`.sms_pdu`.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from .sms_pdu import gsm7_septets, pack_septets

# TS 23.040 §9.2.3.15 TP-Status values a simulator or test needs by name.
TP_ST = {"delivered": 0x00, "forwarded_unconfirmed": 0x01, "replaced": 0x02,
         "congestion": 0x20, "sme_busy": 0x21, "no_response": 0x22,
         "remote_procedure_error": 0x40, "incompatible_destination": 0x41,
         "connection_rejected": 0x42, "not_obtainable": 0x43, "validity_expired": 0x46,
         "deleted_by_sender": 0x47, "deleted_by_sc": 0x48, "not_exist": 0x49,
         "gave_up_congestion": 0x60, "gave_up_sme_busy": 0x61, "gave_up_no_response": 0x62}


@dataclass(frozen=True, slots=True)
class EncodedPdu:
    """One PDU, SMSC field first; ``tpdu_length`` counts the octets after the SMSC field
    (the ``<length>`` of ``AT+CMGS``, ``+CMGR``, ``+CMT`` and ``+CDS``, TS 27.005 §3.1)."""

    pdu: bytes
    tpdu_length: int

    @property
    def hex(self) -> str:
        return self.pdu.hex().upper()


@dataclass(frozen=True, slots=True)
class SubmitPart(EncodedPdu):
    """One SMS-SUBMIT PDU (SMSC field first) ready for ``AT+CMGS``."""

    def cmgs(self) -> tuple[bytes, bytes]:
        """(``AT+CMGS=<n>\\r``, ``<hex PDU><Ctrl-Z>``): send the second after the '>' prompt
        (TS 27.005 §4.3)."""
        return b"AT+CMGS=%d\r" % self.tpdu_length, self.hex.encode("ascii") + b"\x1a"


# -- fields ----------------------------------------------------------------------------

def _address_octets(number: str) -> tuple[int, bytes, int]:
    """(type of address, BCD octets, digit count) for a dialled number (TS 23.040 §9.1.2.5)."""
    toa, digits = (0x91, number[1:]) if number.startswith("+") else (0x81, number)
    if not digits or not digits.isdigit() or len(digits) > 20 or not digits.isascii():
        raise ValueError(f"not a phone number: {number!r}")
    padded = digits + ("F" if len(digits) % 2 else "")
    octets = bytes(int(padded[i + 1] + padded[i], 16) for i in range(0, len(padded), 2))
    return toa, octets, len(digits)


def _address(number: str, *, alphanumeric: bool = False) -> bytes:
    """A TP-OA / TP-DA / TP-RA field: useful semi-octets, type of address, value.

    With ``alphanumeric``, a sender that is not a number (an operator's brand name) goes as
    TON 101 in packed GSM 7-bit, at most 11 characters (TS 23.040 §9.1.2.5, TS 23.038 §6.2.1).
    """
    try:
        toa, octets, count = _address_octets(number)
    except ValueError:
        septets = gsm7_septets(number) if alphanumeric and number else None
        if septets is None or len(septets) > 11:
            raise
        octets = pack_septets(septets)
        return bytes([(7 * len(septets) + 3) // 4, 0xD0]) + octets
    return bytes([count, toa]) + octets


def _smsc_field(smsc: str | None) -> bytes:
    if not smsc:
        return b"\x00"
    toa, digits, _ = _address_octets(smsc)
    return bytes([len(digits) + 1, toa]) + digits


def _timestamp(when: datetime) -> bytes:
    """TP-SCTS / TP-DT (TS 23.040 §9.2.3.11): swapped BCD, the zone in signed quarter hours.

    ``when`` must be aware, 1980-2079, with a whole-quarter-hour offset within ±14 h;
    microseconds are dropped (the field has whole seconds).
    """
    offset = when.utcoffset()
    if offset is None:
        raise ValueError("a service-centre time needs a time zone")
    minutes = offset // timedelta(minutes=1)
    if offset % timedelta(minutes=15) or abs(minutes) > 14 * 60:
        raise ValueError(f"zone offset {offset} is not whole quarter hours within ±14 h")
    if not 1980 <= when.year <= 2079:
        raise ValueError(f"year {when.year} does not fit a two-digit SC timestamp")
    quarters = abs(minutes) // 15
    fields = (when.year % 100, when.month, when.day, when.hour, when.minute, when.second)
    zone = ((quarters % 10) << 4) | (quarters // 10) | (0x08 if minutes < 0 else 0)
    return bytes(((v % 10) << 4) | (v // 10) for v in fields) + bytes([zone])


def _validity(period: timedelta) -> int:
    """TP-VP relative format (TS 23.040 §9.2.3.12.1), rounded down to a representable step."""
    minutes = int(period.total_seconds() // 60)
    if minutes < 5:
        raise ValueError("validity period under 5 minutes")
    if minutes <= 720:
        return minutes // 5 - 1
    if minutes <= 1440:
        return 143 + (minutes - 720) // 30
    days = minutes // 1440
    if days <= 30:
        return 166 + days
    return min(192 + days // 7, 255)


# -- user data -------------------------------------------------------------------------

def _chunks(units: list, size: int, breakable) -> list[list]:
    out, i = [], 0
    while i < len(units):
        j = min(i + size, len(units))
        if j < len(units) and not breakable(units, j):
            j -= 1  # never split an escape pair or a surrogate pair
        out.append(units[i:j])
        i = j
    return out


def _user_data(text: str, *, encoding: str, reference: int, wide_reference: bool
               ) -> tuple[int, list[tuple[bool, int, bytes]]]:
    """(TP-DCS, [(TP-UDHI, TP-UDL, TP-UD)] per part) for ``text`` (TS 23.040 §9.2.3.16,
    §9.2.3.24; at most 140 octets of user data per part)."""
    septets = gsm7_septets(text) if encoding in ("auto", "gsm7") else None
    if encoding == "gsm7" and septets is None:
        raise ValueError("text has characters outside the GSM 7-bit alphabet")
    if encoding not in ("auto", "gsm7", "ucs2"):
        raise ValueError(f"unknown encoding {encoding!r}")
    udh_len = 7 if wide_reference else 6
    if septets is not None:
        single, per_part, dcs = 160, 160 - (udh_len * 8 + 6) // 7, 0x00
        units: list = septets
        breakable = lambda u, j: u[j - 1] != 0x1B  # noqa: E731
    else:
        single, per_part, dcs = 70, (140 - udh_len) // 2, 0x08
        raw = text.encode("utf-16-be")
        units = [raw[i:i + 2] for i in range(0, len(raw), 2)]
        breakable = lambda u, j: not 0xD8 <= u[j - 1][0] <= 0xDB  # noqa: E731
    chunks = [units] if len(units) <= single else _chunks(units, per_part, breakable)
    if len(chunks) > 255:
        raise ValueError("text too long for one concatenated SMS (255 parts)")
    ref = reference & (0xFFFF if wide_reference else 0xFF)
    parts = []
    for seq, chunk in enumerate(chunks, start=1):
        header = b""
        if len(chunks) > 1:
            header = (bytes([6, 0x08, 4, ref >> 8, ref & 0xFF, len(chunks), seq]) if wide_reference
                      else bytes([5, 0x00, 3, ref, len(chunks), seq]))
        if dcs == 0x00:
            skip = (len(header) * 8 + 6) // 7  # the UDH and its fill bits, in septets
            parts.append((bool(header), skip + len(chunk),
                          header + pack_septets(chunk, skip * 7 - len(header) * 8)))
        else:
            body = header + b"".join(chunk)
            parts.append((bool(header), len(body), body))
    return dcs, parts


# -- the three PDU types ---------------------------------------------------------------

def encode_submit(number: str, text: str, *, smsc: str | None = None, reference: int = 0,
                  request_report: bool = False, validity: timedelta | None = None,
                  reject_duplicates: bool = False, encoding: str = "auto",
                  concat_reference: int | None = None, wide_reference: bool = False
                  ) -> list[SubmitPart]:
    """SMS-SUBMIT PDUs (TS 23.040 §9.2.2.2) for ``text`` to ``number``; more than one part →
    concatenated SMS.

    ``encoding`` auto picks GSM 7-bit when every character fits, else UCS2. Parts carry the
    concatenation UDH with ``concat_reference`` (default: a CRC of number and text; pass a
    counter to be sure two long messages in flight differ), 16-bit if ``wide_reference``.
    ``request_report`` sets TP-SRR (§9.2.3.5): the network sends a status report.
    """
    if concat_reference is None:
        concat_reference = zlib.crc32((number + text).encode("utf-8"))
    dcs, user_data = _user_data(text, encoding=encoding, reference=concat_reference,
                                wide_reference=wide_reference)
    destination = _address(number)
    smsc_field = _smsc_field(smsc)
    vp = b"" if validity is None else bytes([_validity(validity)])
    parts = []
    for udhi, udl, body in user_data:
        first = (0x01 | (0x04 if reject_duplicates else 0) | (0x10 if vp else 0)
                 | (0x20 if request_report else 0) | (0x40 if udhi else 0))
        tpdu = (bytes([first, reference & 0xFF]) + destination + bytes([0x00, dcs]) + vp
                + bytes([udl]) + body)
        parts.append(SubmitPart(smsc_field + tpdu, len(tpdu)))
    return parts


def encode_deliver(sender: str, text: str, *, sent_at: datetime, smsc: str | None = None,
                   encoding: str = "auto", concat_reference: int | None = None,
                   wide_reference: bool = False, report_indication: bool = False
                   ) -> list[EncodedPdu]:
    """SMS-DELIVER PDUs (TS 23.040 §9.2.2.1) of ``text`` from ``sender``, stamped ``sent_at``
    (TP-SCTS, §9.2.3.11), as the network hands them to the modem: one per part.

    ``sender`` is ``+<digits>`` (international), ``<digits>``, or up to 11 GSM 7-bit
    characters (an alphanumeric originator). Encoding and concatenation as
    :func:`encode_submit`. All parts but the last say more messages are waiting (TP-MMS,
    §9.2.3.2); ``report_indication`` sets TP-SRI (§9.2.3.4).
    """
    if concat_reference is None:
        concat_reference = zlib.crc32((sender + text).encode("utf-8"))
    dcs, user_data = _user_data(text, encoding=encoding, reference=concat_reference,
                                wide_reference=wide_reference)
    originator = _address(sender, alphanumeric=True)
    smsc_field, stamp = _smsc_field(smsc), _timestamp(sent_at)
    parts = []
    for n, (udhi, udl, body) in enumerate(user_data, start=1):
        first = ((0x04 if n == len(user_data) else 0) | (0x20 if report_indication else 0)
                 | (0x40 if udhi else 0))
        tpdu = bytes([first]) + originator + bytes([0x00, dcs]) + stamp + bytes([udl]) + body
        parts.append(EncodedPdu(smsc_field + tpdu, len(tpdu)))
    return parts


def encode_status_report(reference: int, recipient: str, status: int, *,
                         submitted_at: datetime, discharged_at: datetime,
                         smsc: str | None = None) -> EncodedPdu:
    """An SMS-STATUS-REPORT (TS 23.040 §9.2.2.3) for the message the modem sent with TP-MR
    ``reference`` to ``recipient`` (TP-RA): TP-SCTS = when the SC took it, TP-DT = when it
    was delivered or given up, TP-ST = ``status`` (§9.2.3.15; :data:`TP_ST` names them).
    No TP-PI, so no optional fields follow (§9.2.3.27)."""
    if not 0 <= reference <= 255 or not 0 <= status <= 255:
        raise ValueError("TP-MR and TP-ST are single octets")
    # TP-MTI 10, TP-MMS 1 (no more messages), TP-SRQ 0 (the report of an SMS-SUBMIT).
    tpdu = (bytes([0x06, reference]) + _address(recipient) + _timestamp(submitted_at)
            + _timestamp(discharged_at) + bytes([status]))
    return EncodedPdu(_smsc_field(smsc) + tpdu, len(tpdu))
