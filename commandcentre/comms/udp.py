"""Hytera radio links over UDP (HDAP 链路): the radio's "Forward to PC" network, decoded.

With "Forward to PC" a Hytera DMR/PDT radio's USB cable is an RNDIS network adapter; text
(TMP) and location (LP) travel as HDAP PDUs, one PDU per UDP datagram (research-serial.md
§3.2). :class:`HdapLink` has the surface of :class:`~.link.SerialLink` (``name``, ``state``,
``reconnects``, ``traffic``, ``start`` / ``stop`` / ``send``, ``on_event`` / ``on_state``) so
:class:`~.runner.DeviceRunner` drives either the same way.

The port string (``comms_device.port``) of an ``hdap`` device, parsed by
:func:`parse_hdap_port`::

    RADIO-IP[:TMP[:LP]][@LOCAL-IP[:TMP[:LP]]]

    192.168.10.1                          radio TMP 3004, LP 3003; this PC binds 0.0.0.0:3004/3003
    192.168.10.1:4004:4003                other radio ports; this PC binds the same numbers
    192.168.10.1@192.168.10.2             bind only the radio's adapter (unplug is noticed)
    192.168.10.1:3004:3003@0.0.0.0:5004:5003   this PC listens on 5004 / 5003

The ports on the right of ``@`` default to the radio's; the ports themselves come from one
low-confidence source, hence configurable. Binding the adapter's own address (the PC side of
the RNDIS network) is the better setting: the bind fails until the radio is plugged in, and a
periodic check notices the adapter going away. With ``0.0.0.0`` a missing radio shows only as
messages that get no ack (the driver's feedback timeout retries them).

Datagrams from any host other than the radio's are recorded in the traffic log and counted
in ``foreign`` but not decoded: with a ``0.0.0.0`` bind anyone on the duty room's LAN could
otherwise put words in a team's mouth.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import socket
import sys
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import ValidationError
from ..i18n import tr
from .events import Decoded, Reject, RejectReason, ShortMessage
from .hdap import SERVICE_LP, SERVICE_TMP, TMP_GROUP, TMP_PRIVATE, decode_hdap, encode_tmp_ack
from .link import STATES, LinkCallbacks, LinkDown
from .traffic import TrafficLog

log = logging.getLogger(__name__)

__all__ = ["STATES", "HdapAddress", "HdapLink", "LinkDown", "parse_hdap_port"]

TMP_PORT, LP_PORT = 3004, 3003
ANY_HOST = "0.0.0.0"
EXAMPLE = "192.168.10.1:3004:3003@0.0.0.0:3004:3003"
MAX_DATAGRAM = 65535


@dataclass(frozen=True)
class HdapAddress:
    """Where the radio is and where this PC listens for it."""

    radio_host: str
    radio_tmp_port: int = TMP_PORT
    radio_lp_port: int = LP_PORT
    bind_host: str = ANY_HOST
    tmp_port: int = TMP_PORT
    lp_port: int = LP_PORT

    def __str__(self) -> str:
        return (f"{self.radio_host}:{self.radio_tmp_port}:{self.radio_lp_port}"
                f"@{self.bind_host}:{self.tmp_port}:{self.lp_port}")


def _ipv4(host: str) -> str:
    try:
        return str(ipaddress.IPv4Address(host))
    except ValueError:
        raise ValidationError(tr("“{host}”不是 IPv4 地址；电台地址应写作 {example}。",
                                 host=host, example=EXAMPLE)) from None


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise ValidationError(tr("端口“{port}”应为 1–65535 之间的整数。", port=text))
    return int(text)


def _endpoint(part: str, default_ports: tuple[int, int]) -> tuple[str, tuple[int, int]]:
    fields = part.strip().split(":")
    if len(fields) > 3:
        raise ValidationError(tr("“{part}”段数过多：应写作 IP:文本端口:定位端口。", part=part))
    ports = [_port(f.strip()) for f in fields[1:]]
    ports += default_ports[len(ports):]
    return fields[0].strip(), (ports[0], ports[1])


def parse_hdap_port(text: str) -> HdapAddress:
    """The :class:`HdapAddress` an ``hdap`` device's port string names (format above)."""
    value = (text or "").strip()
    radio_part, at, local_part = value.partition("@")
    if "@" in local_part:
        raise ValidationError(tr("地址中只能有一个“@”（前为电台，后为本机）：{value}",
                                 value=value))
    radio_host, radio_ports = _endpoint(radio_part, (TMP_PORT, LP_PORT))
    if not radio_host:
        raise ValidationError(tr("电台 IP 为空，应写作 {example}。", example=EXAMPLE))
    radio_host = _ipv4(radio_host)
    if ipaddress.IPv4Address(radio_host).is_unspecified:
        raise ValidationError(tr("电台 IP 不能是 {host}，应写电台本身的地址（如 192.168.10.1）。",
                                 host=radio_host))
    bind_host, local_ports = ANY_HOST, radio_ports
    if at:
        bind_host, local_ports = _endpoint(local_part, radio_ports)
        bind_host = _ipv4(bind_host) if bind_host else ANY_HOST
    if local_ports[0] == local_ports[1]:
        raise ValidationError(tr("本机的文本端口和定位端口不能相同：{port}",
                                 port=local_ports[0]))
    return HdapAddress(radio_host, *radio_ports, bind_host, *local_ports)


def tmp_request_id(datagram: bytes) -> int | None:
    """The request ID of a TMP message or ack PDU (None if it is not one, or too short)."""
    data = bytes(datagram)
    if len(data) < 7 or data[0] & 0x7F != SERVICE_TMP:
        return None
    body = data[5:-2][2:] if data[1] & 0x40 else data[5:-2]  # skip the option length
    return int.from_bytes(body[:4], "big") if len(body) >= 4 else None


def wants_ack(datagram: bytes) -> bool:
    """Whether a TMP private / group message asks to be acknowledged.

    Its "ack required" flag (bit 7 of the byte before the opcode) or the HDAP reliable bit
    (bit 7 of the service byte): ok-dmrlib names both, captures show the first; answering
    either costs one small datagram, while an unanswered radio keeps resending.
    """
    data = bytes(datagram)
    return (len(data) >= 3 and data[0] & 0x7F == SERVICE_TMP
            and data[2] in (TMP_PRIVATE, TMP_GROUP) and bool((data[0] | data[1]) & 0x80))


class HdapLink(LinkCallbacks):
    """One Hytera radio over UDP: TMP and LP sockets, an asyncio loop in the link's thread.

    The loop is the link's own (a selector loop on every platform: it only waits on two
    sockets, and the proactor's UDP support varies between Python versions); the caller's
    thread is never blocked by it. ``send`` writes on the caller's thread straight to the
    non-blocking TMP socket (the LP socket for LP PDUs), so a failure is raised to the
    caller as :class:`LinkDown` and the link rebinds, like a serial write error. Events and
    states go to ``on_event`` / ``on_state`` from the link's thread, or through
    ``loop.call_soon_threadsafe`` when a loop is given. ``sentences`` and ``rejects`` count
    decoded PDUs by type and rejects by reason; ``acks_sent`` counts the automatic TMP acks;
    ``foreign`` the datagrams ignored.
    """

    def __init__(self, name: str, address: HdapAddress, *,
                 on_event: Callable[[Decoded | Reject], Any] | None = None,
                 on_state: Callable[[str], Any] | None = None, loop=None,
                 traffic: TrafficLog | None = None, reconnect_min: float = 0.1,
                 reconnect_max: float = 2.0, check_interval: float = 1.0):
        if address.tmp_port == address.lp_port and address.tmp_port != 0:
            raise ValueError("TMP and LP must be bound to different local ports")
        self.name, self.address = name, address
        self.port = str(address)
        self.on_event, self.on_state, self.loop = on_event, on_state, loop
        self.traffic = traffic
        self.reconnect_min, self.reconnect_max = reconnect_min, reconnect_max
        self.check_interval = check_interval
        self.state = "closed"
        self.reconnects = 0
        self.sentences: Counter[str] = Counter()
        self.rejects: Counter[str] = Counter()
        self.acks_sent = 0
        self.foreign = 0
        self.last_error = ""
        self._offset = 0
        self._sockets: dict[str, socket.socket] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._aloop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._ever_connected = False

    @classmethod
    def for_device(cls, device: dict, **kwargs) -> HdapLink:
        """The (not yet started) link of a registered ``hdap`` device."""
        return cls(device["name"], parse_hdap_port(device["port"]), **kwargs)

    @property
    def local_ports(self) -> dict[str, int]:
        """The bound local ports by service (``{"TMP": 3004, "LP": 3003}``; empty if unbound)."""
        with self._lock:
            return {k: s.getsockname()[1] for k, s in self._sockets.items()}

    # -- control ---------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"cc-udp-{self.name}",
                                        daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 3.0) -> None:
        """Stop the loop and close the sockets (idempotent)."""
        self._stop.set()
        self._interrupt()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self._close()
        self._set_state("closed")

    def send(self, data: bytes, *, service: str | None = None) -> None:
        """Send one PDU to the radio now (the driver paces; see :mod:`.outbox`).

        ``service`` ``"TMP"`` or ``"LP"`` picks the socket and the radio's port; by default
        an LP PDU (service byte 0x08, e.g. a location request) goes from the LP socket to
        the radio's LP port, so its answer comes back there, and everything else to TMP.
        """
        if service is None:
            service = "LP" if data[:1] and data[0] & 0x7F == SERVICE_LP else "TMP"
        if service not in ("TMP", "LP"):
            raise ValueError(f"service is TMP or LP, not {service!r}")
        port = self.address.radio_lp_port if service == "LP" else self.address.radio_tmp_port
        target = (self.address.radio_host, port)
        with self._lock:
            sock = self._sockets.get(service)
            if sock is None or self.state != "connected":
                raise LinkDown(tr("链路 {name} 未连接，未发送。", name=self.name))
            try:
                sock.sendto(data, target)
            except OSError as err:
                if not isinstance(err, BlockingIOError):
                    self._interrupt()  # adapter gone or address lost: rebind
                raise LinkDown(tr("链路 {name} 发送失败：{error}", name=self.name,
                                  error=str(err))) from err
        if self.traffic:
            self.traffic.record(self.name, ">", data)

    # -- the loop ---------------------------------------------------------------------------

    def _interrupt(self) -> None:
        """Wake the link's loop (stop, or leave the connected state), from any thread."""
        aloop = self._aloop
        if aloop is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop has just closed
            aloop.call_soon_threadsafe(lambda: self._wake is not None and self._wake.set())

    # -- sockets ---------------------------------------------------------------------------

    def _bind(self) -> bool:
        opened: dict[str, socket.socket] = {}
        try:
            for service, port in (("TMP", self.address.tmp_port), ("LP", self.address.lp_port)):
                sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                opened[service] = sock
                if sys.platform == "win32":
                    # Windows lets another program bind the same UDP port and take our
                    # datagrams unless the port is claimed exclusively.
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
                sock.setblocking(False)
                sock.bind((self.address.bind_host, port))
        except OSError as err:
            self.last_error = str(err)
            log.debug("link %s: cannot bind %s: %s", self.name, self.address, err)
            for sock in opened.values():
                sock.close()
            return False
        with self._lock:
            self._sockets = opened
        self.last_error = ""
        return True

    def _close(self) -> None:
        with self._lock:
            sockets, self._sockets = self._sockets, {}
        for sock in sockets.values():
            sock.close()

    def _adapter_present(self) -> bool:
        """Whether the bind address still belongs to this PC (the RNDIS adapter is up)."""
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            probe.bind((self.address.bind_host, 0))
        except OSError:
            return False
        finally:
            probe.close()
        return True

    # -- the loop --------------------------------------------------------------------------

    def _run(self) -> None:
        aloop = asyncio.SelectorEventLoop()
        self._aloop = aloop
        try:
            aloop.run_until_complete(self._main())
        except Exception:  # a bug here must not pass silently; the link just ends
            log.exception("link %s: loop failed", self.name)
        finally:
            self._aloop = None
            self._close()
            aloop.close()

    async def _sleep(self, seconds: float) -> None:
        if self._stop.is_set():
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)

    async def _main(self) -> None:
        self._wake = asyncio.Event()
        delay = self.reconnect_min
        self._set_state("connecting")
        while not self._stop.is_set():
            if not self._bind():
                # Port taken, or the adapter is not there yet (radio not plugged in).
                self._set_state("reconnecting")
                await self._sleep(delay)
                delay = min(delay * 2, self.reconnect_max)
                continue
            if self._ever_connected:
                self.reconnects += 1
            self._ever_connected, delay = True, self.reconnect_min
            self._wake.clear()
            self._set_state("connected")
            await self._serve()
            self._close()
            if not self._stop.is_set():
                self._set_state("reconnecting")

    async def _serve(self) -> None:
        """Receive until stopped, interrupted, or a socket fails."""
        with self._lock:
            sockets = dict(self._sockets)
        tasks = [asyncio.ensure_future(self._receive(service, sock))
                 for service, sock in sockets.items()]
        tasks += [asyncio.ensure_future(self._wake.wait()),
                  asyncio.ensure_future(self._watch())]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _watch(self) -> None:
        """Return when the bound adapter address disappears (never, for ``0.0.0.0``)."""
        while True:
            await asyncio.sleep(self.check_interval)
            if (self.address.bind_host != ANY_HOST and not self._adapter_present()):
                log.warning("link %s: adapter %s gone", self.name, self.address.bind_host)
                return

    async def _receive(self, service: str, sock: socket.socket) -> None:
        aloop = asyncio.get_running_loop()
        while True:
            try:
                data, addr = await aloop.sock_recvfrom(sock, MAX_DATAGRAM)
            except (ConnectionResetError, ConnectionRefusedError):
                # Windows reports an ICMP "port unreachable" for an earlier send as an error
                # on the next receive; the socket itself is fine.
                continue
            except OSError as err:
                log.warning("link %s: %s socket failed: %s", self.name, service, err)
                return
            self.handle(data, addr, sock)

    def handle(self, data: bytes, addr: tuple, sock: socket.socket | None = None) -> None:
        """One received datagram: log it, decode it, ack it if asked, pass it on.

        Never raises on what the network delivers (a bad PDU becomes a counted
        :class:`~.events.Reject`); ``sock`` is where an automatic ack goes out from.
        """
        if self.traffic:
            self.traffic.record(self.name, "<", data)
        if not addr or addr[0] != self.address.radio_host:
            self.foreign += 1
            log.log(logging.WARNING if self.foreign == 1 else logging.DEBUG,
                    "link %s: ignored datagram from %s (radio is %s)", self.name,
                    addr, self.address.radio_host)
            return
        try:
            item = decode_hdap(data, offset=self._offset)
        except Exception as err:  # a codec bug must not end the link; keep the evidence
            log.exception("link %s: decoder failed", self.name)
            item = Reject.of(RejectReason.MALFORMED, data, self._offset, f"decoder: {err}")
        self._offset += len(data)
        if isinstance(item, Reject):
            self.rejects[item.reason] += 1
        else:
            self.sentences[item.type] += 1
            if isinstance(item.event, ShortMessage) and wants_ack(data) and sock is not None:
                self._ack(data, item.event, addr, sock)
        if self.on_event is not None:
            self._deliver(self.on_event, item)

    def _ack(self, data: bytes, message: ShortMessage, addr: tuple,
             sock: socket.socket) -> None:
        """Acknowledge a received TMP message to where it came from (result OK).

        The ack repeats the message's destination and source, as the only captured ack
        (ok-dmrlib test_tmp.py) repeats its message's destination; not verified on a radio.
        """
        request_id = tmp_request_id(data)
        try:
            destination, source = int(message.recipient or 0), int(message.sender or 0)
            body = data[5:-2][2:] if data[1] & 0x40 else data[5:-2]
            ack = encode_tmp_ack(request_id or 0, destination, source,
                                 group=message.info_class == "group", subnet=body[4])
            sock.sendto(ack, addr)
        except (ValueError, IndexError, OSError) as err:
            log.warning("link %s: cannot ack TMP %s: %s", self.name, request_id, err)
            return
        self.acks_sent += 1
        if self.traffic:
            self.traffic.record(self.name, ">", ack)
