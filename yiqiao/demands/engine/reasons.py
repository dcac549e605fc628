"""Chinese reasons for each constraint outcome code (see ``fit.py`` for the codes)."""

from __future__ import annotations

from collections.abc import Mapping

from .chain import ChainGraph
from .labels import (
    KIND_LABEL,
    NEED_CATEGORY_LABEL,
    POLICY_STATUS_LABEL,
    SERVICE_CATEGORY_LABEL,
    SPACE_KIND_LABEL,
    STAGE_LABEL,
    area,
    number,
    yuan,
)
from .model import (
    InvestorAttributes,
    Need,
    OrganisationAttributes,
    PolicyEligibility,
    Resource,
    ServiceAttributes,
    SpaceAttributes,
)


def describe(
    constraint: str,
    code: int,
    resource: Resource,
    need: Need,
    *,
    chain: ChainGraph,
    days_left: int | None,
    services: tuple[str, ...],
    space_kinds: tuple[str, ...],
    policy_status: Mapping[str, PolicyEligibility],
) -> str:
    """One sentence explaining ``code`` of ``constraint`` for ``resource``."""
    a = resource.attributes
    if constraint == "kind":
        if code < 0:
            return f"{KIND_LABEL[resource.kind]}通常不能直接满足{NEED_CATEGORY_LABEL[need.category]}类需求"
        return f"{KIND_LABEL[resource.kind]}适合{NEED_CATEGORY_LABEL[need.category]}类需求"
    if isinstance(a, SpaceAttributes):
        return _space(constraint, code, a, need, space_kinds)
    if isinstance(a, ServiceAttributes):
        return _service(constraint, code, a, days_left, services)
    if isinstance(a, InvestorAttributes):
        return _investor(constraint, code, a, need, chain)
    if isinstance(a, OrganisationAttributes):
        return _organisation(code, a, chain)
    return _policy(code, resource, policy_status)


def _range(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"{area(low)}至{area(high)}"
    if low is not None:
        return f"不少于{area(low)}"
    return f"不超过{area(high or 0.0)}"


def _space(
    constraint: str, code: int, a: SpaceAttributes, need: Need, space_kinds: tuple[str, ...]
) -> str:
    if constraint == "area":
        wanted = _range(need.area_min_m2, need.area_max_m2)
        free = area(a.area_available_m2)
        if code == 1:
            return f"可用面积{free}，符合需求（{wanted}）"
        if code == -1:
            return f"可用面积{free}，小于需求（{wanted}）"
        return f"可用面积{free}，超过需求上限（{wanted}），需确认能否分割"
    if constraint == "rent":
        limit = f"{number(need.rent_max_per_m2_month or 0.0)}元/平方米·月"
        if code == -2:
            return f"租金未公示，无法核对预算（{limit}）"
        rent = f"{number(a.rent_per_m2_month or 0.0)}元/平方米·月"
        if code == 1:
            return f"租金{rent}，在预算{limit}以内"
        return f"租金{rent}，超出预算{limit}"
    if constraint == "gmp":
        if code == 1:
            return f"洁净级别{a.gmp_grade}级，满足{need.gmp_grade}级及以上要求"
        if code == -2:
            return f"无洁净区，需求要求{need.gmp_grade}级"
        return f"洁净级别{a.gmp_grade}级，低于需求的{need.gmp_grade}级"
    if constraint == "floor_load":
        need_load = f"{number(need.floor_load_min_kn_m2 or 0.0)}千牛/平方米"
        if code == -2:
            return f"楼面荷载未公示，需求不低于{need_load}"
        load = f"{number(a.floor_load_kn_m2 or 0.0)}千牛/平方米"
        if code == 1:
            return f"楼面荷载{load}，满足不低于{need_load}"
        return f"楼面荷载{load}，低于需求的{need_load}"
    if constraint == "park":
        wanted_parks = "、".join(need.park_codes)
        if code == 1:
            return f"位于意向园区（{a.park_code}）"
        return f"不在意向园区（{wanted_parks}）内"
    kinds = "、".join(SPACE_KIND_LABEL[k] for k in space_kinds if k in SPACE_KIND_LABEL)
    if code == 1:
        return f"载体类型为{SPACE_KIND_LABEL[a.space_kind]}，符合需求"
    return f"载体类型为{SPACE_KIND_LABEL[a.space_kind]}，需求为{kinds}"


def _service(
    constraint: str,
    code: int,
    a: ServiceAttributes,
    days_left: int | None,
    services: tuple[str, ...],
) -> str:
    label = SERVICE_CATEGORY_LABEL[a.category]
    if constraint == "service_category":
        if code == 1:
            return f"服务类别为{label}，符合需求"
        wanted = "、".join(SERVICE_CATEGORY_LABEL.get(s, s) for s in services)  # type: ignore[call-overload]
        return f"服务类别为{label}，需求为{wanted}"
    if constraint == "lead_time":
        if code == -2:
            return f"服务周期未公示，距截止日期{days_left}天"
        if code == 1:
            return f"服务周期{a.lead_time_days}天，可在截止日期前完成（剩余{days_left}天）"
        return f"服务周期{a.lead_time_days}天，超过距截止日期的{days_left}天"
    if code == 1:
        return f"尚有可预约档期{a.capacity}个"
    return "当前档期已满"


def _investor(
    constraint: str, code: int, a: InvestorAttributes, need: Need, chain: ChainGraph
) -> str:
    if constraint == "stage":
        stages = "、".join(STAGE_LABEL[s] for s in a.stages)
        wanted = STAGE_LABEL[need.funding_stage] if need.funding_stage else ""
        if code == -2:
            return f"未标明投资阶段，需求为{wanted}"
        if code == 1:
            return f"投资阶段含{wanted}"
        return f"投资阶段为{stages}，不含{wanted}"
    if constraint == "sector":
        if code == -2:
            return "未标明关注领域"
        sought = set(need.chain_nodes or need.enterprise_chain_nodes)
        if code == 1:
            common = "、".join(chain.name(s) for s in a.sectors if s in sought)
            return f"关注领域包含{common}"
        return f"关注领域为{'、'.join(chain.name(s) for s in a.sectors)}，与需求领域不符"
    if constraint == "ticket":
        amount = yuan(need.funding_amount_yuan or 0.0)
        if code == -2:
            return f"未公示单笔投资额度，需求{amount}"
        low = yuan(a.ticket_min_yuan) if a.ticket_min_yuan is not None else "不限"
        high = yuan(a.ticket_max_yuan) if a.ticket_max_yuan is not None else "不限"
        if code == 1:
            return f"单笔投资额度{low}至{high}，覆盖所需{amount}"
        return f"单笔投资额度{low}至{high}，不覆盖所需{amount}"
    if code == 1:
        return f"偏好投资地区包含{need.region_code}"
    return f"偏好投资地区为{'、'.join(a.regions)}，不含{need.region_code}"


def _organisation(code: int, a: OrganisationAttributes, chain: ChainGraph) -> str:
    nodes = "、".join(chain.name(n) for n in a.chain_nodes)
    return {
        1: f"处于所寻产业链环节（{nodes}）",
        2: f"处于本企业上游（{nodes}），可作为供应方",
        3: f"处于本企业下游（{nodes}），可作为客户或渠道",
        4: f"与本企业同处{nodes}环节，可作同业合作",
    }.get(code, f"与本企业无直接上下游关系（{nodes}）")


def _policy(code: int, resource: Resource, policy_status: Mapping[str, PolicyEligibility]) -> str:
    policy_id = resource.attributes.policy_id if resource.attributes else ""  # type: ignore[union-attr]
    eligibility = policy_status.get(policy_id)
    if eligibility is None or code == -1:
        return POLICY_STATUS_LABEL["unknown"]
    text = POLICY_STATUS_LABEL[eligibility.status]
    if eligibility.amount_yuan is not None:
        text += f"，预计可获{yuan(eligibility.amount_yuan)}"
    if eligibility.missing:
        text += f"；需补充：{'、'.join(eligibility.missing)}"
    return text
