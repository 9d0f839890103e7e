"""A Hytera radio simulator (海能达电台模拟器) on UDP, for demos, drills and tests.

:class:`SimulatedRadio` stands where the radio's "Forward to PC" network would be: two UDP
sockets on 127.0.0.1 (its TMP and LP ports). It acknowledges every TMP message the host
sends, to the address it came from, with result OK or, for the first ``fail_first``
messages, with ``failure`` (CHANNEL_BUSY by default); it sends scripted TMP text messages
(UTF-16-LE, private or group) and LP standard location reports to the host's ports, and
records what it received. PDU layouts are those of :mod:`.hdap` (research-serial.md §3.2).

Plain sockets and one thread with ``select``: the simulator is a test fixture with no
reconnects to manage, and tests call it from their own thread.
"""

from __future__ import annotations

import select
import socket
import threading
import time
from datetime import UTC, datetime

from .events import Decoded, RadioTextAck, ShortMessage
from .hdap import (
    LP_STANDARD_REPORT,
    SERVICE_LP,
    TMP_RESULTS,
    decode_hdap,
    encode_hdap,
    encode_tmp_ack,
    encode_tmp_message,
    radio_ip,
)
from .udp import tmp_request_id

RESULT_CODES = {name: code for code, name in TMP_RESULTS.items()}


def lp_report(source: int, lat: float, lon: float, *, when: datetime | None = None,
              valid: bool = True, request_id: int = 1) -> bytes:
    """An LP standard location report (A002) from radio ``source`` at ``lat`` / ``lon``."""
    when = when or datetime.now(UTC)

    def ddmm(value: float, width: int) -> bytes:
        deg = int(abs(value))
        return f"{deg:0{width}d}{(abs(value) - deg) * 60:07.4f}".encode("ascii")

    gps = (b"A" if valid else b"V") + when.strftime("%H%M%S%d%m%y").encode("ascii")
    gps += (b"N" if lat >= 0 else b"S") + ddmm(lat, 2) + (b"E" if lon >= 0 else b"W")
    gps += ddmm(lon, 3) + b"0.0" + b"000"  # speed, direction: units undocumented, not decoded
    payload = request_id.to_bytes(4, "big") + radio_ip(source) + b"\x00\x00" + gps
    return encode_hdap(SERVICE_LP, LP_STANDARD_REPORT.to_bytes(2, "big"), payload)


class SimulatedRadio:
    """A Hytera radio on 127.0.0.1 talking to a host listening on ``host_tmp`` / ``host_lp``.

    ``tmp_port`` / ``lp_port`` are the radio's own ports (0: any free port; read them back
    from the attributes). ``messages`` are the TMP messages the host sent (ShortMessage),
    ``acks`` the acks the host sent back for ours, ``datagrams`` everything received.
    ``silent`` stops all acks (a radio that is off air or gone).
    """

    def __init__(self, host_tmp: int, host_lp: int, *, host: str = "127.0.0.1",
                 radio_id: int = 3600999, tmp_port: int = 0, lp_port: int = 0,
                 fail_first: int = 0, failure: str = "channel_busy", silent: bool = False,
                 bind_host: str = "127.0.0.1"):
        self.host, self.host_tmp, self.host_lp = host, host_tmp, host_lp
        self.radio_id = radio_id
        self.fail_first, self.failure_code = fail_first, RESULT_CODES[failure]
        self.silent = silent
        self.messages: list[ShortMessage] = []
        self.acks: list[RadioTextAck] = []
        self.datagrams: list[tuple[str, bytes]] = []
        self._request = 0
        self._tmp = self._socket(bind_host, tmp_port)
        self._lp = self._socket(bind_host, lp_port)
        self.tmp_port, self.lp_port = self._tmp.getsockname()[1], self._lp.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="cc-sim-radio", daemon=True)
        self._thread.start()

    @staticmethod
    def _socket(host: str, port: int) -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind((host, port))
        return sock

    # -- what the host sent ----------------------------------------------------------------

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([self._tmp, self._lp], [], [], 0.05)
            except (OSError, ValueError):
                return  # closed under us
            for sock in ready:
                try:
                    data, addr = sock.recvfrom(65535)
                except OSError:
                    continue  # e.g. Windows' ICMP echo of an earlier send
                self.datagrams.append(("TMP" if sock is self._tmp else "LP", data))
                self._answer(data, addr, sock)

    def _answer(self, data: bytes, addr: tuple, sock: socket.socket) -> None:
        item = decode_hdap(data)
        if not isinstance(item, Decoded):
            return  # a bad PDU from the host gets no answer, as on a real radio
        event = item.event
        if isinstance(event, RadioTextAck):
            self.acks.append(event)
        elif isinstance(event, ShortMessage):
            self.messages.append(event)
            if self.silent:
                return
            result = self.failure_code if len(self.messages) <= self.fail_first else 0
            ack = _ack_for(data, event, result)
            sock.sendto(ack, addr)

    # -- what the radio sends --------------------------------------------------------------

    def send_text(self, sender: int | str, text: str, *, recipient: int | None = None,
                  group: bool = False, confirmed: bool = True) -> int:
        """A TMP message from radio ``sender`` (to this radio, or a group); its request ID."""
        self._request += 1
        pdu = encode_tmp_message(self._request, recipient or self.radio_id, int(sender), text,
                                 group=group, confirmed=confirmed)
        self._tmp.sendto(pdu, (self.host, self.host_tmp))
        return self._request

    def send_position(self, source: int | str, lat: float, lon: float, *,
                      when: datetime | None = None, valid: bool = True) -> None:
        """An LP location report from radio ``source``."""
        self._request += 1
        self._lp.sendto(lp_report(int(source), lat, lon, when=when, valid=valid,
                                  request_id=self._request), (self.host, self.host_lp))

    def send_raw(self, data: bytes, *, service: str = "TMP") -> None:
        """Any bytes, to the host's TMP or LP port (noise, truncated PDUs)."""
        sock, port = (self._tmp, self.host_tmp) if service == "TMP" else (self._lp, self.host_lp)
        sock.sendto(data, (self.host, port))

    def wait(self, condition, timeout: float = 3.0) -> bool:
        """Wait until ``condition(self)`` holds (True) or ``timeout`` passes (False)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if condition(self):
                return True
            time.sleep(0.01)
        return bool(condition(self))

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self._tmp.close()
        self._lp.close()


def _ack_for(data: bytes, message: ShortMessage, result: int) -> bytes:
    """The radio's ack of a host message: same request ID, destination and source."""
    return encode_tmp_ack(tmp_request_id(data) or 0, int(message.recipient or 0),
                          int(message.sender or 0), result,
                          group=message.info_class == "group")
