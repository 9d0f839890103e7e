"""The per-township warning register of the meteorological plugin (plugin API 1.1): each
signal the 气象台 issues, which township received it, when, from whom, and when it was lifted
(the "六级一体化预警发布体系 … 将风险预警到村组和户" chain, 001_44a2f5524b217aa3.txt:46).
A row whose colour the signal does not have (中国气象局令第16号 第三条), or a township that
has not confirmed receipt, is flagged.
"""

from __future__ import annotations

from commandcentre.hazards import FieldSpec, RegisterSpec, RowCheck

from .hazard import TOWNSHIP_WARNING_FIELDS, signal_problem

TOWNSHIP_WARNINGS = RegisterSpec(
    key="township_warnings", name_zh="乡镇预警信号", name_en="Township warnings",
    fields=(
        FieldSpec("warning_no", "预警编号", "Warning number", "text",
                  help_zh="如：青气预〔2026〕第 12 号"),
        *TOWNSHIP_WARNING_FIELDS,
    ),
    title="warning_no",
    aliases={"signal_type": ("预警类型", "信号类型"), "signal_colour": ("颜色", "预警级别")},
    checks=(
        RowCheck("colour", "该预警信号没有这种颜色",
                 lambda r: signal_problem(r["signal_type"], r["signal_colour"]) is not None,
                 source="中国气象局令第16号 第三条"),
        RowCheck("not_received", "乡镇尚未确认接收",
                 lambda r: not r["received_at"] and not r["lifted_at"],
                 source="001_44a2f5524b217aa3.txt:46"),
    ),
    source="001_44a2f5524b217aa3.txt:46; 中国气象局令第16号",
    demo=({"warning_no": "青气预〔2026〕第 12 号", "township": "松垭镇", "signal_type": "暴雨",
           "signal_colour": "橙", "issuing_unit": "青峪县气象台",
           "issued_at": "2026-07-14T21:10:00+08:00", "received_at": "2026-07-14T21:18:00+08:00",
           "received_by": "松垭镇值班室 李娟"},
          {"warning_no": "青气预〔2026〕第 12 号（云坝）", "township": "云坝镇",
           "signal_type": "暴雨", "signal_colour": "橙", "issuing_unit": "青峪县气象台",
           "issued_at": "2026-07-14T21:10:00+08:00"}),
)

REGISTERS = (TOWNSHIP_WARNINGS,)
