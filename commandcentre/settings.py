"""Settings (系统设置) kept in the store, with defaults, audited like any other write."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from .errors import ValidationError
from .i18n import tr
from .timeutil import to_storage

if TYPE_CHECKING:
    from .accounts import Session
    from .storage import Store

# key -> (default, type); a county changes these, the code never hard-codes them elsewhere.
DEFAULTS: dict[str, tuple[Any, type]] = {
    "security.max_failed_logins": (5, int),
    "security.lockout_minutes": (15, int),
    "ui.idle_lock_minutes": (10, int),
    "ui.timezone": ("Asia/Shanghai", str),
    "county.name": ("", str),
    # 'hazard': each hazard plugin's own rules (falling back to common-30-60), or a rule set id.
    "reporting.rule_set": ("hazard", str),
    "reporting.alarm_leads": ("15,5,0", str),  # minutes before a deadline an alarm sounds
    "demo": (False, bool),
}


class Settings:
    """Typed access to the ``setting`` table."""

    def __init__(self, store: Store):
        self.store = store

    def get(self, key: str) -> Any:
        """The stored value of ``key``, or its default."""
        if key not in DEFAULTS:
            raise KeyError(key)
        row = self.store.one("SELECT value_json FROM setting WHERE id = ?", (key,))
        return json.loads(row["value_json"]) if row else DEFAULTS[key][0]

    def all(self) -> dict[str, Any]:
        """Every known setting with its current value."""
        stored = {r["id"]: json.loads(r["value_json"])
                  for r in self.store.query("SELECT id, value_json FROM setting")}
        return {key: stored.get(key, default) for key, (default, _) in DEFAULTS.items()}

    @staticmethod
    def parse(key: str, text: str) -> Any:
        """Turn command-line text into the setting's type, or raise ValidationError."""
        if key not in DEFAULTS:
            raise ValidationError(tr("未知设置项：{key}", key=key))
        kind = DEFAULTS[key][1]
        if kind is bool:
            if text.lower() in ("1", "true", "yes", "是"):
                return True
            if text.lower() in ("0", "false", "no", "否"):
                return False
            raise ValidationError(tr("设置项 {key} 需要是/否（true/false）。", key=key))
        try:
            return kind(text)
        except ValueError:
            raise ValidationError(tr("设置项 {key} 的值无效：{value}", key=key,
                                     value=text)) from None

    def set(self, session: Session, key: str, value: Any) -> None:
        """Store ``value`` for ``key`` (requires the settings permission)."""
        from .accounts import Permission

        if key not in DEFAULTS:
            raise ValidationError(tr("未知设置项：{key}", key=key))
        kind = DEFAULTS[key][1]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ValidationError(tr("设置项 {key} 的值类型不对。", key=key))
        if kind is int and value < 0:
            raise ValidationError(tr("设置项 {key} 不能为负数。", key=key))
        row = {"value_json": json.dumps(value, ensure_ascii=False),
               "updated_at": to_storage(self.store.clock.now())}
        with self.store.write(session, Permission.SETTINGS_WRITE) as w:
            if self.store.get("setting", key):
                w.update("setting", key, row, action="setting.set")
            else:
                w.insert("setting", {"id": key, **row}, action="setting.set")
