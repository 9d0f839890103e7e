"""通信 page: the links and their state, messages not yet filed (one key makes them 接报),
conversations per person or team with a compose box and send status, and the position map.

A timer polls the :class:`~commandcentre.comms.hub.CommsHub` (every ``POLL_MS``): the runners'
reader threads only decode; storing and sending happen here, on the thread that owns the store.
Everything shown is read back from the store, so a message queued by ``commandcentre comms
send`` on the same workstation appears and goes out too.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from commandcentre.accounts import Permission, Session
from commandcentre.comms.hub import CommsHub
from commandcentre.county import CountyService
from commandcentre.errors import CommandCentreError
from commandcentre.i18n import tr
from commandcentre.storage import Store
from commandcentre.timeutil import format_local

from ..comms_map import PositionMap
from ..models import RecordTableModel, record_table

POLL_MS = 250
REFRESH_MS = 3000  # re-read the store for what other programs queued or stored


def state_names() -> dict[str, str]:
    return {"connecting": tr("连接中"), "connected": tr("已连接"), "reconnecting": tr("重连中"),
            "closed": tr("未连接"), "error": tr("无法打开")}


def status_names() -> dict[str, str]:
    return {"received": tr("已收到"), "queued": tr("排队中"), "sending": tr("发送中"),
            "accepted": tr("终端已受理"), "delivered": tr("已送达"), "failed": tr("发送失败")}


def protocol_names() -> dict[str, str]:
    return {"beidou": tr("北斗"), "nmea": tr("定位"), "sms": tr("短信"), "hdap": tr("PDT 电台")}


class CommsPage(QWidget):
    """Links, unfiled messages, conversations, compose, map."""

    unfiled_changed = Signal(int)
    links_changed = Signal(int, int)  # connected, registered
    intake_filed = Signal(object)  # the IntakeView, for the 值班 page to refresh

    def __init__(self, store: Store, session: Session, zone_name: str, *, hub=None,
                 autostart: bool = True, parent=None):
        super().__init__(parent)
        self.store, self.session, self.zone_name = store, session, zone_name
        self.hub = hub or CommsHub(store)
        self.service = self.hub.service
        self.peer: str | None = None
        self._shown: dict[str, object] = {}

        title = QLabel(tr("通信"))
        title.setProperty("role", "title")

        # Links
        self.links_model = RecordTableModel(
            [("name", tr("设备")), ("state", tr("状态")), ("protocol", tr("协议")),
             ("port", tr("端口"))],
            {"protocol": lambda p: protocol_names().get(p, p)})
        self.links_view = record_table(self.links_model, name="commsLinks")
        self.connect_button = QPushButton(tr("连接"), objectName="commsConnect")
        self.connect_button.clicked.connect(self.connect_selected)
        self.disconnect_button = QPushButton(tr("断开"), objectName="commsDisconnect")
        self.disconnect_button.clicked.connect(self.disconnect_selected)
        link_buttons = QHBoxLayout()
        link_buttons.addWidget(self.connect_button)
        link_buttons.addWidget(self.disconnect_button)
        link_buttons.addStretch(1)

        # Unfiled incoming messages → 接报 with one key
        self.unfiled_title = QLabel()
        self.unfiled_title.setProperty("role", "title")
        self.unfiled_list = QListWidget(objectName="commsUnfiled", wordWrap=True)
        self.unfiled_list.setAlternatingRowColors(True)
        self.file_button = QPushButton(tr("转为接报（Enter）"), objectName="commsFile")
        self.file_button.clicked.connect(self.file_selected)
        self.unfiled_list.installEventFilter(self)  # Enter on the list files the message
        hint = QLabel(tr("没有处置中的事件时，来报先在此等候确认，不会丢失。"), wordWrap=True)
        hint.setProperty("role", "hint")

        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        links_title = QLabel(tr("链路"))
        links_title.setProperty("role", "title")
        column.addWidget(links_title)
        column.addWidget(self.links_view, 2)
        column.addLayout(link_buttons)
        column.addWidget(self.unfiled_title)
        column.addWidget(hint)
        column.addWidget(self.unfiled_list, 3)
        column.addWidget(self.file_button)

        # Conversations and compose
        self.threads_model = RecordTableModel(
            [("last_at", tr("最后")), ("who", tr("对方")), ("last_text", tr("最新消息"))],
            {"last_at": lambda v: format_local(v, zone_name, "%m-%d %H:%M")})
        self.threads_view = record_table(self.threads_model, name="commsThreads")
        self.threads_view.selectionModel().currentRowChanged.connect(self._thread_chosen)
        self.conversation = QTextBrowser(objectName="commsConversation")
        self.device_box = QComboBox(objectName="commsDevice")
        self.device_box.currentIndexChanged.connect(self._fill_contacts)
        self.to_box = QComboBox(objectName="commsTo", editable=True)
        self.to_box.setMinimumContentsLength(18)
        self.to_box.lineEdit().setPlaceholderText(tr("卡号 / 电台号 / 手机号"))
        self.text_edit = QLineEdit(objectName="commsText")
        self.text_edit.setPlaceholderText(tr("消息内容（回车发送）"))
        self.text_edit.returnPressed.connect(self.send)
        self.send_button = QPushButton(tr("发送"), objectName="commsSend")
        self.send_button.clicked.connect(self.send)
        self.send_status = QLabel(objectName="commsSendStatus", wordWrap=True)
        self.send_status.setProperty("role", "hint")
        compose = QHBoxLayout()
        compose.addWidget(QLabel(tr("经")))
        compose.addWidget(self.device_box)
        compose.addWidget(QLabel(tr("发给")))
        compose.addWidget(self.to_box, 1)
        compose_text = QHBoxLayout()
        compose_text.addWidget(self.text_edit, 1)
        compose_text.addWidget(self.send_button)
        can_send = session.can(Permission.DUTY_WRITE)
        for widget in (self.text_edit, self.send_button, self.file_button):
            widget.setEnabled(can_send)

        middle = QWidget()
        column = QVBoxLayout(middle)
        column.setContentsMargins(0, 0, 0, 0)
        threads_title = QLabel(tr("会话"))
        threads_title.setProperty("role", "title")
        column.addWidget(threads_title)
        column.addWidget(self.threads_view, 2)
        column.addWidget(self.conversation, 3)
        column.addLayout(compose)
        column.addLayout(compose_text)
        column.addWidget(self.send_status)

        self.map = PositionMap(zone_name)
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        map_title = QLabel(tr("最新位置"))
        map_title.setProperty("role", "title")
        column.addWidget(map_title)
        column.addWidget(self.map, 1)

        splitter = QSplitter(childrenCollapsible=False)
        for widget, stretch in ((left, 3), (middle, 4), (right, 4)):
            splitter.addWidget(widget)
            splitter.setStretchFactor(splitter.count() - 1, stretch)
        splitter.setSizes([380, 460, 480])
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(splitter, 1)

        self.map.set_townships(CountyService(store).townships())
        self.poll_timer = QTimer(self, interval=POLL_MS)
        self.poll_timer.timeout.connect(self.poll)
        self.refresh_timer = QTimer(self, interval=REFRESH_MS)
        self.refresh_timer.timeout.connect(self.refresh)
        self.refresh()
        if autostart:
            self.hub.start_enabled()
            self.refresh_links()
        self.poll_timer.start()
        self.refresh_timer.start()

    def eventFilter(self, watched, event) -> bool:
        if (watched is self.unfiled_list and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and self.file_button.isEnabled()):
            self.file_selected()
            return True
        return super().eventFilter(watched, event)

    # -- polling ------------------------------------------------------------------------------

    def poll(self) -> None:
        results = self.hub.poll()
        if any(r.changed for r in results):
            self.refresh()
        elif results:
            self.refresh_links()

    def shutdown(self) -> None:
        """Stop the timers and every link (the window is closing or the user logs out)."""
        self.poll_timer.stop()
        self.refresh_timer.stop()
        self.hub.stop_all()

    # -- reading --------------------------------------------------------------------------------

    def _changed(self, key: str, value) -> bool:
        """Whether ``value`` differs from what ``key`` shows: the 3-second refresh must not
        reset a list the operator is reading (its selection, its scroll position)."""
        if self._shown.get(key) == value:
            return False
        self._shown[key] = value
        return True

    def refresh(self) -> None:
        self.refresh_links()
        unfiled = self.service.unfiled()
        if self._changed("unfiled", unfiled):
            current = self.unfiled_list.currentRow()
            self.unfiled_list.clear()
            for row in unfiled:
                when = format_local(row["at"], self.zone_name, "%m-%d %H:%M")
                item = QListWidgetItem(f"{when}  {_who(row)}\n{row['text']}")
                item.setData(Qt.ItemDataRole.UserRole, row["id"])
                self.unfiled_list.addItem(item)
            if unfiled:
                self.unfiled_list.setCurrentRow(min(max(current, 0), len(unfiled) - 1))
            self.unfiled_title.setText(tr("待确认来报（{n}）", n=len(unfiled)))
            self.unfiled_changed.emit(len(unfiled))
        threads = self.service.threads()
        if self._changed("threads", threads):
            for row in threads:
                row["who"] = _who(row)
            self.threads_model.set_rows(threads)
            self._reselect_thread()
        self._show_conversation()
        now = self.store.clock.now()
        positions = self.service.last_positions()
        # The minute matters too: a fix turns hollow when it gets old.
        if self._changed("positions", (positions, now.replace(second=0, microsecond=0))):
            self.map.set_positions(positions, now)

    def refresh_links(self) -> None:
        names = state_names()
        rows = []
        for view in self.hub.links():
            state = names.get(view.state, view.state)
            if view.error:
                state += f"：{view.error}"
            rows.append({**view.device, "state": state, "_state": view.state})
        current = self._selected_link()
        self.links_model.set_rows(rows)
        self.links_changed.emit(sum(r["_state"] == "connected" for r in rows), len(rows))
        if current is not None:
            for n, row in enumerate(rows):
                if row["id"] == current["id"]:
                    self.links_view.selectRow(n)
        if self.device_box.count() != len(rows):
            self._fill_devices(rows)

    def _fill_devices(self, rows: list[dict]) -> None:
        self.device_box.blockSignals(True)
        self.device_box.clear()
        names = protocol_names()
        for row in rows:
            if row["protocol"] != "nmea":  # positions only: nothing to send with
                self.device_box.addItem(f"{row['name']}（{names.get(row['protocol'])}）", row)
        self.device_box.blockSignals(False)
        self._fill_contacts()

    def _fill_contacts(self, *_args) -> None:
        device = self.device_box.currentData()
        typed = self.to_box.currentText()
        self.to_box.clear()
        if device:
            for contact in self.service.contacts(device["protocol"]):
                self.to_box.addItem(f"{contact['team']} {contact['name']} {contact['address']}",
                                    contact["address"])
        self.to_box.setCurrentIndex(-1)
        self.to_box.setEditText(typed)

    def _selected_link(self) -> dict | None:
        index = self.links_view.currentIndex()
        return self.links_model.row(index.row()) if index.isValid() else None

    def _thread_chosen(self, current, _previous=None) -> None:
        if not current.isValid():
            return
        self.peer = self.threads_model.row(current.row())["peer"]
        self._show_conversation()
        for n in range(self.to_box.count()):
            if self.to_box.itemData(n) == self.peer:
                self.to_box.setCurrentIndex(n)
                break
        else:
            self.to_box.setEditText(self.peer)

    def _reselect_thread(self) -> None:
        if self.peer is None:
            return
        for n in range(self.threads_model.rowCount()):
            if self.threads_model.row(n)["peer"] == self.peer:
                self.threads_view.blockSignals(True)
                self.threads_view.selectRow(n)
                self.threads_view.blockSignals(False)

    def _show_conversation(self) -> None:
        rows = self.service.thread(self.peer) if self.peer is not None else []
        if not self._changed("conversation", (self.peer, rows)):
            return
        if self.peer is None:
            hint = escape(tr("选择左侧会话查看消息。"))
            self.conversation.setHtml(f"<p style='color:#666'>{hint}</p>")
            return
        statuses = status_names()
        parts = []
        for m in rows:
            mine = m["direction"] == "out"
            when = format_local(m["at"], self.zone_name, "%m-%d %H:%M:%S")
            status = statuses.get(m["status"], m["status"])
            if m["note"] and m["status"] in ("queued", "failed"):
                status += f"：{m['note']}"
            colour = "#c0392b" if m["status"] == "failed" else "#666666"
            align, bg = ("right", "#e8f1fb") if mine else ("left", "#f4f6f9")
            parts.append(
                f"<p align='{align}' style='background:{bg}; margin:4px 2px;'>"
                f"<span style='color:#666'>{escape(when)}</span><br>"
                f"<span style='font-size:11pt'>{escape(m['text'])}</span><br>"
                f"<span style='color:{colour}'>{escape(status)}</span></p>")
        self.conversation.setHtml("".join(parts))
        self.conversation.verticalScrollBar().setValue(
            self.conversation.verticalScrollBar().maximum())

    # -- actions --------------------------------------------------------------------------------

    def connect_selected(self) -> None:
        link = self._selected_link()
        if link is not None:
            self.hub.start(link["id"])
            self.refresh_links()

    def disconnect_selected(self) -> None:
        link = self._selected_link()
        if link is not None:
            self.hub.stop(link["id"])
            self.refresh()

    def send(self) -> None:
        device = self.device_box.currentData()
        index = self.to_box.currentIndex()
        typed = self.to_box.currentText().strip()
        recipient = (self.to_box.itemData(index) if index >= 0 and
                     self.to_box.itemText(index) == typed else typed)
        text = self.text_edit.text().strip()
        if device is None:
            self.send_status.setText(tr("尚未登记可发信的通信设备。"))
            return
        try:
            message = self.service.queue(self.session, device["id"], recipient or "", text)
        except CommandCentreError as err:
            self.send_status.setText(str(err))
            return
        self.text_edit.clear()
        self.peer = message["peer"]
        running = device["id"] in self.hub.runners
        self.send_status.setText(tr("已进入发信队列。") if running else
                                 tr("已进入发信队列；设备未连接，连接后自动发出。"))
        self.refresh()

    def file_selected(self) -> None:
        """File the chosen (or else the oldest) waiting message as an intake record."""
        item = self.unfiled_list.currentItem() or self.unfiled_list.item(0)
        if item is None:
            return
        try:
            record = self.service.file_as_intake(self.session,
                                                 item.data(Qt.ItemDataRole.UserRole),
                                                 zone_name=self.zone_name)
        except CommandCentreError as err:
            QMessageBox.warning(self, tr("通信"), str(err))
            return
        self.send_status.setText(tr("已登记为接报 {serial}。", serial=record.record["serial"]))
        self.intake_filed.emit(record)
        self.refresh()
        self.unfiled_list.setFocus()


def _who(row: dict) -> str:
    if row.get("member"):
        return f"{row.get('team') or ''} {row['member']}".strip()
    return row.get("team") or row["peer"]
