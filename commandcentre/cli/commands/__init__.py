"""The CLI's sub-commands, grouped by what they work on."""

from __future__ import annotations

import argparse

from ...i18n import tr
from . import (
    accounts,
    comms,
    duty,
    incident,
    plans,
    plugins,
    records,
    registers,
    report,
    roster,
    rota,
    rules,
    store,
)


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add every sub-command to ``sub``; ``common`` carries --db/--user/--json/--lang."""
    sub.add_parser("gui", parents=[common], help=tr("打开图形界面（默认）"))
    store.register(sub, common)
    accounts.register(sub, common)
    records.register(sub, common)
    duty.register(sub, common)
    rota.register(sub, common)
    incident.register(sub, common)
    plugins.register(sub, common)
    rules.register(sub, common)
    report.register(sub, common)
    comms.register(sub, common)
    roster.register(sub, common)
    plans.register(sub, common)
    registers.register(sub, common)
