"""Hazard plugin: 危险化学品事故 by 国务院令第493号 (definitions and sources in ``hazard.py``;
enterprise and 重大危险源 registers in ``registers.py``).

Uses only the public plugin API (:mod:`commandcentre.hazards`); pure logic, no Qt.
"""

from __future__ import annotations

from .hazard import HAZARD
from .registers import REGISTERS


def register(api) -> None:
    """Register the hazardous-chemical accident hazard type and its registers."""
    api.register_hazard(HAZARD)
    api.add_registers(1, REGISTERS)
