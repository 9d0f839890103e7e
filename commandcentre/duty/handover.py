"""Shift handover (交接班): the sheet built at shift change, signed by both sides.

The sheet lists what the incoming shift must carry on: the open intake records (not 办结), the
instructions from above still open (上级交办), pending reports and their deadlines, the state of
equipment and links, and notes. The outgoing duty officer signs with a password, then the
incoming one; until both have signed, the outgoing shift stays responsible. Open items need no
copying: a record stays open until someone records 办结, whichever shift that is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..accounts import AccountService, Permission, Role, Session
from ..errors import AuthenticationFailed, NotFound, ValidationError
from ..i18n import tr
from ..storage import Store
from ..timeutil import from_storage, to_storage
from .intake import IntakeService
from .shifts import ShiftService, ShiftView


@dataclass(frozen=True)
class HandoverSheet:
    """A handover as stored, with its open items resolved to current records."""

    id: str
    shift: ShiftView | None
    outgoing: dict
    incoming: dict | None
    created_at: datetime
    open_items: list[dict]
    instructions_open: list[dict]
    pending: list[dict]
    instructions: str
    equipment: str
    notes: str
    outgoing_signed_at: datetime | None
    incoming_signed_at: datetime | None

    @property
    def complete(self) -> bool:
        return self.outgoing_signed_at is not None and self.incoming_signed_at is not None


class HandoverService:
    """Preparing, signing and reading handover sheets."""

    def __init__(self, store: Store, *, zone_name: str | None = None):
        self.store = store
        self.intake = IntakeService(store, zone_name=zone_name)
        self.shifts = ShiftService(store)
        self.accounts = AccountService(store)

    def open_items(self) -> list[dict]:
        """Every intake record not yet 办结, oldest first (what the next shift inherits)."""
        return list(reversed(self.intake.list(open_only=True, limit=5000)))

    def prepare(self, session: Session, *, equipment: str = "", notes: str = "",
                instructions: str = "", pending: list[dict] | None = None) -> HandoverSheet:
        """Build the sheet for the shift handing over (the one still responsible) with the
        open items as they stand."""
        session.require(Permission.DUTY_WRITE)
        shift, _waiting = self.responsible_shift()
        if shift is not None:
            existing = self.store.one(
                "SELECT id FROM handover WHERE shift_id = ? AND status = '待交接'", (shift.id,))
            if existing:
                raise ValidationError(tr("本班次已有未完成的交接单，请先完成或在其上签字。"))
        items = [r["serial"] for r in self.open_items()]
        with self.store.write(session, Permission.DUTY_WRITE) as w:
            hid = w.insert("handover", {
                "shift_id": shift.id if shift else None, "outgoing_id": session.account_id,
                "created_at": to_storage(self.store.clock.now()),
                "open_items_json": json.dumps(items, ensure_ascii=False),
                "pending_json": json.dumps(pending or [], ensure_ascii=False),
                "instructions": instructions.strip(), "equipment": equipment.strip(),
                "notes": notes.strip()}, action="handover.prepare")
        return self.get(hid)

    def sign_outgoing(self, session: Session, handover_id: str, password: str) -> HandoverSheet:
        """The outgoing officer signs (their own password, again)."""
        session.require(Permission.DUTY_WRITE)
        row = self._row(handover_id)
        if row["outgoing_id"] != session.account_id:
            raise ValidationError(tr("交班签字须由制作交接单的交班人本人进行。"))
        if row["outgoing_signed_at"]:
            raise ValidationError(tr("交班人已签字。"))
        self.accounts.authenticate(session.username, password)
        with self.store.write(session, Permission.DUTY_WRITE) as w:
            w.update("handover", handover_id,
                     {"outgoing_signed_at": to_storage(self.store.clock.now())},
                     action="handover.sign_outgoing")
        return self.get(handover_id)

    def sign_incoming(self, session: Session, handover_id: str, username: str,
                      password: str) -> HandoverSheet:
        """The incoming officer signs with their own name and password; this completes it."""
        session.require(Permission.DUTY_WRITE)
        row = self._row(handover_id)
        if not row["outgoing_signed_at"]:
            raise ValidationError(tr("交班人尚未签字。"))
        if row["incoming_signed_at"]:
            raise ValidationError(tr("此交接单已完成。"))
        try:
            incoming = self.accounts.authenticate(username, password)
        except AuthenticationFailed as err:
            raise AuthenticationFailed(tr("接班人签字失败：{reason}", reason=str(err))) from None
        if incoming.account_id == row["outgoing_id"]:
            raise ValidationError(tr("接班人不能与交班人是同一人。"))
        if incoming.role not in (Role.OPERATOR, Role.LEADER, Role.ADMINISTRATOR):
            raise ValidationError(tr("观察员不能接班。"))
        with self.store.write(session, Permission.DUTY_WRITE) as w:
            w.update("handover", handover_id, {
                "incoming_id": incoming.account_id,
                "incoming_signed_at": to_storage(self.store.clock.now()), "status": "已交接"},
                action="handover.sign_incoming", detail={"incoming": incoming.username})
        return self.get(handover_id)

    def _row(self, handover_id: str) -> dict:
        row = self.store.get("handover", handover_id)
        if row is None:
            raise NotFound(tr("没有此交接单：{id}", id=handover_id))
        return row

    def get(self, handover_id: str) -> HandoverSheet:
        row = self._row(handover_id)
        serials = json.loads(row["open_items_json"])
        items = [self.intake.get(s) for s in serials]
        open_items = [{**v.record, "state": v.state} for v in items]
        account = {r["id"]: r for r in self.store.query(
            "SELECT id, username, display_name, role FROM account")}
        shift = None
        if row["shift_id"]:
            shift_row = self.store.get("duty_shift", row["shift_id"])
            shift = self.shifts.at(from_storage(shift_row["starts_at"])) if shift_row else None

        def when(value):
            return from_storage(value) if value else None

        return HandoverSheet(
            row["id"], shift, account[row["outgoing_id"]],
            account.get(row["incoming_id"]) if row["incoming_id"] else None,
            from_storage(row["created_at"]), open_items,
            [r for r in open_items if r["kind"] == "上级交办"], json.loads(row["pending_json"]),
            row["instructions"], row["equipment"], row["notes"],
            when(row["outgoing_signed_at"]), when(row["incoming_signed_at"]))

    def latest(self) -> HandoverSheet | None:
        row = self.store.one("SELECT id FROM handover ORDER BY created_at DESC, rowid DESC"
                             " LIMIT 1")
        return self.get(row["id"]) if row else None

    def between(self, start: datetime, end: datetime) -> list[HandoverSheet]:
        rows = self.store.query("SELECT id FROM handover WHERE created_at >= ? AND created_at < ?"
                                " ORDER BY created_at", (to_storage(start), to_storage(end)))
        return [self.get(r["id"]) for r in rows]

    def responsible_shift(self) -> tuple[ShiftView | None, bool]:
        """The shift answerable now, and whether it is the previous one still awaiting handover.

        When a shift has ended but its handover is not signed by both sides, that shift (not the
        one the rota puts on duty) stays responsible.
        """
        current = self.shifts.current()
        if current is None:
            return None, False
        previous = self.shifts.at(current.starts_at - timedelta(seconds=1))
        if previous is None:
            return current, False
        done = self.store.scalar("SELECT count(*) FROM handover WHERE shift_id = ? AND"
                                 " status = '已交接'", (previous.id,))
        return (current, False) if done else (previous, True)
