"""CommsService: devices, and what comes over them into the record.

An incoming short message becomes a ``comms_message`` and, when exactly one real incident is
being handled, a ``radio`` entry on its timeline; a position report is kept and becomes the
team's last known position. Card numbers, PDT radio ids and phone numbers are matched to
members through the rosters. Outgoing messages are recorded as queued and follow the
terminal's feedback (accepted / failed); the message text for a drill incident is prefixed
【演练】 so nobody on air takes it for real (PRODUCT.md §2.9).
"""

from __future__ import annotations

from datetime import datetime

from ..accounts import Permission, Session, system_session
from ..errors import NotFound, ValidationError
from ..i18n import tr
from ..storage import Store
from ..tabular import phone_key
from ..timeutil import from_storage, to_storage
from .events import Decoded, Position, SendFeedback, ShortMessage

PROTOCOLS = ("beidou", "nmea", "sms", "hdap")
DRILL_PREFIX = "【演练】"


class CommsService:
    """Reading and writing comms records; ingest runs as the device (``comms:<name>``)."""

    def __init__(self, store: Store):
        self.store = store

    # -- devices ---------------------------------------------------------------------------

    def add_device(self, session: Session, *, name: str, protocol: str, port: str,
                   baudrate: int = 115200, address: str = "", team: str = "") -> str:
        session.require(Permission.REGISTER_WRITE)
        if protocol not in PROTOCOLS:
            raise ValidationError(tr("协议应为：{choices}", choices="、".join(PROTOCOLS)))
        if not name.strip() or not port.strip():
            raise ValidationError(tr("设备名称和端口不能为空。"))
        if protocol == "hdap":  # caught when registering, not when the duty room needs it
            from .hdap_driver import radio_number
            from .udp import parse_hdap_port

            parse_hdap_port(port.strip())
            if address.strip() and radio_number(address) is None:
                raise ValidationError(tr("电台号应为 0–16777215 之间的整数：{value}",
                                         value=address))
        team_id = None
        if team.strip():
            team_id = self.store.scalar("SELECT id FROM team WHERE name = ?", (team.strip(),))
            if team_id is None:
                raise NotFound(tr("没有此队伍：{name}", name=team))
        if self.store.scalar("SELECT 1 FROM comms_device WHERE name = ?", (name.strip(),)):
            raise ValidationError(tr("已有同名设备：{name}", name=name))
        with self.store.write(session, Permission.REGISTER_WRITE) as w:
            return w.insert("comms_device", {
                "name": name.strip(), "protocol": protocol, "port": port.strip(),
                "baudrate": int(baudrate), "address": address.strip(), "team_id": team_id,
                "created_at": to_storage(self.store.clock.now())}, action="comms.device.add")

    def devices(self) -> list[dict]:
        return self.store.query("SELECT d.*, t.name AS team FROM comms_device d LEFT JOIN team t"
                                " ON t.id = d.team_id ORDER BY d.name")

    def device(self, name_or_id: str) -> dict:
        row = self.store.one("SELECT * FROM comms_device WHERE id = ? OR name = ?",
                             (name_or_id, name_or_id))
        if row is None:
            raise NotFound(tr("没有此通信设备：{name}", name=name_or_id))
        return row

    # -- who is who ------------------------------------------------------------------------

    def who(self, peer: str | None) -> dict | None:
        """The roster member a card number, radio id, phone or satellite phone belongs to."""
        if not peer:
            return None
        card = peer.lstrip("0") or "0"
        phone = phone_key(peer)  # +8613… and 13… are the same phone
        return self.store.one(
            "SELECT m.id, m.name, m.team_id, t.name AS team FROM member m JOIN team t ON"
            " t.id = m.team_id WHERE m.beidou_card = ? OR ltrim(m.beidou_card, '0') = ? OR"
            " m.pdt_id = ? OR m.phone IN (?, ?) OR m.sat_phone IN (?, ?) LIMIT 1",
            (peer, card, peer, peer, phone, peer, phone))

    def active_incident(self) -> dict | None:
        """The incident radio traffic belongs to: the one real incident being handled."""
        rows = self.store.query("SELECT * FROM incident WHERE status = '处置中' AND drill = 0"
                                " ORDER BY received_at DESC LIMIT 2")
        return rows[0] if len(rows) == 1 else None

    # -- ingest ----------------------------------------------------------------------------

    def ingest(self, device_id: str, items: list[Decoded], *, device_name: str = "") -> dict:
        """Store what a link decoded, in one transaction (a batch); return counts.

        The device row and each sender's roster entry are looked up once per batch: a burst of
        positions from one terminal costs one roster query, not one per fix.
        """
        session = system_session(f"comms:{device_name or device_id[:8]}")
        now = self.store.clock.now()
        counts = {"messages": 0, "positions": 0, "feedback": 0}
        incident = self.active_incident()
        device = self.store.one("SELECT address, team_id FROM comms_device WHERE id = ?",
                                (device_id,)) or {"address": "", "team_id": None}
        members: dict[str, dict | None] = {}

        def who(peer: str) -> dict | None:
            if peer not in members:
                members[peer] = self.who(peer)
            return members[peer]

        with self.store.write(session, Permission.INCIDENT_WRITE) as w:
            for item in items:
                event = getattr(item, "event", item)
                if isinstance(event, ShortMessage) and event.sender:
                    self._message_in(w, device_id, event, who(event.sender), incident, now)
                    counts["messages"] += 1
                elif isinstance(event, Position):
                    source = str(event.source_id or device["address"] or device_id)
                    self._position(w, device_id, event, source, who(source),
                                   device["team_id"], now)
                    counts["positions"] += 1
                elif isinstance(event, SendFeedback):
                    counts["feedback"] += 1
        return counts

    def _message_in(self, w, device_id: str, event: ShortMessage, member: dict | None,
                    incident, now: datetime) -> None:
        at = to_storage(now)
        w.insert("comms_message", {
            "device_id": device_id, "direction": "in", "peer": event.sender,
            "member_id": member["id"] if member else None,
            "team_id": member["team_id"] if member else None, "text": event.text,
            "status": "received", "incident_id": incident["id"] if incident else None,
            "at": at, "updated_at": at}, action="comms.message.in")
        if incident is not None:
            who = f"{member['team']} {member['name']}" if member else event.sender
            w.insert("timeline_event", {
                "incident_id": incident["id"], "at": at, "kind": "radio",
                # The record's own language, not the operator's UI language.
                "text": f"{who}（{event.sender}）：{event.text}", "recorded_by": w.actor,
                "recorded_at": at},
                action="comms.timeline")

    def _position(self, w, device_id: str, event: Position, source: str,
                  member: dict | None, device_team: str | None, now: datetime) -> None:
        fix = getattr(event, "fix_time", None)
        w.insert("position_report", {
            "device_id": device_id, "source": source,
            "member_id": member["id"] if member else None,
            "team_id": member["team_id"] if member else device_team,
            "lat": float(event.lat), "lon": float(event.lon),
            "fix_time": to_storage(fix) if isinstance(fix, datetime) else None,
            "received_at": to_storage(now)}, action="comms.position")

    # -- outgoing --------------------------------------------------------------------------

    def queue(self, session: Session, device_id: str, recipient: str, text: str) -> dict:
        """Record an outgoing message as queued (the drill prefix added when due)."""
        session.require(Permission.DUTY_WRITE)
        if not text.strip() or not recipient.strip():
            raise ValidationError(tr("收信人和内容不能为空。"))
        drill = self.store.scalar("SELECT count(*) FROM incident WHERE status = '处置中' AND"
                                  " drill = 1") and not self.active_incident()
        body = text.strip()
        if drill and not body.startswith(DRILL_PREFIX):
            body = DRILL_PREFIX + body
        member = self.who(recipient.strip())
        at = to_storage(self.store.clock.now())
        with self.store.write(session, Permission.DUTY_WRITE) as w:
            mid = w.insert("comms_message", {
                "device_id": device_id, "direction": "out", "peer": recipient.strip(),
                "member_id": member["id"] if member else None,
                "team_id": member["team_id"] if member else None, "text": body,
                "status": "queued", "at": at, "updated_at": at}, action="comms.message.queue")
        return self.store.get("comms_message", mid)

    def mark(self, message_id: str, status: str, *, device_name: str = "",
             reference: str | None = None, note: str | None = None) -> None:
        """An outgoing message's progress: sending / queued (retry) / accepted / delivered /
        failed, with the receipt reference and the reason shown to the operator."""
        row = self.store.get("comms_message", message_id)
        if row is None:
            raise NotFound(tr("没有此消息：{id}", id=message_id))
        session = system_session(f"comms:{device_name or row['device_id'][:8]}")
        changes: dict = {"status": status, "updated_at": to_storage(self.store.clock.now())}
        if status == "sending":
            changes["attempts"] = row["attempts"] + 1
        if reference is not None:
            changes["reference"] = reference
        if note is not None:
            changes["note"] = note
        with self.store.write(session, Permission.DUTY_WRITE) as w:
            w.update("comms_message", message_id, changes, action=f"comms.message.{status}")

    def outgoing(self, device_id: str) -> list[dict]:
        """Messages for ``device_id`` still to go out (queued, or sending when a run ended)."""
        return self.store.query(
            "SELECT * FROM comms_message WHERE device_id = ? AND status IN ('queued', 'sending')"
            " ORDER BY at, rowid", (device_id,))

    # -- reading ---------------------------------------------------------------------------

    def messages(self, *, peer: str | None = None, limit: int = 200) -> list[dict]:
        sql = ("SELECT c.*, m.name AS member, t.name AS team FROM comms_message c LEFT JOIN"
               " member m ON m.id = c.member_id LEFT JOIN team t ON t.id = c.team_id")
        params: list = []
        if peer:
            sql += " WHERE c.peer = ?"
            params.append(peer)
        return self.store.query(sql + " ORDER BY c.at DESC, c.rowid DESC LIMIT ?",
                                [*params, limit])

    def threads(self) -> list[dict]:
        """One row per peer (person, team or unknown number): the latest message, counts."""
        return self.store.query(
            "SELECT c.peer, max(c.at) AS last_at, count(*) AS count,"
            " sum(c.direction = 'in') AS received, m.name AS member, t.name AS team,"
            " (SELECT text FROM comms_message x WHERE x.peer = c.peer ORDER BY x.at DESC,"
            "  x.rowid DESC LIMIT 1) AS last_text"
            " FROM comms_message c LEFT JOIN member m ON m.id = c.member_id"
            " LEFT JOIN team t ON t.id = c.team_id GROUP BY c.peer ORDER BY last_at DESC")

    def thread(self, peer: str, *, limit: int = 500) -> list[dict]:
        """The conversation with ``peer``, oldest first (the newest ``limit`` messages)."""
        return list(reversed(self.messages(peer=peer, limit=limit)))

    def contacts(self, protocol: str) -> list[dict]:
        """Roster members reachable over a device of ``protocol``: name, team, address."""
        column = {"beidou": "m.beidou_card", "hdap": "m.pdt_id", "sms": "m.phone"}.get(protocol)
        if column is None:
            return []
        return self.store.query(
            f"SELECT m.id, m.name, m.role, t.name AS team, {column} AS address FROM member m"
            f" JOIN team t ON t.id = m.team_id WHERE coalesce({column}, '') != ''"
            " ORDER BY t.name, m.name")

    def unfiled(self) -> list[dict]:
        """Incoming messages on no incident and not yet confirmed as 接报, oldest first."""
        return self.store.query(
            "SELECT c.*, m.name AS member, t.name AS team, d.protocol FROM comms_message c"
            " JOIN comms_device d ON d.id = c.device_id LEFT JOIN member m ON m.id = c.member_id"
            " LEFT JOIN team t ON t.id = c.team_id WHERE c.direction = 'in' AND"
            " c.incident_id IS NULL AND c.intake_id IS NULL ORDER BY c.at, c.rowid")

    def file_as_intake(self, session: Session, message_id: str, *,
                       zone_name: str | None = None):
        """Confirm an unfiled incoming message as an intake record (接报), in one transaction
        with the link from the message to the record; returns the record."""
        from ..duty.intake import IntakeInput, IntakeService

        row = self.store.one(
            "SELECT c.*, m.name AS member, m.role AS role, t.name AS team, d.protocol"
            " FROM comms_message c JOIN comms_device d ON d.id = c.device_id"
            " LEFT JOIN member m ON m.id = c.member_id LEFT JOIN team t ON t.id = c.team_id"
            " WHERE c.id = ?", (message_id,))
        if row is None:
            raise NotFound(tr("没有此消息：{id}", id=message_id))
        if row["direction"] != "in" or row["intake_id"] or row["incident_id"]:
            raise ValidationError(tr("该消息已登记，不能重复转为接报。"))
        channel = {"beidou": "北斗", "sms": "短信"}.get(row["protocol"], "电台")
        data = IntakeInput(
            content=row["text"], channel=channel, kind="情况反映",
            received_at=from_storage(row["at"]), caller_unit=row["team"] or "",
            caller_name=row["member"] or "", caller_title=row["role"] or "",
            caller_phone=row["peer"])

        def link(w, record_id: str) -> None:
            w.update("comms_message", message_id, {"intake_id": record_id},
                     action="comms.message.intake")

        return IntakeService(self.store, zone_name=zone_name).record(session, data, then=link)

    def last_positions(self) -> list[dict]:
        """The latest position of each reporting source, with its team."""
        return self.store.query(
            "SELECT p.*, t.name AS team, m.name AS member FROM position_report p"
            " LEFT JOIN team t ON t.id = p.team_id LEFT JOIN member m ON m.id = p.member_id"
            " WHERE p.rowid IN (SELECT max(rowid) FROM position_report GROUP BY source)"
            " ORDER BY p.received_at DESC")
