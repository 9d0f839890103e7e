"""The Hytera radio driver (海能达电台驱动): TMP text out, acks, text and LP positions in.

Pure logic like the other drivers (:mod:`.drivers`); :class:`~.udp.HdapLink` carries the
bytes. A message goes out as a TMP private message (A1) to the recipient's radio ID with
this driver's own request ID, which becomes the message's ``reference``. The radio answers
with an ack (A2) carrying the same request ID: result OK → ``accepted`` (the radio sent it;
for a confirmed private message the other radio has also acknowledged it on air), any other
result → back in the queue, and after ``max_attempts`` → ``failed``, with the result named in
the note. Acks with another request ID (late, or for another program on the same radio) are
ignored. Incoming TMP messages and LP positions pass through the base driver as inbound, the
radio ID as sender / source; the link has already acknowledged the messages.

Location on demand: :meth:`HdapDriver.request_location` writes an LP standard location
immediate request (A001) for a radio, with a request ID from the same counter; the link sends
LP PDUs to the radio's LP port. The radio's standard report (A002) repeating that request ID
is the answer: a position is stored like any other report (``position_report``, source = the
radio ID), and :meth:`HdapDriver.location_answer` returns it, or the failed answer
(:class:`~.hdap.LpNoFix`, e.g. ``position_method_failure``). Reports with another request ID
are stored but answer nothing, as for acks. Layouts: :mod:`.hdap` (ok-dmrlib
``location_protocol.py``).

Notes are written in the record's language (Chinese), as in :mod:`.drivers`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from ..errors import ValidationError
from ..i18n import tr
from .drivers import Driver, Step
from .events import NoFix, Position, RadioTextAck
from .hdap import (
    DEFAULT_SUBNET,
    LpNoFix,
    LpPosition,
    encode_lp_immediate_request,
    encode_tmp_message,
)
from .outbox import OutgoingMessage

MAX_RADIO_ID = 0xFFFFFF
RESULT_NAMES = {"ok": "成功", "fail": "发送失败", "invalid_params": "参数无效",
                "channel_busy": "信道忙", "rx_only": "电台处于只收模式",
                "low_battery": "电量低", "pll_unlock": "锁相环失锁",
                "private_call_no_ack": "对方电台未应答", "repeater_wakeup_fail": "中继唤醒失败",
                "no_contact": "无此联系人", "tx_deny": "禁止发射",
                "tx_interrupted": "发射被中断"}
# LP result names (ok-dmrlib LocationProtocolResultCodes) and a void GPS status, in words.
LOCATION_RESULT_NAMES = {"position_method_failure": "定位失败",
                         "request_format_error": "请求格式错误",
                         "status_void": "卫星定位无效"}


def radio_number(value: str | int) -> int | None:
    """A radio ID (0–16777215) from a roster ``pdt_id`` or recipient, or None if it is not."""
    text = str(value).strip()
    if not text.isdigit() or int(text) > MAX_RADIO_ID:
        return None
    return int(text)


def result_text(ack: RadioTextAck) -> str:
    """The result of an ack in words, with its machine name (``信道忙 channel_busy``)."""
    return f"{RESULT_NAMES.get(ack.result, '未知结果')} {ack.result}"


def location_failure_text(answer: NoFix) -> str:
    """Why a location answer has no position, in words (``定位失败 position_method_failure``)."""
    return f"{LOCATION_RESULT_NAMES.get(answer.reason, '未知结果')} {answer.reason}"


@dataclass
class LocationQuery:
    """The latest location request to one radio and, once it came, its answer."""

    request_id: int
    radio_id: int
    sent_at: datetime
    answer: Position | NoFix | None = None
    answered_at: datetime | None = None


class HdapDriver(Driver):
    """A Hytera DMR/PDT radio on "Forward to PC"; ``radio_id`` is its own ID (device address).

    Without a ``radio_id`` the TMP source field is 0; which ID the radio puts on air then is
    not documented in the sources (research-serial.md §3.2).
    """

    def __init__(self, *, radio_id: str | int = "", subnet: int = DEFAULT_SUBNET,
                 first_request_id: int | None = None, **kw):
        kw.setdefault("interval_s", 0.0)  # the radio paces itself: one message in flight
        kw.setdefault("feedback_timeout_s", 20.0)  # an air-confirmed message takes seconds
        super().__init__(**kw)
        own = radio_number(radio_id) if str(radio_id).strip() else 0
        if own is None:
            raise ValidationError(tr("电台号应为 0–16777215 之间的整数：{value}", value=radio_id))
        self.radio_id, self.subnet = own, subnet
        # A random start: an ack still on its way from an earlier run cannot match.
        self._next_request = (first_request_id if first_request_id is not None
                              else secrets.randbelow(0x7FFFFFFF) + 1)
        self._request: int | None = None
        self._current: OutgoingMessage | None = None
        self.locations: dict[int, LocationQuery] = {}  # by radio ID: the latest request

    def _new_request_id(self) -> int:
        request, self._next_request = self._next_request, (self._next_request + 1) % (1 << 32)
        return request

    def transmit(self, message: OutgoingMessage) -> Step:
        now = self._sent_at  # tick() set it just before
        recipient = radio_number(message.recipient)
        if recipient is None:
            # Retrying cannot help: mark it failed now rather than after max_attempts tries.
            message.attempts = max(message.attempts, self.outbox.max_attempts)
            return self._verdict(False, now, note=f"收信人不是电台号（0–16777215）："
                                                  f"{message.recipient}，无法发送")
        self._request, self._current = self._new_request_id(), message
        return Step(writes=[encode_tmp_message(self._request, recipient, self.radio_id,
                                               message.text, subnet=self.subnet)])

    def request_location(self, radio_id: str | int, now: datetime) -> Step:
        """Ask radio ``radio_id`` where it is (LP A001); the runner writes the Step.

        A new request to the same radio replaces the earlier one: only its answer counts.
        """
        radio = radio_number(radio_id)
        if radio is None:
            raise ValidationError(tr("电台号应为 0–16777215 之间的整数：{value}", value=radio_id))
        request = self._new_request_id()
        self.locations[radio] = LocationQuery(request, radio, now)
        return Step(writes=[encode_lp_immediate_request(request, radio, subnet=self.subnet)])

    def location_answer(self, radio_id: str | int) -> Position | NoFix | None:
        """The answer to the latest location request to ``radio_id``, once it has come."""
        radio = radio_number(radio_id)
        query = self.locations.get(radio) if radio is not None else None
        return query.answer if query is not None else None

    def event(self, event: object, now: datetime) -> Step:
        if isinstance(event, RadioTextAck):
            return self._ack(event, now)
        if isinstance(event, LpPosition | LpNoFix):
            self._location(event, now)
        return super().event(event, now)

    def _location(self, report: LpPosition | LpNoFix, now: datetime) -> None:
        radio = radio_number(report.source_id or "")
        query = self.locations.get(radio) if radio is not None else None
        if query is None or query.answer is not None or report.request_id != query.request_id:
            return
        query.answer, query.answered_at = report, now

    def _ack(self, ack: RadioTextAck, now: datetime) -> Step:
        if self._sent_at is None or ack.request_id != self._request:
            return Step()
        message, self._request, self._current = self._current, None, None
        reference = str(ack.request_id)
        if ack.ok:
            return self._verdict(True, now, reference=reference)
        why = result_text(ack)
        if message is not None and message.attempts >= self.outbox.max_attempts:
            note = f"已尝试 {message.attempts} 次，电台均未发出（最后一次：{why}）"
        else:
            note = f"电台未能发出（{why}），稍后重发"
        return self._verdict(False, now, note=note, reference=reference)

    def disconnected(self, now: datetime) -> Step:
        self._request, self._current = None, None
        return super().disconnected(now)
