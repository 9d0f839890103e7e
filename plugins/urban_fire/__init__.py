"""Hazard plugin: 城镇火灾 (definitions and sources in ``hazard.py``).

Uses only the public plugin API (:mod:`commandcentre.hazards`); pure logic, no Qt.
"""

from __future__ import annotations

from .hazard import HAZARD


def register(api) -> None:
    """Register the urban fire hazard type."""
    api.register_hazard(HAZARD)
