"""信息报送 reports (首报 / 续报 / 终报 / 补报): the draft built from an incident, and its PDF.

The draft is prefilled from the record — title naming place, type, casualties and progress;
接报时间; time and place; what happened; casualties and losses with the change since the
previous report; measures taken; forces deployed — and the operator edits any field before
the leader signs. A 续报 states only what changed since the last report sent (research-
standards §1.7: "续报一般不再复述事件初始过程").
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm

from ..incidents.model import FIGURE_LABELS, FIGURES, Casualties
from ..reporting.clock import chinese_number
from ..timeutil import format_local
from .document import OfficialDocument
from .fonts import cjk_fonts
from .style import FRAME_WIDTH

KIND_CODES = {"first": "首报", "follow": "续报", "final": "终报", "supplement": "补报"}

# Section titles in the order they print; each maps to a draft field.
SECTIONS = (
    ("situation", "一、基本情况"), ("casualties", "二、人员伤亡和财产损失"),
    ("measures", "三、已采取的措施"), ("deployed", "四、投入的救援力量和物资"),
    ("next_steps", "五、下一步工作"), ("requests", "六、请求事项和工作建议"),
)
CHANGED_SECTION = "一、新情况（自上次报告以来）"


@dataclass
class SitrepDraft:
    """Every field of one report, as the operator will review and the leader will sign it."""

    incident_id: str
    kind: str  # 首报 / 续报 / 终报 / 补报
    number: int
    title: str
    issuer: str
    doc_number: str
    received: str  # 接报时间, local, 24-hour
    source: str  # 信息来源
    occurred: str  # 事发时间、地点
    situation: str
    casualties: str
    measures: str
    deployed: str
    next_steps: str = ""
    requests: str = ""
    commander: str = ""  # 现场指挥负责人及联系方式
    contact: str = ""  # 联系人及电话 of the duty room
    drill: bool = False
    zone: str = "Asia/Shanghai"
    figures_history: list[tuple[str, dict]] = field(default_factory=list)  # (ISO time, figures)
    level_history: list[tuple[str, str]] = field(default_factory=list)  # (ISO time, level)

    @property
    def kind_title(self) -> str:
        return self.kind + (chinese_number(self.number) if self.number else "")

    def as_dict(self) -> dict:
        return asdict(self)


def casualty_change(now: Casualties | None, before: Casualties | None) -> str:
    """'死亡 +1、受伤 +2' — what changed since the previous report ('' if nothing)."""
    if now is None:
        return ""
    base = before or Casualties()
    parts = []
    for key in FIGURES:
        delta = getattr(now, key) - getattr(base, key)
        if delta:
            parts.append(f"{FIGURE_LABELS[key]} {delta:+g}")
    return "、".join(parts)


def _chart(draft: SitrepDraft, fonts) -> Drawing | None:
    """Casualty figures over time as a line chart (people on the y axis)."""
    points = [(datetime.fromisoformat(t), f) for t, f in draft.figures_history]
    if len(points) < 2:
        return None
    start = points[0][0]
    keys = [k for k in ("deaths", "missing", "injured", "trapped", "relocated")
            if any(f.get(k) for _, f in points)]
    if not keys:
        return None
    width, height = FRAME_WIDTH, 62 * mm
    drawing = Drawing(width, height, initialFontName=fonts.regular)  # no stray Helvetica
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 14 * mm, 12 * mm, width - 44 * mm, height - 20 * mm
    plot.data = [[((t - start).total_seconds() / 3600, f.get(k, 0)) for t, f in points]
                 for k in keys]
    palette = [colors.HexColor(c) for c in ("#c0392b", "#7f8c8d", "#e67e22", "#8e44ad",
                                            "#2980b9")]
    for n in range(len(keys)):
        plot.lines[n].strokeColor = palette[n]
        plot.lines[n].strokeWidth = 1.4
    for axis in (plot.xValueAxis, plot.yValueAxis):
        axis.labels.fontName = fonts.regular
        axis.labels.fontSize = 7
    plot.yValueAxis.valueMin = 0
    drawing.add(plot)
    drawing.add(String(plot.x + plot.width / 2, 2, "距接报时间（小时）", fontName=fonts.regular,
                       fontSize=7, textAnchor="middle"))
    for n, key in enumerate(keys):
        y = plot.y + plot.height - n * 9
        drawing.add(String(plot.x + plot.width + 4 * mm, y, FIGURE_LABELS[key],
                           fontName=fonts.regular, fontSize=8, fillColor=palette[n]))
    return drawing


LEVEL_HEIGHT = {"终止": 0, "Ⅳ": 1, "Ⅲ": 2, "Ⅱ": 3, "Ⅰ": 4}


def _level_chart(draft: SitrepDraft, fonts) -> Drawing | None:
    """The response level over time as a step line (Ⅳ low … Ⅰ high, 终止 at the bottom)."""
    if not draft.level_history:
        return None
    points = [(datetime.strptime(t, "%Y-%m-%d %H:%M"), LEVEL_HEIGHT.get(lvl, 0))
              for t, lvl in draft.level_history]
    start = points[0][0]
    steps: list[tuple[float, float]] = []
    for n, (when, height) in enumerate(points):
        x = (when - start).total_seconds() / 3600
        if n:
            steps.append((x, steps[-1][1]))
        steps.append((x, height))
    steps.append((steps[-1][0] + max(1.0, steps[-1][0] * 0.1), steps[-1][1]))
    width, height = FRAME_WIDTH, 42 * mm
    drawing = Drawing(width, height, initialFontName=fonts.regular)
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 14 * mm, 10 * mm, width - 24 * mm, height - 16 * mm
    plot.data = [steps]
    plot.lines[0].strokeColor = colors.HexColor("#c0392b")
    plot.lines[0].strokeWidth = 1.6
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax, plot.yValueAxis.valueStep = 0, 4, 1
    labels = {v: k for k, v in LEVEL_HEIGHT.items()}
    plot.yValueAxis.labelTextFormat = lambda v: labels.get(round(v), "")
    for axis in (plot.xValueAxis, plot.yValueAxis):
        axis.labels.fontName = fonts.regular
        axis.labels.fontSize = 7
    drawing.add(plot)
    drawing.add(String(plot.x + plot.width / 2, 1, "距首次决定时间（小时）",
                       fontName=fonts.regular, fontSize=7, textAnchor="middle"))
    return drawing


def render_sitrep_pdf(draft: SitrepDraft, path: str | Path, *, generated_at: datetime,
                      signer: str | None = None) -> Path:
    """Write the report; without ``signer`` it is a 草稿 on every page."""
    fonts = cjk_fonts()
    doc = OfficialDocument(path, title=draft.title, issuer=draft.issuer,
                           generated_at=generated_at, doc_number=draft.doc_number or None,
                           signer=signer, zone=draft.zone, drill=draft.drill,
                           draft=signer is None, subject=draft.kind_title, fonts=fonts)
    doc.add_key_values([("报告类别", draft.kind_title), ("接报时间", draft.received),
                        ("信息来源", draft.source or "—"), ("事发时间地点", draft.occurred)])
    sections = list(SECTIONS)
    if draft.kind in ("续报", "补报"):
        sections[0] = ("situation", CHANGED_SECTION)
    for key, heading in sections:
        text = getattr(draft, key).strip()
        doc.add_heading(heading)
        for paragraph in (text or "无。").split("\n"):
            if paragraph.strip():
                doc.add_paragraph(paragraph.strip())
        if key == "casualties":
            chart = _chart(draft, fonts)
            if chart is not None:
                doc.add_flowable(chart)
                doc.add_flowable(doc.caption("图1 人员伤亡及转移安置人数变化"))
    if draft.level_history:
        doc.add_heading("七、应急响应级别调整情况")
        doc.add_table(["时间", "响应级别"], [[t, lvl] for t, lvl in draft.level_history])
        chart = _level_chart(draft, fonts)
        if chart is not None:
            doc.add_flowable(chart)
            doc.add_flowable(doc.caption("图2 应急响应级别变化"))
    lines = []
    if draft.commander:
        lines.append(f"现场指挥负责人：{draft.commander}")
    if draft.contact:
        lines.append(f"联系人：{draft.contact}")
    lines.append(f"{draft.issuer}")
    lines.append(format_local(generated_at, draft.zone, "%Y年%m月%d日 %H:%M"))
    doc.add_signature(lines)
    return doc.build()
