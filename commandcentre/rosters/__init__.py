"""Rosters and resources (队伍与资源): teams, members, experts, the contacts directory,
warehouses and stock, shelters, equipment; dispatching them to incidents; importing and
exporting the registers as office sheets; and the compliance check against rules in data.

The core API (no Qt):

- :class:`TeamService`, :class:`MemberService`, :class:`ExpertService`,
  :class:`ContactService`, :class:`StockService`, :class:`ShelterService`,
  :class:`EquipmentService`: read and maintain the registers;
- :class:`DispatchService`: 申请 → 已派 → 在途 → 到场 → 归队 / 取消, on the incident timeline;
- :func:`preview_import` / :func:`import_register` (all or nothing, :class:`ImportRejected`)
  and :func:`export_register`, for ``KINDS`` = teams, people, experts, contacts, stock,
  shelters, equipment;
- :func:`check` (compliance findings) and :class:`RuleBook` (minimums, facility rules,
  settings).
"""

from .compliance import Finding, check
from .dispatch import DISPATCH_STATUSES, DispatchService
from .exporting import export_register
from .importing import ImportPreview, ImportRejected, import_register, preview_import
from .people import ContactService, CrossTeamPerson, ExpertService, MemberService
from .resources import EquipmentService, ShelterService, StockService
from .rules import RuleBook, ShelterFacilityRule, TeamMinimumRule
from .specs import KINDS
from .teams import TEAM_CATEGORIES, TEAM_LEVELS, TEAM_STATUSES, TeamMinimum, TeamService

__all__ = [
    "DISPATCH_STATUSES", "KINDS", "TEAM_CATEGORIES", "TEAM_LEVELS", "TEAM_STATUSES",
    "ContactService", "CrossTeamPerson", "DispatchService", "EquipmentService", "ExpertService",
    "Finding", "ImportPreview", "ImportRejected", "MemberService", "RuleBook",
    "ShelterFacilityRule", "ShelterService", "StockService", "TeamMinimum",
    "TeamMinimumRule", "TeamService", "check", "export_register", "import_register",
    "preview_import",
]
