"""BeiDou RDSS short-message terminals (北斗短报文): the ASCII dialects 2.1 and BD-3 (北三).

Pure codec, both directions. Decoding takes a checksum-verified
:class:`~.framing.Sentence` (the framer has already checked the XOR over the raw GBK bytes)
and returns an event, a :class:`~.events.Reject`, or None when the sentence is not RDSS;
it never raises. Encoding builds complete lines with the checksum over the GBK bytes.

Field layouts follow research-serial.md §1.3-§1.5 (reconstructed from several public
codebases that agree; the 2014 interface document itself was not available). Uncertain, and
therefore kept raw or documented rather than guessed:

* FKI (2.1) wait field: parsed as whole seconds (``0040`` = 40 s, as one cited driver
  does); another splits it 2+2 digits, so ``wait_raw`` keeps the text as sent.
* FKI (BD-3) failure codes: 1-6 from one source, 0 and 11 from another; unknown codes are
  kept as ``fail_code`` with ``reason`` None. ``Y`` with a non-zero code counts as refused,
  as the ESP32 driver treats it.
* TCI field 6 (always ``0`` in samples) is unknown and ignored; ICP beyond the card ID is
  kept in ``CardInfo.extra``; PWI beams carry 3 or 4 values (the 4th is unknown).
* BD-3 编码类别 4/5 (compressed) are not decoded: the message is still reported, with
  ``decoded=False`` and the content as received.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from .events import (
    BeamStatus,
    CardInfo,
    Event,
    OtherSentence,
    Reject,
    RejectReason,
    SendFeedback,
    ShortMessage,
    SignalPower,
    TerminalCommand,
)
from .framing import BEIDOU_MAX_LINE, Sentence, encode_sentence
from .nmea import FieldError, parse_time

MODES_21 = {b"0": "hanzi", b"1": "code", b"2": "mixed"}  # TXA/TXR 传输方式
MODES_BD3 = {b"1": "hanzi", b"2": "code", b"3": "mixed", b"4": "compressed_hanzi",
             b"5": "compressed_code"}  # TCQ/TCI 编码类别
INHIBIT_21 = {0: "none", 1: "system_inhibit", 2: "low_battery", 3: "radio_silence"}
FAIL_BD3 = {0: "none", 1: "freq_not_due", 2: "tx_inhibited", 3: "tx_silenced",
            4: "power_unlocked", 5: "no_ic_module", 6: "no_permission", 11: "checksum_error"}
RMO_CLOSE, RMO_OPEN, RMO_CLOSE_ALL, RMO_OPEN_ALL = 1, 2, 3, 4
# Recognised RDSS sentences passed on as OtherSentence (positions of subordinates, receipts,
# roster...) until someone needs them typed.
OTHER_TYPES = frozenset({"DWR", "WAA", "HZR", "ICZ", "ZHR", "SBX", "KLT"})
COMMAND_TYPES = frozenset({"ICA", "ICR", "RMO", "BSS", "CXA", "DWA", "WAA", "COM", "DSA"})

_DIGITS = re.compile(rb"\d{1,8}\Z")
_HEXDIGITS = re.compile(rb"(?:[0-9A-Fa-f]{2})*\Z")
_PWI_USABLE_DBHZ = 45  # MBA05: a beam with S2C_d above 45 dB-Hz can carry a send


class _Bad(Exception):
    def __init__(self, reason: RejectReason, detail: str):
        super().__init__(detail)
        self.reason = reason


def _int(value: bytes, what: str, lo: int = 0, hi: int = 99_999_999) -> int:
    if not value.isdigit() or len(value) > 12 or not lo <= int(value) <= hi:
        raise _Bad(RejectReason.BAD_FIELD, f"bad {what} {value!r}")
    return int(value)


def _address(value: bytes, what: str) -> str:
    if _DIGITS.match(value) is None:
        raise _Bad(RejectReason.BAD_FIELD, f"bad {what} {value!r}")
    return value.decode("ascii")


def _need(fields: list[bytes], n: int, kind: str) -> None:
    if len(fields) < n:
        raise _Bad(RejectReason.MALFORMED, f"{kind} needs {n} fields, got {len(fields)}")


def decode_content(mode: str, raw: bytes) -> tuple[str, bytes, bool]:
    """Undo a content mode: (text, payload bytes, followed-its-mode)."""
    if mode == "hanzi":
        try:
            return raw.decode("gbk"), raw, True
        except UnicodeDecodeError:
            return raw.decode("gbk", "replace"), raw, False
    body = raw[2:] if mode == "mixed" and raw[:2].upper() == b"A4" else None
    if mode == "code":
        body = raw
    if body is not None and _HEXDIGITS.match(body):
        payload = bytes.fromhex(body.decode("ascii"))
        # Code mode is often binary (telemetry); the text is only a best-effort rendering.
        return payload.decode("gbk", "replace"), payload, True
    return raw.decode("gbk", "replace"), raw, False


def _message(mode: str, content: bytes, raw: bytes, **kw) -> ShortMessage:
    text, payload, ok = decode_content(mode, content)
    return ShortMessage(text=text, mode=mode, raw=raw, payload=payload, decoded=ok, **kw)


def _txr(s: Sentence) -> ShortMessage:
    f = s.fields
    _need(f, 5, "TXR")
    mode = MODES_21.get(f[2])
    if mode is None:
        raise _Bad(RejectReason.BAD_FIELD, f"bad TXR mode {f[2]!r}")
    # The content is everything after the 5th comma: vendors put commas in it.
    return _message(mode, b",".join(f[4:]), s.raw, sender=_address(f[1], "sender"),
                    recipient=None, info_class=f[0].decode("latin-1"),
                    sent_time=f[3].decode("latin-1") or None)


def _tci(s: Sentence) -> ShortMessage:
    f = s.fields
    _need(f, 7, "TCI")
    mode = MODES_BD3.get(f[4])
    if mode is None:
        raise _Bad(RejectReason.BAD_FIELD, f"bad TCI encoding {f[4]!r}")
    return _message(mode, b",".join(f[6:]), s.raw, sender=_address(f[0], "sender"),
                    recipient=_address(f[1], "receiver"), info_class=f[2].decode("latin-1"),
                    sent_time=f[3].decode("latin-1") or None)


def _txa(s: Sentence) -> ShortMessage:
    f = s.fields
    _need(f, 4, "TXA")
    mode = MODES_21.get(f[2])
    if mode is None:
        raise _Bad(RejectReason.BAD_FIELD, f"bad TXA mode {f[2]!r}")
    return _message(mode, b",".join(f[3:]), s.raw, sender=None,
                    recipient=_address(f[0], "destination"), direction="out",
                    info_class=f[1].decode("latin-1"))


def _tcq(s: Sentence) -> ShortMessage:
    f = s.fields
    _need(f, 6, "TCQ")
    mode = MODES_BD3.get(f[3])
    if mode is None:
        raise _Bad(RejectReason.BAD_FIELD, f"bad TCQ encoding {f[3]!r}")
    return _message(mode, b",".join(f[4:-1]), s.raw, sender=None,
                    recipient=_address(f[0], "destination"), direction="out",
                    info_class=f[1].decode("latin-1"))


def _yes(value: bytes, what: str) -> bool:
    if value not in (b"Y", b"N"):
        raise _Bad(RejectReason.BAD_FIELD, f"bad {what} {value!r}")
    return value == b"Y"


def _wait(value: bytes) -> int | None:
    return int(value) if value.isdigit() and len(value) <= 6 else None


def _fki(s: Sentence) -> SendFeedback:
    f = s.fields
    _need(f, 4, "FKI")
    if f[0].isalpha():  # 2.1: $BDFKI,TXA,Y,Y,0,0040
        exec_ok, freq_ok = _yes(f[1], "exec flag"), _yes(f[2], "frequency flag")
        inhibit = _int(f[3], "inhibit", 0, 9) if f[3] else None
        wait = f[4] if len(f) > 4 else b""
        return SendFeedback(f[0].decode("ascii"), exec_ok and freq_ok, "2.1", freq_ok=freq_ok,
                            inhibit=inhibit, reason=INHIBIT_21.get(inhibit, None),
                            wait_s=_wait(wait),
                            wait_raw=wait.decode("latin-1"))
    _need(f, 5, "FKI")  # BD-3: $BDFKI,082920,TCQ,Y,0,0
    try:
        tod = parse_time(f[0]) if f[0].strip(b"0.") else None
    except FieldError as err:
        raise _Bad(RejectReason.BAD_FIELD, str(err)) from None
    if not f[1].isalpha():
        raise _Bad(RejectReason.BAD_FIELD, f"bad FKI command {f[1]!r}")
    flag = _yes(f[2], "result flag")
    code = _int(f[3], "failure code", 0, 99) if f[3] else 0
    wait = f[4]
    return SendFeedback(f[1].decode("ascii"), flag and code == 0, "bd3", fail_code=code,
                        reason=FAIL_BD3.get(code), wait_s=_wait(wait),
                        wait_raw=wait.decode("latin-1"), time_of_day=tod)


def _ici(s: Sentence) -> CardInfo:
    f = s.fields
    _need(f, 8, "ICI")
    address = _address(f[0], "user address")
    try:
        interval = Decimal(f[4].decode("ascii")) if f[4] else None
    except (InvalidOperation, UnicodeDecodeError):
        raise _Bad(RejectReason.BAD_FIELD, f"bad service interval {f[4]!r}") from None
    if interval is not None and not interval.is_finite():
        raise _Bad(RejectReason.BAD_FIELD, f"bad service interval {f[4]!r}")
    if f[6] not in (b"E", b"N"):
        raise _Bad(RejectReason.BAD_FIELD, f"bad encryption flag {f[6]!r}")
    return CardInfo(address, address.strip("0") != "", "ICI", serial=_address(f[1], "serial"),
                    broadcast=_address(f[2], "broadcast address"),
                    user_class=_int(f[3], "user class", 0, 9), service_interval_s=interval,
                    comm_level=_int(f[5], "comm level", 0, 9), encrypted=f[6] == b"E",
                    subordinates=_int(f[7], "subordinates") if f[7] else None)


def _icp(s: Sentence) -> CardInfo:
    f = s.fields
    _need(f, 1, "ICP")
    address = _address(f[0], "card id")
    return CardInfo(address, address.strip("0") != "", "ICP",
                    extra=tuple(x.decode("latin-1") for x in f[1:]))


def _bsi(s: Sentence) -> BeamStatus:
    f = s.fields
    _need(f, 2, "BSI")
    response, timediff = _int(f[0], "response beam", 0, 99), _int(f[1], "time-diff beam", 0, 99)
    powers = tuple(_int(p, "beam power", 0, 9) for p in f[2:] if p)
    return BeamStatus(response, timediff, powers, usable=response != 0)


def _pwi(s: Sentence) -> SignalPower:
    f = s.fields
    _need(f, 3, "PWI")
    try:
        tod = parse_time(f[0]) if f[0].strip(b"0.") else None  # 000000.00: no time yet
    except FieldError as err:
        raise _Bad(RejectReason.BAD_FIELD, str(err)) from None
    n12, n3 = _int(f[1], "BD1/2 beam count", 0, 99), _int(f[2], "BD3 beam count", 0, 99)
    rest, total = f[3:], n12 + n3
    per = len(rest) // total if total else 3
    if total and (len(rest) % total or per not in (3, 4)):
        raise _Bad(RejectReason.MALFORMED, f"PWI: {len(rest)} values for {total} beams")
    beams = tuple((_int(rest[i], "beam"),
                   _int(rest[i + 1], "S2C_d", 0, 99) if rest[i + 1] else None,
                   _int(rest[i + 2], "S2C_p", 0, 99) if rest[i + 2] else None)
                  for i in range(0, total * per, per))
    usable = tod is not None and any(b[1] is not None and b[1] > _PWI_USABLE_DBHZ for b in beams)
    return SignalPower(tod, n12, n3, beams, usable)


_INBOUND = {"TXR": _txr, "TCI": _tci, "FKI": _fki, "ICI": _ici, "ICP": _icp, "BSI": _bsi,
            "PWI": _pwi}
_OUTBOUND = {"TXA": _txa, "TCQ": _tcq}


def decode_sentence(sentence: Sentence) -> Event | Reject | None:
    """Decode a verified RDSS sentence (talker ``BD`` from the terminal, ``CC`` to it).

    Returns an event, a Reject (wrong field count or value), or None if not RDSS.
    """
    talker, kind = sentence.address[:2], sentence.address[2:]
    if talker == "BD":
        handler = _INBOUND.get(kind)
    elif talker == "CC":
        handler = _OUTBOUND.get(kind)
        if handler is None and kind in COMMAND_TYPES:
            return TerminalCommand(sentence.address,
                                   tuple(x.decode("gbk", "replace") for x in sentence.fields))
    else:
        return None
    if handler is None:
        if talker == "BD" and kind in OTHER_TYPES:
            return OtherSentence(sentence.address,
                                 tuple(x.decode("gbk", "replace") for x in sentence.fields))
        return None
    try:
        return handler(sentence)
    except _Bad as err:
        return Reject.of(err.reason, sentence.raw, sentence.offset, str(err))


# -- encoding -------------------------------------------------------------------------------

def _dest(value: str | int, width: int | None) -> str:
    text = str(value)
    if not text.isdigit() or not 1 <= len(text) <= 8:
        raise ValueError(f"a BeiDou address is 1-8 digits, not {text!r}")
    return text.zfill(width) if width else text


def _fullwidth(text: str) -> str:
    # BD-3 汉字 content must be GB2312 double-byte codes, ASCII included (ESP32 driver
    # getWCharString: 0xA3, 0x80 + c); U+FF01-U+FF5E encode to exactly those GBK bytes.
    return "".join("\u3000" if c == " " else chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c
                   for c in text)


def encode_content(content: str | bytes, mode: str, *, bd3: bool = False) -> bytes:
    """The content field for ``mode`` (hanzi, code, mixed) as bytes, ready for the line."""
    if mode == "hanzi":
        if not isinstance(content, str):
            raise TypeError("hanzi mode takes text")
        if any(c in content for c in "\r\n\x00"):
            raise ValueError("line breaks cannot travel in hanzi mode; use mixed mode")
        # yufei RD_EncodeTxa: ',' → '，' and '*' → '﹡' so the line still splits and checks;
        # '$' → '＄' (our addition) so the receiver does not resynchronise inside the text.
        text = _fullwidth(content) if bd3 else content.translate(
            {ord(","): "，", ord("*"): "﹡", ord("$"): "＄"})
        try:
            return text.encode("gbk")
        except UnicodeEncodeError as err:
            raise ValueError(f"not encodable in GBK: {content[err.start:err.end]!r}") from None
    data = content if isinstance(content, bytes) else content.encode("gbk")
    if mode == "code":
        return data.hex().upper().encode("ascii")
    if mode == "mixed":
        return b"A4" + data.hex().upper().encode("ascii")
    raise ValueError(f"unknown content mode {mode!r}")


def _finish(line: bytes) -> bytes:
    if len(line) - 2 > BEIDOU_MAX_LINE:
        raise ValueError(f"sentence of {len(line)} bytes exceeds {BEIDOU_MAX_LINE}")
    return line


def encode_txa(dest: str | int, content: str | bytes, *, mode: str = "hanzi",
               express: bool = False) -> bytes:
    """$CCTXA (2.1 send): ``dest`` is zero-padded to 7 digits; 通信类别 0 express / 1 normal."""
    code = {v: k for k, v in MODES_21.items()}.get(mode)
    if code is None:
        raise ValueError(f"2.1 has no mode {mode!r}")
    return _finish(encode_sentence("CCTXA", [_dest(dest, 7), b"0" if express else b"1", code,
                                             encode_content(content, mode)]))


def encode_tcq(dest: str | int, content: str | bytes, *, mode: str = "hanzi",
               freq_point: int = 2, ack: bool = False, repeat: int = 0) -> bytes:
    """$CCTCQ (BD-3 send): 频点 (2 in every sample), 入站确认 1 no / 2 yes, 频度 0 = once."""
    code = {v: k for k, v in MODES_BD3.items()}.get(mode)
    if code is None or mode.startswith("compressed"):
        raise ValueError(f"BD-3 encoding {mode!r} is not supported")
    return _finish(encode_sentence("CCTCQ", [
        _dest(dest, None), str(int(freq_point)), b"2" if ack else b"1", code,
        encode_content(content, mode, bd3=True), str(int(repeat))]))


def encode_ica(*, subordinates: bool = False, frame: int = 0) -> bytes:
    """$CCICA: read the card (``$CCICA,0,00*7B``); the terminal answers $BDICI."""
    return encode_sentence("CCICA", [b"1" if subordinates else b"0", f"{frame:02d}"])


def encode_icr() -> bytes:
    """$CCICR: BD-3 card query (``$CCICR,0,00*68``); the terminal answers $BDICP."""
    return encode_sentence("CCICR", [b"0", b"00"])


def encode_rmo(sentence: str = "", mode: int = RMO_OPEN, interval_s: int | None = 1) -> bytes:
    """$CCRMO: switch output sentences on/off (mode 1 close, 2 open, 3 close all, 4 open all)."""
    if mode not in (RMO_CLOSE, RMO_OPEN, RMO_CLOSE_ALL, RMO_OPEN_ALL):
        raise ValueError(f"bad RMO mode {mode}")
    if sentence and not (len(sentence) == 3 and sentence.isalpha() and sentence.isupper()):
        raise ValueError(f"bad sentence name {sentence!r}")
    return encode_sentence("CCRMO", [sentence, str(mode),
                                     "" if interval_s is None else str(int(interval_s))])
