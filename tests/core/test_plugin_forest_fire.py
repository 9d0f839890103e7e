"""森林草原火灾 beyond its definition: the 打早打小打了 clock, the fire-ban, patrol and
commander registers with their checks, and the demo rows (plugin API 1.1)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commandcentre.hazards import load_hazards
from commandcentre.hazards.register_service import PluginRegisterService

T0 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def plugin():
    registry, report = load_hazards(entry_points=False)
    status = next(s for s in report.plugins if s.id == "forest_fire")
    assert status.state == "loaded" and status.registers == ["fire_bans", "patrols",
                                                             "commanders"]
    import importlib

    # The plugin is imported by path as cc_plugin_forest_fire; its modules hang off that.
    return registry, importlib.import_module(f"{registry.module('forest_fire')}.clock")


def iso(minutes: float) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat()


def test_the_clock_measures_each_stage_against_its_target(plugin):
    _registry, clock = plugin
    fields = {"detected_at": iso(0), "first_force_at": iso(25), "controlled_at": iso(300)}
    first, control, out = clock.fire_clock(fields, T0 + timedelta(hours=30))
    assert (first.minutes, first.late) == (25, False)
    assert (control.minutes, control.target_minutes, control.late) == (300, None, False)
    assert out.minutes is None and out.late  # 30 h and still burning: past the 24 h target
    late = clock.fire_clock({"detected_at": iso(0), "first_force_at": iso(31)}, T0)
    assert late[0].late
    assert clock.fire_clock({}, T0) == []
    backwards = clock.fire_clock({"detected_at": iso(60), "first_force_at": iso(10)}, T0)
    assert backwards[0].out_of_order


@given(st.floats(0, 3 * 24 * 60))
def test_extinguished_within_24_hours_exactly_at_the_boundary(plugin, minutes):
    _registry, clock = plugin
    result = clock.extinguished_within_target({"detected_at": iso(0),
                                               "extinguished_at": iso(minutes)})
    assert result == ((T0 + timedelta(minutes=minutes)) - T0 <= timedelta(hours=24))
    assert clock.extinguished_within_target({"detected_at": iso(0)}) is None


def test_clock_fields_validate_as_times(plugin):
    registry, _clock = plugin
    hazard = registry.get("forest_fire")
    stored = hazard.field("detected_at").validate("2026-03-02T14:00+08:00")
    assert datetime.fromisoformat(stored) == datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
    from commandcentre.errors import ValidationError

    with pytest.raises(ValidationError, match="发现时间"):
        hazard.field("detected_at").validate("下午两点")


def test_registers_check_bans_patrols_and_commanders(demo_store):
    registry, _report = load_hazards(demo_store)
    service = PluginRegisterService(demo_store, registry)
    rows = {r.spec.key: service.rows(r) for r in service.registers()
            if r.plugin_id == "forest_fire"}
    # The demo county's rows (see registers.py), each with what its checks say.
    (ban,) = rows["fire_bans"]
    assert ban["findings"] == [] and ban["end"] == "2026-06-15"
    patrols = {r["place"]: r["findings"] for r in rows["patrols"]}
    assert patrols["老鹰岩林区"] == []  # put out on the spot
    assert patrols["鹿子坪村后山"] == ["发现未经审批的野外用火，应依法处置并登记处置结果"]
    commanders = {r["name"]: r["findings"] for r in rows["commanders"]}
    assert commanders["李国强"] == []
    assert set(commanders["王德明"]) == {"无演练记录，不宜担任现场指挥员",
                                         "非专业人员，现场指挥应由专业人员担任"}
    bans = service.get("forest_fire.fire_bans")
    from commandcentre.accounts import system_session

    service.add(system_session("t"), bans, {"title": "补充禁火令", "start": "2026-06-30",
                                            "end": "2026-06-01", "issued_by": "县政府"})
    bad = next(r for r in service.rows(bans) if r["title"] == "补充禁火令")
    assert bad["findings"] == ["起止日期应写作 YYYY-MM-DD，且截止不早于起始"]


def test_the_commander_is_checked_against_the_commanders_register(demo_store):
    from commandcentre.accounts import AccountService
    from commandcentre.demo import DEMO_PASSWORD
    from commandcentre.incidents.model import IncidentInput
    from commandcentre.incidents.service import IncidentService

    registry, _report = load_hazards(demo_store)
    svc = IncidentService(demo_store, registry)
    op = AccountService(demo_store).authenticate("zhiban", DEMO_PASSWORD)
    iid = svc.create(op, IncidentInput(title="老鹰岩山火", hazard="forest_fire",
                                       occurred_at=demo_store.clock.now() - timedelta(hours=1)))
    svc.update_fields(op, iid, {"commander": "王德明"})
    assert svc.field_warnings(iid) == ["现场指挥员“王德明”：无演练记录，不宜担任现场指挥员",
                                       "现场指挥员“王德明”：非专业人员，现场指挥应由专业人员担任"]
    entry = next(e for e in svc.timeline(iid) if "灾种信息更新" in e.text)
    assert "提示：现场指挥员“王德明”：无演练记录" in entry.text
    svc.update_fields(op, iid, {"commander": "李国强"})
    assert svc.field_warnings(iid) == []
    svc.update_fields(op, iid, {"commander": "张三"})
    assert svc.field_warnings(iid) == ["现场指挥员“张三”不在扑火指挥员台账中"]


def test_the_24_hour_extinguish_rate_over_real_fires(demo_copy, monkeypatch, capsys):
    import json as jsonlib

    from commandcentre.accounts import AccountService
    from commandcentre.cli.main import main
    from commandcentre.demo import DEMO_PASSWORD
    from commandcentre.incidents.model import IncidentInput
    from commandcentre.incidents.service import IncidentService
    from commandcentre.storage import Store

    with Store.open(demo_copy) as store:
        registry, _report = load_hazards(store)
        svc = IncidentService(store, registry)
        op = AccountService(store).authenticate("zhiban", DEMO_PASSWORD)
        now = store.clock.now()
        for n, (force_min, out_h, drill) in enumerate(
                [(20, 10, False), (45, 30, False), (25, None, False), (10, 1, True)]):
            start = now - timedelta(days=3, hours=n)
            fields = {"detected_at": start.isoformat(),
                      "first_force_at": (start + timedelta(minutes=force_min)).isoformat()}
            if out_h is not None:
                fields["extinguished_at"] = (start + timedelta(hours=out_h)).isoformat()
            svc.create(op, IncidentInput(title=f"山火{n}", hazard="forest_fire",
                                         occurred_at=start, drill=drill, fields=fields))
        figures = dict(svc.statistics("forest_fire"))
    # Demo fires without clock times count in the total only; the drill not at all.
    assert figures["24 小时扑灭率"].startswith("1/2 = 50.0%") and "未达标" in \
        figures["24 小时扑灭率"]
    assert figures["首支力量 30 分钟内到场"].startswith("2/3")
    monkeypatch.setenv("COMMANDCENTRE_PASSWORD", DEMO_PASSWORD)
    assert main(["--db", str(demo_copy), "--user", "zhiban", "--json", "incident", "stats",
                 "--hazard", "forest_fire"]) == 0
    rows = {r["figure"]: r["value"] for r in jsonlib.loads(capsys.readouterr().out)}
    assert rows["24 小时扑灭率"] == figures["24 小时扑灭率"]
