"""The reporting clock: deadlines for each preset, across grade changes and midnight."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commandcentre.errors import ValidationError
from commandcentre.reporting.clock import (
    AlarmTracker,
    IncidentFacts,
    SentReport,
    Snapshot,
    chinese_number,
    nearest,
    plan,
)
from commandcentre.reporting.rules import parse_rule_set, presets, rule_to_dict

SH = ZoneInfo("Asia/Shanghai")


def t(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SH)


def facts(received: str, grade: str | None = "一般", *, changes=(), closed=None,
          category="事故灾难", occurred=None) -> IncidentFacts:
    rec = t(received)
    return IncidentFacts(occurred_at=t(occurred) if occurred else rec, received_at=rec,
                         category=category, grades=((rec, grade), *((t(a), g) for a, g in changes)),
                         closed_at=t(closed) if closed else None)


def by_key(obligations):
    return {o.key: o for o in obligations}


@pytest.mark.parametrize("preset, grade, phone, written", [
    ("common-30-60", "一般", 30, 60), ("common-30-60", "较大", 30, 60),
    ("national-493", "一般", 60, 120), ("national-493", "重大", 60, 120),
    ("strict-15-35", "重大", 15, 35), ("strict-15-35", "特别重大", 15, 35),
    ("strict-15-35", "较大", 30, 60), ("strict-15-35", "一般", 60, 360),
    ("strict-15-35", None, 60, 360),
])
def test_first_report_deadlines_per_preset(preset, grade, phone, written):
    obligations = by_key(plan(facts("2026-12-02 10:00", grade), presets()[preset], [], [],
                              t("2026-12-02 10:01")))
    assert obligations["首报/电话"].due_at == t("2026-12-02 10:00") + timedelta(minutes=phone)
    assert obligations["首报/书面"].due_at == t("2026-12-02 10:00") + timedelta(minutes=written)


def test_followups_at_fixed_times_cross_midnight():
    # 较大 under strict-15-35: written 首报 due 00:00; 续报 at 08:00 and 17:00 from then on.
    now = t("2026-12-03 18:00")
    obs = plan(facts("2026-12-02 23:00", "较大", category="自然灾害"), presets()["strict-15-35"],
               [], [], now)
    followups = [o for o in obs if o.kind == "续报"]
    assert [o.due_at for o in followups] == [t("2026-12-03 08:00"), t("2026-12-03 17:00"),
                                             t("2026-12-04 08:00")]
    assert [o.title for o in followups] == ["续报一", "续报二", "续报三"]
    assert [o.status(now) for o in followups] == ["overdue", "overdue", "due"]


def test_followups_every_24_hours_stop_at_closing():
    obs = plan(facts("2026-12-01 09:00", "一般", closed="2026-12-03 12:00"),
               presets()["common-30-60"], [], [], t("2026-12-05 00:00"))
    followups = [o.due_at for o in obs if o.kind == "续报"]
    assert followups == [t("2026-12-02 09:00"), t("2026-12-03 09:00")]
    final = by_key(obs)["终报"]
    assert final.due_at == t("2026-12-04 12:00")


def test_grade_change_replans_what_is_not_yet_due_and_keeps_what_passed():
    # 一般 under strict: phone 60 / written 360 min. At 10:20 it becomes 重大 (15 / 35 min):
    # the phone report (due 11:00) is now due at once (10:20 ≥ 10:15), written at 10:35.
    obs = by_key(plan(facts("2026-12-02 10:00", "一般", changes=[("2026-12-02 10:20", "重大")]),
                      presets()["strict-15-35"], [], [], t("2026-12-02 10:21")))
    assert obs["首报/电话"].due_at == t("2026-12-02 10:20")
    assert obs["首报/书面"].due_at == t("2026-12-02 10:35")
    assert obs["首报/书面"].grade == "重大"


def test_deadline_missed_before_a_downgrade_stays_overdue():
    # 重大 with strict (phone due 10:15); downgraded to 一般 at 10:40, still no phone report.
    now = t("2026-12-02 10:41")
    obs = by_key(plan(facts("2026-12-02 10:00", "重大", changes=[("2026-12-02 10:40", "一般")]),
                      presets()["strict-15-35"], [], [], now))
    assert obs["首报/电话"].due_at == t("2026-12-02 10:15")
    assert obs["首报/电话"].status(now) == "overdue"


def test_followup_interval_replanned_by_an_upgrade():
    # 一般 (every 24 h) upgraded to 较大 (08:00/17:00) at 2026-12-02 14:00.
    obs = plan(facts("2026-12-02 09:00", "一般", changes=[("2026-12-02 14:00", "较大")]),
               presets()["common-30-60"], [], [], t("2026-12-03 09:00"))
    followups = [o.due_at for o in obs if o.kind == "续报"]
    assert followups[:3] == [t("2026-12-02 17:00"), t("2026-12-03 08:00"),
                             t("2026-12-03 17:00")]


def test_reports_sent_mark_obligations_done_or_late():
    now = t("2026-12-02 12:00")
    reports = [SentReport("r1", "首报", 0, "电话", t("2026-12-02 10:20")),
               SentReport("r2", "首报", 0, "书面", t("2026-12-02 11:10")),
               SentReport("r3", "续报", 1, "书面", t("2026-12-02 11:30"))]
    obs = by_key(plan(facts("2026-12-02 10:00", "较大"), presets()["common-30-60"], reports,
                      [], now))
    assert obs["首报/电话"].status(now) == "done"
    assert obs["首报/书面"].status(now) == "late" and obs["首报/书面"].report_id == "r2"
    assert obs["续报/1"].status(now) == "done"
    assert nearest(list(obs.values()), now).key == "续报/2"


def test_supplement_after_closing_within_the_window():
    snaps = [Snapshot("s1", t("2026-12-01 12:00"), t("2026-12-01 12:00"), {"deaths": 1}),
             Snapshot("s2", t("2026-12-05 09:00"), t("2026-12-05 09:00"), {"deaths": 2}),
             Snapshot("s3", t("2026-12-05 10:00"), t("2026-12-05 10:00"), {"deaths": 2}),
             Snapshot("s4", t("2027-01-10 10:00"), t("2027-01-10 10:00"), {"deaths": 3})]
    obs = plan(facts("2026-12-01 10:00", "一般", closed="2026-12-02 10:00",
                     occurred="2026-12-01 09:30"),
               presets()["national-493"], [], snaps, t("2026-12-06 00:00"))
    supplements = [o for o in obs if o.kind == "补报"]
    # s2 changed deaths within 30 days; s3 changed nothing; s4 is outside the window.
    assert [(o.title, o.due_at, o.extra["snapshot"]) for o in supplements] == [
        ("补报一", t("2026-12-05 10:00"), "s2")]


def test_hazard_window_of_seven_days():
    f = facts("2026-12-01 10:00", "一般", closed="2026-12-01 20:00", occurred="2026-12-01 09:00")
    f = IncidentFacts(**{**f.__dict__, "supplement_days": 7})
    snaps = [Snapshot("a", t("2026-12-01 12:00"), t("2026-12-01 12:00"), {"injured": 1}),
             Snapshot("b", t("2026-12-09 12:00"), t("2026-12-09 12:00"), {"injured": 2})]
    assert not [o for o in plan(f, presets()["national-493"], [], snaps, t("2026-12-10 00:00"))
                if o.kind == "补报"]


def test_alarm_fires_once_per_lead_with_an_injected_clock():
    obs = plan(facts("2026-12-02 10:00", "较大"), presets()["common-30-60"], [], [],
               t("2026-12-02 10:00"))
    tracker = AlarmTracker((15, 5, 0))
    phone = [o for o in obs if o.key == "首报/电话"]
    assert tracker.check("i", phone, t("2026-12-02 10:14")) == []
    assert [(o.key, lead) for o, lead in tracker.check("i", phone, t("2026-12-02 10:15"))] == [
        ("首报/电话", 15)]
    assert tracker.check("i", phone, t("2026-12-02 10:16")) == []
    assert [lead for _, lead in tracker.check("i", phone, t("2026-12-02 10:25"))] == [5]
    assert [lead for _, lead in tracker.check("i", phone, t("2026-12-02 10:30"))] == [0]
    assert tracker.check("i", phone, t("2026-12-02 11:30")) == []


def test_late_start_announces_only_the_most_urgent():
    obs = plan(facts("2026-12-02 10:00", "较大"), presets()["common-30-60"], [], [],
               t("2026-12-02 12:00"))
    tracker = AlarmTracker()
    fired = tracker.check("i", obs, t("2026-12-02 12:00"))
    assert {(o.key, lead) for o, lead in fired} == {("首报/电话", 0), ("首报/书面", 0)}


def test_chinese_numbers():
    assert [chinese_number(n) for n in (1, 2, 10, 11, 20, 21, 99)] == [
        "一", "二", "十", "十一", "二十", "二十一", "九十九"]


def test_rule_sets_validate_and_round_trip():
    for preset in presets().values():
        again = parse_rule_set({"id": preset.id, "name": preset.name,
                                "rules": [rule_to_dict(r) for r in preset.rules]})
        assert again.rules == preset.rules
    with pytest.raises(ValidationError, match="未覆盖"):
        parse_rule_set({"id": "x-1", "name": "缺等级", "rules": [
            {"grades": ["重大"], "categories": ["*"], "first_phone_minutes": 15,
             "first_written_minutes": 35, "followup": {"every_hours": 12},
             "final_hours_after_close": 24, "supplement_days": 30, "supplement_minutes": 60}]})
    with pytest.raises(ValidationError, match="HH:MM"):
        parse_rule_set({"id": "x-2", "name": "坏时刻", "rules": [
            {"grades": ["特别重大", "重大", "较大", "一般", None], "categories": ["*"],
             "first_phone_minutes": 15, "first_written_minutes": 35,
             "followup": {"at": ["25:00"]}, "final_hours_after_close": 24,
             "supplement_days": 30, "supplement_minutes": 60}]})


GRADE_OR_NONE = st.sampled_from(["特别重大", "重大", "较大", "一般", None])


@given(minutes=st.integers(0, 3 * 24 * 60), grade=GRADE_OR_NONE,
       preset=st.sampled_from(["common-30-60", "national-493", "strict-15-35"]))
def test_property_followups_are_increasing_and_after_the_written_first(minutes, grade, preset):
    received = t("2026-12-01 00:00") + timedelta(minutes=minutes)
    f = IncidentFacts(received, received, "自然灾害", ((received, grade),))
    now = received + timedelta(days=3)
    obs = plan(f, presets()[preset], [], [], now)
    written = next(o for o in obs if o.key == "首报/书面")
    followups = [o.due_at for o in obs if o.kind == "续报"]
    assert followups == sorted(followups) and len(set(followups)) == len(followups)
    assert all(d > written.due_at for d in followups)
    assert followups[-1] > now  # the next deadline ahead is always shown
