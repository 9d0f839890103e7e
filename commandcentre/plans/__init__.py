"""The contingency-plan library (应急预案库): import plan documents, search them, keep their
lifecycle, and turn a plan's response level into a checklist on an incident.

* :mod:`.read` reads .docx / .md / .txt into text blocks; :mod:`.parse` builds the section
  tree from the heading numbering (:mod:`.numbering`), :mod:`.levels` the response levels
  and their actions, :mod:`.meta` the register fields (all pure, no database);
* :mod:`.service` is :class:`PlanService` (import, library, alerts); :mod:`.finder` the
  search over :mod:`.index`'s tokens; :mod:`.activation` the checklists on incidents;
  :mod:`.export` the .docx and PDF output.
"""

from .model import (
    IN_FORCE,
    LEVELS,
    PLAN_STATUSES,
    PLAN_TYPES,
    ChecklistItem,
    ParsedPlan,
    PlanAlert,
    PlanFilter,
    PlanSuggestion,
    PlanView,
    SearchHit,
)
from .service import PlanService

__all__ = [
    "IN_FORCE",
    "LEVELS",
    "PLAN_STATUSES",
    "PLAN_TYPES",
    "ChecklistItem",
    "ParsedPlan",
    "PlanAlert",
    "PlanFilter",
    "PlanService",
    "PlanSuggestion",
    "PlanView",
    "SearchHit",
]
