"""Hazard plugin: 森林草原火灾 (definitions and sources in ``hazard.py``).

Uses only the public plugin API (:mod:`commandcentre.hazards`); pure logic, no Qt.
"""

from __future__ import annotations

from .hazard import HAZARD, SEASON_DEFAULT


def register(api) -> None:
    """Register the forest and grassland fire hazard type and its fire-season setting."""
    api.settings.default("fire_season", dict(SEASON_DEFAULT))
    api.register_hazard(HAZARD)
