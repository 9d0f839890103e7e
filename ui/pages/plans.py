"""预案 page: the plan library with filters and lifecycle alerts, search while typing across
every section (1- and 2-character terms included), and a reader with the section tree."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from commandcentre.accounts import Session
from commandcentre.i18n import tr
from commandcentre.plans import PlanService
from commandcentre.plans.model import PlanFilter
from commandcentre.search import find_spans
from commandcentre.storage import Store

PLAN_TYPES = ("总体", "专项", "部门", "乡镇简明操作手册", "企业现场处置方案", "重大活动",
              "专项救援行动方案")
STATUSES = ("编制", "评审", "公布", "备案", "实施", "废止")


def _marked(text: str, query: str) -> str:
    """HTML of ``text`` with every match of ``query`` highlighted."""
    out, pos = [], 0
    for start, end in find_spans(text, query) if query.strip() else []:
        out += [escape(text[pos:start]), "<span style='background:#ffe08a'>",
                escape(text[start:end]), "</span>"]
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out).replace("\n", "<br>")


class PlansPage(QWidget):
    """Library on the left (search or list), the open plan on the right."""

    def __init__(self, store: Store, session: Session, hazards, parent=None):
        super().__init__(parent)
        self.setObjectName("plansPage")
        self.store, self.session = store, session
        self.service = PlanService(store, hazards)
        self.search = QLineEdit(objectName="planSearch")
        self.search.setPlaceholderText(tr("检索全部预案：如 火、地震、危化品、370MHz、Ⅲ级响应"))
        self.type = QComboBox(objectName="planType")
        self.type.addItems([tr("全部类型"), *PLAN_TYPES])
        self.status = QComboBox(objectName="planStatus")
        self.status.addItems([tr("全部状态"), *STATUSES])
        self.alerts = QLabel(objectName="planAlerts", wordWrap=True)
        self.alerts.setProperty("role", "error")
        self.results = QListWidget(objectName="planResults")
        self.results.currentItemChanged.connect(self._open_item)
        self.count = QLabel(objectName="planCount")
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        title = QLabel(tr("预案"))
        title.setProperty("role", "title")
        filters = QHBoxLayout()
        filters.addWidget(self.type)
        filters.addWidget(self.status)
        for w in (title, self.search):
            ll.addWidget(w)
        ll.addLayout(filters)
        ll.addWidget(self.alerts)
        ll.addWidget(self.results, 1)
        ll.addWidget(self.count)
        self.tree = QTreeWidget(objectName="sectionTree")
        self.tree.setHeaderHidden(True)
        self.tree.currentItemChanged.connect(self._show_section)
        self.reader = QTextBrowser(objectName="planReader")
        self.header = QLabel(objectName="planHeader", wordWrap=True)
        self.header.setProperty("role", "title")
        right = QSplitter(Qt.Orientation.Horizontal)
        right.addWidget(self.tree)
        right.addWidget(self.reader)
        right.setSizes([300, 700])
        reader_box = QWidget()
        rl = QVBoxLayout(reader_box)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.header)
        rl.addWidget(right, 1)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(reader_box)
        split.setSizes([420, 1000])
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(120)
        self._debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(self._debounce.start)
        self.type.currentIndexChanged.connect(self.refresh)
        self.status.currentIndexChanged.connect(self.refresh)
        self.view = None
        self.refresh()

    def _filters(self) -> PlanFilter:
        return PlanFilter(type=self.type.currentText() if self.type.currentIndex() else None,
                          status=self.status.currentText() if self.status.currentIndex()
                          else None)

    def refresh(self) -> None:
        """The list: search hits while there is a query, the library otherwise."""
        query = self.search.text().strip()
        self.results.blockSignals(True)
        self.results.clear()
        if query:
            hits = self.service.search(query, self._filters(), limit=200)
            for hit in hits:
                label = f"{hit.plan_title}｜{hit.section_path or tr('（标题）')}\n" \
                        f"{hit.snippet.replace('【', '').replace('】', '')}"
                item = QListWidgetItem(label)
                item.setData(Qt.ItemDataRole.UserRole, (hit.plan_id, hit.section_id))
                self.results.addItem(item)
            self.count.setText(tr("{n} 处匹配", n=len(hits)))
        else:
            plans = self.service.list(self._filters())
            for plan in plans:
                item = QListWidgetItem(tr("{title}（{type}，{status}，{version}）",
                                          title=plan["title"], type=plan["type"],
                                          status=plan["status"], version=plan["version"]))
                item.setData(Qt.ItemDataRole.UserRole, (plan["id"], None))
                self.results.addItem(item)
            self.count.setText(tr("{n} 部预案", n=len(plans)))
        self.results.blockSignals(False)
        today = self.store.clock.now().date()
        alerts = self.service.alerts(today)
        self.alerts.setText("；".join(a.message for a in alerts[:4]) +
                            (tr("等 {n} 项", n=len(alerts)) if len(alerts) > 4 else ""))
        self.alerts.setVisible(bool(alerts))

    def _open_item(self, item, _previous=None) -> None:
        if item is None:
            return
        plan_id, section_id = item.data(Qt.ItemDataRole.UserRole)
        self.open_plan(plan_id, section_id)

    def open_plan(self, plan_id: str, section_id: str | None = None) -> None:
        """Show a plan's section tree; select ``section_id`` (or the first section)."""
        self.view = self.service.get(plan_id)
        plan = self.view.plan
        self.header.setText(tr("{title}｜{issuer}｜{version}｜{status}", title=plan["title"],
                               issuer=plan["issuer"], version=plan["version"],
                               status=plan["status"]))
        self.tree.blockSignals(True)
        self.tree.clear()
        items: dict[str, QTreeWidgetItem] = {}
        wanted = None
        for section in self.view.sections:
            if not section["title"] and not (section["body"] or "").strip():
                continue  # an empty preamble (a match on the plan's title lands here)
            parent = items.get(section["parent_id"])
            item = QTreeWidgetItem([f"{section['number']} {section['title']}".strip()])
            item.setData(0, Qt.ItemDataRole.UserRole, section["id"])
            (parent.addChild(item) if parent else self.tree.addTopLevelItem(item))
            items[section["id"]] = item
            if section["id"] == section_id:
                wanted = item
        self.tree.expandToDepth(0)
        self.tree.blockSignals(False)
        target = wanted or self.tree.topLevelItem(0)
        if target is not None:
            self.tree.setCurrentItem(target)
            self._show_section(target)

    def _show_section(self, item, _previous=None) -> None:
        if item is None or self.view is None:
            return
        section_id = item.data(0, Qt.ItemDataRole.UserRole)
        query = self.search.text()
        # A chapter shows everything under it, so a heading is never an empty page.
        inside = {section_id}
        parts = []
        for s in self.view.sections:  # document order: parents come before children
            if s["id"] in inside or s["parent_id"] in inside:
                inside.add(s["id"])
                heading = escape(f"{s['number']} {s['title']}".strip())
                level = min(3 + (s["depth"] or 0), 6)
                parts.append(f"<h{level}>{heading}</h{level}>"
                             f"<p>{_marked(s['body'] or '', query)}</p>")
        self.reader.setHtml("".join(parts))
