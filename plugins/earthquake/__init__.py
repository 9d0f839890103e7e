"""Hazard plugin: 地震 (definitions and sources in ``hazard.py``).

Uses only the public plugin API (:mod:`commandcentre.hazards`); pure logic, no Qt.
"""

from __future__ import annotations

from .hazard import HAZARD


def register(api) -> None:
    """Register the earthquake hazard type (no season, no warning colours)."""
    api.register_hazard(HAZARD)
