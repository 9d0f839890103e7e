"""Building, signing and keeping 信息报送 reports.

:meth:`SitrepService.draft` fills a :class:`SitrepDraft` from the incident; the operator edits
it; :meth:`SitrepService.sign` (a leader, with their password again) renders the final PDF,
stores it with its SHA-256 in ``report_document`` (append-only), and records the report as
sent, which discharges the clock's obligation. A drill incident's reports always carry the
演练 marks: the flag comes from the incident, never from the caller.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path

from ..accounts import AccountService, Permission, Session
from ..errors import NotFound, ValidationError
from ..hazards.names import hazard_name
from ..i18n import tr
from ..incidents.model import FIGURES, Casualties
from ..incidents.service import IncidentService
from ..reporting.clock import chinese_number
from ..reporting.service import ReportingService
from ..settings import Settings
from ..storage import Store
from ..timeutil import format_local, from_storage, to_storage
from .sitrep import KIND_CODES, SitrepDraft, casualty_change, render_sitrep_pdf


class SitrepService:
    """Drafts from the record; signed copies kept immutably."""

    def __init__(self, store: Store, hazards):
        self.store = store
        self.hazards = hazards
        self.incidents = IncidentService(store, hazards)
        self.reporting = ReportingService(store, hazards)
        self.zone = Settings(store).get("ui.timezone")

    # -- drafting --------------------------------------------------------------------------

    def _last_report(self, incident_id: str) -> dict | None:
        return self.store.one("SELECT * FROM report_sent WHERE incident_id = ? AND channel = '书面'"
                              " ORDER BY sent_at DESC, rowid DESC LIMIT 1", (incident_id,))

    def _snapshot_at(self, incident_id: str, when: str | None) -> Casualties | None:
        sql = "SELECT * FROM casualty_snapshot WHERE incident_id = ?"
        params: list = [incident_id]
        if when is not None:
            sql += " AND recorded_at <= ?"
            params.append(when)
        row = self.store.one(sql + " ORDER BY at DESC, rowid DESC LIMIT 1", params)
        return Casualties(**{k: row[k] for k in FIGURES}) if row else None

    def next_number(self, incident_id: str, kind: str) -> int:
        if kind not in ("续报", "补报"):
            return 0
        done = self.store.scalar("SELECT max(number) FROM report_sent WHERE incident_id = ? AND"
                                 " kind = ?", (incident_id, kind)) or 0
        return int(done) + 1

    def draft(self, incident_id: str, kind: str, number: int | None = None) -> SitrepDraft:
        """A report prefilled from the record (``kind``: 首报 / 续报 / 终报 / 补报 or the
        codes first / follow / final / supplement)."""
        kind = KIND_CODES.get(kind, kind)
        if kind not in KIND_CODES.values():
            raise ValidationError(tr("报告种类应为：{choices}",
                                     choices="、".join(KIND_CODES.values())))
        inc = self.incidents.get(incident_id)
        if kind == "终报" and inc["status"] != "已结束":
            raise ValidationError(tr("事件处置结束后才能终报。"))
        number = self.next_number(incident_id, kind) if number is None else number
        hazard = hazard_name(self.hazards, inc["hazard"])
        township = self.store.scalar("SELECT name FROM org_unit WHERE id = ?",
                                     (inc["township_id"],)) if inc["township_id"] else ""
        place = f"{township or ''}{inc['place']}"
        last = self._last_report(incident_id) if kind != "首报" else None
        since = last["sent_at"] if last else None
        now_figures = self._snapshot_at(incident_id, None)
        before = self._snapshot_at(incident_id, since) if since else None
        change = casualty_change(now_figures, before) if since else ""
        timeline = self.incidents.timeline(incident_id)
        recent = [e for e in timeline if since is None or to_storage(e.at) > since]

        def lines(kinds: tuple[str, ...]) -> str:
            return "\n".join(f"{format_local(e.at, self.zone, '%m月%d日%H:%M')}，{e.text}"
                             for e in recent if e.kind in kinds)

        # The document's own words stay Chinese whatever the UI language: it is what
        # leaves the building.
        casualties = now_figures.describe() if now_figures else "暂无人员伤亡报告。"
        if change:
            casualties += f"。与上次报告相比：{change}"
        source = ""
        if inc["source_intake_id"]:
            intake = self.store.get("intake_record", inc["source_intake_id"])
            if intake:
                source = " ".join(x for x in (intake["caller_unit"], intake["caller_name"],
                                              intake["caller_phone"]) if x)
        situation = inc["summary"] or ""
        if kind in ("续报", "补报"):
            situation = lines(("note", "radio", "intake")) or "自上次报告以来无新情况。"
        elif not situation and inc["source_intake_id"]:
            intake = self.store.get("intake_record", inc["source_intake_id"])
            situation = intake["content"] if intake else ""
        headline = now_figures.describe() if now_figures and any(
            getattr(now_figures, k) for k in FIGURES) else ""
        title = "关于{place}发生{hazard}的{kind}".format(
            place=place, hazard=hazard, kind=kind + (chinese_number(number) if number else ""))
        if headline:
            title += f"（{headline}）"
        county = Settings(self.store).get("county.name")
        history = [(to_storage(from_storage(r["at"])), {k: r[k] for k in FIGURES})
                   for r in self.store.query("SELECT * FROM casualty_snapshot WHERE"
                                             " incident_id = ? ORDER BY at", (incident_id,))]
        levels = [(format_local(r["decided_at"], self.zone), r["level"])
                  for r in self.store.query("SELECT * FROM response_decision WHERE"
                                            " incident_id = ? ORDER BY decided_at", (incident_id,))]
        return SitrepDraft(
            incident_id=incident_id, kind=kind, number=number, title=title,
            issuer=f"{county}应急管理局" if county else "应急管理局",
            doc_number="", received=format_local(inc["received_at"], self.zone,
                                                 "%Y年%m月%d日 %H:%M"),
            source=source,
            occurred=f"{format_local(inc['occurred_at'], self.zone, '%Y年%m月%d日 %H:%M')}，"
                     f"{place}",
            situation=situation, casualties=casualties,
            measures=lines(("decision", "grade", "note")),
            deployed=lines(("dispatch",)), drill=bool(inc["drill"]), zone=self.zone,
            figures_history=history, level_history=levels)

    # -- rendering and signing -------------------------------------------------------------

    def preview(self, draft: SitrepDraft, path: str | Path) -> Path:
        """The draft as a PDF marked 草稿 on every page (nothing is stored)."""
        self.apply_drill_flag(draft)
        return render_sitrep_pdf(draft, path, generated_at=self.store.clock.now())

    def apply_drill_flag(self, draft: SitrepDraft) -> None:
        """Set the draft's drill flag from the incident (never from the caller)."""
        inc = self.incidents.get(draft.incident_id)
        draft.drill = bool(inc["drill"])  # a real report can never come from drill data

    def authorize_signing(self, session: Session, password: str) -> None:
        """A leader re-enters the password before signing; failures count towards lockout."""
        session.require(Permission.REPORT_SIGN)
        AccountService(self.store).authenticate(session.username, password)

    def render_signed(self, session: Session, draft: SitrepDraft, when) -> bytes:
        """The final PDF's bytes (pure rendering: safe in a worker thread)."""
        with tempfile.TemporaryDirectory() as folder:
            path = render_sitrep_pdf(draft, Path(folder) / "report.pdf", generated_at=when,
                                     signer=session.display_name)
            return path.read_bytes()

    def store_signed(self, session: Session, draft: SitrepDraft, pdf: bytes, when, *,
                     recipient: str = "") -> dict:
        """Keep the signed PDF with its hash and record the written report as sent."""
        session.require(Permission.REPORT_SIGN)
        digest = hashlib.sha256(pdf).hexdigest()
        with self.store.write(session, Permission.REPORT_SIGN) as w:
            sent = self.reporting.mark_sent(session, draft.incident_id, kind=draft.kind,
                                            channel="书面", number=draft.number, sent_at=when,
                                            recipient=recipient, signer=session.display_name,
                                            document_hash=digest)
            doc_id = w.insert("report_document", {
                "incident_id": draft.incident_id, "kind": draft.kind, "number": draft.number,
                "title": draft.title, "draft_json": json.dumps(draft.as_dict(),
                                                               ensure_ascii=False),
                "pdf": pdf, "sha256": digest, "signed_by": session.username,
                "signer_name": session.display_name, "signed_at": to_storage(when),
                "report_sent_id": sent, "drill": int(draft.drill)}, action="report.sign")
        return {"id": doc_id, "sha256": digest, "report_sent_id": sent, "bytes": len(pdf)}

    def check_draft(self, draft: SitrepDraft) -> None:
        """What must hold before signing; fixes the drill flag from the incident."""
        self.apply_drill_flag(draft)
        if not draft.title.strip() or not draft.situation.strip():
            raise ValidationError(tr("报告标题和基本情况不能为空。"))

    def sign(self, session: Session, draft: SitrepDraft, password: str, *,
             recipient: str = "", copy_to: str | Path | None = None) -> dict:
        """The leader signs (签发): re-enter the password; the PDF is stored with its hash and
        the report is recorded as sent in writing, which marks the obligation done."""
        self.authorize_signing(session, password)
        self.check_draft(draft)
        now = self.store.clock.now()
        pdf = self.render_signed(session, draft, now)
        result = self.store_signed(session, draft, pdf, now, recipient=recipient)
        if copy_to is not None:
            Path(copy_to).write_bytes(pdf)
        return result

    def documents(self, incident_id: str) -> list[dict]:
        return self.store.query("SELECT id, kind, number, title, sha256, signer_name, signed_at,"
                                " drill FROM report_document WHERE incident_id = ?"
                                " ORDER BY signed_at", (incident_id,))

    def pdf(self, doc_id: str) -> bytes:
        """The signed PDF, checked against its stored hash."""
        row = self.store.get("report_document", doc_id)
        if row is None:
            raise NotFound(tr("没有此报告：{id}", id=doc_id))
        if hashlib.sha256(row["pdf"]).hexdigest() != row["sha256"]:
            raise ValidationError(tr("报告文件与签发时的哈希不符（已被改动）：{id}", id=doc_id))
        return row["pdf"]
