"""A BeiDou terminal simulator (北斗终端模拟器) on a real pseudo-terminal, for demos, drills and
tests: the program under test opens the pty's slave path exactly as it would open COM3.

It answers ``$CCICA`` with ``$BDICI`` (card number, service interval, level), accepts a
``$CCTXA`` with ``$BDFKI,TXA,Y,Y,0,0000`` only when the card's service interval has passed
since the last accepted send — otherwise ``$BDFKI,TXA,N,N,0,<wait s>`` like a real terminal —
and emits scripted NMEA positions and incoming ``$BDTXR`` messages on demand. Field layouts
follow research-serial.md §1.3.
"""

from __future__ import annotations

import os
import select
import threading
import time
from dataclasses import dataclass, field

from . import beidou
from .framing import SentenceFramer, check_sentence, encode_sentence


@dataclass
class CardSettings:
    address: str = "0242407"
    interval_s: int = 60
    level: int = 3  # 通信等级
    user_class: int = 0  # 0 = 指挥机


@dataclass
class SimulatedTerminal:
    """The terminal's behaviour, without I/O: bytes from the host in, bytes to send back."""

    card: CardSettings = field(default_factory=CardSettings)
    clock: object = time.monotonic
    sent: list[tuple[str, bytes]] = field(default_factory=list)  # accepted (dest, content)
    _last_send: float | None = None

    def __post_init__(self) -> None:
        self._framer = SentenceFramer(1024)

    def receive(self, data: bytes) -> bytes:
        """Everything the terminal says back to the bytes the host wrote."""
        out = b""
        for frame in self._framer.feed(data):
            sentence = check_sentence(frame)
            if not hasattr(sentence, "address"):
                continue  # a bad line from the host gets no answer, as on a real terminal
            out += self._answer(sentence)
        return out

    def _answer(self, sentence) -> bytes:
        kind = sentence.address[-3:]
        if kind == "ICA":
            c = self.card
            return encode_sentence("BDICI", [c.address, "00000000", "0000000", str(c.user_class),
                                             str(c.interval_s), str(c.level), "N", "0"])
        if kind == "TXA":
            now = self.clock()
            if self._last_send is not None and now - self._last_send < self.card.interval_s:
                wait = int(self.card.interval_s - (now - self._last_send)) + 1
                return encode_sentence("BDFKI", ["TXA", "N", "N", "0", f"{wait:04d}"])
            self._last_send = now
            fields = sentence.fields
            self.sent.append((fields[0].decode("ascii", "replace"), fields[3]
                              if len(fields) > 3 else b""))
            return encode_sentence("BDFKI", ["TXA", "Y", "Y", "0", "0000"])
        return b""

    def keypad_send(self) -> None:
        """Someone sent from the terminal's own keypad: the interval starts again now."""
        self._last_send = self.clock()

    @staticmethod
    def message(sender: str, text: str, *, mode: str = "hanzi") -> bytes:
        """An incoming ``$BDTXR`` as the terminal would print it."""
        code = {"hanzi": "0", "code": "1", "mixed": "2"}[mode]
        return encode_sentence("BDTXR", ["1", sender, code, "",
                                         beidou.encode_content(text, mode)])

    @staticmethod
    def position(lat: float, lon: float, when: str = "083000.00", day: str = "021226",
                 talker: str = "GN") -> bytes:
        """An ``RMC`` fix (valid) at ``lat`` / ``lon`` degrees."""
        def ddmm(value: float, width: int) -> str:
            deg = int(abs(value))
            return f"{deg:0{width}d}{(abs(value) - deg) * 60:07.4f}"
        return encode_sentence(f"{talker}RMC", [
            when, "A", ddmm(lat, 2), "N" if lat >= 0 else "S", ddmm(lon, 3),
            "E" if lon >= 0 else "W", "0.0", "0.0", day, "", "", "A"])


def _speed_constant(baudrate: int) -> int:
    import termios

    return getattr(termios, f"B{baudrate}")


class PtyTerminal:
    """A :class:`SimulatedTerminal` served on a pseudo-terminal; ``path`` is the port to open.

    Any simulated device with ``receive(bytes) -> bytes`` can be served; one that also has
    ``poll() -> bytes`` (the SMS modem's unsolicited +CMTI / +CDS) is polled at least every
    50 ms by the thread that writes the answers, so unsolicited output never lands inside one.

    With ``baudrate`` set, the terminal behaves like a UART at that rate: while the host's
    side of the pty is set to another speed, what the host writes arrives as garbage and the
    terminal's answers reach the host as garbage too (a pty carries the speed setting but does
    not enforce it, so the simulator checks it on every read).
    """

    def __init__(self, terminal: SimulatedTerminal | None = None, *,
                 baudrate: int | None = None):
        import pty  # POSIX only; on Windows pair two COM ports with com0com instead
        import tty

        self.terminal = terminal or SimulatedTerminal()
        self._speed = _speed_constant(baudrate) if baudrate else None
        self.master, slave = pty.openpty()
        tty.setraw(slave)  # no echo, no line discipline: bytes pass as they are
        self.path = os.ttyname(slave)
        self._slave = slave  # kept open so the pty survives until the host opens it
        self.received = bytearray()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._serve, name="cc-sim", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        poll = getattr(self.terminal, "poll", None)
        while not self._stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if poll is not None and self.rate_matches():
                unsolicited = poll()
                if unsolicited:
                    self.write(unsolicited)
            if not ready:
                continue
            try:
                data = os.read(self.master, 4096)
            except OSError:
                continue  # no host attached at this moment
            if not data:
                continue
            self.received += data
            if not self.rate_matches():
                self.write(bytes(b | 0x80 for b in data[:16]))  # framing errors, not answers
                continue
            reply = self.terminal.receive(data)
            if reply:
                self.write(reply)

    def rate_matches(self) -> bool:
        """Whether the host has set the port to the terminal's speed (always, without one)."""
        if self._speed is None:
            return True
        import termios

        try:
            return termios.tcgetattr(self._slave)[5] == self._speed
        except termios.error:
            return False

    def write(self, data: bytes) -> None:
        """Bytes from the 'terminal' to the host (scripted positions, messages)."""
        with self._lock:
            os.write(self.master, data)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        for fd in (self.master, self._slave):
            try:
                os.close(fd)
            except OSError:
                pass
