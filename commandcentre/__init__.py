"""Command Centre (应急值守指挥台): the Qt-free core.

Everything a duty room needs that is not a widget lives here: the store, the audit trail,
accounts, domain services, comms codecs, reports and the CLI. Nothing in this package imports
Qt, ``ui`` or ``plugins`` (an import-linter contract checks it).
"""

__version__ = "0.1.0"
APP_NAME = "CommandCentre"
