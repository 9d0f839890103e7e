"""Hazard plugin: 气象灾害 (definitions and sources in ``hazard.py``; the per-township warning
register in ``registers.py``).

Uses only the public plugin API (:mod:`commandcentre.hazards`); pure logic, no Qt.
"""

from __future__ import annotations

from .hazard import HAZARD, SUPPLEMENT_DAYS_DEFAULT, SUPPLEMENT_NAME, build_hazard
from .registers import REGISTERS


def register(api) -> None:
    """Register the meteorological-disaster hazard type and its 补报 window setting.

    ``plugin.meteorological.supplement_days`` is read once, when the plugin loads. A value
    that is not a positive whole number of days is logged and the default is kept: a typo in
    a setting must not take the hazard out of the duty room.
    """
    api.settings.default(SUPPLEMENT_NAME, SUPPLEMENT_DAYS_DEFAULT)
    days = api.settings.get(SUPPLEMENT_NAME)
    hazard = HAZARD
    if days != SUPPLEMENT_DAYS_DEFAULT:
        if isinstance(days, int) and not isinstance(days, bool) and days > 0:
            hazard = build_hazard(supplement_days=days)
        else:
            api.log.warning("setting %s is not a positive number of days (%r); using %s",
                            api.settings.key(SUPPLEMENT_NAME), days, SUPPLEMENT_DAYS_DEFAULT)
    api.register_hazard(hazard)
    api.add_registers(1, REGISTERS)
