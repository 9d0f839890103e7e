"""Hytera (海能达) DMR/PDT radios through their PC link: HDAP over UDP (not serial).

With "Forward to PC" a Hytera radio appears as a USB-RNDIS network and exchanges HDAP PDUs
in UDP datagrams (TMP text on one port, LP location on another; the port numbers come from
a single low-quality source, so the transport must make them configurable). One datagram is
one PDU, so there is no stream framer here. Layouts follow research-serial.md §3.2, which
took them from OK-DMR/ok-dmrlib (``okdmr/dmrlib/hytera/pdu/*.py``) and re-verified its
captured test vectors::

    service (| 0x80 = reliable) | opcode (2) | payload length (2) | payload | checksum | 0x03
    checksum = ((~sum(opcode … payload) & 0xFF) + 0x33) & 0xFF

Lengths are big-endian for TMP, LP and RRS and little-endian for RCP.

Covered: TMP private/group text (A1/B1) and their acks (A2/B2), encode and decode; LP
standard location immediate service both ways: the request (A001, encode and decode) and the
report that answers it (A002, encode and decode, with its request ID and result); HRNP
wrap/unwrap (the 7E transport header used over some links).

LP layouts (ok-dmrlib ``location_protocol.py`` ``get_payload`` / ``from_bytes``, the same in
OK-DMR/Hytera_Homebrew_Bridge ``kaitai/location_protocol.ksy`` ``standard_request`` /
``standard_answer``)::

    A001 request: request ID (4, BE) | radio IP (4) of the radio asked
    A002 report:  request ID (4, BE) | radio IP (4) of the reporting radio | result (2, BE)
                  | GPS data (40 ASCII): A|V hhmmss ddmmyy N|S ddmm.mmmm E|W dddmm.mmmm
                    speed (3) direction (3); an unknown time / date / speed / direction is NULs
    results: 0 OK, 6 position method failure, 105 (0x69) request format error

The report answers a request by repeating its request ID. Uncertain and therefore not guessed:

* Group messages: ok-dmrlib writes the group ID in the same 4-byte "radio IP" slot (subnet
  byte + 24-bit ID); no capture of a group message was available to confirm it.
* LP speed and direction (3 ASCII characters each): units are not documented in the
  sources, so they are not decoded (the encoder writes what it is given, NULs by default).
* No capture of an A001 request exists in the sources; its test vector is what ok-dmrlib's
  own encoder writes for its ``test_request`` case (tests/core/test_comms_hdap.py).
* A failed answer (result ≠ 0) is assumed to carry the 40 GPS bytes like any A002, as both
  sources read it; a shorter one is rejected as malformed.
* Triggered (C0xx), emergency (B0xx) and condition (D0xx) location services: ok-dmrlib
  names their opcodes but implements no layout ("not yet implemented"); only the older
  Hytera_Homebrew_Bridge .ksy describes them, with no captured PDU to check against. They are
  passed on as OtherSentence, and no triggered request / stop is sent.
* RRS / RCP / TP / DTP / DDS frames are checked and passed on as OtherSentence.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from .events import (
    Decoded,
    NoFix,
    OtherSentence,
    Position,
    RadioTextAck,
    Reject,
    RejectReason,
    ShortMessage,
)
from .nmea import FieldError, ddmm_to_degrees, parse_date, parse_time

SERVICE_RCP, SERVICE_LP, SERVICE_TMP, SERVICE_RRS = 0x02, 0x08, 0x09, 0x11
SERVICE_NAMES = {0x02: "RCP", 0x08: "LP", 0x09: "TMP", 0x11: "RRS", 0x12: "TP", 0x13: "DTP",
                 0x14: "DDS"}
END = 0x03
TMP_PRIVATE, TMP_PRIVATE_ACK, TMP_GROUP, TMP_GROUP_ACK = 0xA1, 0xA2, 0xB1, 0xB2
LP_STANDARD_REQUEST, LP_STANDARD_REPORT = 0xA001, 0xA002
LP_RESULTS = {0: "ok", 6: "position_method_failure", 105: "request_format_error"}
TMP_RESULTS = {0x00: "ok", 0x01: "fail", 0x03: "invalid_params", 0x04: "channel_busy",
               0x05: "rx_only", 0x06: "low_battery", 0x07: "pll_unlock",
               0x08: "private_call_no_ack", 0x09: "repeater_wakeup_fail", 0x0A: "no_contact",
               0x0B: "tx_deny", 0x0C: "tx_interrupted"}
DEFAULT_SUBNET = 10  # radio IP 10.x.y.z: the 24-bit radio ID in the last three octets
HRNP_DATA = 0x00


def hdap_checksum(checked: bytes) -> int:
    """The HDAP checksum over opcode, length and payload."""
    return ((~sum(checked) & 0xFF) + 0x33) & 0xFF


def radio_ip(radio_id: int, subnet: int = DEFAULT_SUBNET) -> bytes:
    """The 4-byte radio IP for a radio ID (``111111`` → ``10.1.178.7``)."""
    if not 0 <= radio_id <= 0xFFFFFF or not 0 <= subnet <= 0xFF:
        raise ValueError(f"radio ID {radio_id} / subnet {subnet} out of range")
    return bytes([subnet]) + radio_id.to_bytes(3, "big")


def _radio_id(ip: bytes) -> str:
    return str(int.from_bytes(ip[1:4], "big"))


def encode_hdap(service: int, opcode: bytes, payload: bytes, *, reliable: bool = False) -> bytes:
    """One HDAP PDU: header, opcode, length (little-endian for RCP), payload, checksum, 03."""
    if len(opcode) != 2 or len(payload) > 0xFFFF:
        raise ValueError("opcode is 2 bytes; payload at most 65535")
    order = "little" if service == SERVICE_RCP else "big"
    checked = opcode + len(payload).to_bytes(2, order) + payload
    return bytes([service | (0x80 if reliable else 0)]) + checked + bytes(
        [hdap_checksum(checked), END])


def encode_tmp_message(request_id: int, destination: int, source: int, text: str, *,
                       group: bool = False, confirmed: bool = True, reliable: bool = False,
                       subnet: int = DEFAULT_SUBNET) -> bytes:
    """TMP SendPrivateMessage (A1) / SendGroupMessage (B1); the text travels UTF-16-LE."""
    flags = 0x80 if confirmed else 0x00
    payload = (request_id.to_bytes(4, "big") + radio_ip(destination, subnet)
               + radio_ip(source, subnet) + text.encode("utf-16-le"))
    return encode_hdap(SERVICE_TMP, bytes([flags, TMP_GROUP if group else TMP_PRIVATE]),
                       payload, reliable=reliable)


def encode_tmp_ack(request_id: int, destination: int, source: int, result: int = 0, *,
                   group: bool = False, confirmed: bool = True, option: bytes | None = None,
                   subnet: int = DEFAULT_SUBNET) -> bytes:
    """TMP acknowledgement (A2, or B2 for a group: no source field) with optional option."""
    flags = (0x80 if confirmed else 0) | (0x40 if option is not None else 0)
    body = request_id.to_bytes(4, "big") + radio_ip(destination, subnet)
    if not group:
        body += radio_ip(source, subnet)
    body += bytes([result])
    if option is not None:
        body = len(option).to_bytes(2, "big") + body + option
    return encode_hdap(SERVICE_TMP, bytes([flags, TMP_GROUP_ACK if group else TMP_PRIVATE_ACK]),
                       body)


@dataclasses.dataclass(frozen=True, slots=True)
class LocationRequest:
    """An LP standard location immediate request (A001): ``radio`` is asked where it is."""

    request_id: int
    radio: str  # the radio ID asked (the last three octets of its radio IP)
    subnet: int = DEFAULT_SUBNET


@dataclasses.dataclass(frozen=True, slots=True)
class LpPosition(Position):
    """A Position from an LP standard report (A002), with the request ID it answers."""

    request_id: int | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class LpNoFix(NoFix):
    """An LP standard report (A002) without a position: result ≠ 0, or GPS status V.

    ``reason`` is the result's name (``position_method_failure``, ``request_format_error``,
    ``result_<n>`` for codes the sources do not name) or ``status_void``.
    """

    request_id: int | None = None
    result_code: int = 0


def encode_lp_immediate_request(request_id: int, radio_id: int, *,
                                subnet: int = DEFAULT_SUBNET, reliable: bool = False) -> bytes:
    """LP standard location immediate request (A001): ask radio ``radio_id`` for a report.

    Payload: request ID (4, big-endian) and the radio IP of the radio asked (ok-dmrlib
    ``LocationProtocol.get_payload`` for ``StandardRequest``; HHB ``standard_request``).
    """
    if not 0 <= request_id <= 0xFFFFFFFF:
        raise ValueError(f"request ID {request_id} out of range")
    payload = request_id.to_bytes(4, "big") + radio_ip(radio_id, subnet)
    return encode_hdap(SERVICE_LP, LP_STANDARD_REQUEST.to_bytes(2, "big"), payload,
                       reliable=reliable)


def _minutes(value: Decimal, degree_digits: int) -> bytes:
    """``ddmm.mmmm`` / ``dddmm.mmmm`` of a magnitude, rounded to 0.0001 minute."""
    ticks = int((value * 600000).to_integral_value(ROUND_HALF_EVEN))  # 1/10000 minute
    degrees, rest = divmod(ticks, 600000)
    minutes, fraction = divmod(rest, 10000)
    return f"{degrees:0{degree_digits}d}{minutes:02d}.{fraction:04d}".encode("ascii")


def _three(value: str, name: str) -> bytes:
    raw = value.encode("ascii")  # UnicodeEncodeError is a ValueError
    if len(raw) > 3:
        raise ValueError(f"LP {name} is 3 characters, got {value!r}")
    return raw.ljust(3, b"\x00")


def encode_lp_report(request_id: int, radio_id: int, lat: float | Decimal | str | None = None,
                     lon: float | Decimal | str | None = None, *, when: datetime | None = None,
                     valid: bool = True, result: int = 0, speed: str = "", direction: str = "",
                     subnet: int = DEFAULT_SUBNET, reliable: bool = False) -> bytes:
    """LP standard location report (A002) from radio ``radio_id``, answering ``request_id``.

    ``when`` (UTC; a naive datetime is taken as UTC) None writes NULs for time and date, as
    in the second ok-dmrlib capture; ``speed`` / ``direction`` are the raw 3-character fields
    (units undocumented), NULs when empty. Without ``lat`` / ``lon`` (e.g. a failed answer,
    ``result`` ≠ 0) the position is zeros and the status V.
    """
    if not 0 <= request_id <= 0xFFFFFFFF or not 0 <= result <= 0xFFFF:
        raise ValueError(f"request ID {request_id} / result {result} out of range")
    if (lat is None) != (lon is None):
        raise ValueError("give both lat and lon, or neither")
    if lat is None:
        north = east = True
        lat_text, lon_text, valid = b"0000.0000", b"00000.0000", False
    else:
        try:
            lat_d, lon_d = Decimal(str(lat)), Decimal(str(lon))
        except InvalidOperation:
            raise ValueError(f"not a coordinate: {lat!r}, {lon!r}") from None
        if not (lat_d.is_finite() and lon_d.is_finite() and abs(lat_d) <= 90
                and abs(lon_d) <= 180):
            raise ValueError(f"coordinate out of range: {lat}, {lon}")
        north, east = lat_d >= 0, lon_d >= 0
        lat_text, lon_text = _minutes(abs(lat_d), 2), _minutes(abs(lon_d), 3)
    if when is None:
        stamp = b"\x00" * 12
    else:
        when = when.astimezone(UTC) if when.tzinfo else when
        stamp = when.strftime("%H%M%S%d%m%y").encode("ascii")
    gps = (b"A" if valid else b"V") + stamp + (b"N" if north else b"S") + lat_text
    gps += (b"E" if east else b"W") + lon_text + _three(speed, "speed")
    gps += _three(direction, "direction")
    payload = (request_id.to_bytes(4, "big") + radio_ip(radio_id, subnet)
               + result.to_bytes(2, "big") + gps)
    return encode_hdap(SERVICE_LP, LP_STANDARD_REPORT.to_bytes(2, "big"), payload,
                       reliable=reliable)


def _tmp(raw: bytes, flags: int, kind: int, payload: bytes) -> object:
    if flags & 0x40:  # option field: its length first, its bytes at the end
        if len(payload) < 2:
            raise _Bad(RejectReason.MALFORMED, "TMP option length missing")
        opt_len = int.from_bytes(payload[:2], "big")
        if opt_len > len(payload) - 2:
            raise _Bad(RejectReason.MALFORMED, "TMP option longer than payload")
        payload = payload[2:len(payload) - opt_len]
    group = kind in (TMP_GROUP, TMP_GROUP_ACK)
    if kind in (TMP_PRIVATE, TMP_GROUP):
        if len(payload) < 12:
            raise _Bad(RejectReason.MALFORMED, "TMP message shorter than its header")
        text_bytes = payload[12:]
        text = text_bytes[:len(text_bytes) // 2 * 2].decode("utf-16-le", "replace")
        return ShortMessage(_radio_id(payload[8:12]), _radio_id(payload[4:8]), text, "utf16le",
                            raw, text_bytes, decoded=len(text_bytes) % 2 == 0,
                            info_class="group" if group else "private")
    need = 9 if kind == TMP_GROUP_ACK else 13
    if len(payload) < need:
        raise _Bad(RejectReason.MALFORMED, "TMP ack too short")
    code = payload[need - 1]
    return RadioTextAck(int.from_bytes(payload[:4], "big"), code,
                        TMP_RESULTS.get(code, f"code_{code}"), code == 0,
                        _radio_id(payload[4:8]), None if group else _radio_id(payload[8:12]),
                        group)


def _lp_request(payload: bytes) -> LocationRequest:
    if len(payload) != 8:
        raise _Bad(RejectReason.MALFORMED, f"LP request is 8 bytes, got {len(payload)}")
    return LocationRequest(int.from_bytes(payload[:4], "big"), _radio_id(payload[4:8]),
                           payload[4])


def _lp_report(payload: bytes) -> LpPosition | LpNoFix:
    if len(payload) < 50:
        raise _Bad(RejectReason.MALFORMED, "LP report shorter than 50 bytes")
    request_id, source = int.from_bytes(payload[:4], "big"), _radio_id(payload[4:8])
    result, gps = int.from_bytes(payload[8:10], "big"), payload[10:50]
    fields = gps[1:7], gps[7:13], gps[13:14], gps[14:23], gps[23:24], gps[24:34]
    hms, dmy, ns, lat, ew, lon = (f.rstrip(b"\x00") for f in fields)
    try:
        # NULs or zeros are "unknown"; 000000 is midnight, though, when the date is known.
        day = parse_date(dmy) if dmy.strip(b"0") else None
        tod = parse_time(hms) if hms.strip(b"0") or (hms and day is not None) else None
        if result != 0 or gps[0:1] != b"A":
            reason = ("status_void" if result == 0
                      else LP_RESULTS.get(result, f"result_{result}"))
            return LpNoFix("LP", "LP", tod, reason, source_id=source, request_id=request_id,
                           result_code=result)
        lat_deg = ddmm_to_degrees(lat, ns, longitude=False)
        lon_deg = ddmm_to_degrees(lon, ew, longitude=True)
    except FieldError as err:
        if result != 0:  # a failed answer's GPS bytes are not needed; keep its result
            return LpNoFix("LP", "LP", None, LP_RESULTS.get(result, f"result_{result}"),
                           source_id=source, request_id=request_id, result_code=result)
        raise _Bad(RejectReason.BAD_FIELD, str(err)) from None
    when = datetime.combine(day, tod) if day is not None and tod is not None else None
    return LpPosition(lat_deg, lon_deg, tod, when, "LP", "LP", source_id=source,
                      request_id=request_id)


class _Bad(Exception):
    def __init__(self, reason: RejectReason, detail: str):
        super().__init__(detail)
        self.reason = reason


def decode_hdap(datagram: bytes, *, offset: int = 0) -> Decoded | Reject:
    """Check and decode one HDAP PDU (one UDP datagram, or an HRNP DATA payload)."""
    data = bytes(datagram)
    if len(data) < 7:
        return Reject.of(RejectReason.MALFORMED, data, offset, "shorter than an empty PDU")
    service = data[0] & 0x7F
    name = SERVICE_NAMES.get(service)
    if name is None:
        return Reject.of(RejectReason.UNKNOWN_TYPE, data, offset, f"service 0x{service:02X}")
    length = int.from_bytes(data[3:5], "little" if service == SERVICE_RCP else "big")
    if len(data) != length + 7:
        return Reject.of(RejectReason.MALFORMED, data, offset,
                         f"length field {length}, PDU carries {len(data) - 7}")
    if data[-1] != END:
        return Reject.of(RejectReason.MALFORMED, data, offset, "no 0x03 terminator")
    if hdap_checksum(data[1:-2]) != data[-2]:
        return Reject.of(RejectReason.BAD_CHECKSUM, data, offset)
    payload = data[5:-2]
    try:
        if service == SERVICE_TMP and data[2] in (TMP_PRIVATE, TMP_PRIVATE_ACK, TMP_GROUP,
                                                  TMP_GROUP_ACK):
            return Decoded(offset, "TMP", _tmp(data, data[1], data[2], payload))
        opcode = int.from_bytes(data[1:3], "big")
        if service == SERVICE_LP and opcode == LP_STANDARD_REPORT:
            return Decoded(offset, "LP", _lp_report(payload))
        if service == SERVICE_LP and opcode == LP_STANDARD_REQUEST:
            return Decoded(offset, "LP", _lp_request(payload))
    except _Bad as err:
        return Reject.of(err.reason, data, offset, str(err))
    return Decoded(offset, name, OtherSentence(name, (data[1:3].hex(), payload.hex())))


def _internet_checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\x00"
    total = sum(int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def hrnp_wrap(payload: bytes, *, packet_number: int, opcode: int = HRNP_DATA,
              source: int = 0x20, destination: int = 0x10) -> bytes:
    """Wrap an HDAP PDU in an HRNP header (7E, version 04, ones'-complement checksum)."""
    head = bytes([0x7E, 0x04, 0x00, opcode, source, destination]) + packet_number.to_bytes(
        2, "big") + (12 + len(payload)).to_bytes(2, "big")
    return head + _internet_checksum(head + payload).to_bytes(2, "big") + payload


def hrnp_unwrap(frame: bytes, *, offset: int = 0) -> tuple[int, int, bytes] | Reject:
    """(opcode, packet number, payload) of a checked HRNP frame, or a Reject."""
    data = bytes(frame)
    if len(data) < 12 or data[0] != 0x7E:
        return Reject.of(RejectReason.MALFORMED, data, offset, "not an HRNP header")
    length = int.from_bytes(data[8:10], "big")
    if length != len(data):
        return Reject.of(RejectReason.MALFORMED, data, offset, f"length field {length}")
    if _internet_checksum(data[:10] + data[12:]) != int.from_bytes(data[10:12], "big"):
        return Reject.of(RejectReason.BAD_CHECKSUM, data, offset)
    return data[3], int.from_bytes(data[6:8], "big"), data[12:]
