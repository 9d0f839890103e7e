"""Hazard plugin: 道路交通事故 by 国务院令第493号 (definitions and sources in ``hazard.py``).

Uses only the public plugin API (:mod:`commandcentre.hazards`); pure logic, no Qt.
"""

from __future__ import annotations

from .hazard import HAZARD


def register(api) -> None:
    """Register the road traffic accident hazard type."""
    api.register_hazard(HAZARD)
