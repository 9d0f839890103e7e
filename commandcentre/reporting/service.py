"""ReportingService: the reporting clock over the store — obligations per incident, the
nearest deadline across all incidents, marking reports sent, and editing rule sets."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from ..accounts import Permission, Session
from ..errors import NotFound, ValidationError
from ..i18n import tr
from ..settings import Settings
from ..storage import Store
from ..timeutil import from_storage, to_storage
from .clock import IncidentFacts, Obligation, SentReport, Snapshot, nearest, plan
from .rules import RuleSet, parse_rule, parse_rule_set, presets

HAZARD_DEFAULT = "hazard"
FALLBACK_PRESET = "common-30-60"
KINDS = ("首报", "续报", "终报", "补报")
CHANNELS = ("电话", "书面")


class ReportingService:
    """Reads incidents and reports; writes only ``report_sent`` and rule sets."""

    def __init__(self, store: Store, hazards, *, zone_name: str | None = None):
        self.store = store
        self.hazards = hazards
        self.settings = Settings(store)
        self.zone_name = zone_name or self.settings.get("ui.timezone")

    # -- rule sets -------------------------------------------------------------------------

    def rule_sets(self) -> dict[str, RuleSet]:
        """Shipped presets, with an administrator's edits in place of the preset's text."""
        sets = dict(presets())
        for row in self.store.query("SELECT * FROM reporting_rule_set"):
            sets[row["id"]] = parse_rule_set({"id": row["id"], "name": row["name"],
                                              "rules": json.loads(row["rules_json"])})
        return sets

    def save_rule_set(self, session: Session, data: dict) -> RuleSet:
        """Add or replace a rule set (administrator); a preset id makes a local override."""
        session.require(Permission.SETTINGS_WRITE)
        rule_set = parse_rule_set(data)
        row = {"name": rule_set.name, "rules_json": json.dumps(data["rules"], ensure_ascii=False),
               "builtin": int(rule_set.id in presets()),
               "updated_at": to_storage(self.store.clock.now())}
        with self.store.write(session, Permission.SETTINGS_WRITE) as w:
            if self.store.get("reporting_rule_set", rule_set.id):
                w.update("reporting_rule_set", rule_set.id, row, action="reporting.rules.edit")
            else:
                w.insert("reporting_rule_set", {"id": rule_set.id, **row},
                         action="reporting.rules.add")
        return rule_set

    def rules_for(self, incident: dict) -> RuleSet:
        """The rule set an incident is clocked against."""
        choice = incident.get("reporting_rule_set") or self.settings.get("reporting.rule_set")
        sets = self.rule_sets()
        if choice != HAZARD_DEFAULT:
            if choice not in sets:
                raise NotFound(tr("没有此报送规则集：{id}", id=choice))
            return sets[choice]
        fallback = sets[FALLBACK_PRESET]
        hazard = self.hazards.find(incident["hazard"])
        if hazard is None or not hazard.reporting_rules:
            return fallback
        # The hazard's rules first; the fallback covers whatever they leave out.
        rules = tuple(parse_rule(r) for r in hazard.reporting_rules) + fallback.rules
        return RuleSet(f"hazard-{hazard.id}", tr("{hazard}默认报送规则", hazard=hazard.name_zh),
                       rules)

    # -- the clock -------------------------------------------------------------------------

    def facts(self, incident: dict) -> IncidentFacts:
        from ..incidents.service import IncidentService

        history = IncidentService(self.store, self.hazards).grade_history(incident["id"])
        hazard = self.hazards.find(incident["hazard"])
        return IncidentFacts(
            occurred_at=from_storage(incident["occurred_at"]),
            received_at=from_storage(incident["received_at"]), category=incident["category"],
            grades=tuple(history),
            closed_at=from_storage(incident["closed_at"]) if incident["closed_at"] else None,
            supplement_days=getattr(hazard, "supplement_days", None))

    def obligations(self, incident_id: str, now: datetime | None = None) -> list[Obligation]:
        """Every report the incident owes or owed, with what discharged it."""
        incident = self.store.get("incident", incident_id)
        if incident is None:
            raise NotFound(tr("没有此事件：{id}", id=incident_id))
        reports = [SentReport(r["id"], r["kind"], r["number"], r["channel"],
                              from_storage(r["sent_at"]))
                   for r in self.store.query("SELECT * FROM report_sent WHERE incident_id = ?",
                                             (incident_id,))]
        snapshots = [Snapshot(r["id"], from_storage(r["at"]), from_storage(r["recorded_at"]),
                              {k: r[k] for k in ("deaths", "missing", "injured",
                                                 "seriously_injured", "trapped")})
                     for r in self.store.query("SELECT * FROM casualty_snapshot WHERE"
                                               " incident_id = ?", (incident_id,))]
        return plan(self.facts(incident), self.rules_for(incident), reports, snapshots,
                    now or self.store.clock.now(), self.zone_name)

    def clocked_incidents(self, now: datetime | None = None) -> list[dict]:
        """Incidents whose clock still runs: open ones, and closed ones in their 补报 window."""
        now = now or self.store.clock.now()
        since = to_storage(now - timedelta(days=31))
        return self.store.query("SELECT * FROM incident WHERE status = '处置中' OR closed_at >= ?"
                                " ORDER BY received_at", (since,))

    def pending(self, now: datetime | None = None) -> list[tuple[dict, Obligation]]:
        """Every undone obligation across clocked incidents, earliest first."""
        now = now or self.store.clock.now()
        out = []
        for incident in self.clocked_incidents(now):
            out += [(incident, o) for o in self.obligations(incident["id"], now)
                    if o.done_at is None]
        return sorted(out, key=lambda p: p[1].due_at)

    def nearest(self, now: datetime | None = None) -> tuple[dict, Obligation] | None:
        """The next deadline across all incidents (for the status bar)."""
        now = now or self.store.clock.now()
        best = None
        for incident in self.clocked_incidents(now):
            o = nearest(self.obligations(incident["id"], now), now)
            if o is not None and (best is None or o.due_at < best[1].due_at):
                best = (incident, o)
        return best

    def mark_sent(self, session: Session, incident_id: str, *, kind: str, channel: str,
                  number: int = 0, sent_at: datetime | None = None, recipient: str = "",
                  signer: str = "", document_hash: str = "") -> str:
        """Record that a report went out: who, when, to whom, and (written) who signed it."""
        session.require(Permission.INCIDENT_WRITE)
        incident = self.store.get("incident", incident_id)
        if incident is None:
            raise NotFound(tr("没有此事件：{id}", id=incident_id))
        if kind not in KINDS:
            raise ValidationError(tr("报告种类应为：{choices}", choices="、".join(KINDS)))
        if channel not in CHANNELS:
            raise ValidationError(tr("报送方式应为 电话 或 书面。"))
        if kind in ("续报", "补报") and number < 1:
            raise ValidationError(tr("{kind}需要编号（如 1 表示{kind}一）。", kind=kind))
        if kind in ("首报", "终报"):
            number = 0
        if channel == "书面" and not signer.strip():
            raise ValidationError(tr("书面报告必须填写签发人。"))
        if kind == "终报" and incident["status"] != "已结束":
            raise ValidationError(tr("事件处置结束后才能终报。"))
        now = self.store.clock.now()
        when = sent_at or now
        if when > now + timedelta(minutes=5):
            raise ValidationError(tr("报送时间晚于当前时间。"))
        if to_storage(when) < incident["received_at"]:
            raise ValidationError(tr("报送时间早于接报时间。"))
        with self.store.write(session, Permission.INCIDENT_WRITE) as w:
            return w.insert("report_sent", {
                "incident_id": incident_id, "kind": kind, "number": number,
                "channel": channel, "sent_at": to_storage(when), "sent_by": session.username,
                "recipient": recipient.strip(), "signer": signer.strip(),
                "document_hash": document_hash, "recorded_at": to_storage(now)},
                action="report.sent")

    def alarm_leads(self) -> tuple[int, ...]:
        """Minutes before a deadline at which the alarm sounds (0 = at the deadline)."""
        text = self.settings.get("reporting.alarm_leads")
        try:
            return tuple(sorted({int(x) for x in text.split(",") if x.strip()}, reverse=True))
        except ValueError:
            return (15, 5, 0)
