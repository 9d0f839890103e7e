"""Comms commands that use a link: ``comms devices|device-add|simulate|listen|send``."""

from __future__ import annotations

import json
import time

from ...accounts import Permission
from ...comms.runner import DeviceRunner
from ...comms.service import PROTOCOLS, CommsService
from ...comms.simulator import PtyTerminal, SimulatedTerminal
from ...errors import EXIT_FAILED, EXIT_OK
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
                     help=tr("在伪终端上模拟北斗终端（演示、演练、测试用）"))
    p.add_argument("--duration", type=float, default=0, help=tr("运行秒数（0：直到 Ctrl+C）"))
    p.add_argument("--every", type=float, default=5, help=tr("每隔多少秒发一条定位"))
    p.add_argument("--interval", type=int, default=60, help=tr("模拟卡的服务频度（秒）"))
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


def cmd_simulate(ctx: Context) -> int:
    from ...comms.simulator import CardSettings

    terminal = PtyTerminal(SimulatedTerminal(CardSettings(interval_s=ctx.args.interval)))
    print(json.dumps({"port": terminal.path}) if ctx.as_json else
          tr("模拟北斗终端已就绪：{port}（Ctrl+C 结束）", port=terminal.path), flush=True)
    lat, lon, n = 25.86, 99.52, 0
    running = _until(ctx.args.duration)
    try:
        while running():
            time.sleep(min(ctx.args.every, 0.2) if ctx.args.duration else ctx.args.every)
            n += 1
            terminal.write(SimulatedTerminal.position(lat + n * 0.0005, lon + n * 0.0004))
    except KeyboardInterrupt:
        pass
    finally:
        terminal.close()
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
