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
standard location report (A002) decode; HRNP wrap/unwrap (the 7E transport header used over
some links). Uncertain and therefore not guessed:

* Group messages: ok-dmrlib writes the group ID in the same 4-byte "radio IP" slot (subnet
  byte + 24-bit ID); no capture of a group message was available to confirm it.
* LP speed and direction (3 ASCII characters each): units are not documented in the
  sources, so they are not decoded. Other LP reports (emergency B003, triggered C003,
  condition D003) have no verified layout and are passed on as OtherSentence.
* RRS / RCP / TP / DTP / DDS frames are checked and passed on as OtherSentence.
"""

from __future__ import annotations

from datetime import datetime

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
LP_STANDARD_REPORT = 0xA002
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


def _lp_report(payload: bytes) -> Position | NoFix:
    if len(payload) < 50:
        raise _Bad(RejectReason.MALFORMED, "LP report shorter than 50 bytes")
    source = _radio_id(payload[4:8])
    result, gps = int.from_bytes(payload[8:10], "big"), payload[10:50]
    fields = gps[1:7], gps[7:13], gps[13:14], gps[14:23], gps[23:24], gps[24:34]
    hms, dmy, ns, lat, ew, lon = (f.rstrip(b"\x00") for f in fields)
    try:
        tod = parse_time(hms) if hms.strip(b"0") else None
        day = parse_date(dmy) if dmy.strip(b"0") else None
        if result != 0 or gps[0:1] != b"A":
            return NoFix("LP", "LP", tod, "status_void" if result == 0 else f"result_{result}",
                         source_id=source)
        lat_deg = ddmm_to_degrees(lat, ns, longitude=False)
        lon_deg = ddmm_to_degrees(lon, ew, longitude=True)
    except FieldError as err:
        raise _Bad(RejectReason.BAD_FIELD, str(err)) from None
    when = datetime.combine(day, tod) if day is not None and tod is not None else None
    return Position(lat_deg, lon_deg, tod, when, "LP", "LP", source_id=source)


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
        if service == SERVICE_LP and int.from_bytes(data[1:3], "big") == LP_STANDARD_REPORT:
            return Decoded(offset, "LP", _lp_report(payload))
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
