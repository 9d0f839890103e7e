"""DeviceRunner (设备运行器): one registered device, live: its link, its driver, the store.

The link's reader thread only decodes and queues; :meth:`DeviceRunner.poll`, called by whoever
owns the store (the CLI's loop, the GUI's timer), drains the queue, lets the driver answer,
stores what arrived in one transaction per poll (a burst of positions costs one fsync), moves
outgoing messages through queued → sending → accepted / delivered / failed, and picks up
messages other parts of the program queued in the store. Messages left ``sending`` by a run
that ended are sent again: a duplicate on the air is better than a lost order.
"""

from __future__ import annotations

import logging
import queue
from dataclasses import dataclass, field

from ..errors import ValidationError
from ..i18n import tr
from ..paths import log_dir
from ..storage import Store
from .drivers import Driver, Step, Update, driver_for
from .events import Reject
from .link import LinkDown, SerialLink
from .outbox import OutgoingMessage
from .service import CommsService
from .traffic import TrafficLog
from .udp import HdapLink

log = logging.getLogger(__name__)

DIALECTS = {"beidou": "beidou", "nmea": "nmea", "sms": "at"}


@dataclass(frozen=True)
class LinkState:
    """A link state change, queued in order with the events around it."""

    state: str


@dataclass
class PollResult:
    """What one poll did, for the caller to show."""

    state: str
    messages: int = 0
    positions: int = 0
    rejects: int = 0
    updates: list[Update] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.messages or self.positions or self.updates)


def traffic_log(device: dict) -> TrafficLog:
    """The device's raw traffic log, ``<logs>/traffic/<name>.log`` (rotated)."""
    return TrafficLog(log_dir() / "traffic" / f"{device['name']}.log")


def open_link(device: dict, *, on_event, on_state,
              baudrate: int | None = None) -> SerialLink | HdapLink:
    """A (not yet started) link for a registered device: serial, or UDP for ``hdap``."""
    if device["protocol"] == "hdap":
        return HdapLink.for_device(device, on_event=on_event, on_state=on_state,
                                   traffic=traffic_log(device))
    if device["protocol"] not in DIALECTS:
        raise ValidationError(tr("{protocol} 设备不走串口。", protocol=device["protocol"]))
    return SerialLink(device["name"], device["port"], dialect=DIALECTS[device["protocol"]],
                      baudrate=baudrate or device["baudrate"], on_event=on_event,
                      on_state=on_state, traffic=traffic_log(device))


class DeviceRunner:
    """Run one device until :meth:`stop`; call :meth:`poll` often (every 0.1–0.5 s)."""

    def __init__(self, store: Store, device: dict, *, link=None, max_batch: int = 5000,
                 **driver_options):
        self.store, self.device = store, device
        self.service = CommsService(store)
        self.driver: Driver = driver_for(device["protocol"], baudrate=device["baudrate"],
                                         address=device.get("address") or "", **driver_options)
        self.max_batch = max_batch
        self._inbox: queue.SimpleQueue = queue.SimpleQueue()
        self.link = link or open_link(device, on_event=self._inbox.put,
                                      on_state=lambda s: self._inbox.put(LinkState(s)))
        self.rejects = 0

    @property
    def state(self) -> str:
        return self.link.state

    def start(self) -> None:
        self.link.start()

    def stop(self) -> PollResult:
        """Close the link and store what was still queued; returns that last poll."""
        self.link.stop()
        result = self.poll()
        if self.link.traffic is not None:
            self.link.traffic.close()
        return result

    def poll(self) -> PollResult:
        now = self.store.clock.now()
        result = PollResult(self.link.state)
        inbound: list[object] = []
        for _ in range(self.max_batch):
            try:
                item = self._inbox.get_nowait()
            except queue.Empty:
                break
            if isinstance(item, LinkState):
                if item.state == "connected":
                    self._apply(self.driver.connected(now), inbound, result)
                elif self.driver.connected_now:
                    self._apply(self.driver.disconnected(now), inbound, result)
            elif isinstance(item, Reject):
                result.rejects += 1
            else:
                self._apply(self.driver.event(item.event, now), inbound, result)
        if inbound:
            counts = self.service.ingest(self.device["id"], inbound,
                                         device_name=self.device["name"])
            result.messages, result.positions = counts["messages"], counts["positions"]
        if self.driver.can_send:
            self._pick_up(now, result)
        self._apply(self.driver.tick(now), inbound, result)
        self.rejects += result.rejects
        result.state = self.link.state
        return result

    def _pick_up(self, now, result: PollResult) -> None:
        for row in self.service.outgoing(self.device["id"]):
            if row["id"] in self.driver.known:
                continue
            if row["status"] == "sending":
                self._mark(Update(row["id"], "queued", note="上次运行未得到终端反馈，重发"),
                           result)
            self.driver.add(OutgoingMessage(row["id"], row["peer"], row["text"],
                                            attempts=row["attempts"]), now)

    def _apply(self, step: Step, inbound: list, result: PollResult) -> None:
        inbound.extend(step.inbound)
        for update in step.updates:
            self._mark(update, result)
        if step.baudrate and hasattr(self.link, "set_baudrate"):
            self.link.set_baudrate(step.baudrate)
        for data in step.writes:
            try:
                self.link.send(data)
            except LinkDown as err:
                # The driver hears of the drop from the link's state change and re-queues.
                log.warning("%s", err)

    def _mark(self, update: Update, result: PollResult) -> None:
        self.service.mark(update.message_id, update.status, device_name=self.device["name"],
                          reference=update.reference, note=update.note)
        result.updates.append(update)
