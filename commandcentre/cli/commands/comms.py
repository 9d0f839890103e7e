"""Comms commands: ``commandcentre comms decode FILE`` reads a raw serial capture.

No login: it reads a file of device bytes, not records, and opens no store. Every sentence
is listed with its type and fields, every reject with its reason and byte offset, then the
totals (sentences by type, rejects by reason).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ...comms import DIALECTS, decode_capture
from ...comms.events import Reject, RejectReason, excerpt_text, to_dict
from ...errors import EXIT_OK, ValidationError
from ...i18n import tr
from ..context import Context


def register(sub, common) -> None:
    comms = sub.add_parser("comms", parents=[common], help=tr("通信：设备、收发、模拟、解码"))
    s = comms.add_subparsers(dest="comms_command", required=True, metavar="ACTION")
    p = s.add_parser("decode", parents=[common],
                     help=tr("解码原始抓包文件：列出每条语句和每条拒收及其原因"))
    p.add_argument("file", metavar="FILE", help=tr("串口原始字节的抓包文件"))
    p.add_argument("--dialect", choices=DIALECTS, default="auto",
                   help=tr("auto：自动判断；nmea：仅定位语句；beidou：北斗短报文及其定位语句；"
                           "at：短信猫（PDU 模式）"))
    p.add_argument("--date", metavar="YYYY-MM-DD",
                   help=tr("GGA/GLL 定位所在的 UTC 日期（这两种语句只带时刻）"))
    p.set_defaults(handler=cmd_decode)
    from . import comms_links

    comms_links.register(s, common)


def reason_label(reason: str) -> str:
    """The operator's words for a reject reason."""
    return {
        RejectReason.NOISE: tr("噪声"),
        RejectReason.TOO_LONG: tr("行过长"),
        RejectReason.TRUNCATED: tr("不完整"),
        RejectReason.NO_CHECKSUM: tr("缺校验和"),
        RejectReason.BAD_CHECKSUM: tr("校验和错误"),
        RejectReason.MALFORMED: tr("格式错误"),
        RejectReason.UNKNOWN_TYPE: tr("未知语句"),
        RejectReason.BAD_FIELD: tr("字段值错误"),
        RejectReason.UNSUPPORTED: tr("不支持"),
    }.get(reason, reason)


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as err:
        raise ValidationError(tr("无法读取文件 {path}：{error}", path=path,
                                 error=err.strerror or str(err))) from None


def _on_date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(tr("日期格式应为 YYYY-MM-DD：{text}", text=text)) from None


def _fields(event) -> str:
    data = to_dict(event)
    data.pop("event")
    data.pop("raw", None)
    return " ".join(f"{k}={v}" for k, v in data.items() if v not in (None, "", []))


def cmd_decode(ctx: Context) -> int:
    on_date = _on_date(ctx.args.date)
    data = _read(ctx.args.file)
    result = decode_capture(data, ctx.args.dialect, on_date=on_date)
    sentences = [item for item in result.items if not isinstance(item, Reject)]
    rejects = [item for item in result.items if isinstance(item, Reject)]
    totals = {"sentences": len(sentences), "by_type": dict(sorted(result.sentences.items())),
              "rejects": len(rejects),
              "by_reason": {str(k): v for k, v in sorted(result.rejects.items())}}
    if ctx.as_json:
        ctx.emit({
            "file": ctx.args.file, "dialect": result.dialect, "bytes": result.size,
            "sentences": [{"offset": d.offset, "type": d.type, **to_dict(d.event)}
                          for d in sentences],
            "rejects": [{"offset": r.offset, "reason": str(r.reason),
                         "excerpt": excerpt_text(r.excerpt), "detail": r.detail}
                        for r in rejects],
            "totals": totals})
        return EXIT_OK
    print(tr("文件 {path}：{size} 字节，协议 {dialect}", path=ctx.args.file,
             size=result.size, dialect=result.dialect))
    for item in result.items:
        if isinstance(item, Reject):
            print(f"{item.offset:>8}  {tr('拒收')} {reason_label(item.reason)} "
                  f"[{item.reason}]  {excerpt_text(item.excerpt)!r}")
        else:
            print(f"{item.offset:>8}  {item.type:<8} {type(item.event).__name__}  "
                  f"{_fields(item.event)}")
    print(tr("合计：语句 {sentences} 条，拒收 {rejects} 条", sentences=len(sentences),
             rejects=len(rejects)))
    for kind, count in totals["by_type"].items():
        print(f"  {kind:<10} {count}")
    for reason, count in totals["by_reason"].items():
        print(f"  {reason_label(reason)} [{reason}] {count}")
    return EXIT_OK
