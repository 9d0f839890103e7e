"""Hazard plugin: 防汛抗旱 (definitions and sources in ``hazard.py``; 水库, 河段 and 易涝点
registers in ``registers.py``).

Uses only the public plugin API (:mod:`commandcentre.hazards`); pure logic, no Qt.
"""

from __future__ import annotations

from commandcentre.hazards import PluginError

from .hazard import GRADING_NAME, HAZARD, SEASON_DEFAULT, SEASON_NAME, build_hazard, grading_default
from .registers import REGISTERS


def register(api) -> None:
    """Register the flood-and-drought hazard type, its 汛期 and its county grading thresholds.

    A county's ``plugin.flood.grading`` that cannot be used (wrong shape, thresholds not
    decreasing) is logged and the plugin's own thresholds are kept: a typo in a setting must
    not take the flood hazard out of the duty room.
    """
    api.settings.default(SEASON_NAME, dict(SEASON_DEFAULT))
    api.settings.default(GRADING_NAME, grading_default())
    county = api.settings.get(GRADING_NAME)
    hazard = HAZARD
    if county is not None and county != grading_default():
        try:
            hazard = build_hazard(county)
        except (PluginError, TypeError, ValueError) as err:
            api.log.warning("setting %s is not usable (%s); keeping the plugin's thresholds",
                            api.settings.key(GRADING_NAME), err)
    api.register_hazard(hazard)
    api.add_registers(1, REGISTERS)
