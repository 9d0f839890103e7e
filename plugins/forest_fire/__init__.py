"""Hazard plugin: 森林草原火灾 (definitions and sources in ``hazard.py``, registers in
``registers.py``, the 打早打小打了 clock in ``clock.py``, the incident panel in ``ui.py``).

Uses only the public plugin API (:mod:`commandcentre.hazards`); pure logic here, Qt only in
``ui.py``.
"""

from __future__ import annotations

from dataclasses import replace

from .clock import statistics
from .hazard import HAZARD, SEASON_DEFAULT
from .registers import REGISTERS


def register(api) -> None:
    """Register the forest and grassland fire hazard, its fire-season setting and registers."""
    api.settings.default("fire_season", dict(SEASON_DEFAULT))
    api.register_hazard(replace(HAZARD, statistics=statistics))
    api.add_registers(1, REGISTERS)
