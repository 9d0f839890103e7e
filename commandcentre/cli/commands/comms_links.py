"""Comms commands that use a link: ``comms devices|device-add|simulate|listen|send``."""

from __future__ import annotations

import json
import queue
import time

from ...accounts import Permission
from ...comms import beidou
from ...comms.events import SendFeedback
from ...comms.link import SerialLink
from ...comms.service import PROTOCOLS, CommsService
from ...comms.simulator import PtyTerminal, SimulatedTerminal
from ...comms.traffic import TrafficLog
from ...errors import EXIT_FAILED, EXIT_OK, ValidationError
from ...i18n import tr
from ...paths import log_dir
from ..context import Context

DIALECT = {"beidou": "beidou", "nmea": "nmea", "sms": "at"}


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
    p.add_argument("--timeout", type=float, default=10)
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


def _link(device: dict, events: queue.Queue) -> SerialLink:
    """Start a link to ``device``; its traffic goes to ``<logs>/traffic/<name>.log``."""
    if device["protocol"] not in DIALECT:
        raise ValidationError(tr("{protocol} 设备不走串口。", protocol=device["protocol"]))
    traffic = TrafficLog(log_dir() / "traffic" / f"{device['name']}.log")
    link = SerialLink(device["name"], device["port"], dialect=DIALECT[device["protocol"]],
                      baudrate=device["baudrate"], on_event=events.put, traffic=traffic)
    link.start()
    return link


def _stop(link: SerialLink) -> None:
    link.stop()
    if link.traffic is not None:
        link.traffic.close()


def cmd_listen(ctx: Context) -> int:
    ctx.login().require(Permission.READ)
    service = CommsService(ctx.store())
    device = service.device(ctx.args.device)
    events: queue.Queue = queue.Queue()
    link = _link(device, events)
    running, total = _until(ctx.args.duration), {"messages": 0, "positions": 0}
    try:
        while running():
            batch = []
            try:
                batch.append(events.get(timeout=0.2))
                while True:
                    batch.append(events.get_nowait())
            except queue.Empty:
                pass
            if batch:
                # One transaction a batch: a burst of positions costs one fsync, not one each.
                counts = service.ingest(device["id"], batch, device_name=device["name"])
                for key in total:
                    total[key] += counts[key]
                if not ctx.as_json:
                    print(tr("收到：消息 {messages} 条，定位 {positions} 条", **counts),
                          flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        _stop(link)
    ctx.emit({**total, "rejects": dict(link.decoder.rejects)},
             text=tr("共收到：消息 {messages} 条，定位 {positions} 条", **total))
    return EXIT_OK


def cmd_send(ctx: Context) -> int:
    session = ctx.login()
    service = CommsService(ctx.store())
    device = service.device(ctx.args.device)
    message = service.queue(session, device["id"], ctx.args.to, ctx.args.text)
    events: queue.Queue = queue.Queue()
    link = _link(device, events)
    try:
        deadline = time.monotonic() + ctx.args.timeout
        while link.state != "connected":
            if time.monotonic() > deadline:
                service.mark(message["id"], "failed", device_name=device["name"])
                raise ValidationError(tr("设备 {name} 未连接：{port}", name=device["name"],
                                         port=device["port"]))
            time.sleep(0.05)
        service.mark(message["id"], "sending", device_name=device["name"])
        link.send(beidou.encode_txa(ctx.args.to, message["text"]))
        feedback = None
        while feedback is None and time.monotonic() < deadline:
            try:
                item = events.get(timeout=0.2)
            except queue.Empty:
                continue
            event = getattr(item, "event", item)
            if isinstance(event, SendFeedback):
                feedback = event
    finally:
        _stop(link)
    accepted = bool(feedback and feedback.accepted)
    service.mark(message["id"], "accepted" if accepted else "failed",
                 device_name=device["name"])
    wait = feedback.wait_s if feedback and not accepted else None
    ctx.emit({"id": message["id"], "accepted": accepted, "wait_s": wait},
             text=tr("终端已受理发送（不代表对方已收到）。") if accepted else
             tr("终端未受理：{why}", why=tr("需等待 {n} 秒", n=wait) if wait else tr("无反馈")))
    return EXIT_OK if accepted else EXIT_FAILED
