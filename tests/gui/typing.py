"""Typing as a duty officer does: ASCII through key presses, Chinese through the input method.

QTest can press only ASCII keys; Chinese text reaches a widget from the IME (微软拼音, 搜狗)
as a committed QInputMethodEvent, so that is what this sends for non-ASCII text.
"""

from __future__ import annotations

from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication


def commit_text(widget, text: str) -> None:
    """Deliver ``text`` to ``widget`` the way an input method commits it."""
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def type_text(widget, text: str) -> None:
    """Type ``text`` into ``widget``: runs of ASCII as key presses, the rest via the IME."""
    run = ""
    for char in text:
        if char.isascii() == (run[:1].isascii() if run else char.isascii()):
            run += char
            continue
        _flush(widget, run)
        run = char
    _flush(widget, run)


def _flush(widget, run: str) -> None:
    if not run:
        return
    if run.isascii():
        QTest.keyClicks(widget, run)
    else:
        commit_text(widget, run)
