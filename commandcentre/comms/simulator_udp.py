"""A Hytera radio simulator (海能达电台模拟器) on UDP, for demos, drills and tests.

:class:`SimulatedRadio` stands where the radio's "Forward to PC" network would be: two UDP
sockets on 127.0.0.1 (its TMP and LP ports). It acknowledges every TMP message the host
sends, to the address it came from, with result OK or, for the first ``fail_first``
messages, with ``failure`` (CHANNEL_BUSY by default). It answers every LP standard location
immediate request (A001) that reaches its LP port with a standard report (A002) repeating the
request ID, from the radio asked, at ``location`` (``None``: result 6, position method
failure). It sends scripted TMP text messages (UTF-16-LE, private or group) and LP standard
location reports to the host's ports, and records what it received. PDU layouts are those of
:mod:`.hdap` (research-serial.md §3.2; ok-dmrlib ``location_protocol.py``). How a real radio
answers a request when it has no fix is not documented; the failure answer here is only one
the protocol allows.

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
    LP_RESULTS,
    TMP_RESULTS,
    LocationRequest,
    decode_hdap,
    encode_lp_report,
    encode_tmp_ack,
    encode_tmp_message,
)
from .udp import tmp_request_id

RESULT_CODES = {name: code for code, name in TMP_RESULTS.items()}
LP_RESULT_CODES = {name: code for code, name in LP_RESULTS.items()}
DEFAULT_LOCATION = (25.86, 99.52)  # where a simulated radio is, as in comms simulate


def lp_report(source: int, lat: float, lon: float, *, when: datetime | None = None,
              valid: bool = True, request_id: int = 1) -> bytes:
    """An LP standard location report (A002) from radio ``source`` at ``lat`` / ``lon``."""
    return encode_lp_report(request_id, source, lat, lon, when=when or datetime.now(UTC),
                            valid=valid)


class SimulatedRadio:
    """A Hytera radio on 127.0.0.1 talking to a host listening on ``host_tmp`` / ``host_lp``.

    ``tmp_port`` / ``lp_port`` are the radio's own ports (0: any free port; read them back
    from the attributes). ``messages`` are the TMP messages the host sent (ShortMessage),
    ``acks`` the acks the host sent back for ours, ``location_requests`` the LP requests
    (:class:`~.hdap.LocationRequest`), ``datagrams`` everything received. ``silent`` stops
    all acks and answers (a radio that is off air or gone). ``location`` is where every
    radio asked is (lat, lon), or None for a "position method failure" answer.
    """

    def __init__(self, host_tmp: int, host_lp: int, *, host: str = "127.0.0.1",
                 radio_id: int = 3600999, tmp_port: int = 0, lp_port: int = 0,
                 fail_first: int = 0, failure: str = "channel_busy", silent: bool = False,
                 bind_host: str = "127.0.0.1",
                 location: tuple[float, float] | None = DEFAULT_LOCATION):
        self.host, self.host_tmp, self.host_lp = host, host_tmp, host_lp
        self.radio_id = radio_id
        self.fail_first, self.failure_code = fail_first, RESULT_CODES[failure]
        self.silent = silent
        self.location = location
        self.messages: list[ShortMessage] = []
        self.acks: list[RadioTextAck] = []
        self.location_requests: list[LocationRequest] = []
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
        if isinstance(event, LocationRequest) and sock is self._lp:
            self.location_requests.append(event)
            if not self.silent:
                sock.sendto(self._location_answer(event), addr)
        elif isinstance(event, RadioTextAck):
            self.acks.append(event)
        elif isinstance(event, ShortMessage):
            self.messages.append(event)
            if self.silent:
                return
            result = self.failure_code if len(self.messages) <= self.fail_first else 0
            ack = _ack_for(data, event, result)
            sock.sendto(ack, addr)

    def _location_answer(self, request: LocationRequest) -> bytes:
        """The asked radio's standard report, repeating the request ID and radio IP."""
        if self.location is None:
            return encode_lp_report(request.request_id, int(request.radio),
                                    when=datetime.now(UTC), subnet=request.subnet,
                                    result=LP_RESULT_CODES["position_method_failure"])
        lat, lon = self.location
        return encode_lp_report(request.request_id, int(request.radio), lat, lon,
                                when=datetime.now(UTC), subnet=request.subnet)

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
