"""People (人员): team members with their radio identifiers and training / drill records,
the expert pools (专家库), and the contacts directory (通讯录) with the departments' 24 h lines.

The seed documents say professional teams share part-time members, so the same people are
counted on several teams (人员交叉, 004_e9965606c96d1573.txt:35); :meth:`MemberService.
cross_team` finds them: the same phone on two teams, or the same name with the same ID-like
key (身份证号 / 工号).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..accounts import Permission, Session
from ..errors import NotFound, ValidationError
from ..i18n import tr
from ..storage import Store
from ..tabular import phone_key
from ..timeutil import to_storage
from .teams import norm

TRAINING_KINDS = ("培训", "演练")


def _text(values: dict[str, Any], key: str) -> str:
    return str(values.get(key) or "").strip()


def member_row(values: dict[str, Any]) -> dict[str, Any]:
    """Check a member's fields and return the ``member`` row (without id or team)."""
    name = norm(values.get("name"))
    if not name:
        raise ValidationError(tr("缺少姓名"))
    return {"name": name, "role": _text(values, "role") or "队员",
            "phone": _text(values, "phone"),
            "pdt_id": _text(values, "pdt_id") or None,  # NULL, not '': the column is UNIQUE
            "beidou_card": _text(values, "beidou_card") or None,
            "sat_phone": _text(values, "sat_phone"),
            "party": int(bool(values.get("party"))), "militia": int(bool(values.get("militia")))}


def profile_row(values: dict[str, Any]) -> dict[str, Any] | None:
    """The ``member_profile`` row for a member's extra fields, or None when there are none."""
    row = {"id_key": _text(values, "id_key").upper(),
           "public_post": int(bool(values.get("public_post"))), "note": _text(values, "note")}
    return row if any(row.values()) else None


def expert_row(values: dict[str, Any]) -> dict[str, Any]:
    """Check an expert's fields and return the ``expert`` row."""
    name = norm(values.get("name"))
    if not name:
        raise ValidationError(tr("缺少姓名"))
    return {"name": name,
            "hazards_json": json.dumps(list(values.get("hazards") or []), ensure_ascii=False),
            "speciality": _text(values, "speciality"), "employer": _text(values, "employer"),
            "title": _text(values, "title"), "phone": _text(values, "phone"),
            "on_call": int(bool(values.get("on_call")))}


def contact_row(values: dict[str, Any]) -> dict[str, Any]:
    """Check a directory entry and return the ``contact`` row (without township)."""
    unit = _text(values, "unit")
    if not unit:
        raise ValidationError(tr("缺少单位"))
    row = {"unit": unit, "name": norm(values.get("name")), "title": _text(values, "title"),
           "office_phone": _text(values, "office_phone"), "mobile": _text(values, "mobile"),
           "duty_phone": _text(values, "duty_phone"), "fax": _text(values, "fax"),
           "note": _text(values, "note"), "sort": int(values.get("sort") or 0)}
    if not (row["office_phone"] or row["mobile"] or row["duty_phone"]):
        raise ValidationError(tr("至少需要一个电话（办公电话、手机或值班电话）"))
    return row


@dataclass(frozen=True)
class CrossTeamPerson:
    """One person found on several teams (double counting), with every roster line."""

    names: tuple[str, ...]
    phone: str
    id_key: str
    reasons: tuple[str, ...]
    memberships: tuple[dict, ...]   # member_id, team_id, team, role, phone

    @property
    def teams(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m["team"] for m in self.memberships))


class MemberService:
    """Team members, their profiles and training / drill records."""

    def __init__(self, store: Store):
        self.store = store

    def get(self, member_id: str) -> dict:
        row = self.store.one(
            "SELECT m.*, t.name AS team, coalesce(p.id_key, '') AS id_key,"
            " coalesce(p.public_post, 0) AS public_post FROM member m"
            " JOIN team t ON t.id = m.team_id LEFT JOIN member_profile p ON p.id = m.id"
            " WHERE m.id = ?", (member_id,))
        if row is None:
            raise NotFound(tr("没有此队员：{id}", id=member_id))
        return row

    def list(self, *, team_id: str | None = None, limit: int = 500, offset: int = 0
             ) -> list[dict]:
        """Members (by team, then role order), with team name and ID-like key."""
        where, params = ("WHERE m.team_id = ?", [team_id]) if team_id else ("", [])
        return self.store.query(
            "SELECT m.*, t.name AS team, coalesce(p.id_key, '') AS id_key,"
            " coalesce(p.public_post, 0) AS public_post,"
            " EXISTS (SELECT 1 FROM member_training x WHERE x.member_id = m.id"
            "  AND x.kind = '演练') AS drilled"
            " FROM member m JOIN team t ON t.id = m.team_id"
            f" LEFT JOIN member_profile p ON p.id = m.id {where}"
            " ORDER BY t.name, CASE m.role WHEN '队长' THEN 0 WHEN '副队长' THEN 1"
            " WHEN '班长' THEN 2 ELSE 3 END, m.name LIMIT ? OFFSET ?", [*params, limit, offset])

    def _check_radio_ids(self, row: dict, exclude: str | None = None) -> None:
        for col, label in (("pdt_id", tr("PDT 号")), ("beidou_card", tr("北斗卡号"))):
            if row.get(col):
                other = self.store.one(
                    f"SELECT m.name, t.name AS team FROM member m JOIN team t ON t.id = m.team_id"
                    f" WHERE m.{col} = ? AND m.id IS NOT ?", (row[col], exclude))
                if other:
                    raise ValidationError(tr("{label} {value} 已登记给 {name}（{team}）",
                                             label=label, value=row[col], name=other["name"],
                                             team=other["team"]))

    def add(self, session: Session, team_id: str, values: dict[str, Any]) -> str:
        """Add a member to a team (administrators)."""
        session.require(Permission.REGISTER_WRITE)
        if self.store.get("team", team_id) is None:
            raise NotFound(tr("没有此队伍：{name}", name=team_id))
        row = member_row(values)
        self._check_radio_ids(row)
        profile = profile_row(values)
        with self.store.write(session, Permission.REGISTER_WRITE) as w:
            mid = w.insert("member", {**row, "team_id": team_id}, action="member.add")
            if profile:
                w.insert("member_profile", {"id": mid, **profile}, action="member.profile")
            return mid

    def update(self, session: Session, member_id: str, changes: dict[str, Any]) -> dict:
        """Change a member's fields (name, role, phone, radio ids, flags, id_key …)."""
        session.require(Permission.REGISTER_WRITE)
        current = self.get(member_id)
        merged = {**current, **changes}
        row = member_row(merged)
        self._check_radio_ids(row, exclude=member_id)
        diff = {k: v for k, v in row.items() if current.get(k) != v}
        if "team_id" in changes and changes["team_id"] != current["team_id"]:
            if self.store.get("team", changes["team_id"]) is None:
                raise NotFound(tr("没有此队伍：{name}", name=changes["team_id"]))
            diff["team_id"] = changes["team_id"]
        profile = profile_row(merged)
        with self.store.write(session, Permission.REGISTER_WRITE) as w:
            result = w.update("member", member_id, diff, action="member.update")
            old = self.store.get("member_profile", member_id)
            if old and profile:
                w.update("member_profile", member_id,
                         {k: v for k, v in profile.items() if old[k] != v},
                         action="member.profile")
            elif profile:
                w.insert("member_profile", {"id": member_id, **profile}, action="member.profile")
            elif old:
                w.delete("member_profile", member_id, action="member.profile")
            return result

    def remove(self, session: Session, member_id: str) -> None:
        """Take a member off the roster with their profile and training records."""
        session.require(Permission.REGISTER_WRITE)
        self.get(member_id)
        with self.store.write(session, Permission.REGISTER_WRITE) as w:
            for t in self.store.query("SELECT id FROM member_training WHERE member_id = ?",
                                      (member_id,)):
                w.delete("member_training", t["id"], action="member.remove")
            if self.store.get("member_profile", member_id):
                w.delete("member_profile", member_id, action="member.remove")
            w.delete("member", member_id, action="member.remove")

    def add_training(self, session: Session, member_id: str, *, kind: str, title: str,
                     held_on: date, hours: float | None = None, organiser: str = "") -> str:
        """Record a training course or a drill a member took part in (培训 / 演练)."""
        session.require(Permission.REGISTER_WRITE)
        self.get(member_id)
        if kind not in TRAINING_KINDS:
            raise ValidationError(tr("记录类型应为：{choices}", choices="、".join(TRAINING_KINDS)))
        if not title.strip():
            raise ValidationError(tr("培训或演练需要名称。"))
        if hours is not None and hours < 0:
            raise ValidationError(tr("学时不能为负数。"))
        with self.store.write(session, Permission.REGISTER_WRITE) as w:
            return w.insert("member_training", {
                "member_id": member_id, "kind": kind, "title": title.strip(),
                "held_on": held_on.isoformat(), "hours": hours, "organiser": organiser.strip(),
                "recorded_by": session.username,
                "recorded_at": to_storage(self.store.clock.now())}, action="member.training")

    def trainings(self, member_id: str) -> list[dict]:
        return self.store.query("SELECT * FROM member_training WHERE member_id = ?"
                                " ORDER BY held_on, kind", (member_id,))

    def commander_eligible(self, member_id: str) -> bool:
        """Whether the member has a drill on record: "未经演练不得指挥" (003_…txt:400)."""
        return bool(self.store.scalar("SELECT 1 FROM member_training WHERE member_id = ?"
                                      " AND kind = '演练' LIMIT 1", (member_id,)))

    def cross_team(self) -> list[CrossTeamPerson]:
        """People on more than one team: same phone, or same name and same ID-like key."""
        rows = self.store.query(
            "SELECT m.id, m.name, m.phone, m.role, m.team_id, t.name AS team,"
            " coalesce(p.id_key, '') AS id_key FROM member m JOIN team t ON t.id = m.team_id"
            " LEFT JOIN member_profile p ON p.id = m.id ORDER BY m.name, t.name")
        parent = {r["id"]: r["id"] for r in rows}

        def root(x: str) -> str:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        reasons: dict[str, set[str]] = {}
        groups: dict[tuple[str, str], list[dict]] = {}
        for r in rows:
            key = phone_key(r["phone"] or "")
            if len(key) >= 7:
                groups.setdefault(("phone", key), []).append(r)
            if r["id_key"]:
                groups.setdefault(("id", norm(r["name"]) + "\x1f" + r["id_key"]), []).append(r)
        for (kind, _), members in groups.items():
            if len({m["team_id"] for m in members}) < 2:
                continue
            for m in members:
                parent[root(m["id"])] = root(members[0]["id"])
                reasons.setdefault(m["id"], set()).add(kind)
        clusters: dict[str, list[dict]] = {}
        for r in rows:
            clusters.setdefault(root(r["id"]), []).append(r)
        out = []
        for members in clusters.values():
            kinds = set().union(*(reasons.get(m["id"], set()) for m in members))
            if len({m["team_id"] for m in members}) < 2 or not kinds:
                continue
            labels = tuple(tr("同一电话") if k == "phone" else tr("同名且证件号相同")
                           for k in sorted(kinds, reverse=True))
            out.append(CrossTeamPerson(
                tuple(dict.fromkeys(m["name"] for m in members)),
                next((m["phone"] for m in members if m["phone"]), ""),
                next((m["id_key"] for m in members if m["id_key"]), ""), labels,
                tuple({"member_id": m["id"], "team_id": m["team_id"], "team": m["team"],
                       "role": m["role"], "phone": m["phone"]} for m in members)))
        return sorted(out, key=lambda p: p.names)


class ExpertService:
    """The expert pools: by hazard (地质灾害, 防汛抗旱, 安全生产 …), speciality, employer."""

    def __init__(self, store: Store):
        self.store = store

    def list(self, *, hazard: str | None = None, on_call: bool | None = None,
             limit: int = 500, offset: int = 0) -> list[dict]:
        rows = self.store.query("SELECT * FROM expert ORDER BY name")
        out = []
        for r in rows:
            r["hazards"] = json.loads(r.pop("hazards_json"))
            if hazard and hazard not in r["hazards"]:
                continue
            if on_call is not None and bool(r["on_call"]) != on_call:
                continue
            out.append(r)
        return out[offset:offset + limit]

    def find(self, ref: str) -> dict:
        """An expert by id, or by name when the name is unique."""
        row = self.store.get("expert", ref)
        if row:
            return row
        rows = self.store.query("SELECT * FROM expert WHERE name = ?", (norm(ref),))
        if len(rows) > 1:
            raise ValidationError(tr("有 {n} 位专家叫 {name}，请用编号：{ids}", n=len(rows),
                                     name=ref, ids="、".join(
                                         f"{r['id']}（{r['employer']}）" for r in rows)))
        if not rows:
            raise NotFound(tr("没有此专家：{name}", name=ref))
        return rows[0]

    def add(self, session: Session, values: dict[str, Any]) -> str:
        session.require(Permission.REGISTER_WRITE)
        row = expert_row(values)
        with self.store.write(session, Permission.REGISTER_WRITE) as w:
            return w.insert("expert", row, action="expert.add")

    def update(self, session: Session, ref: str, changes: dict[str, Any]) -> dict:
        """Change an expert's fields (pools as ``hazards``, speciality, on_call …)."""
        session.require(Permission.REGISTER_WRITE)
        current = self.find(ref)
        row = expert_row({**current, "hazards": json.loads(current["hazards_json"]), **changes})
        with self.store.write(session, Permission.REGISTER_WRITE) as w:
            return w.update("expert", current["id"],
                            {k: v for k, v in row.items() if current[k] != v},
                            action="expert.update")


class ContactService:
    """The contacts directory (通讯录) and the departments' 24 h duty lines."""

    def __init__(self, store: Store):
        self.store = store

    def add(self, session: Session, values: dict[str, Any], *,
            township_id: str | None = None) -> str:
        session.require(Permission.REGISTER_WRITE)
        row = contact_row(values)
        with self.store.write(session, Permission.REGISTER_WRITE) as w:
            return w.insert("contact", {**row, "township_id": township_id}, action="contact.add")

    def update(self, session: Session, contact_id: str, changes: dict[str, Any]) -> dict:
        session.require(Permission.REGISTER_WRITE)
        current = self.store.get("contact", contact_id)
        if current is None:
            raise NotFound(tr("没有此联系人：{id}", id=contact_id))
        row = contact_row({**current, **changes})
        with self.store.write(session, Permission.REGISTER_WRITE) as w:
            return w.update("contact", contact_id,
                            {k: v for k, v in row.items() if current[k] != v},
                            action="contact.update")

    def list(self, *, limit: int = 500, offset: int = 0) -> list[dict]:
        return self.store.query("SELECT * FROM contact ORDER BY sort, unit, name LIMIT ?"
                                " OFFSET ?", (limit, offset))

    def directory(self, text: str = "") -> list[dict]:
        """The whole directory: entries plus every department's and township's duty line,
        filtered by ``text`` (unit, name, title or phone); source says where a line is kept."""
        rows = [{**r, "source": "contact"} for r in
                self.store.query("SELECT * FROM contact ORDER BY sort, unit, name")]
        for r in self.store.query(
                "SELECT id, name, contact, title, duty_phone, kind FROM org_unit"
                " WHERE kind IN ('department', 'township', 'county') AND duty_phone != ''"
                " ORDER BY kind, sort, name"):
            rows.append({"id": r["id"], "unit": r["name"], "name": r["contact"],
                         "title": r["title"], "office_phone": "", "mobile": "",
                         "duty_phone": r["duty_phone"], "fax": "", "note": "",
                         "source": "org_unit"})
        wanted = norm(text)
        if not wanted:
            return rows
        return [r for r in rows if any(wanted in norm(r[k]) for k in
                                       ("unit", "name", "title", "office_phone", "mobile",
                                        "duty_phone"))]
