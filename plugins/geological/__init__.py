"""Hazard plugin: 地质灾害 (definitions and sources in ``hazard.py``; the 隐患点 register in
``registers.py``).

Uses only the public plugin API (:mod:`commandcentre.hazards`); pure logic, no Qt.
"""

from __future__ import annotations

from .hazard import HAZARD, SEASON_DEFAULT, SEASON_NAME
from .registers import REGISTERS


def register(api) -> None:
    """Register the geological hazard type and its 汛期 setting."""
    api.settings.default(SEASON_NAME, dict(SEASON_DEFAULT))
    api.register_hazard(HAZARD)
    api.add_registers(1, REGISTERS)
