"""Backups (备份): a consistent copy of the store, taken while it is in use."""

from __future__ import annotations

from pathlib import Path

from .accounts import Permission, Session
from .errors import ValidationError
from .i18n import tr
from .storage import Store


def backup_store(store: Store, session: Session, dest: str | Path) -> Path:
    """Copy ``store`` to ``dest`` with the SQLite backup API and note it in the audit trail."""
    session.require(Permission.BACKUP)
    dest = Path(dest)
    if dest.exists():
        raise ValidationError(tr("备份文件已存在，未覆盖：{path}", path=str(dest)))
    if dest.resolve() == store.path.resolve():
        raise ValidationError(tr("备份文件不能是数据库本身。"))
    store.backup(dest)
    with store.write(session, Permission.BACKUP) as w:
        w.event("store.backup", detail={"to": str(dest)})
    return dest
