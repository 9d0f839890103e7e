"""Fonts and look: a CJK-capable UI font on every platform."""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase

log = logging.getLogger(__name__)

# Windows duty-room machines have 微软雅黑; Linux test machines have WenQuanYi.
PREFERRED_FAMILIES = ("Microsoft YaHei UI", "Microsoft YaHei", "微软雅黑", "WenQuanYi Micro Hei",
                      "文泉驿微米黑", "Noto Sans CJK SC", "Source Han Sans SC", "SimHei", "黑体",
                      "PingFang SC")

STYLESHEET = """
QListWidget#nav { background: #1f3a5f; color: white; border: none; font-size: 15px; }
QListWidget#nav::item { padding: 12px 16px; }
QListWidget#nav::item:selected { background: #c0392b; color: white; }
QLabel[role="title"] { font-size: 20px; font-weight: bold; color: #1f3a5f; }
QLabel[role="hint"] { color: #555555; }
QLabel[role="error"] { color: #c0392b; font-weight: bold; }
QLabel[role="placeholder"] { font-size: 16px; color: #666666; }
QFrame[role="card"] { background: #f4f6f9; border: 1px solid #d5dbe3; border-radius: 6px; }
QStatusBar QLabel { padding: 0 8px; }
QLabel#lockTitle { font-size: 24px; font-weight: bold; color: #1f3a5f; }
"""


def pick_font_family() -> str | None:
    """The first preferred CJK family installed here, or None (Qt then falls back itself)."""
    families = set(QFontDatabase.families())
    for family in PREFERRED_FAMILIES:
        if family in families:
            return family
    log.warning("no preferred CJK font installed; Chinese text may not render")
    return None


def apply(app) -> None:
    """Set the application font and style sheet."""
    family = pick_font_family()
    if family:
        font = QFont(family)
        font.setPointSize(10)
        app.setFont(font)
    app.setStyleSheet(STYLESHEET)
