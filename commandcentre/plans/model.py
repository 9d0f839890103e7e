"""The contingency plan (数字化应急预案): its kinds, states, parsed structure and what reads
of it return.

A plan is imported from a document once and never edited in place: its sections, response
levels and actions are fixed rows, so a checklist made from them keeps pointing at the text it
came from. A revised document is imported as a new plan that supersedes the old one; only the
lifecycle fields (status, dates, owner) of a plan row change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

PLAN_TYPES = ("总体", "专项", "部门", "乡镇简明操作手册", "企业现场处置方案", "重大活动",
              "专项救援行动方案")
PLAN_STATUSES = ("编制", "评审", "公布", "备案", "实施", "废止")
IN_FORCE = ("公布", "备案", "实施")  # statuses under which a plan is used and must be kept up
LEVELS = ("Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ")  # 响应级别, as incidents.model.RESPONSE_LEVELS writes them
LINK_RELATIONS = ("上级", "同级", "引用")  # 衔接: the higher plan, peer plans, plans cited
SECTION_KINDS = ("总则", "组织指挥体系", "监测预警", "应急响应", "后期处置", "保障措施",
                 "预案管理", "附则", "附件", "联系方式")
DATE_FIELDS = ("issued_on", "revised_on", "next_evaluation_on", "filed_on", "last_drill_on")
EDITABLE_FIELDS = ("type", "hazards", "issuer", "owner", "version", "status", "parent_title",
                   *DATE_FIELDS)
REVIEW_YEARS = 3  # 县级以上政府及其部门预案每3年评估一次 (2024 办法); research-standards §2.4
DRILL_YEARS = 3  # 专项、部门预案至少每3年演练一次


@dataclass
class ParsedAction:
    """One response measure (响应措施): who does what, within how long."""

    owner_unit: str
    text: str
    within_minutes: int | None
    raw: str


@dataclass
class ParsedLevel:
    """One response level block (Ⅳ级响应 …): its 启动条件 and its 响应措施."""

    level: str
    title: str
    section: int  # index into ParsedPlan.sections
    trigger: str = ""
    actions: list[ParsedAction] = field(default_factory=list)


@dataclass
class ParsedSection:
    """One heading and the text under it (up to the next heading)."""

    number: str  # the numbering as written: 一、 / （一） / 1. / 第一章 …; '' when none
    title: str
    marker: str  # the numbering style (see parse.MARKERS), 'none' or 'preamble'
    depth: int  # 0 for top-level sections
    parent: int | None  # index of the parent section
    body: list[str] = field(default_factory=list)
    kind: str = ""  # one of SECTION_KINDS, or '' when the title says none of them

    @property
    def heading(self) -> str:
        return f"{self.number}{self.title}"

    @property
    def text(self) -> str:
        return "\n".join(self.body)


@dataclass
class ParsedPlan:
    """What the importer found in one document; ``notes`` says what it could not place."""

    meta: dict[str, str]
    sections: list[ParsedSection]
    levels: list[ParsedLevel]
    links: list[tuple[str, str]]  # (relation, plan title)
    contacts: list[dict[str, str]]
    attachments: list[str]
    full_text: str
    notes: list[str]

    def path(self, index: int) -> str:
        """The headings from the top section down to section ``index``, joined by " > "."""
        parts = []
        node: int | None = index
        while node is not None:
            section = self.sections[node]
            if section.marker != "preamble":
                parts.append(section.heading)
            node = section.parent
        return " > ".join(reversed(parts))


@dataclass(frozen=True)
class SearchHit:
    """One section that matches a query, with a marked snippet of where."""

    plan_id: str
    plan_title: str
    plan_type: str
    status: str
    section_id: str
    section_path: str
    snippet: str
    score: float


@dataclass(frozen=True)
class PlanAlert:
    """A lifecycle problem of a plan in force (评估逾期, 上位预案已修订, 三年未演练)."""

    plan_id: str
    title: str
    kind: str  # 'evaluation_overdue' | 'revision_due' | 'drill_overdue'
    due: date | None
    message: str


@dataclass(frozen=True)
class PlanSuggestion:
    """A plan that fits an incident, with the level to start and why."""

    plan_id: str
    title: str
    type: str
    level: str | None
    levels: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class ChecklistItem:
    """One action of the active level on an incident, and whether it is done."""

    id: str
    ordinal: int
    owner_unit: str
    text: str
    due_at: datetime | None
    state: str  # 'open' | 'done' | 'overdue'
    done_at: datetime | None
    done_by: str
    note: str
    level: str
    activation_id: str

    @property
    def done(self) -> bool:
        return self.state == "done"


@dataclass(frozen=True)
class PlanFilter:
    """Which plans a list or a search covers (None: any); superseded versions only when
    ``include_superseded``."""

    type: str | None = None
    hazard: str | None = None
    status: str | None = None
    include_superseded: bool = False


@dataclass(frozen=True)
class PlanView:
    """One plan with everything imported from its document."""

    plan: dict  # the plan row; ``hazards`` as a list, contacts / attachments / notes decoded
    sections: list[dict]
    levels: list[dict]  # each with its ``actions`` (list of dict), in Ⅰ → Ⅳ order
    links: list[dict]  # relation, target_title, target_id (a current plan of that title)
    superseded_by: str | None

    @property
    def id(self) -> str:
        return self.plan["id"]

    @property
    def title(self) -> str:
        return self.plan["title"]

    def level(self, level: str) -> dict | None:
        """The level block ``level`` (Ⅰ…Ⅳ), or None when the plan has none."""
        return next((lv for lv in self.levels if lv["level"] == level), None)

    def sections_of(self, kind: str) -> list[dict]:
        """The top-most sections of a kind (总则, 应急响应, 保障措施 …)."""
        by_id = {s["id"]: s for s in self.sections}
        return [s for s in self.sections if s["kind"] == kind
                and (s["parent_id"] is None or by_id[s["parent_id"]]["kind"] != kind)]
