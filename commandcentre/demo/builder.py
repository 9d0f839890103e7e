"""Building the demo store from ``resources/demo/county.json``."""

from __future__ import annotations

import json
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

from ..accounts import AccountService, Permission, Session, system_session
from ..county import CountyService
from ..duty.shifts import ShiftService
from ..errors import ValidationError
from ..hazards.names import FIRST_PARTY
from ..i18n import tr
from ..paths import resources_dir
from ..settings import Settings
from ..storage import Store
from ..timeutil import Clock, from_storage, to_storage, zone
from .people import NumberBook, team_members

# Shared by every demo account and printed by ``commandcentre demo``; a demo store is for
# training and trying out, and the title bar says so.
DEMO_PASSWORD = "demo2026"
# The dataset names hazards in Chinese; records carry the plugin id.
HAZARD_IDS = {name: hid for hid, name in FIRST_PARTY.items()}
ROTA_DAYS_BACK = 30
ROTA_DAYS_AHEAD = 32  # the 30-day coverage check ahead must find no gap


def load_dataset(path: Path | None = None) -> dict:
    """Read the demo dataset (the bundled one unless ``path`` is given)."""
    path = path or resources_dir() / "demo" / "county.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("schema") != 1:
        raise ValidationError(tr("演示数据格式版本不受支持：{path}", path=str(path)))
    return data


def build_demo(path: str | Path, *, clock: Clock | None = None,
               dataset: dict | None = None, plans: bool = True) -> dict[str, Any]:
    """Create the demo county in a new store at ``path``; return counts of what was made.

    ``plans=False`` leaves the plan library empty (for tests that fill it themselves).
    """
    data = dataset or load_dataset()
    store = Store.open(path, create=True, clock=clock)
    try:
        if store.scalar("SELECT count(*) FROM account"):
            raise ValidationError(tr("数据库中已有数据，未生成演示县：{path}", path=str(path)))
        return _Builder(store, data, with_plans=plans).run()
    finally:
        store.close()


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _in_period(day: date, start: str, end: str) -> bool:
    """Whether ``day`` falls in a yearly MM-DD..MM-DD period (which may wrap the new year)."""
    key = day.strftime("%m-%d")
    return start <= key <= end if start <= end else key >= start or key <= end


class _Builder:
    def __init__(self, store: Store, data: dict, *, with_plans: bool = True):
        self.store = store
        self.with_plans = with_plans
        self.data = data
        self.session: Session = system_session("demo")
        self.townships: dict[str, str] = {}
        self.teams: dict[str, str] = {}
        self.accounts: dict[str, str] = {}

    def run(self) -> dict[str, Any]:
        self._county()
        self._accounts()
        self._rota()
        members = self._teams()
        self._experts()
        self._warehouses()
        self._shelters()
        self._equipment()
        self._incidents()
        plans = self._plans() if self.with_plans else 0
        registers = self._hazard_registers()
        settings = Settings(self.store)
        settings.set(self.session, "demo", True)
        settings.set(self.session, "county.name", self.data["county"]["name"])
        settings.set(self.session, "ui.timezone", self.data["county"].get("timezone",
                                                                          "Asia/Shanghai"))
        return {"county": self.data["county"]["name"], "townships": len(self.townships),
                "teams": len(self.teams), "members": members,
                "accounts": len(self.accounts),
                "incidents": len(self.data.get("incidents", [])), "plans": plans,
                "register_rows": registers}

    def _hazard_registers(self) -> int:
        """The demo rows the hazard plugins ship for their registers (水库, 隐患点 …)."""
        from ..hazards import load_hazards
        from ..hazards.register_service import PluginRegisterService

        registry, _report = load_hazards(self.store)  # runs the plugins' table migrations
        service = PluginRegisterService(self.store, registry)
        n = 0
        for ref in service.registers():
            for row in ref.spec.demo:
                service.add(self.session, ref, row)
                n += 1
        return n

    def _plans(self) -> int:
        """The demo county's twelve plans (resources/demo/plans), as an office would import."""
        from ..plans import PlanService

        files = sorted((resources_dir() / "demo" / "plans").glob("*.md"))
        PlanService(self.store).import_files(self.session, files)
        return len(files)

    def _county(self) -> None:
        county = self.data["county"]
        service = CountyService(self.store)
        with self.store.transaction():
            county_id = service.add_unit(
                self.session, kind="county", name=county["name"], code=county.get("code", ""),
                population=county.get("population"), lat=county.get("lat"),
                lon=county.get("lon"), description=county.get("description", ""))
            for n, t in enumerate(self.data["townships"]):
                tid = service.add_unit(
                    self.session, kind="township", name=t["name"], parent_id=county_id,
                    code=t.get("code", ""), subkind=t.get("kind", "镇"),
                    population=t.get("population"), lat=t.get("lat"), lon=t.get("lon"),
                    hazards=t.get("hazards", []), sort=n)
                self.townships[t["name"]] = tid
                for m, village in enumerate(t.get("villages", [])):
                    service.add_unit(self.session, kind="village", name=village, parent_id=tid,
                                     subkind="社区" if village.endswith("社区") else "村", sort=m)
            for n, d in enumerate(self.data.get("departments", [])):
                service.add_unit(self.session, kind="department", name=d["name"],
                                 parent_id=county_id, duty_phone=d.get("duty_phone", ""),
                                 contact=d.get("contact", ""), title=d.get("title", ""), sort=n)

    def _accounts(self) -> None:
        service = AccountService(self.store)
        with self.store.transaction():
            for a in self.data["accounts"]:
                self.accounts[a["username"]] = service.create(
                    self.session, username=a["username"], display_name=a["display_name"],
                    role=a["role"], password=DEMO_PASSWORD, unit=a.get("unit", ""),
                    phone=a.get("phone", ""))

    def _rota(self) -> None:
        rota = self.data["duty_rota"]
        tz = zone(self.data["county"].get("timezone"))
        handover = time.fromisoformat(rota.get("handover_time", "08:00"))
        now_local = self.store.clock.now().astimezone(tz)
        today = now_local.date()
        if now_local.time() < handover:
            today -= timedelta(days=1)  # before the handover hour we are still in yesterday's shift
        first = today - timedelta(days=ROTA_DAYS_BACK)
        days = ROTA_DAYS_BACK + ROTA_DAYS_AHEAD
        enhanced: dict[date, tuple[str, list[str]]] = {}
        operators = [u for u, _ in sorted(self.accounts.items())
                     if self._role(u) == "operator"]
        for n in range(days):
            day = first + timedelta(days=n)
            for period in rota.get("enhanced_periods", []):
                if _in_period(day, period["start"], period["end"]):
                    regular = set(rota["operator_cycle"][n % len(rota["operator_cycle"])])
                    spare = [u for u in operators if u not in regular]
                    enhanced[day] = (period["name"], spare[: period.get("extra_operators", 1)])
                    break
        with self.store.transaction():
            ShiftService(self.store).plan_daily(
                self.session, first_day=first, days=days, handover=handover,
                leaders=rota["leader_cycle"], operator_pairs=rota["operator_cycle"],
                zone_name=self.data["county"].get("timezone"), enhanced=enhanced)

    def _role(self, username: str) -> str:
        return next(a["role"] for a in self.data["accounts"] if a["username"] == username)

    def _teams(self) -> int:
        book = NumberBook({t["leader"]["pdt_id"] for t in self.data["teams"]})
        count = 0
        with self.store.write(self.session, Permission.REGISTER_WRITE) as w:
            for t in self.data["teams"]:
                tid = w.insert("team", {
                    "name": t["name"], "category": t["category"], "level": t["level"],
                    "owner_unit": t.get("owner_unit", ""), "fulltime": int(t.get("fulltime", 0)),
                    "headcount": t["headcount"],
                    "specialities_json": _json(t.get("specialities", [])),
                    "equipment_json": _json(t.get("equipment", [])), "base": t.get("base", ""),
                    "township_id": self.townships.get(t.get("township") or ""),
                    "lat": t.get("lat"), "lon": t.get("lon"),
                    "contact_phone": t["leader"].get("phone", ""),
                    "status": t.get("status", "待命")})
                self.teams[t["name"]] = tid
                for m in team_members(t, book):
                    w.insert("member", {"team_id": tid, **m})
                    count += 1
        return count

    def _experts(self) -> None:
        with self.store.write(self.session, Permission.REGISTER_WRITE) as w:
            for e in self.data.get("experts", []):
                w.insert("expert", {
                    "name": e["name"], "hazards_json": _json(e.get("hazards", [])),
                    "speciality": e.get("speciality", ""), "employer": e.get("employer", ""),
                    "title": e.get("title", ""), "phone": e.get("phone", ""),
                    "on_call": int(bool(e.get("on_call")))})

    def _warehouses(self) -> None:
        at = to_storage(self.store.clock.now() - timedelta(days=90))
        with self.store.write(self.session, Permission.REGISTER_WRITE) as w:
            for h in self.data.get("warehouses", []):
                wid = w.insert("warehouse", {
                    "name": h["name"], "level": h["level"], "reserve_type": h["reserve_type"],
                    "address": h.get("address", ""),
                    "township_id": self.townships.get(h.get("township") or ""),
                    "lat": h.get("lat"), "lon": h.get("lon"), "keeper": h.get("keeper", ""),
                    "phone": h.get("phone", "")})
                for s in h.get("stock", []):
                    item = w.insert("stock_item", {
                        "warehouse_id": wid, "item": s["item"], "spec": s.get("spec", ""),
                        "unit": s["unit"], "batch": s.get("batch", ""),
                        "expiry": s.get("expiry"), "min_quantity": s.get("min_quantity", 0)})
                    w.insert("stock_movement", {"item_id": item, "kind": "入库",
                                                "quantity": s["quantity"], "at": at,
                                                "note": tr("演示县期初库存")})

    def _shelters(self) -> None:
        with self.store.write(self.session, Permission.REGISTER_WRITE) as w:
            for s in self.data.get("shelters", []):
                w.insert("shelter", {
                    "name": s["name"], "type": s.get("type", ""), "grade": s.get("level", ""),
                    "address": s.get("address", ""),
                    "township_id": self.townships.get(s.get("township") or ""),
                    "lat": s.get("lat"), "lon": s.get("lon"), "capacity": s.get("capacity", 0),
                    "area_m2": s.get("area_m2"),
                    "facilities_json": _json(s.get("facilities", [])),
                    "status": s.get("status", "关闭"), "manager": s.get("manager", ""),
                    "phone": s.get("phone", "")})

    def _equipment(self) -> None:
        with self.store.write(self.session, Permission.REGISTER_WRITE) as w:
            for e in self.data.get("equipment", []):
                w.insert("equipment", {
                    "name": e["name"], "kind": e.get("kind", ""), "model": e.get("model", ""),
                    "owner_unit": e.get("owner_unit", ""), "location": e.get("location", ""),
                    "status": e.get("status", "完好"),
                    "requisitionable": int(bool(e.get("requisitionable"))),
                    "plate": e.get("plate"), "quantity": e.get("quantity", 1)})
            for c in self.data.get("radio_channels", []):
                w.insert("radio_channel", {"name": c["name"], "kind": c["kind"],
                                           "address": c.get("id_or_freq", ""),
                                           "use": c.get("use", "")})

    def _incidents(self) -> None:
        with self.store.write(self.session, Permission.INCIDENT_WRITE) as w:
            for inc in self.data.get("incidents", []):
                received = from_storage(inc["received_at"])
                iid = w.insert("incident", {
                    "title": inc["title"], "hazard": HAZARD_IDS.get(inc["hazard"], inc["hazard"]),
                    "category": inc["category"],
                    "township_id": self.townships.get(inc.get("township") or ""),
                    "place": inc.get("place", ""), "lat": inc.get("lat"), "lon": inc.get("lon"),
                    "occurred_at": to_storage(from_storage(inc["occurred_at"])),
                    "received_at": to_storage(received),
                    "closed_at": to_storage(from_storage(inc["closed_at"]))
                    if inc.get("closed_at") else None,
                    "grade": inc.get("grade"), "drill": int(bool(inc.get("drill"))),
                    "status": "已结束" if inc.get("closed_at") else "处置中",
                    "summary": inc.get("summary", ""), "created_at": to_storage(received)})
                intake = inc.get("intake")
                receiver = (intake or {}).get("receiver", "demo")
                if intake:
                    w.insert("timeline_event", {
                        "incident_id": iid, "at": to_storage(received), "kind": "intake",
                        "text": intake.get("content", ""), "data_json": _json(intake),
                        "recorded_by": receiver, "recorded_at": to_storage(received)})
                for ev in inc.get("events", []):
                    at = from_storage(ev["at"])
                    extra = {k: v for k, v in ev.items() if k not in ("at", "kind", "text")}
                    if "team" in extra and extra["team"] in self.teams:
                        extra["team_id"] = self.teams[extra["team"]]
                    w.insert("timeline_event", {
                        "incident_id": iid, "at": to_storage(at), "kind": ev["kind"],
                        "text": ev["text"], "data_json": _json(extra),
                        "recorded_by": receiver, "recorded_at": to_storage(at)})


