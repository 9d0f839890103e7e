"""Comms commands that use a link: ``comms devices|device-add|simulate|listen|send|locate``.

``comms simulate --kind`` serves a simulated device on a pseudo-terminal: ``beidou`` a BeiDou
terminal (answers $CCICA / $CCTXA, sends positions), ``nmea`` a GNSS module or NMEA radio
(positions only, answers nothing), ``sms`` an SMS modem (TS 27.005 PDU mode, with status
reports) that receives a scripted reply every ``--every`` seconds.

``comms locate DEVICE --radio ID`` asks a Hytera radio for its position through an ``hdap``
device (LP standard location immediate request, :mod:`...comms.hdap`) and waits for the
answer; the position is stored like any report. Exit 1 when no position came in time.
"""

from __future__ import annotations

import json
import time

from ...accounts import Permission
from ...comms.link import LinkDown
from ...comms.runner import DeviceRunner
from ...comms.service import PROTOCOLS, CommsService
from ...comms.simulator import PtyTerminal, SimulatedTerminal
from ...comms.simulator_sms import PtyModem, SimulatedModem
from ...errors import EXIT_FAILED, EXIT_OK, ValidationError
from ...i18n import tr
from ..context import Context


def register(s, common) -> None:
    p = s.add_parser("devices", parents=[common], help=tr("列出通信设备"))
    p.set_defaults(handler=cmd_devices)
    p = s.add_parser("device-add", parents=[common], help=tr("登记通信设备（管理员）"))
    p.add_argument("name")
    p.add_argument("--protocol", required=True, choices=PROTOCOLS)
    p.add_argument("--port", required=True, help=tr("串口，如 COM3 或 /dev/ttyUSB0"))
    p.add_argument("--baudrate", type=int, default=115200)
    p.add_argument("--address", default="", help=tr("本机卡号 / 电台号"))
    p.add_argument("--team", default="", help=tr("所属队伍"))
    p.set_defaults(handler=cmd_device_add)
    p = s.add_parser("simulate", parents=[common],
                     help=tr("在伪终端上模拟北斗终端、定位模块或短信猫（演示、演练、测试用）"))
    p.add_argument("--duration", type=float, default=0, help=tr("运行秒数（0：直到 Ctrl+C）"))
    p.add_argument("--every", type=float, default=5,
                   help=tr("每隔多少秒发一条定位（sms：一条来信）"))
    p.add_argument("--interval", type=int, default=60, help=tr("模拟卡的服务频度（秒）"))
    p.add_argument("--kind", choices=SIMULATED_KINDS, default="beidou",
                   help=tr("模拟的设备：beidou 北斗终端；nmea 只发定位、不应答的定位模块或电台；"
                           "sms 短信猫（每隔 --every 秒收到一条短信，不发定位）"))
    p.add_argument("--host-ports", default="5004:5003",
                   help=tr("hdap：本程序监听的文本端口:定位端口"))
    p.add_argument("--sender", default=DEMO_SENDER,
                   help=tr("sms：模拟来信的手机号（默认为演示县的一名队员）"))
    p.set_defaults(handler=cmd_simulate)
    p = s.add_parser("listen", parents=[common], help=tr("连接设备，接收消息与定位并入库"))
    p.add_argument("device")
    p.add_argument("--duration", type=float, default=0, help=tr("运行秒数（0：直到 Ctrl+C）"))
    p.set_defaults(handler=cmd_listen)
    p = s.add_parser("send", parents=[common], help=tr("经设备发送一条短报文"))
    p.add_argument("device")
    p.add_argument("--to", required=True, help=tr("收信卡号"))
    p.add_argument("--text", required=True)
    p.add_argument("--timeout", type=float, default=10,
                   help=tr("最多等待终端回执的秒数；未发出的消息留在发信队列"))
    p.set_defaults(handler=cmd_send)
    p = s.add_parser("locate", parents=[common], help=tr("请求海能达电台上报当前位置"))
    p.add_argument("device")
    p.add_argument("--radio", required=True, help=tr("被请求定位的电台号"))
    p.add_argument("--timeout", type=float, default=5,
                   help=tr("最多等待电台回报位置的秒数"))
    p.set_defaults(handler=cmd_locate)


def cmd_devices(ctx: Context) -> int:
    ctx.login().require(Permission.READ)
    ctx.table(CommsService(ctx.store()).devices(),
              [("name", tr("设备")), ("protocol", tr("协议")), ("port", tr("端口")),
               ("baudrate", tr("波特率")), ("address", tr("本机号")), ("team", tr("队伍"))])
    return EXIT_OK


def cmd_device_add(ctx: Context) -> int:
    session = ctx.login()
    a = ctx.args
    did = CommsService(ctx.store()).add_device(session, name=a.name, protocol=a.protocol,
                                               port=a.port, baudrate=a.baudrate,
                                               address=a.address, team=a.team)
    ctx.emit({"id": did}, text=tr("已登记设备 {name}", name=a.name))
    return EXIT_OK


def _until(duration: float):
    end = time.monotonic() + duration if duration > 0 else None
    return lambda: end is None or time.monotonic() < end


SIMULATED_KINDS = ("beidou", "nmea", "sms", "hdap")
DEMO_RADIO = 3601001  # the demo county's first PDT radio id
DEMO_SENDER = "+8615808750001"  # the demo county's first generated member, in +86 form
# What the simulated field team texts back: device data, kept in the record's language. The
# last one is longer than 70 characters, so it arrives in two parts.
SCRIPTED_REPLIES = (
    "收到，正在前往集合点。",
    "已到达集合点，全员到齐，待命。",
    "现场东南风三级，火线向西北蔓延约两百米，已组织人员在山脊开设隔离带，预计一小时内完成，"
    "请指挥中心协调一台水车和二十名增援人员到三号岔路口集合，完毕。",
)


class _PositionsOnly:
    """A GNSS module or NMEA radio: it talks, and answers nothing."""

    def receive(self, data: bytes) -> bytes:
        return b""


def _say(ctx: Context, record: dict, text: str) -> None:
    print(json.dumps(record, ensure_ascii=False) if ctx.as_json else text, flush=True)


def cmd_simulate(ctx: Context) -> int:
    from ...comms.simulator import CardSettings

    a = ctx.args
    if a.kind == "sms":
        device = PtyModem(SimulatedModem(report_delay_s=2.0))
        ready = tr("模拟短信猫已就绪：{port}（Ctrl+C 结束）", port=device.path)
    elif a.kind == "nmea":
        device = PtyTerminal(_PositionsOnly())
        ready = tr("模拟定位模块已就绪：{port}（Ctrl+C 结束）", port=device.path)
    elif a.kind == "hdap":
        from ...comms.simulator_udp import SimulatedRadio
        from ...comms.udp import parse_hdap_port

        host = parse_hdap_port(f"127.0.0.1:{a.host_ports}")
        device = SimulatedRadio(host.radio_tmp_port, host.radio_lp_port, radio_id=DEMO_RADIO)
        device.path = (f"127.0.0.1:{device.tmp_port}:{device.lp_port}@127.0.0.1:"
                       f"{host.radio_tmp_port}:{host.radio_lp_port}")
        ready = tr("模拟 PDT 电台已就绪，登记设备时端口填：{port}（Ctrl+C 结束）",
                   port=device.path)
    else:
        device = PtyTerminal(SimulatedTerminal(CardSettings(interval_s=a.interval)))
        ready = tr("模拟北斗终端已就绪：{port}（Ctrl+C 结束）", port=device.path)
    print(json.dumps({"port": device.path}) if ctx.as_json else ready, flush=True)
    lat, lon, n, shown = 25.86, 99.52, 0, 0
    every = max(a.every, 0.1)
    running, next_at = _until(a.duration), time.monotonic() + every
    try:
        while running():
            # Short naps, so --duration ends on time and sent messages show at once.
            time.sleep(min(every, 0.1))
            if a.kind == "hdap":
                for message in device.messages[shown:]:
                    shown += 1
                    _say(ctx, {"event": "outgoing", "to": message.recipient,
                               "text": message.text},
                         tr("电台收到：{to}：{text}", to=message.recipient, text=message.text))
            if a.kind == "sms":
                for to, text in device.modem.outgoing()[shown:]:
                    shown += 1
                    _say(ctx, {"event": "outgoing", "to": to, "text": text},
                         tr("短信猫发出：{to}：{text}", to=to, text=text))
            if time.monotonic() < next_at:
                continue
            next_at += every
            n += 1
            if a.kind == "sms":
                text = SCRIPTED_REPLIES[(n - 1) % len(SCRIPTED_REPLIES)]
                device.receive_sms(a.sender, text)
                _say(ctx, {"event": "incoming", "from": a.sender, "text": text},
                     tr("短信猫收到：{sender}：{text}", sender=a.sender, text=text))
            elif a.kind == "hdap":
                device.send_position(DEMO_RADIO, lat + n * 0.0005, lon + n * 0.0004)
                if n % 3 == 0:
                    device.send_text(DEMO_RADIO, SCRIPTED_REPLIES[(n // 3 - 1)
                                                                  % len(SCRIPTED_REPLIES)])
            else:
                device.write(SimulatedTerminal.position(lat + n * 0.0005, lon + n * 0.0004))
    except KeyboardInterrupt:
        pass
    finally:
        device.close()
    return EXIT_OK


def cmd_listen(ctx: Context) -> int:
    ctx.login().require(Permission.READ)
    device = CommsService(ctx.store()).device(ctx.args.device)
    runner = DeviceRunner(ctx.store(), device)
    running, total = _until(ctx.args.duration), {"messages": 0, "positions": 0, "sent": 0}
    runner.start()

    def count(result) -> None:
        total["messages"] += result.messages
        total["positions"] += result.positions
        total["sent"] += sum(u.status == "accepted" for u in result.updates)
        if result.changed and not ctx.as_json:
            print(tr("收到：消息 {messages} 条，定位 {positions} 条", messages=result.messages,
                     positions=result.positions), flush=True)

    try:
        while running():
            time.sleep(0.2)
            count(runner.poll())
    except KeyboardInterrupt:
        pass
    finally:
        count(runner.stop())
    ctx.emit({**total, "rejects": runner.rejects},
             text=tr("共收到：消息 {messages} 条，定位 {positions} 条；发出 {sent} 条", **total))
    return EXIT_OK


FINAL = ("accepted", "delivered", "failed")


def cmd_send(ctx: Context) -> int:
    session = ctx.login()
    service = CommsService(ctx.store())
    device = service.device(ctx.args.device)
    message = service.queue(session, device["id"], ctx.args.to, ctx.args.text)
    runner = DeviceRunner(ctx.store(), device)
    runner.start()
    deadline = time.monotonic() + ctx.args.timeout
    try:
        row = message
        while row["status"] not in FINAL and time.monotonic() < deadline:
            time.sleep(0.1)
            runner.poll()
            row = ctx.store().get("comms_message", message["id"])
    finally:
        runner.stop()
    row = ctx.store().get("comms_message", message["id"])
    texts = {"accepted": tr("终端已受理发送（不代表对方已收到）。"),
             "delivered": tr("对方已收到。"),
             "failed": tr("发送失败：{why}", why=row["note"]),
             "queued": tr("仍在发信队列：{why}；运行 comms listen 或打开通信页时自动发出。",
                          why=row["note"] or tr("设备未连接"))}
    ctx.emit({"id": row["id"], "status": row["status"], "note": row["note"],
              "attempts": row["attempts"]},
             text=texts.get(row["status"], texts["queued"]))
    return EXIT_OK if row["status"] in ("accepted", "delivered") else EXIT_FAILED


def cmd_locate(ctx: Context) -> int:
    from ...comms.events import Position
    from ...comms.hdap_driver import location_failure_text, radio_number

    ctx.login().require(Permission.DUTY_WRITE)
    a = ctx.args
    service = CommsService(ctx.store())
    device = service.device(a.device)
    if device["protocol"] != "hdap":
        raise ValidationError(tr("设备 {name} 不是海能达电台（hdap），不能请求定位。",
                                 name=device["name"]))
    radio = radio_number(a.radio)
    if radio is None:
        raise ValidationError(tr("电台号应为 0–16777215 之间的整数：{value}", value=a.radio))
    runner = DeviceRunner(ctx.store(), device)
    runner.start()
    deadline, sent, answer = time.monotonic() + max(a.timeout, 0), False, None
    try:
        while answer is None and time.monotonic() < deadline:
            runner.poll()  # stores the answer's position in the poll that receives it
            if not sent and runner.state == "connected":
                step = runner.driver.request_location(radio, ctx.store().clock.now())
                try:
                    for data in step.writes:
                        runner.link.send(data)
                    sent = True
                except LinkDown:
                    pass  # the link is rebinding: ask again once it is back
            answer = runner.driver.location_answer(radio) if sent else None
            time.sleep(0.05)
    finally:
        runner.stop()
    answer = answer or (runner.driver.location_answer(radio) if sent else None)
    record = {"device": device["name"], "radio": str(radio)}
    if isinstance(answer, Position):
        fix = answer.fix_time.isoformat() if answer.fix_time else None
        lat, lon = f"{answer.lat:.6f}", f"{answer.lon:.6f}"
        ctx.emit({**record, "status": "located", "lat": str(answer.lat), "lon": str(answer.lon),
                  "fix_time": fix},
                 text=tr("电台 {radio} 的位置：纬度 {lat}，经度 {lon}（定位时间 {time}），"
                         "已记入位置记录。", radio=radio, lat=lat, lon=lon, time=fix or "—"))
        return EXIT_OK
    if answer is not None:
        why = location_failure_text(answer)
        ctx.emit({**record, "status": "failed", "reason": answer.reason},
                 text=tr("电台 {radio} 回复无法定位：{why}", radio=radio, why=why))
    elif not sent:
        ctx.emit({**record, "status": "not_sent"},
                 text=tr("链路 {name} 未连接，未发送。", name=device["name"]))
    else:
        ctx.emit({**record, "status": "timeout"},
                 text=tr("{timeout} 秒内未收到电台 {radio} 的位置回报（电台可能已关机或不在网）。",
                         timeout=a.timeout, radio=radio))
    return EXIT_FAILED
