"""The rota: templates and planning, coverage gaps, and 值班表 files as offices keep them."""

from __future__ import annotations

import csv
import sqlite3
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.styles import Font

from commandcentre.accounts import Permission, Role, system_session
from commandcentre.cli import commands
from commandcentre.cli.commands import rota as rota_cli
from commandcentre.cli.main import main
from commandcentre.duty import rota_io
from commandcentre.duty.rota import (
    EnhancedPeriod,
    Gap,
    RotaRejected,
    ShiftTemplate,
    coverage_gaps,
    day_night,
    find_gaps,
    plan_rota,
    plan_shifts,
    twenty_four_hour,
)
from commandcentre.duty.rota_io import export_rota, import_rota, read_rota
from commandcentre.duty.shifts import ShiftService
from commandcentre.errors import PermissionDenied, ValidationError
from commandcentre.storage import Store
from commandcentre.storage.verify import verify_store
from commandcentre.timeutil import to_storage, zone
from tests.conftest import PASSWORD

TZ = zone("Asia/Shanghai")
STAFF = [("daiban", "段志刚", "leader"), ("maqing", "马庆", "leader"),
         ("zhiban", "杨雪梅", "operator"), ("luoxin", "罗鑫", "operator"),
         ("heyu", "何宇航", "operator"), ("sunli", "孙丽娟", "operator"),
         ("guancha", "谢婷", "observer")]
HEADER = ["日期", "开始", "结束", "带班领导", "主班", "副班", "加强值班", "备注"]


def local(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


def add_staff(store: Store) -> None:
    """The duty room's people (accounts that never log in here, so no password hashing)."""
    now = to_storage(store.clock.now())
    with store.write(system_session("test"), Permission.ACCOUNT_ADMIN) as w:
        for username, name, role in STAFF:
            w.insert("account", {"username": username, "display_name": name, "role": role,
                                 "password_hash": "-", "password_changed_at": now,
                                 "created_at": now})


@pytest.fixture
def admin(store, people):
    add_staff(store)
    return people[Role.ADMINISTRATOR]


@pytest.fixture
def blank_copy(store, admin, tmp_path):
    """A second store with the same people and no rota: where a round trip lands."""
    path = tmp_path / "copy.db"
    store.backup(path)
    with Store.open(path) as other:
        yield other


def counts(store: Store) -> tuple[int, int, int]:
    return (store.scalar("SELECT count(*) FROM duty_shift"),
            store.scalar("SELECT count(*) FROM duty_shift_member"),
            store.scalar("SELECT count(*) FROM audit_log"))


def shifts_in(store: Store) -> list[tuple]:
    """Every stored shift as (start, end, leader, operators in order, enhanced, note)."""
    views = ShiftService(store).between(local(1, 0, month=1) - timedelta(days=400),
                                        local(1, 0) + timedelta(days=400))
    notes = {r["id"]: r["note"] for r in store.query("SELECT id, note FROM duty_shift")}
    return [(v.starts_at, v.ends_at, v.leader["username"],
             tuple(p["username"] for p in v.operators), v.enhanced, notes[v.id]) for v in views]


# -- templates and planning ---------------------------------------------------------------

def test_templates_lay_out_a_day():
    assert twenty_four_hour(time(8, 30)).shifts_on(date(2026, 12, 1), TZ) == [
        (local(1, 8, 30), local(2, 8, 30), "08:30-08:30")]
    assert day_night().shifts_on(date(2026, 12, 1), TZ) == [
        (local(1, 8), local(1, 20), "08:00-20:00"), (local(1, 20), local(2, 8), "20:00-08:00")]
    with pytest.raises(ValidationError, match="重叠"):
        ShiftTemplate("bad", ((time(8), time(20)), (time(18), time(9))))
    with pytest.raises(ValidationError):
        ShiftTemplate("empty", ())


def test_plan_rotates_leaders_by_day_and_groups_by_shift():
    shifts = plan_shifts(day_night(), first_day=date(2026, 12, 1), days=3,
                         leaders=["daiban", "maqing"],
                         operator_groups=[["zhiban", "luoxin"], ["heyu"], ["sunli"]], tz=TZ)
    assert [s.leader for s in shifts] == ["daiban", "daiban", "maqing", "maqing",
                                          "daiban", "daiban"]
    assert [s.operators for s in shifts] == [("zhiban", "luoxin"), ("heyu",), ("sunli",),
                                             ("zhiban", "luoxin"), ("heyu",), ("sunli",)]
    per_shift = plan_shifts(day_night(), first_day=date(2026, 12, 1), days=1,
                            leaders=["daiban", "maqing"], operator_groups=[["zhiban"]], tz=TZ,
                            leader_per_shift=True)
    assert [s.leader for s in per_shift] == ["daiban", "maqing"]


def test_enhanced_periods_add_extra_operators_in_turn():
    periods = [EnhancedPeriod("防火期", date(2026, 12, 2), date(2026, 12, 3), ("heyu", "sunli"),
                              per_shift=1),
               EnhancedPeriod("元旦", date(2026, 12, 3), date(2026, 12, 3), ("luoxin",))]
    shifts = plan_shifts(twenty_four_hour(), first_day=date(2026, 12, 1), days=4,
                         leaders=["daiban"], operator_groups=[["zhiban"]], enhanced=periods,
                         tz=TZ)
    assert [(s.enhanced, s.operators) for s in shifts] == [
        ("", ("zhiban",)), ("防火期", ("zhiban", "heyu")),
        ("防火期、元旦", ("zhiban", "sunli", "luoxin")), ("", ("zhiban",))]
    with pytest.raises(ValidationError):
        EnhancedPeriod("倒置", date(2026, 12, 3), date(2026, 12, 1))


def test_plan_rota_writes_audited_shifts_by_name_or_username(store, admin):
    before = counts(store)
    planned = plan_rota(store, admin, day_night(), first_day=date(2026, 12, 1), days=2,
                        leaders=["段志刚", "maqing"], operator_groups=[["杨雪梅", "luoxin"]])
    assert len(planned) == 4
    assert shifts_in(store)[0] == (local(1, 8), local(1, 20), "daiban", ("zhiban", "luoxin"),
                                   "", "")
    assert counts(store)[0] == before[0] + 4
    events = store.query("SELECT detail_json FROM audit_log WHERE action = 'duty_rota.plan'")
    assert len(events) == 1 and '"shifts":4' in events[0]["detail_json"]
    assert verify_store(store.path).ok
    # Planning the same days again would double the duty: refused, nothing written.
    again = counts(store)
    with pytest.raises(RotaRejected, match="与已有班次重复"):
        plan_rota(store, admin, day_night(), first_day=date(2026, 12, 2), days=2,
                  leaders=["daiban"], operator_groups=[["zhiban"]])
    assert counts(store) == again


def test_plan_reports_every_bad_person_and_writes_nothing(store, admin):
    before = counts(store)
    with pytest.raises(RotaRejected) as caught:
        plan_rota(store, admin, twenty_four_hour(), first_day=date(2026, 12, 1), days=2,
                  leaders=["zhiban"], operator_groups=[["谢婷"], ["nobody"]])
    text = "\n".join(caught.value.problems)
    assert "zhiban 不是带班领导" in text and "观察员不能排班：谢婷" in text
    assert "未找到人员“nobody”" in text
    assert counts(store) == before


def test_observer_cannot_plan(store, admin, people):
    with pytest.raises(PermissionDenied):
        plan_rota(store, people[Role.OBSERVER], twenty_four_hour(),
                  first_day=date(2026, 12, 1), days=1, leaders=["daiban"],
                  operator_groups=[["zhiban"]])


# -- coverage -----------------------------------------------------------------------------

def raw_shift(store, start, end, *, leader: str | None, operators: list[str]) -> None:
    """A shift as older data or another tool may hold it (add() insists on both roles)."""
    ids = {r["username"]: r["id"] for r in store.query("SELECT id, username FROM account")}
    with store.write(system_session("test"), Permission.REGISTER_WRITE) as w:
        sid = w.insert("duty_shift", {"starts_at": to_storage(start), "ends_at": to_storage(end),
                                      "created_at": to_storage(store.clock.now())})
        members = ([(leader, "leader")] if leader else []) + [
            (u, ("main", "deputy", "extra")[min(n, 2)]) for n, u in enumerate(operators)]
        for username, role in members:
            w.insert("duty_shift_member", {"shift_id": sid, "account_id": ids[username],
                                           "duty_role": role})


def test_a_missing_night_shift_and_a_shift_without_operator_are_gaps(store, admin):
    service = ShiftService(store)
    for day in (1, 2, 3):  # three days of 白班, nights only on the 1st and 3rd
        service.add(admin, starts_at=local(day, 8), ends_at=local(day, 20), leader="daiban",
                    operators=["zhiban"])
        if day != 2:
            service.add(admin, starts_at=local(day, 20), ends_at=local(day + 1, 8),
                        leader="maqing", operators=["heyu"])
    raw_shift(store, local(4, 8), local(4, 20), leader="daiban", operators=[])
    raw_shift(store, local(4, 20), local(5, 8), leader=None, operators=["sunli"])
    gaps = coverage_gaps(store, local(1, 8), hours=4 * 24)
    assert gaps == [Gap(local(2, 20), local(3, 8), "both"),
                    Gap(local(4, 8), local(4, 20), "operator"),
                    Gap(local(4, 20), local(5, 8), "leader")]
    assert gaps[0].hours == 12
    # An overlapping shift with the missing role fills the gap.
    raw_shift(store, local(2, 20), local(3, 8), leader="daiban", operators=["luoxin"])
    assert coverage_gaps(store, local(1, 8), hours=48) == []


def test_gaps_merge_runs_and_clip_to_the_window():
    start = datetime(2026, 12, 1, tzinfo=UTC)
    h = timedelta(hours=1)
    spans = [(start - 5 * h, start + 2 * h, True, True), (start + 4 * h, start + 6 * h, True,
                                                          False),
             (start + 6 * h, start + 8 * h, True, False)]
    assert find_gaps(spans, start, start + 10 * h) == [
        Gap(start + 2 * h, start + 4 * h, "both"), Gap(start + 4 * h, start + 8 * h, "operator"),
        Gap(start + 8 * h, start + 10 * h, "both")]
    assert find_gaps([], start, start) == []


def test_disabled_accounts_do_not_cover(store, admin):
    ShiftService(store).add(admin, starts_at=local(1, 8), ends_at=local(2, 8), leader="daiban",
                            operators=["zhiban"])
    row = store.one("SELECT id FROM account WHERE username = 'zhiban'")
    with store.write(admin, Permission.ACCOUNT_ADMIN) as w:
        w.update("account", row["id"], {"active": 0})
    assert coverage_gaps(store, local(1, 8), hours=24) == [
        Gap(local(1, 8), local(2, 8), "operator")]


WINDOW_HOURS = 72


@st.composite
def random_shifts(draw):
    # Half-hour steps, reaching before and beyond the window, overlapping freely.
    return draw(st.lists(st.tuples(st.integers(-24, 2 * WINDOW_HOURS),
                                   st.integers(1, 96), st.booleans(), st.booleans()),
                         max_size=8))


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(random_shifts())
def test_coverage_property(tmp_path_factory, _people_template, shifts):
    """Every reported gap has no covering shift with the role; every uncovered moment is in
    a gap (checked at each quarter hour; all shift edges fall on half hours)."""
    path = tmp_path_factory.mktemp("prop") / "p.db"
    src = sqlite3.connect(_people_template)
    dst = sqlite3.connect(path)
    src.backup(dst)
    src.close()
    dst.close()
    base = local(1, 8)
    half = timedelta(minutes=30)
    spans = [(base + a * half, base + (a + n) * half, lead, ops) for a, n, lead, ops in shifts]
    with Store.open(path) as store:
        for a, b, lead, ops in spans:
            raw_shift(store, a, b, leader="leader" if lead else None,
                      operators=["op"] if ops else [])
        gaps = coverage_gaps(store, base, hours=WINDOW_HOURS)
    end = base + timedelta(hours=WINDOW_HOURS)
    assert all(base <= g.start < g.end <= end for g in gaps)
    assert all(a.end <= b.start for a, b in pairwise(gaps))
    assert all(a.end < b.start or a.missing != b.missing
               for a, b in pairwise(gaps))
    for quarter in range(WINDOW_HOURS * 4):
        t = base + quarter * timedelta(minutes=15)
        lead = any(a <= t < b and has for a, b, has, _ in spans)
        ops = any(a <= t < b and has for a, b, _, has in spans)
        expected = {(False, False): "both", (False, True): "leader",
                    (True, False): "operator"}.get((lead, ops))
        reported = [g.missing for g in gaps if g.start <= t < g.end]
        assert reported == ([expected] if expected else []), t


# -- files as offices keep them -----------------------------------------------------------

def office_sheet(path, rows, *, title="青峪县应急管理局2026年12月值班表", merges=(),
                 header=HEADER):
    """An .xlsx typed the way a duty office does: title row, bold header, merged cells."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "12月"
    ws.append([title])
    ws.merge_cells("A1:H1")
    ws.append(header)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    for cell in ws["B"] + ws["C"]:
        if isinstance(cell.value, time):
            cell.number_format = "h:mm"
    for rng in merges:
        ws.merge_cells(rng)
    ws.append([])
    ws.append(["制表：县应急管理局办公室　　审核：段志刚"])
    ws.merge_cells(f"A{ws.max_row}:H{ws.max_row}")
    book.save(path)
    return path


def test_import_an_office_xlsx(store, admin, tmp_path):
    rows = [
        # 1 Dec: a real Excel date, merged over the 白班/夜班 pair, and Excel time cells.
        [datetime(2026, 12, 1), time(8), time(20), "段志刚", "杨雪梅", "罗鑫", "防火期", ""],
        [None, time(20), time(8), None, "何宇航", "", "防火期", "夜间巡查 00:00"],
        # 2 Dec: text dates and times, a padded name, two 副班, the leader merged too.
        ["2026/12/2", "08:00", "20:00", "马　庆", "孙丽娟", "罗鑫、何宇航", "", ""],
        [None, "２０：００", "次日８：００", None, "zhiban", "", "", ""],
        # 3 Dec: full-width month-day (year from the title), a 24 h shift.
        ["１２月３日（周四）", "8:00", "8:00", "daiban", "杨雪梅", "孙丽娟", "", ""],
    ]
    path = office_sheet(tmp_path / "十二月值班表.xlsx", rows,
                        merges=("A3:A4", "D3:D4", "A5:A6", "D5:D6"))
    before = counts(store)
    result = import_rota(store, admin, path)
    assert len(result.ids) == 5
    assert shifts_in(store) == [
        (local(1, 8), local(1, 20), "daiban", ("zhiban", "luoxin"), "防火期", ""),
        (local(1, 20), local(2, 8), "daiban", ("heyu",), "防火期", "夜间巡查 00:00"),
        (local(2, 8), local(2, 20), "maqing", ("sunli", "luoxin", "heyu"), "", ""),
        (local(2, 20), local(3, 8), "maqing", ("zhiban",), "", ""),
        (local(3, 8), local(4, 8), "daiban", ("zhiban", "sunli"), "", "")]
    assert [p["duty_role"] for p in ShiftService(store).at(local(2, 9)).operators] == [
        "main", "deputy", "extra"]
    shift_rows, member_rows, audit_rows = counts(store)
    assert (shift_rows, member_rows) == (before[0] + 5, before[1] + 5 + 9)
    # One audit row per shift and member, plus the import event naming the file.
    assert audit_rows == before[2] + 5 + 14 + 1
    event = store.one("SELECT actor, detail_json FROM audit_log WHERE action = 'duty_rota.import'")
    assert event["actor"] == "admin" and "十二月值班表.xlsx" in event["detail_json"]
    assert verify_store(store.path).ok
    assert coverage_gaps(store, local(1, 8), hours=72) == []


def test_a_bad_file_changes_nothing_and_names_every_row(store, admin, tmp_path):
    ShiftService(store).add(admin, starts_at=local(10, 8), ends_at=local(11, 8),
                            leader="daiban", operators=["zhiban"])
    rows = [
        ["2026-12-01", "08:00", "08:00", "段志刚", "张三", "", "", ""],            # row 3
        ["2026-12-02", "08:00", "2026-12-02 07:00", "马庆", "杨雪梅", "", "", ""],  # row 4
        ["2026-12-03", "08:00", "08:00", "马庆", "谢婷", "", "", ""],              # row 5
        ["2026-12-01", "08:00", "08:00", "马庆", "何宇航", "", "", ""],            # row 6
        ["2026-12-10", "20:00", "08:00", "马庆", "孙丽娟", "", "", ""],            # row 7
        ["2026-12-05", "8点", "8点", "杨雪梅", "罗鑫", "罗鑫", "", ""],              # row 8
        ["2026-13-01", "08:00", "08:00", "马庆", "罗鑫", "", "", ""],              # row 9
        ["2026-12-20", "08:00", "08:00", "马庆", "罗鑫", "", "", ""],              # good
    ]
    path = office_sheet(tmp_path / "bad.xlsx", rows)
    before = counts(store)
    with pytest.raises(RotaRejected) as caught:
        import_rota(store, admin, path)
    problems = caught.value.problems
    expected = [("第 3 行", "未找到人员“张三”"), ("第 4 行", "结束时间早于或等于开始时间"),
                ("第 5 行", "观察员不能排班：谢婷"), ("第 6 行", "与第 3 行重复"),
                ("第 7 行", "与已有班次时间重叠"), ("第 8 行", "杨雪梅 不是带班领导"),
                ("第 8 行", "同一人在一个班次中重复排班：罗鑫"), ("第 9 行", "日期无效")]
    for row, text in expected:
        assert any(p.startswith(row + "：") and text in p for p in problems), (row, problems)
    assert not any(p.startswith("第 10 行") for p in problems)
    assert read_rota(store, path)[1] == problems  # the same report without trying to write
    assert counts(store) == before
    assert verify_store(store.path).ok
    assert "未写入任何班次" in str(caught.value)


def test_a_failure_while_writing_rolls_back_every_shift(store, admin, tmp_path, monkeypatch):
    rows = [[f"2026-12-0{d}", "08:00", "08:00", "段志刚", "杨雪梅", "", "", ""]
            for d in (1, 2, 3)]
    path = office_sheet(tmp_path / "r.xlsx", rows)
    real, calls = ShiftService.add, []

    def add(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("the third shift fails")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(ShiftService, "add", add)
    before = counts(store)
    with pytest.raises(RuntimeError):
        import_rota(store, admin, path)
    assert len(calls) == 3 and counts(store) == before


def test_shared_names_need_usernames(store, admin, tmp_path):
    now = to_storage(store.clock.now())
    with store.write(admin, Permission.ACCOUNT_ADMIN) as w:
        w.insert("account", {"username": "maqing2", "display_name": "马庆", "role": "leader",
                             "password_hash": "-", "password_changed_at": now,
                             "created_at": now})
    path = office_sheet(tmp_path / "r.xlsx",
                        [["2026-12-01", "08:00", "08:00", "马庆", "杨雪梅", "", "", ""]])
    with pytest.raises(RotaRejected, match="对应多个账号（maqing、maqing2）"):
        import_rota(store, admin, path)
    ShiftService(store).add(admin, starts_at=local(1, 8), ends_at=local(2, 8),
                            leader="maqing2", operators=["zhiban"])
    export_rota(store, tmp_path / "out.csv", local(1, 0), local(2, 0))
    row = (tmp_path / "out.csv").read_text(encoding="utf-8-sig").splitlines()[1]
    assert row.split(",")[3:5] == ["maqing2", "杨雪梅"]


def test_reimporting_the_same_file_is_refused(store, admin, tmp_path):
    path = office_sheet(tmp_path / "r.xlsx",
                        [["2026-12-01", "08:00", "08:00", "段志刚", "杨雪梅", "", "", ""]])
    import_rota(store, admin, path)
    before = counts(store)
    with pytest.raises(RotaRejected, match="与已有班次重复"):
        import_rota(store, admin, path)
    assert counts(store) == before


def test_observer_and_operator_cannot_import(store, admin, people, tmp_path):
    path = office_sheet(tmp_path / "r.xlsx",
                        [["2026-12-01", "08:00", "08:00", "段志刚", "杨雪梅", "", "", ""]])
    before = counts(store)
    for role in (Role.OBSERVER, Role.OPERATOR):
        with pytest.raises(PermissionDenied):
            import_rota(store, people[role], path)
    assert counts(store) == before


def test_check_only_writes_nothing(store, admin, tmp_path):
    path = office_sheet(tmp_path / "r.xlsx",
                        [["2026-12-01", "08:00", "08:00", "段志刚", "杨雪梅", "", "", ""]])
    before = counts(store)
    result = import_rota(store, admin, path, check_only=True)
    assert len(result.shifts) == 1 and result.ids == [] and counts(store) == before


def test_gbk_csv_from_excel_with_month_day_dates(store, admin, tmp_path):
    path = tmp_path / "值班表.csv"
    lines = ["日 期,开始时间,结束时间,值班领导,主班,副班,加强值班",
             "12月1日,08:00,20:00,段志刚,杨雪梅,罗鑫,",
             ",20:00,08:00,段志刚,何宇航,,",
             "12月2日,08:00,08:00,马庆,孙丽娟,,是"]
    path.write_bytes("\r\n".join(lines).encode("gb18030"))
    with pytest.raises(RotaRejected, match="没有年份"):
        import_rota(store, admin, path)
    import_rota(store, admin, path, year=2026)
    assert [s[:5] for s in shifts_in(store)] == [
        (local(1, 8), local(1, 20), "daiban", ("zhiban", "luoxin"), ""),
        (local(1, 20), local(2, 8), "daiban", ("heyu",), ""),
        (local(2, 8), local(3, 8), "maqing", ("sunli",), "加强值班")]


def test_unreadable_files_are_refused(store, admin, tmp_path):
    (tmp_path / "x.xlsx").write_bytes(b"not a zip")
    (tmp_path / "no-header.csv").write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    (tmp_path / "x.txt").write_text("", encoding="utf-8")
    for name, message in (("x.xlsx", "无法读取"), ("no-header.csv", "未找到表头"),
                          ("x.txt", "只支持"), ("missing.csv", "找不到文件")):
        with pytest.raises(ValidationError, match=message):
            import_rota(store, admin, tmp_path / name)


@pytest.mark.parametrize(("cell", "expected"), [
    (datetime(2026, 12, 1), date(2026, 12, 1)), (date(2026, 12, 1), date(2026, 12, 1)),
    (46357, date(2026, 12, 1)), ("2026-12-01", date(2026, 12, 1)),
    ("2026/12/1", date(2026, 12, 1)), ("２０２６年１２月１日", date(2026, 12, 1)),
    ("12月1日", date(2026, 12, 1)), ("12-1", date(2026, 12, 1)),
    ("2026.12.1(星期二)", date(2026, 12, 1)), ("20261201", date(2026, 12, 1)),
])
def test_date_cells(cell, expected):
    assert rota_io._date(cell, 2026) == expected


@pytest.mark.parametrize(("cell", "expected"), [
    (time(8), (time(8), 0)), (0.5, (time(12), 0)), ("08:00", (time(8), 0)),
    ("８：３０", (time(8, 30), 0)), ("8时30分", (time(8, 30), 0)), ("8点半", (time(8, 30), 0)),
    ("0800", (time(8), 0)), ("晚上8点", (time(20), 0)), ("次日 8:00", (time(8), 1)),
    ("24:00", (time(0), 1)), (8, (time(8), 0)),
    ("2026-12-02 08:00", datetime(2026, 12, 2, 8)), (datetime(2026, 12, 2, 8),
                                                      datetime(2026, 12, 2, 8)),
])
def test_time_cells(cell, expected):
    assert rota_io._clock(cell, 2026) == expected


@pytest.mark.parametrize("cell", ["25:00", "早", "8:75", "明天"])
def test_bad_time_cells(cell):
    with pytest.raises(ValidationError):
        rota_io._clock(cell, 2026)


def plan_december(store, admin):
    return plan_rota(store, admin, day_night(), first_day=date(2026, 12, 1), days=5,
                     leaders=["daiban", "maqing"],
                     operator_groups=[["zhiban", "luoxin"], ["heyu"], ["sunli", "zhiban"]],
                     enhanced=[EnhancedPeriod("防火期", date(2026, 12, 3), date(2026, 12, 4),
                                              ("heyu",))])


def test_csv_round_trip(store, admin, blank_copy, tmp_path):
    plan_december(store, admin)
    ShiftService(store).add(admin, starts_at=local(6, 8), ends_at=local(7, 10),
                            leader="daiban", operators=["luoxin"], note="跨日加班")
    path = tmp_path / "rota.csv"
    assert export_rota(store, path, local(1, 0), local(8, 0)) == 11
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert lines[0] == HEADER
    assert lines[1] == ["2026-12-01", "08:00", "20:00", "段志刚", "杨雪梅", "罗鑫", "", ""]
    assert lines[-1][2] == "2026-12-07 10:00"  # 26 h: only a full date-time says so
    import_rota(blank_copy, admin, path)
    assert shifts_in(blank_copy) == shifts_in(store)


def test_xlsx_export_is_printable_and_round_trips(store, admin, blank_copy, tmp_path):
    plan_december(store, admin)
    path = tmp_path / "rota.xlsx"
    assert export_rota(store, path, local(1, 0), local(6, 0), title="青峪县值班表") == 10
    ws = openpyxl.load_workbook(path).active
    assert ws["A1"].value == "青峪县值班表" and "A1:H1" in {str(r) for r in ws.merged_cells}
    assert [c.value for c in ws[2]] == HEADER and all(c.font.bold for c in ws[2])
    assert ws.freeze_panes == "A3"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert isinstance(ws["A3"].value, datetime) and isinstance(ws["B3"].value, time)
    assert ws.column_dimensions["G"].width >= 2 * len("加强值班")  # CJK is two units wide
    import_rota(blank_copy, admin, path)
    assert shifts_in(blank_copy) == shifts_in(store)


def test_export_defaults_to_a_dated_title_and_rejects_other_formats(store, admin, tmp_path):
    plan_december(store, admin)
    export_rota(store, tmp_path / "r.xlsx", local(1, 0), local(3, 0))
    title = openpyxl.load_workbook(tmp_path / "r.xlsx").active["A1"].value
    assert title == "值班表（2026年12月1日至2026年12月2日）"
    with pytest.raises(ValidationError):
        export_rota(store, tmp_path / "r.pdf", local(1, 0), local(3, 0))


# -- the command line ---------------------------------------------------------------------

@pytest.fixture
def cli(monkeypatch, store, admin):
    """``commandcentre rota …`` in-process, registered as commands/__init__.py will."""
    real = commands.register

    def register(sub, common):
        real(sub, common)
        if "rota" not in sub.choices:
            rota_cli.register(sub, common)

    monkeypatch.setattr(commands, "register", register)

    def run(capsys, user, *argv):
        monkeypatch.setenv("COMMANDCENTRE_USER", user)
        monkeypatch.setenv("COMMANDCENTRE_PASSWORD", PASSWORD)
        code = main(["--db", str(store.path), *argv])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def test_cli_plan_coverage_export_import(cli, capsys, store, tmp_path):
    code, out, _ = cli(capsys, "admin", "rota", "plan", "--template", "day-night", "--from",
                       "2026-12-01", "--days", "2", "--leaders", "daiban,马庆",
                       "--group", "zhiban,luoxin", "--group", "heyu",
                       "--enhanced", "防火期:2026-12-02:2026-12-02:sunli", "--dry-run")
    assert code == 0 and "防火期" in out and store.scalar("SELECT count(*) FROM duty_shift") == 0
    code, out, _ = cli(capsys, "admin", "rota", "plan", "--template", "day-night", "--from",
                       "2026-12-01", "--days", "2", "--leaders", "daiban,马庆",
                       "--group", "zhiban,luoxin", "--group", "heyu")
    assert code == 0 and "4" in out
    code, out, _ = cli(capsys, "watcher", "rota", "coverage", "--from", "2026-12-01",
                       "--days", "3")
    assert code == 1 and "无人值班" in out  # before 08:00 on the 1st and after the 3rd 08:00
    code, out, _ = cli(capsys, "watcher", "--json", "rota", "coverage", "--from", "2026-12-01",
                       "--days", "1")
    assert code == 1 and '"missing": "both"' in out
    path = tmp_path / "out.xlsx"
    code, out, _ = cli(capsys, "watcher", "rota", "export", str(path), "--from", "2026-12-01",
                       "--days", "2")
    assert code == 0 and path.exists()
    code, _, err = cli(capsys, "watcher", "rota", "import", str(path))
    assert code == 3
    code, _, err = cli(capsys, "admin", "rota", "import", str(path))
    assert code == 5 and "未写入任何班次" in err and err.count("与已有班次重复") == 4
    bad = office_sheet(tmp_path / "bad.xlsx",
                       [["2026-12-05", "08:00", "08:00", "段志刚", "张三", "", "", ""]])
    code, out, _ = cli(capsys, "admin", "--json", "rota", "import", str(bad))
    assert code == 5 and '"ok": false' in out
    good = office_sheet(tmp_path / "good.xlsx",
                        [["2026-12-05", "08:00", "08:00", "段志刚", "杨雪梅", "", "", ""]])
    code, out, _ = cli(capsys, "admin", "rota", "import", str(good), "--check")
    assert code == 0 and "未写入" in out
    code, out, _ = cli(capsys, "admin", "rota", "import", str(good))
    assert code == 0 and store.scalar("SELECT count(*) FROM duty_shift") == 5
    assert verify_store(store.path).ok


def test_cli_rejects_bad_arguments(cli, capsys):
    code, _, err = cli(capsys, "admin", "rota", "plan", "--from", "12/01", "--days", "1",
                       "--leaders", "daiban", "--group", "zhiban")
    assert code == 5 and "YYYY-MM-DD" in err
    code, _, err = cli(capsys, "admin", "rota", "plan", "--from", "2026-12-01", "--days", "1",
                       "--leaders", "daiban", "--group", "zhiban", "--enhanced", "防火期")
    assert code == 5 and "加强值班期" in err
