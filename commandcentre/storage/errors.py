"""Turning SQLite's environment failures into one-line operator messages."""

from __future__ import annotations

import sqlite3

from ..errors import StorageUnavailable
from ..i18n import tr

# Primary SQLite result codes (sqlite3.h); Python 3.11 exposes them as ``sqlite_errorcode``.
SQLITE_PERM = 3
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_NOMEM = 7
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26

_REASONS = {
    SQLITE_PERM: "permission",
    SQLITE_BUSY: "locked",
    SQLITE_LOCKED: "locked",
    SQLITE_NOMEM: "memory",
    SQLITE_READONLY: "read-only",
    SQLITE_IOERR: "io",
    SQLITE_CORRUPT: "corrupt",
    SQLITE_FULL: "full",
    SQLITE_CANTOPEN: "cannot-open",
    SQLITE_NOTADB: "corrupt",
}


def _message(reason: str, path: str) -> str:
    # One message per reason; each says what happened and what the operator can do.
    if reason == "locked":
        return tr("数据库文件被其他程序占用（已锁定）：{path}。请关闭占用它的程序后重试。",
                  path=path)
    if reason == "read-only":
        return tr("数据库文件只读，无法写入：{path}。请检查文件权限或磁盘写保护。",
                  path=path)
    if reason == "full":
        return tr("磁盘已满，记录未能保存：{path}。请释放磁盘空间后重试，已输入内容未丢失。",
                  path=path)
    if reason == "corrupt":
        return tr("数据库文件已损坏或不是数据库：{path}。请从备份恢复。", path=path)
    if reason in ("cannot-open", "permission"):
        return tr("无法打开数据库文件：{path}。请检查路径和权限。", path=path)
    if reason == "io":
        return tr("读写数据库文件时发生磁盘错误：{path}。", path=path)
    if reason == "memory":
        return tr("内存不足，无法访问数据库：{path}。", path=path)
    return tr("数据库不可用：{path}。", path=path)


def classify(err: BaseException) -> str | None:
    """Return the environment reason for an SQLite error, or None if it is not one (a bug)."""
    if not isinstance(err, sqlite3.Error):
        return None
    code = getattr(err, "sqlite_errorcode", None)
    if code is not None:
        return _REASONS.get(code & 0xFF)
    # Errors raised by the sqlite3 module itself carry no code; fall back on the text.
    text = str(err).lower()
    if "locked" in text or "busy" in text:
        return "locked"
    if "readonly" in text or "read-only" in text:
        return "read-only"
    if "disk is full" in text:
        return "full"
    if "malformed" in text or "not a database" in text:
        return "corrupt"
    if "unable to open" in text:
        return "cannot-open"
    return None


def unavailable(err: BaseException, path: str) -> StorageUnavailable | None:
    """Build the operator-facing error for an environment failure, or None for a bug."""
    reason = classify(err)
    if reason is None:
        return None
    return StorageUnavailable(_message(reason, path), reason=reason, path=path)


def os_unavailable(err: OSError, path: str) -> StorageUnavailable:
    """The operator-facing error for a file-system failure around the store (backup, mkdir)."""
    import errno

    reason = {errno.ENOSPC: "full", errno.EROFS: "read-only", errno.EACCES: "permission",
              errno.EPERM: "permission"}.get(err.errno or 0, "io")
    return StorageUnavailable(_message(reason, path), reason=reason, path=path)
