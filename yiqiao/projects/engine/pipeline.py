"""The investment-project pipeline: stages, allowed transitions and the guards on them.

A project moves forward one stage at a time (no skipping); it can be marked lost from any stage
that is still open (a signed project that never lands is lost too), always with a reason; a lost
project can be reopened into the stage it was lost from. Guards that depend on other records
(a signing exists, the registered company has a valid uscc) are passed in as facts so that the
check stays pure and every refusal carries a reason an officer can act on.
"""

from __future__ import annotations

from dataclasses import dataclass

LEAD = "lead"
CONTACTED = "contacted"
SITE_VISIT = "site_visit"
NEGOTIATING = "negotiating"
SIGNED = "signed"
REGISTERED = "registered"
CONSTRUCTION = "construction"
PRODUCTION = "production"
LOST = "lost"

STAGE_ORDER: tuple[str, ...] = (
    LEAD,
    CONTACTED,
    SITE_VISIT,
    NEGOTIATING,
    SIGNED,
    REGISTERED,
    CONSTRUCTION,
    PRODUCTION,
)
STAGE_LABELS: dict[str, str] = {
    LEAD: "线索",
    CONTACTED: "接洽",
    SITE_VISIT: "考察",
    NEGOTIATING: "洽谈",
    SIGNED: "签约",
    REGISTERED: "注册落地",
    CONSTRUCTION: "开工",
    PRODUCTION: "投产",
    LOST: "终止",
}
ALL_STAGES: tuple[str, ...] = (*STAGE_ORDER, LOST)
MIN_LOST_REASON_CHARS = 4


def stage_label(stage: str) -> str:
    """Chinese label of a stage code (the code itself if unknown)."""
    return STAGE_LABELS.get(stage, stage)


def stage_index(stage: str) -> int:
    """Position of an open or closed pipeline stage; -1 for lost or unknown."""
    return STAGE_ORDER.index(stage) if stage in STAGE_ORDER else -1


def is_open(stage: str) -> bool:
    """A project is open until it produces or is lost."""
    return stage in STAGE_ORDER and stage != PRODUCTION


def next_stage(stage: str) -> str | None:
    """The single stage a project may advance to, or None at the end / when lost."""
    i = stage_index(stage)
    if i < 0 or i + 1 >= len(STAGE_ORDER):
        return None
    return STAGE_ORDER[i + 1]


@dataclass(frozen=True)
class ProjectFacts:
    """What the guards need to know about one project, gathered by the caller.

    `registered_uscc_problem` is "" when the registered company's uscc is valid, else the reason
    it is not; `registered_company_name` is "" when no company is linked yet.
    """

    stage: str
    signing_count: int = 0
    registered_company_name: str = ""
    registered_uscc: str = ""
    registered_uscc_problem: str = ""
    lost_from_stage: str = ""


@dataclass(frozen=True)
class TransitionCheck:
    """Outcome of asking whether `from_stage → to_stage` may happen; `reasons` say why not."""

    from_stage: str
    to_stage: str
    reasons: tuple[str, ...]

    @property
    def allowed(self) -> bool:
        return not self.reasons

    @property
    def message(self) -> str:
        return "；".join(self.reasons)


def check_transition(facts: ProjectFacts, to_stage: str, *, reason: str = "") -> TransitionCheck:
    """Decide whether the project described by `facts` may move to `to_stage`.

    `reason` is required (at least a few characters) when marking a project lost.
    """
    here = facts.stage
    reasons: list[str] = []
    if to_stage not in ALL_STAGES:
        return TransitionCheck(here, to_stage, (f"未知的阶段“{to_stage}”",))
    if to_stage == here:
        return TransitionCheck(here, to_stage, (f"项目已处于“{stage_label(here)}”阶段",))
    if to_stage == LOST:
        if not is_open(here):
            reasons.append(f"“{stage_label(here)}”阶段的项目不能标记为终止")
        if len(reason.strip()) < MIN_LOST_REASON_CHARS:
            reasons.append(f"标记终止须填写原因（至少{MIN_LOST_REASON_CHARS}个字）")
        return TransitionCheck(here, to_stage, tuple(reasons))
    if here == LOST:
        if to_stage != facts.lost_from_stage:
            back = stage_label(facts.lost_from_stage) if facts.lost_from_stage else "原阶段"
            reasons.append(f"已终止的项目只能恢复到终止前的“{back}”阶段")
        return TransitionCheck(here, to_stage, tuple(reasons))
    step = next_stage(here)
    if step is None:
        reasons.append(f"“{stage_label(here)}”是最后阶段，不能再推进")
    elif stage_index(to_stage) < stage_index(here):
        reasons.append(
            f"不能从“{stage_label(here)}”退回“{stage_label(to_stage)}”；如判断有误，请标记终止后说明原因"
        )
    elif to_stage != step:
        skipped = STAGE_ORDER[stage_index(here) + 1 : stage_index(to_stage)]
        names = "、".join(f"“{stage_label(s)}”" for s in skipped)
        reasons.append(
            f"不能从“{stage_label(here)}”直接跳到“{stage_label(to_stage)}”，须先经过{names}"
        )
    if not reasons:
        reasons.extend(_guards(facts, to_stage))
    return TransitionCheck(here, to_stage, tuple(reasons))


def _guards(facts: ProjectFacts, to_stage: str) -> list[str]:
    """Evidence each stage requires before a project may enter it."""
    reasons: list[str] = []
    if to_stage == SIGNED and facts.signing_count < 1:
        reasons.append("进入“签约”阶段前须先登记签约记录（日期、协议类型、金额、签约方）")
    if to_stage == REGISTERED:
        if not facts.registered_company_name:
            reasons.append("进入“注册落地”阶段前须关联已注册的落地企业")
        elif not facts.registered_uscc:
            reasons.append(
                f"落地企业“{facts.registered_company_name}”缺少统一社会信用代码，请先在名录中补充"
            )
        elif facts.registered_uscc_problem:
            reasons.append(
                f"落地企业“{facts.registered_company_name}”的统一社会信用代码无效："
                f"{facts.registered_uscc_problem}"
            )
    return reasons


def allowed_targets(facts: ProjectFacts) -> tuple[str, ...]:
    """Stages the graph allows from here (before evidence guards), for showing buttons."""
    if facts.stage == LOST:
        return (facts.lost_from_stage,) if facts.lost_from_stage else ()
    step = next_stage(facts.stage)
    targets = [step] if step else []
    if is_open(facts.stage):
        targets.append(LOST)
    return tuple(targets)
