"""An SMS modem simulator (短信猫模拟器) on a real pseudo-terminal, for demos, drills and tests:
the program under test opens the pty's slave path exactly as it would open a USB modem's COM
port, and talks 3GPP TS 27.005 in PDU mode to it.

:class:`SimulatedModem` is the modem without I/O (bytes from the host in, bytes back, like
:class:`~.simulator.SimulatedTerminal`); :class:`PtyModem` serves it on a pty. What it does:

* V.250 command lines (``AT…<CR>``, several joined with ``;``), echoed until ``ATE0``;
  ``ATZ`` resets; an unknown command is ``ERROR`` (ITU-T V.250 §5.2, §6.2.4).
* ``AT+CMGF=0`` PDU mode (text mode is refused with ``+CMS ERROR: 303``), ``AT+CNMI`` new
  message indications (TS 27.005 §3.4.1; ``<mt>`` 0-2, ``<ds>`` 0-1), ``AT+CSCA?``,
  ``AT+CSQ``, ``AT+CPMS?``.
* ``AT+CMGS=<length>`` (TS 27.005 §4.3): the ``<CR><LF>> `` prompt, the PDU up to Ctrl-Z
  (ESC cancels), then ``+CMGS: <mr>`` with a TP-MR counting up modulo 256 (TS 23.040
  §9.2.3.6); a PDU whose length or type is wrong gets ``+CMS ERROR: 304``, and the first
  ``cms_failures`` sends get ``+CMS ERROR: <cms_error>`` (330, SMSC address unknown, by
  default). A submit that asked for a status report (TP-SRR) is answered ``report_delay_s``
  later with ``+CDS: <length>`` and an SMS-STATUS-REPORT (TS 23.040 §9.2.2.3): delivered, or
  ``failure_status`` for the ``undeliverable`` numbers.
* :meth:`SimulatedModem.receive_sms` is a message arriving from the network: stored in the
  SIM (``"SM"``, lowest free index) and announced with ``+CMTI: "SM",<index>``, one per part
  of a long message; ``AT+CMGR`` (§4.2), ``AT+CMGL`` (§4.1) and ``AT+CMGD`` (§3.5.4) read,
  list and delete. When the SIM is full the network keeps the part and retries after a delete.
* Unsolicited result codes wait while the host is typing a command or a PDU (TS 27.005
  §3.4.1 ``<mode>`` 2: buffered while the TA-TE link is reserved) and come out with the next
  answer or :meth:`SimulatedModem.poll`.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from ..tabular import phone_key
from .events import SmsMessage
from .simulator import PtyTerminal
from .sms_encode import TP_ST, EncodedPdu, encode_deliver, encode_status_report
from .sms_pdu import SmsReassembler, decode_pdu

CHINA_TIME = timezone(timedelta(hours=8))
CTRL_Z, ESC = 0x1A, 0x1B
_MAX_LINE = 1024  # a command line longer than this is dropped (V.250 leaves it to the DCE)
_OK = b"\r\nOK\r\n"


class _Final(Exception):
    """A final result code other than OK: ends the command line (V.250 §5.7.1)."""

    def __init__(self, code: bytes):
        super().__init__(code)
        self.code = code


def _error(cms: int | None = None) -> _Final:
    return _Final(b"\r\nERROR\r\n" if cms is None else b"\r\n+CMS ERROR: %d\r\n" % cms)


def _info(*lines: str) -> bytes:
    """An information response (V.250 §5.7.2): <CR><LF>line<CR><LF>, a PDU on its own line."""
    return b"\r\n" + "\r\n".join(lines).encode("ascii") + b"\r\n"


@dataclass
class StoredSms:
    """One SIM slot: ``stat`` 0 received unread, 1 received read (TS 27.005 §3.1)."""

    index: int
    pdu: EncodedPdu
    stat: int = 0


@dataclass
class Submission:
    """One SMS-SUBMIT the modem took (one part of a long message)."""

    reference: int  # TP-MR, as answered in +CMGS
    recipient: str
    text: str
    message: SmsMessage
    pdu: bytes
    report_requested: bool
    accepted_at: datetime
    report_status: int | None = None  # TP-ST once the status report went out


class SimulatedModem:
    """A GSM modem in PDU mode, without I/O; thread-safe (the pty thread and a test share it).

    ``clock`` (monotonic seconds) paces status reports; ``wall_clock`` stamps TP-SCTS and
    TP-DT (default: now, China time). ``report_delay_s`` None holds status reports until
    :meth:`release_reports`.
    """

    def __init__(self, *, smsc: str = "+8613800871500", capacity: int = 30,
                 report_delay_s: float | None = 1.0, undeliverable: Iterable[str] = (),
                 failure_status: int = TP_ST["validity_expired"], cms_failures: int = 0,
                 cms_error: int = 330, report_smsc: bool = True,
                 clock: Callable[[], float] = time.monotonic,
                 wall_clock: Callable[[], datetime] | None = None):
        self.smsc, self.capacity = smsc, capacity
        self.report_delay_s = report_delay_s
        self.undeliverable = {phone_key(n) for n in undeliverable}
        self.failure_status = failure_status
        self.cms_failures, self.cms_error = cms_failures, cms_error
        self.report_smsc = report_smsc  # False: +CDS without the SMSC field, as some modems do
        self.clock = clock
        self.wall_clock = wall_clock or (
            lambda: datetime.now(CHINA_TIME).replace(microsecond=0))
        self.storage: dict[int, StoredSms] = {}
        self.waiting: deque[EncodedPdu] = deque()  # held by the network while the SIM is full
        self.submitted: list[Submission] = []
        self.commands: list[str] = []  # every command line, as received
        self.refused = 0  # sends answered with the configured +CMS ERROR
        self.next_reference = 1
        self._lock = threading.RLock()
        self._line = bytearray()
        self._pdu_length: int | None = None  # set between the '> ' prompt and Ctrl-Z / ESC
        self._pdu = bytearray()
        self._reports: list[tuple[float | None, Submission]] = []
        self._unsolicited: list[bytes] = []
        self._concat_reference = 0
        self.reset()

    def reset(self) -> None:
        """Power-on settings (``ATZ``): echo on, PDU mode, no indications (+CNMI 0,0,0,0,0)."""
        with self._lock:
            self.echo = True
            self.cnmi = (0, 0, 0, 0, 0)

    # -- the host's side -------------------------------------------------------------------

    def receive(self, data: bytes) -> bytes:
        """Everything the modem says back to the bytes the host wrote."""
        with self._lock:
            out = bytearray()
            for byte in data:
                if self._pdu_length is not None:
                    out += self._pdu_byte(byte)
                    continue
                if self.echo:
                    out.append(byte)
                if byte == 0x0D:  # S3: the command line ends
                    line, self._line = bytes(self._line), bytearray()
                    out += self._command_line(line)
                elif byte == 0x08:  # S5: backspace
                    del self._line[-1:]
                elif byte != 0x0A and len(self._line) < _MAX_LINE:
                    self._line.append(byte)
            out += self._flush_unsolicited()
            return bytes(out)

    def poll(self) -> bytes:
        """Unsolicited output now due: status reports, buffered +CMTI (nothing while the host
        is in the middle of a command line or a PDU)."""
        with self._lock:
            return self._flush_unsolicited()

    # -- the network's side ----------------------------------------------------------------

    def receive_sms(self, sender: str, text: str, *, sent_at: datetime | None = None,
                    encoding: str = "auto") -> list[int | None]:
        """A message from ``sender`` arrives: one SMS-DELIVER per part, each stored and
        announced per ``+CNMI <mt>``; returns the storage index of each part (None: routed
        directly as +CMT, or held by the network because the SIM is full)."""
        with self._lock:
            self._concat_reference = (self._concat_reference + 1) & 0xFF
            parts = encode_deliver(sender, text, sent_at=sent_at or self.wall_clock(),
                                   smsc=self.smsc, encoding=encoding,
                                   concat_reference=self._concat_reference)
            return [self._arrive(part) for part in parts]

    def release_reports(self, count: int | None = None) -> int:
        """Let the first ``count`` (default all) held status reports go out; returns how many."""
        with self._lock:
            released = 0
            for n, (due, submission) in enumerate(self._reports):
                if due is None and (count is None or released < count):
                    self._reports[n] = (float("-inf"), submission)
                    released += 1
            return released

    def outgoing(self) -> list[tuple[str, str]]:
        """(recipient, text) of each whole message sent so far, parts joined, in order."""
        with self._lock:
            joiner, out = SmsReassembler(), []
            for submission in self.submitted:
                whole = joiner.add(submission.message)
                if whole is not None:
                    out.append((whole.recipient, whole.text))
            return out

    # -- internals -------------------------------------------------------------------------

    def _arrive(self, part: EncodedPdu) -> int | None:
        if self.cnmi[1] == 2:  # route to the TE directly, not stored (TS 27.005 §3.4.1)
            self._unsolicited.append(_info(f"+CMT: ,{part.tpdu_length}", part.hex))
            return None
        free = next((i for i in range(1, self.capacity + 1) if i not in self.storage), None)
        if free is None:
            self.waiting.append(part)
            return None
        self.storage[free] = StoredSms(free, part)
        if self.cnmi[1] == 1:
            self._unsolicited.append(_info(f'+CMTI: "SM",{free}'))
        return free

    def _flush_unsolicited(self) -> bytes:
        if self._pdu_length is not None or self._line:
            return b""
        now = self.clock()
        due = [s for d, s in self._reports if d is not None and d <= now]
        self._reports = [(d, s) for d, s in self._reports if d is None or d > now]
        for submission in due:
            self._status_report(submission)
        out, self._unsolicited = b"".join(self._unsolicited), []
        return out

    def _status_report(self, submission: Submission) -> None:
        failed = phone_key(submission.recipient) in self.undeliverable
        submission.report_status = self.failure_status if failed else TP_ST["delivered"]
        report = encode_status_report(submission.reference, submission.recipient,
                                      submission.report_status,
                                      submitted_at=submission.accepted_at,
                                      discharged_at=self.wall_clock(), smsc=self.smsc)
        if self.cnmi[3] != 1:
            return  # <ds> 0: the report is not routed to the TE
        pdu = report.hex if self.report_smsc else report.pdu[report.pdu[0] + 1:].hex().upper()
        self._unsolicited.append(_info(f"+CDS: {report.tpdu_length}", pdu))

    def _pdu_byte(self, byte: int) -> bytes:
        echo = bytes([byte]) if self.echo else b""
        if byte == ESC:  # TS 27.005 §4.3: sending is cancelled
            self._pdu_length, self._pdu = None, bytearray()
            return echo + _OK
        if byte != CTRL_Z:
            if byte not in b" \r\n" and len(self._pdu) < 2 * 200:
                self._pdu.append(byte)
            return echo
        length, text = self._pdu_length, bytes(self._pdu)
        self._pdu_length, self._pdu = None, bytearray()
        try:
            return echo + self._submit(length, text)
        except _Final as final:
            return echo + final.code

    def _submit(self, length: int, text: bytes) -> bytes:
        try:
            data = bytes.fromhex(text.decode("ascii"))
        except ValueError:
            raise _error(304) from None
        if not data or len(data) - (data[0] + 1) != length:
            raise _error(304)  # <length> counts the TPDU only (TS 27.005 §3.1)
        message = decode_pdu(data)
        if not isinstance(message, SmsMessage) or message.recipient is None:
            raise _error(304)  # not an SMS-SUBMIT
        if self.cms_failures > 0:
            self.cms_failures -= 1
            self.refused += 1
            raise _error(self.cms_error)
        reference, self.next_reference = self.next_reference, (self.next_reference + 1) % 256
        report = bool(data[data[0] + 1] & 0x20)  # TP-SRR (TS 23.040 §9.2.3.5)
        submission = Submission(reference, message.recipient, message.text, message, data,
                                report, self.wall_clock())
        self.submitted.append(submission)
        if report:
            due = None if self.report_delay_s is None else self.clock() + self.report_delay_s
            self._reports.append((due, submission))
        return _info(f"+CMGS: {reference}") + _OK

    def _command_line(self, raw: bytes) -> bytes:
        text = raw.decode("latin-1").strip()
        start = text.upper().find("AT")
        if start < 0:
            return b""  # V.250 §5.2.1: characters before "AT" are ignored
        self.commands.append(text[start:])
        out = b""
        try:
            for command in text[start + 2:].split(";"):
                out += self._command(command.strip())
                if self._pdu_length is not None:
                    return out  # the prompt: the PDU follows, then the final result
        except _Final as final:
            return out + final.code
        return out + _OK

    def _command(self, command: str) -> bytes:
        name, _, value = command.upper().partition("=")
        if name in ("", "E1", "E0", "E", "Z", "&F"):
            if value:
                raise _error()
            if name in ("Z", "&F"):
                self.reset()
            elif name:
                self.echo = name == "E1"
            return b""
        if name == "I":
            return _info("Command Centre simulated GSM modem")
        if name in ("+CSQ", "+CSCA?", "+CPMS?"):
            used = len(self.storage)
            return _info({"+CSQ": "+CSQ: 24,99", "+CSCA?": f'+CSCA: "{self.smsc}",145',
                          "+CPMS?": ",".join([f'+CPMS: "SM",{used},{self.capacity}']
                                             + [f'"SM",{used},{self.capacity}'] * 2)}[name])
        if name == "+CMGF?":
            return _info("+CMGF: 0")
        if name == "+CMGF":
            if value == "?":
                return _info("+CMGF: (0)")
            if value != "0":
                raise _error(303)  # this modem speaks PDU mode only
            return b""
        if name == "+CNMI?":
            return _info("+CNMI: " + ",".join(map(str, self.cnmi)))
        if name == "+CNMI":
            return self._cnmi(value)
        if name in ("+CMGS", "+CMGR", "+CMGD", "+CMGL"):
            args = value.split(",") if value else []
            if not all(a.strip().isdigit() for a in args):
                raise _error(304)
            handler = {"+CMGS": self._cmgs, "+CMGR": self._cmgr, "+CMGD": self._cmgd,
                       "+CMGL": self._cmgl}[name]
            return handler([int(a) for a in args])
        raise _error()

    def _cnmi(self, value: str) -> bytes:
        fields = [f.strip() for f in value.split(",")]
        if len(fields) > 5 or not all(f.isdigit() or f == "" for f in fields):
            raise _error(304)
        given = [int(f) if f else 0 for f in fields] + [0] * (5 - len(fields))
        mode, mt, bm, ds, bfr = given
        if mode > 3 or mt > 3 or bm > 3 or ds > 2 or bfr > 1:
            raise _error(304)
        if mt == 3 or ds == 2:
            raise _error(303)  # class 3 routing and stored status reports: not simulated
        self.cnmi = (mode, mt, bm, ds, bfr)
        return b""

    def _cmgs(self, args: list[int]) -> bytes:
        if len(args) != 1 or not 7 <= args[0] <= 164:
            raise _error(304)
        self._pdu_length = args[0]
        return b"\r\n> "

    def _slot(self, index: int) -> StoredSms | None:
        if not 1 <= index <= self.capacity:
            raise _error(321)  # invalid memory index
        return self.storage.get(index)

    def _cmgr(self, args: list[int]) -> bytes:
        if len(args) != 1:
            raise _error(304)
        slot = self._slot(args[0])
        if slot is None:
            raise _error(321)
        stat, slot.stat = slot.stat, 1  # reading marks it read
        return _info(f"+CMGR: {stat},,{slot.pdu.tpdu_length}", slot.pdu.hex)

    def _cmgl(self, args: list[int]) -> bytes:
        stat = args[0] if args else 0
        if len(args) > 1 or stat not in (0, 1, 2, 3, 4):
            raise _error(304)
        lines = []
        for index in sorted(self.storage):
            slot = self.storage[index]
            if stat == 4 or slot.stat == stat:
                lines += [f"+CMGL: {index},{slot.stat},,{slot.pdu.tpdu_length}", slot.pdu.hex]
                slot.stat = 1
        return _info(*lines) if lines else b""

    def _cmgd(self, args: list[int]) -> bytes:
        if not 1 <= len(args) <= 2 or (len(args) == 2 and args[1] > 4):
            raise _error(304)
        flag = args[1] if len(args) == 2 else 0
        if flag == 0:
            self._slot(args[0])
            self.storage.pop(args[0], None)  # an empty slot deletes quietly, as modems do
        else:  # 1 read, 2 read + sent, 3 + unsent, 4 all (this SIM holds received only)
            for index in [i for i, s in self.storage.items() if flag == 4 or s.stat == 1]:
                del self.storage[index]
        while self.waiting and len(self.storage) < self.capacity:
            self._arrive(self.waiting.popleft())  # the network retries once there is room
        return b""


class PtyModem(PtyTerminal):
    """A :class:`SimulatedModem` served on a pseudo-terminal; ``path`` is the port to open.

    One thread answers the host and writes the modem's unsolicited output
    (:meth:`SimulatedModem.poll`), so a +CMTI or +CDS never splits an answer.
    """

    def __init__(self, modem: SimulatedModem | None = None, *, baudrate: int | None = None):
        super().__init__(modem or SimulatedModem(), baudrate=baudrate)

    @property
    def modem(self) -> SimulatedModem:
        return self.terminal

    def receive_sms(self, sender: str, text: str, **kw) -> list[int | None]:
        """A message arrives from the network; its +CMTI goes out within 50 ms."""
        return self.modem.receive_sms(sender, text, **kw)
