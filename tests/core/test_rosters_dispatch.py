"""Dispatch: 申请 → 已派 → 在途 → 到场 → 归队 (or 取消), on the incident timeline, with the
team's status following and dispatched stock leaving the warehouse as an 出库."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from commandcentre.accounts import Permission
from commandcentre.errors import PermissionDenied, ValidationError
from commandcentre.rosters import DispatchService, EquipmentService, StockService, TeamService
from commandcentre.storage.verify import verify_store
from commandcentre.timeutil import to_storage
from tests.core import roster_support as _support
from tests.core.roster_support import OBSERVER, OPERATOR

# Fixtures shared by the roster tests (roster_schema is autouse: see roster_support).
rdemo = _support.rdemo
rdemo_path = _support.rdemo_path
roster_schema = _support.roster_schema

WATER = "青峪县水域救援队"


@pytest.fixture
def incident(rdemo) -> str:
    now = to_storage(rdemo.clock.now() - timedelta(hours=2))
    with rdemo.write(OPERATOR, Permission.INCIDENT_WRITE) as w:
        return w.insert("incident", {
            "title": "澜溪镇“3·1”山洪", "hazard": "flood", "category": "自然灾害",
            "occurred_at": now, "received_at": now, "created_at": now})


def _timeline(store, incident):
    return store.query("SELECT text, data_json FROM timeline_event WHERE incident_id = ?"
                       " AND kind = 'dispatch' ORDER BY at, rowid", (incident,))


def test_a_team_goes_out_and_comes_back_on_the_timeline(rdemo, rdemo_path, incident):
    teams, service = TeamService(rdemo), DispatchService(rdemo)
    team = teams.find(WATER)
    start = rdemo.clock.now() - timedelta(minutes=90)
    did = service.dispatch(OPERATOR, incident, "team", team["id"], status="申请",
                           destination="黑泥沟村", at=start)
    assert teams.find(WATER)["status"] == "待命"  # a request does not move the team
    for n, (status, team_status) in enumerate([("已派", "出动"), ("在途", "在途"),
                                               ("到场", "到场"), ("归队", "归队")], start=1):
        row = service.advance(OPERATOR, did[:8], status, at=start + timedelta(minutes=10 * n))
        assert row["status"] == status
        assert teams.find(WATER)["status"] == team_status
    row = service.get(did)
    assert all(row[c] for c in ("requested_at", "assigned_at", "en_route_at", "on_scene_at",
                                "returned_at")) and row["cancelled_at"] is None
    events = service.events(did)
    assert [e["status"] for e in events] == ["申请", "已派", "在途", "到场", "归队"]
    lines = _timeline(rdemo, incident)
    assert [t["text"] for t in lines] == [
        "调度队伍“青峪县水域救援队”：申请，前往黑泥沟村",
        "调度队伍“青峪县水域救援队”：已派，前往黑泥沟村",
        "调度队伍“青峪县水域救援队”：在途", "调度队伍“青峪县水域救援队”：到场",
        "调度队伍“青峪县水域救援队”：归队"]
    assert json.loads(lines[0]["data_json"])["dispatch_id"] == did
    assert {e["timeline_event_id"] for e in events} == {
        r["id"] for r in rdemo.query("SELECT id FROM timeline_event WHERE kind = 'dispatch'"
                                     " AND incident_id = ?", (incident,))}
    rdemo.close()
    assert verify_store(rdemo_path).ok


def test_status_moves_only_forward_and_ends(rdemo, incident):
    service = DispatchService(rdemo)
    team = TeamService(rdemo).find(WATER)
    did = service.dispatch(OPERATOR, incident, "team", team["id"])
    with pytest.raises(ValidationError, match="只能向前"):
        service.advance(OPERATOR, did, "申请")
    with pytest.raises(ValidationError, match="已在执行调度任务"):
        service.dispatch(OPERATOR, incident, "team", team["id"])
    service.advance(OPERATOR, did, "on_scene")  # steps may be skipped; English names work
    with pytest.raises(ValidationError, match="不能取消"):
        service.advance(OPERATOR, did, "取消")
    with pytest.raises(ValidationError, match="早于上一步"):
        service.advance(OPERATOR, did, "归队", at=rdemo.clock.now() - timedelta(days=1))
    with pytest.raises(ValidationError, match="调度状态“回家”无效"):
        service.advance(OPERATOR, did, "回家")
    service.advance(OPERATOR, did, "归队")
    with pytest.raises(ValidationError, match="不能再变更"):
        service.advance(OPERATOR, did, "到场")
    TeamService(rdemo).set_status(OPERATOR, WATER, "休整")
    with pytest.raises(ValidationError, match="正在休整"):
        service.dispatch(OPERATOR, incident, "team", team["id"])


def test_cancelling_puts_the_team_back_on_standby(rdemo, incident):
    service = DispatchService(rdemo)
    team = TeamService(rdemo).find(WATER)
    did = service.dispatch(OPERATOR, incident, "team", team["id"])
    assert TeamService(rdemo).find(WATER)["status"] == "出动"
    service.advance(OPERATOR, did, "取消", note="险情解除")
    assert TeamService(rdemo).find(WATER)["status"] == "待命"
    assert _timeline(rdemo, incident)[-1]["text"] == "调度队伍“青峪县水域救援队”：取消：险情解除"
    assert service.list(incident_id=incident, active_only=True) == []


def test_dispatched_stock_is_an_outflow_naming_the_incident(rdemo, incident):
    stock = StockService(rdemo)
    tent = stock.find("帐篷", warehouse="云坝镇应急物资储备点")
    before = stock.balance(tent["id"])
    service = DispatchService(rdemo)
    requested = service.dispatch(OPERATOR, incident, "stock", tent["id"], quantity=10,
                                 status="申请")
    assert stock.balance(tent["id"]) == before
    service.advance(OPERATOR, requested, "已派")
    assert stock.balance(tent["id"]) == before - 10
    card = stock.card(tent["id"])[-1]
    assert (card["kind"], card["quantity"], card["note"]) == ("出库", -10,
                                                              "调往事件：澜溪镇“3·1”山洪")
    assert service.get(requested)["movement_id"] == card["id"]
    service.advance(OPERATOR, requested, "取消")
    assert stock.balance(tent["id"]) == before  # put back with an 入库
    too_much = service.dispatch(OPERATOR, incident, "stock", tent["id"], quantity=before + 1,
                                status="申请")
    with pytest.raises(ValidationError, match="库存不足"):
        service.advance(OPERATOR, too_much, "已派")
    assert service.get(too_much)["status"] == "申请"
    with pytest.raises(ValidationError, match="需要数量"):
        service.dispatch(OPERATOR, incident, "stock", tent["id"])
    assert "帐篷" in _timeline(rdemo, incident)[1]["text"]


def test_equipment_by_quantity_and_condition(rdemo, incident):
    equipment, service = EquipmentService(rdemo), DispatchService(rdemo)
    boats = equipment.find("冲锋舟")
    service.dispatch(OPERATOR, incident, "equipment", boats["id"], quantity=3)
    with pytest.raises(ValidationError, match="可调派 1 台"):
        service.dispatch(OPERATOR, incident, "equipment", boats["id"], quantity=2)
    assert next(e for e in equipment.list() if e["id"] == boats["id"])["out"] == 3
    pump = equipment.find("岚K·L0119")  # by plate; it is 维修
    with pytest.raises(ValidationError, match="维修"):
        service.dispatch(OPERATOR, incident, "equipment", pump["id"])


def test_observers_cannot_dispatch_and_closed_incidents_take_no_new_dispatch(rdemo, incident):
    team = TeamService(rdemo).find(WATER)
    with pytest.raises(PermissionDenied):
        DispatchService(rdemo).dispatch(OBSERVER, incident, "team", team["id"])
    closed = rdemo.one("SELECT id FROM incident WHERE status = '已结束' LIMIT 1")["id"]
    with pytest.raises(ValidationError, match="事件已结束"):
        DispatchService(rdemo).dispatch(OPERATOR, closed, "team", team["id"])
    assert rdemo.scalar("SELECT count(*) FROM dispatch") == 0
