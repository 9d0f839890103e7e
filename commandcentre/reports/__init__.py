"""PDF and Excel reports (报表): the official-document PDF builder and the reports made with it.

* :mod:`.fonts` finds and registers an embeddable CJK font;
* :mod:`.style` holds the page geometry, paragraph styles and Chinese line-breaking rules;
* :mod:`.document` is :class:`OfficialDocument`, the builder every PDF report uses;
* :mod:`.daily` is the daily duty report (值班日报), PDF and xlsx.

Qt-free: reports render in a worker thread or from the CLI.
"""

from .daily import (
    DailyReportData,
    HandoverLine,
    IntakeLine,
    ShiftLine,
    render_daily_pdf,
    render_daily_xlsx,
)
from .document import OfficialDocument
from .fonts import CJKFonts, cjk_fonts

__all__ = [
    "CJKFonts",
    "DailyReportData",
    "HandoverLine",
    "IntakeLine",
    "OfficialDocument",
    "ShiftLine",
    "cjk_fonts",
    "render_daily_pdf",
    "render_daily_xlsx",
]
