"""The raw traffic log (原始通信记录): every byte received and sent, kept for evidence.

One line per chunk: UTC time, link name, direction (``<`` in, ``>`` out), hex bytes. The file
rotates by size so a chattering port never fills the disk; old files are kept, not deleted,
up to ``backups``.
"""

from __future__ import annotations

import logging
import logging.handlers
import threading
from datetime import UTC, datetime
from pathlib import Path


class TrafficLog:
    """Thread-safe, rotating hex log of one or more links."""

    def __init__(self, path: str | Path, *, max_bytes: int = 20_000_000, backups: int = 20):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # UTF-8, not the locale's codec: link names are Chinese, and a line the handler cannot
        # encode would be dropped from the evidence.
        self._handler = logging.handlers.RotatingFileHandler(
            self.path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8")
        self._lock = threading.Lock()

    def record(self, link: str, direction: str, data: bytes) -> None:
        if not data:
            return
        stamp = datetime.now(UTC).isoformat(timespec="microseconds")
        line = f"{stamp} {link} {direction} {data.hex()}"
        record = logging.LogRecord("traffic", logging.INFO, "", 0, line, None, None)
        with self._lock:
            self._handler.emit(record)

    def close(self) -> None:
        with self._lock:
            self._handler.close()


def read_log(path: str | Path) -> list[tuple[str, str, str, bytes]]:
    """(time, link, direction, bytes) for every line of a traffic log file."""
    out = []
    for line in Path(path).read_text("utf-8").splitlines():
        stamp, rest = line.split(" ", 1)
        link, direction, data = rest.rsplit(" ", 2)  # a link name may contain spaces
        out.append((stamp, link, direction, bytes.fromhex(data)))
    return out
