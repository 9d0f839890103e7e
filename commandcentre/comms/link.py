"""Serial links (串口链路): a reader thread per port that hands decoded events to the caller,
reconnecting by itself after the device is unplugged.

The reader never lets an exception out: a failing port is closed, its state becomes
``reconnecting``, and it is reopened with a growing back-off (``reconnect_min`` to
``reconnect_max`` seconds) until it answers again or :meth:`SerialLink.stop` is called.
Events go to ``on_event`` from the reader thread, or through ``loop.call_soon_threadsafe``
when an asyncio loop is given (the GUI's qasync loop), so nothing touches widgets or the
store from the reader.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import serial

from ..errors import CommandCentreError
from ..i18n import tr
from . import StreamDecoder
from .events import Decoded, Reject
from .traffic import TrafficLog

log = logging.getLogger(__name__)

STATES = ("connecting", "connected", "reconnecting", "closed")


class LinkDown(CommandCentreError):
    """The link is not connected; nothing was sent."""


class LinkCallbacks:
    """What every link does with its owner's callbacks: state changes logged and handed on,
    each call made on the owner's asyncio loop when it gave one, else on the link's thread.
    Needs ``name``, ``state``, ``on_state`` and ``loop``."""

    def _set_state(self, state: str) -> None:
        if state == self.state:
            return
        self.state = state
        log.info("link %s %s", self.name, state)
        if self.on_state is not None:
            self._deliver(self.on_state, state)

    def _deliver(self, fn, arg) -> None:
        if self.loop is not None:
            self.loop.call_soon_threadsafe(fn, arg)
        else:
            fn(arg)


class SerialLink(LinkCallbacks):
    """One serial port, one dialect, decoded."""

    def __init__(self, name: str, port: str, *, dialect: str = "beidou",
                 baudrate: int = 115200, on_event: Callable[[Decoded | Reject], Any] | None = None,
                 on_state: Callable[[str], Any] | None = None, loop=None,
                 traffic: TrafficLog | None = None, reconnect_min: float = 0.1,
                 reconnect_max: float = 2.0, read_timeout: float = 0.05):
        self.name, self.port, self.baudrate = name, port, baudrate
        self.decoder = StreamDecoder(dialect)
        self.on_event, self.on_state, self.loop = on_event, on_state, loop
        self.traffic = traffic
        self.reconnect_min, self.reconnect_max = reconnect_min, reconnect_max
        self.read_timeout = read_timeout
        self.state = "closed"
        self.reconnects = 0
        self._serial: serial.Serial | None = None
        self._write_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- control ---------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"cc-link-{self.name}",
                                        daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 3.0) -> None:
        """Stop the reader and close the port (idempotent)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self._close()
        self._set_state("closed")

    def send(self, data: bytes) -> None:
        """Write bytes now (the caller queues and paces; see :mod:`.outbox`)."""
        with self._write_lock:
            port = self._serial
            if port is None or self.state != "connected":
                raise LinkDown(tr("链路 {name} 未连接，未发送。", name=self.name))
            try:
                port.write(data)
                port.flush()
            except (serial.SerialException, OSError) as err:
                raise LinkDown(tr("链路 {name} 发送失败：{error}", name=self.name,
                                  error=str(err))) from err
        if self.traffic:
            self.traffic.record(self.name, ">", data)

    def set_baudrate(self, baudrate: int) -> None:
        """Change the rate (auto-probe); kept for reopening after a reconnect."""
        with self._write_lock:
            self.baudrate = baudrate
            if self._serial is not None:
                try:
                    self._serial.baudrate = baudrate
                except (serial.SerialException, OSError, ValueError) as err:
                    log.warning("link %s: cannot set %d baud: %s", self.name, baudrate, err)

    # -- the reader ------------------------------------------------------------------------

    def _open(self) -> bool:
        try:
            self._serial = serial.Serial(self.port, self.baudrate, timeout=self.read_timeout,
                                         write_timeout=2)
        except (serial.SerialException, OSError, ValueError) as err:
            log.debug("link %s: cannot open %s: %s", self.name, self.port, err)
            self._serial = None
            return False
        return True

    def _close(self) -> None:
        with self._write_lock:
            if self._serial is not None:
                try:
                    self._serial.close()
                except (serial.SerialException, OSError):
                    pass
                self._serial = None

    def _run(self) -> None:
        delay = self.reconnect_min
        self._set_state("connecting")
        while not self._stop.is_set():
            if self._serial is None:
                if not self._open():
                    self._set_state("reconnecting" if self.reconnects or self.state in
                                    ("connected", "reconnecting") else "connecting")
                    self._stop.wait(delay)
                    delay = min(delay * 2, self.reconnect_max)
                    continue
                if self.state in ("reconnecting",):
                    self.reconnects += 1
                delay = self.reconnect_min
                self._set_state("connected")
            try:
                data = self._serial.read(4096)
            except (serial.SerialException, OSError, TypeError) as err:
                # Unplugged (or the pty's other side went away): keep what was framed.
                log.warning("link %s lost: %s", self.name, err)
                self._flush()
                self._close()
                self._set_state("reconnecting")
                continue
            if data:
                if self.traffic:
                    self.traffic.record(self.name, "<", data)
                for item in self.decoder.feed(data):
                    if self.on_event is not None:
                        self._deliver(self.on_event, item)
        self._flush()

    def _flush(self) -> None:
        for item in self.decoder.flush():
            if self.on_event is not None:
                self._deliver(self.on_event, item)
