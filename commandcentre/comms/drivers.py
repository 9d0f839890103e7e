"""Device drivers (设备驱动): what to say to a terminal or modem, and what its answers mean.

A driver is pure logic with an injected time: the runner (:mod:`.runner`) hands it link state
changes and decoded events, and writes the bytes it returns. Each call returns a
:class:`Step`: bytes to write, incoming messages and positions to store, and status changes of
outgoing messages. No I/O here, so every exchange is testable without a port.

* :class:`BeidouDriver`: on connect it asks for the card (``$CCICA``) and, when nothing
  answers, tries the next baud rate (auto-probe, research-serial.md §1.3); ``$BDICI`` sets the
  outbox's service interval (服务频度); ``$CCTXA`` goes out one at a time; ``$BDFKI`` says
  accepted (a transmit receipt, not a delivery receipt) or refused with a wait, and a refused
  message is retried after the wait.
* :class:`SmsDriver`: AT commands one at a time (TS 27.005): ``ATE0``, ``AT+CMGF=0``,
  ``AT+CNMI=2,1,0,1,0``; on ``+CMTI`` it reads (``AT+CMGR``) and deletes (``AT+CMGD``) the
  message, joins concatenated parts; sends with ``AT+CMGS`` part by part, asking for status
  reports, and a ``+CDS`` delivered report marks the message delivered.
* :class:`ReceiveOnlyDriver`: NMEA radios and GNSS modules: positions in, nothing out.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from . import beidou, sms_pdu
from .events import (
    AtPrompt,
    AtResult,
    CardInfo,
    DeliveryReport,
    Position,
    SendFeedback,
    ShortMessage,
    SmsIndication,
    SmsMessage,
    SmsSubmitted,
)
from .outbox import Outbox, OutgoingMessage

PROBE_RATES = (115200, 9600, 19200, 38400, 57600, 4800)


@dataclass
class Update:
    """An outgoing message's new status (``note``: why, in the record's language)."""

    message_id: str
    status: str
    reference: str | None = None
    note: str = ""


@dataclass
class Step:
    """What a driver wants done after one call."""

    writes: list[bytes] = field(default_factory=list)
    inbound: list[object] = field(default_factory=list)  # ShortMessage / Position to store
    updates: list[Update] = field(default_factory=list)
    baudrate: int | None = None  # switch the port to this rate before writing

    def extend(self, other: Step) -> Step:
        self.writes += other.writes
        self.inbound += other.inbound
        self.updates += other.updates
        self.baudrate = other.baudrate or self.baudrate
        return self


class Driver:
    """Common behaviour: an outbox paced by the device, a time limit on the message in flight."""

    can_send = True

    def __init__(self, *, interval_s: float = 0.0, feedback_timeout_s: float = 15.0,
                 max_attempts: int = 5, retry_s: float = 5.0):
        self.outbox = Outbox(interval_s=interval_s, max_attempts=max_attempts, retry_s=retry_s)
        self.feedback_timeout = timedelta(seconds=feedback_timeout_s)
        self.connected_now = False
        self.known: set[str] = set()  # message ids the outbox holds or has finished
        self._sent_at: datetime | None = None

    # -- the runner calls these -------------------------------------------------------------

    def add(self, message: OutgoingMessage, now: datetime) -> None:
        if message.id not in self.known:
            self.known.add(message.id)
            self.outbox.add(message, now)

    def connected(self, now: datetime) -> Step:
        self.connected_now = True
        return Step()

    def disconnected(self, now: datetime) -> Step:
        """The port went away: the message in flight goes back to the head of the queue."""
        self.connected_now = False
        return self._lost(now, "链路中断，等待重发")

    def event(self, event: object, now: datetime) -> Step:
        if isinstance(event, ShortMessage) and event.direction == "in" and event.sender:
            return Step(inbound=[event])
        if isinstance(event, Position):
            return Step(inbound=[event])
        return Step()

    def tick(self, now: datetime) -> Step:
        step = Step()
        if self._sent_at is not None and now - self._sent_at > self.feedback_timeout:
            step.extend(self._lost(now, "终端无反馈，等待重发"))
        if self.connected_now and self.ready(now):
            message = self.outbox.due(now)
            if message is not None:
                self._sent_at = now
                step.updates.append(Update(message.id, "sending"))
                step.extend(self.transmit(message))
        return step

    # -- for subclasses ---------------------------------------------------------------------

    def ready(self, now: datetime) -> bool:
        """Whether the device may be given a message now (e.g. the card is known)."""
        return True

    def transmit(self, message: OutgoingMessage) -> Step:
        raise NotImplementedError

    def _verdict(self, accepted: bool, now: datetime, *, wait_s: int | None = None,
                 note: str = "", reference: str | None = None) -> Step:
        self._sent_at = None
        message = self.outbox.feedback(accepted, now, wait_s=wait_s)
        if message is None:
            return Step()
        if message.status == "queued" and not note:
            note = f"终端要求等待 {wait_s} 秒后重发" if wait_s else "终端拒绝，稍后重发"
        if message.status == "failed" and not note:
            note = f"已尝试 {message.attempts} 次，终端均未受理"
        return Step(updates=[Update(message.id, message.status, reference, note)])

    def _lost(self, now: datetime, note: str) -> Step:
        if self._sent_at is None:
            return Step()
        return self._verdict(False, now, note=note)


class ReceiveOnlyDriver(Driver):
    """NMEA radios, GNSS modules: positions (and nothing to send)."""

    can_send = False

    def transmit(self, message: OutgoingMessage) -> Step:  # pragma: no cover - never due
        raise RuntimeError("receive-only device")

    def ready(self, now: datetime) -> bool:
        return False


class BeidouDriver(Driver):
    """A BeiDou RDSS terminal, text dialect 2.1."""

    def __init__(self, *, baudrate: int = 115200, probe_timeout_s: float = 1.5, **kw):
        kw.setdefault("interval_s", 60.0)  # until the card says otherwise
        super().__init__(**kw)
        rates = [baudrate] + [r for r in PROBE_RATES if r != baudrate]
        self.rates, self.rate_index = rates, 0
        self.probe_timeout = timedelta(seconds=probe_timeout_s)
        self.card: CardInfo | None = None
        self.no_answer = False  # every rate tried, no card answered
        self._probe_at: datetime | None = None

    @property
    def baudrate(self) -> int:
        return self.rates[self.rate_index]

    def connected(self, now: datetime) -> Step:
        super().connected(now)
        # Ask again on every connect: the terminal on this port may have been swapped, or
        # its card taken out, while the cable was off.
        self.card, self.no_answer, self._probe_at = None, False, now
        return Step(writes=[beidou.encode_ica()])

    def event(self, event: object, now: datetime) -> Step:
        if isinstance(event, CardInfo):
            self._probe_at, self.no_answer = None, False
            self.card = event
            if event.present and event.service_interval_s is not None:
                self.outbox.set_interval(float(event.service_interval_s))
            return Step()
        if isinstance(event, SendFeedback) and event.command in ("TXA", "TCQ"):
            return self._verdict(event.accepted, now, wait_s=event.wait_s)
        return super().event(event, now)

    def ready(self, now: datetime) -> bool:
        # Without a card nothing can be sent; a card that never answered (an old terminal
        # without ICA support) still gets its messages, paced at the default interval.
        return (self.card is not None and self.card.present) or self.no_answer

    def tick(self, now: datetime) -> Step:
        step = Step()
        if (self.connected_now and self.card is None and self._probe_at is not None
                and now - self._probe_at > self.probe_timeout):
            if self.rate_index + 1 < len(self.rates):
                self.rate_index += 1
                self._probe_at = now
                step = Step(writes=[beidou.encode_ica()], baudrate=self.baudrate)
            else:
                self._probe_at, self.no_answer = None, True
                self.rate_index = 0
                step = Step(baudrate=self.baudrate)
        return step.extend(super().tick(now))

    def transmit(self, message: OutgoingMessage) -> Step:
        return Step(writes=[beidou.encode_txa(message.recipient, message.text)])


@dataclass
class _Tracked:
    """Status reports still to come for one outgoing SMS (one per part)."""

    expected: int
    refs: set[int] = field(default_factory=set)
    delivered: set[int] = field(default_factory=set)
    failed_note: str | None = None


class SmsDriver(Driver):
    """An SMS modem (短信猫) or satellite phone in PDU mode."""

    # After setup, list what the SIM already holds (TS 27.005 §3.4.2, <stat> 4 = all): a
    # +CMTI sent while no program was listening is never repeated, so those messages would
    # sit unread until the SIM is full.
    SETUP = (b"ATE0\r", *sms_pdu.SETUP_COMMANDS)
    LIST = b"AT+CMGL=4\r"

    def __init__(self, *, command_timeout_s: float = 60.0, **kw):
        kw.setdefault("feedback_timeout_s", 90.0)  # several parts over a slow network
        super().__init__(**kw)
        self.command_timeout = timedelta(seconds=command_timeout_s)
        self.reassembler = sms_pdu.SmsReassembler()
        self._commands: deque[tuple[str, bytes]] = deque()
        self._waiting: tuple[str, datetime] | None = None
        self._parts: list[sms_pdu.SubmitPart] = []
        self._refs: list[int] = []
        # TP-MR → message id. An MR is one byte and wraps, so a newer part taking an MR
        # takes it from whichever message held it before.
        self._reference_of: dict[int, str] = {}
        self._tracking: dict[str, _Tracked] = {}
        self._current: OutgoingMessage | None = None

    def connected(self, now: datetime) -> Step:
        super().connected(now)
        self._commands.clear()
        self._waiting = None
        for command in self.SETUP:
            self._commands.append(("setup", command))
        self._commands.append(("list", self.LIST))
        return self._next(now)

    def disconnected(self, now: datetime) -> Step:
        self._waiting, self._commands = None, deque()
        if self._current is not None:
            self._forget(self._current.id)
        self._parts, self._current = [], None
        return super().disconnected(now)

    def ready(self, now: datetime) -> bool:
        return self._waiting is None and not self._commands and self._current is None

    def _next(self, now: datetime) -> Step:
        if self._waiting is not None or not self._commands:
            return Step()
        kind, command = self._commands.popleft()
        self._waiting = (kind, now)
        return Step(writes=[command])

    def transmit(self, message: OutgoingMessage) -> Step:
        self._current = message
        self._parts = sms_pdu.encode_submit(message.recipient, message.text,
                                            request_report=True)
        self._refs = []
        self._forget(message.id)  # an earlier attempt's parts no longer count
        self._tracking[message.id] = _Tracked(expected=len(self._parts))
        self._commands.append(("cmgs", self._parts[0].cmgs()[0]))
        return self._next(self._sent_at)  # tick() set it just before

    def tick(self, now: datetime) -> Step:
        step = Step()
        if self._waiting is not None and now - self._waiting[1] > self.command_timeout:
            kind = self._waiting[0]
            self._waiting = None
            if kind in ("cmgs", "pdu"):
                step.extend(self._part_failed(now, "短信猫无响应，等待重发"))
            step.extend(self._next(now))
        return step.extend(super().tick(now))

    def event(self, event: object, now: datetime) -> Step:
        if isinstance(event, SmsIndication):
            if not event.report:
                self._commands.append(("read", b"AT+CMGR=%d\r" % event.index))
            self._commands.append(("delete", b"AT+CMGD=%d\r" % event.index))
            return self._next(now)
        if isinstance(event, SmsMessage):
            listing = self._waiting is not None and self._waiting[0] == "list"
            if listing and event.index is not None and event.sender:
                # Received and now stored here: free its slot (sent or draft messages on
                # the SIM are not ours to delete).
                self._commands.append(("delete", b"AT+CMGD=%d\r" % event.index))
            whole = self.reassembler.add(event)
            if whole is None or not whole.sender:
                return Step()
            return Step(inbound=[ShortMessage(whole.sender, whole.recipient, whole.text,
                                              "sms", whole.raw)])
        if isinstance(event, DeliveryReport):
            return self._report(event)
        if isinstance(event, AtPrompt) and self._waiting and self._waiting[0] == "cmgs":
            self._waiting = ("pdu", now)
            return Step(writes=[self._parts[len(self._refs)].cmgs()[1]])
        if isinstance(event, SmsSubmitted) and self._current is not None:
            self._refs.append(event.reference)
            self._take_reference(event.reference, self._current.id)
            return Step()
        if isinstance(event, AtResult):
            return self._result(event, now)
        return super().event(event, now)

    def _take_reference(self, reference: int, message_id: str) -> None:
        previous = self._reference_of.get(reference)
        if previous is not None and previous in self._tracking:
            self._tracking[previous].refs.discard(reference)
        self._reference_of[reference] = message_id
        self._tracking[message_id].refs.add(reference)

    def _forget(self, message_id: str) -> None:
        tracked = self._tracking.pop(message_id, None)
        if tracked is not None:
            for ref in tracked.refs:
                if self._reference_of.get(ref) == message_id:
                    del self._reference_of[ref]

    def _result(self, result: AtResult, now: datetime) -> Step:
        kind = self._waiting[0] if self._waiting else None
        self._waiting = None
        step = Step()
        if kind in ("cmgs", "pdu"):
            if not result.ok:
                why = f"短信猫报错：{result.kind} {result.code or ''} {result.text}".strip()
                step.extend(self._part_failed(now, why))
            elif len(self._refs) < len(self._parts):
                self._commands.appendleft(("cmgs", self._parts[len(self._refs)].cmgs()[0]))
            else:
                message, refs = self._current, list(self._refs)
                self._current, self._parts = None, []
                step.extend(self._verdict(True, now, reference=",".join(map(str, refs))))
                # Reports for early parts may have come before the last part's OK.
                step.extend(self._settle(message.id))
        return step.extend(self._next(now))

    def _part_failed(self, now: datetime, note: str) -> Step:
        if self._current is not None:
            self._forget(self._current.id)
        self._current, self._parts, self._refs = None, [], []
        self._commands = deque(c for c in self._commands if c[0] not in ("cmgs", "pdu"))
        return self._verdict(False, now, note=note)

    def _report(self, report: DeliveryReport) -> Step:
        message_id = self._reference_of.get(report.reference)
        tracked = self._tracking.get(message_id) if message_id else None
        if tracked is None or report.state == "pending":
            return Step()
        if report.state == "failed":
            tracked.failed_note = f"对方未收到（状态 {report.status}）"
        else:
            tracked.delivered.add(report.reference)
        if self._current is not None and self._current.id == message_id:
            return Step()  # still sending its parts: settled after the last part's OK
        return self._settle(message_id)

    def _settle(self, message_id: str) -> Step:
        """The final status of an accepted message, once its reports say so."""
        tracked = self._tracking.get(message_id)
        if tracked is None:
            return Step()
        if tracked.failed_note is not None:
            self._forget(message_id)
            return Step(updates=[Update(message_id, "failed", note=tracked.failed_note)])
        if len(tracked.delivered) >= tracked.expected:
            self._forget(message_id)
            return Step(updates=[Update(message_id, "delivered")])
        return Step()


def driver_for(protocol: str, *, baudrate: int = 115200, address: str = "", **kw) -> Driver:
    """The driver for a device's protocol (``address``: an ``hdap`` radio's own ID)."""
    if protocol == "hdap":
        from .hdap_driver import HdapDriver  # it builds on this module

        return HdapDriver(radio_id=address, **kw)
    if protocol == "beidou":
        return BeidouDriver(baudrate=baudrate, **kw)
    if protocol == "sms":
        return SmsDriver(**kw)
    if protocol == "nmea":
        return ReceiveOnlyDriver(**kw)
    raise ValueError(f"no driver for protocol {protocol!r}")
