"""Grading tables written in national regulations, shared by every plugin that grades by them
(plugin API 1.1), so a correction reaches all of them at once.

:func:`regulation_493`: 《生产安全事故报告和调查处理条例》（国务院令第493号）第三条 — 特别重大:
30人以上死亡, 或100人以上重伤（包括急性工业中毒）, 或1亿元以上直接经济损失; 重大 10 / 50 /
5000万; 较大 3 / 10 / 1000万; 一般 below ("以上包括本数，以下不包括本数", 第三条第二款). Keys match
the casualty snapshot columns, so a snapshot grades directly.
"""

from __future__ import annotations

from .grading import Criterion, GradingTable

SOURCE_493 = "《生产安全事故报告和调查处理条例》（国务院令第493号）第三条"


def regulation_493(*, source: str = SOURCE_493,
                   injured_label: str = "重伤（含急性工业中毒）",
                   injured_label_en: str = "Seriously injured (incl. acute poisoning)",
                   ) -> GradingTable:
    """The 493号 第三条 table; ``injured_label`` names the serious-injury criterion as the
    hazard's forms do (a road accident has no 工业中毒)."""
    return GradingTable(
        criteria=(
            Criterion("deaths", "死亡", "人", {"特别重大": 30, "重大": 10, "较大": 3},
                      label_en="Deaths"),
            Criterion("seriously_injured", injured_label, "人",
                      {"特别重大": 100, "重大": 50, "较大": 10}, label_en=injured_label_en),
            Criterion("direct_loss_wan", "直接经济损失", "万元",
                      {"特别重大": 10000, "重大": 5000, "较大": 1000}, label_en="Direct loss"),
        ),
        source=source,
        floor="一般",
    )
