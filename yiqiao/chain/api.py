"""The chain's JSON API: the tree, the district's map with gaps, a node's gap and targets,
targets (and turning one into a lead), an organisation's classification."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from yiqiao.accounts.models import User
from yiqiao.registry.models import ChainNode
from yiqiao.registry.queries import access_organisation

from . import queries, wording
from .services.gaps import target_make_lead

router = Router(tags=["产业链"])


class ChainTreeNodeOut(Schema):
    code: str
    name: str
    name_en: str
    parent: str | None
    level: int
    chain_position: str | None
    sectors: list[str] | None


class ChainMapNodeOut(Schema):
    code: str
    name: str
    parent: str | None
    level: int
    stage: str
    gap: str
    score: float | None
    local: int


class ChainGapTermOut(Schema):
    key: str
    label: str
    weight: float
    value: float
    detail: str


class ChainTargetOut(Schema):
    id: int
    node: str
    rank: int
    organisation_id: int
    organisation: str
    score: float
    reasons: list[str]
    status: str
    project_id: int | None


class ChainFunnelStepOut(Schema):
    step: str
    label: str
    count: int


class ChainNodeDetailOut(Schema):
    code: str
    name: str
    gap_level: str
    gap_score: float | None
    terms: list[ChainGapTermOut]
    local_count: int
    targets: list[ChainTargetOut]
    funnel: list[ChainFunnelStepOut]


class ChainLeadOut(Schema):
    project_id: int
    title: str


class ChainClassificationOut(Schema):
    chain_position: str | None
    sectors: list[str] | None
    status: str
    confidence: float
    nodes: list[str]


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _district(request: HttpRequest) -> Any:
    region = queries.district_for(_user(request))
    if region is None:
        raise HttpError(403, "产业链接口仅对区县及园区工作人员开放")
    return region


def _target_out(t: Any) -> dict[str, Any]:
    return {
        "id": t.pk,
        "node": t.node.code,
        "rank": t.rank,
        "organisation_id": t.organisation_id,
        "organisation": t.organisation.name,
        "score": round(t.score, 4),
        "reasons": wording.reasons_list(t.reasons or []),
        "status": t.status,
        "project_id": t.project_id,
    }


@router.get("/tree", response=list[ChainTreeNodeOut], summary="产业链节点树")
def chain_tree_nodes(request: HttpRequest) -> Any:
    return [
        {
            "code": n.code,
            "name": n.name,
            "name_en": n.name_en,
            "parent": n.parent.code if n.parent else None,
            "level": n.level,
            "chain_position": n.chain_position,
            "sectors": n.sectors,
        }
        for n in ChainNode.objects.select_related("parent").order_by("position", "code")
    ]


@router.get("/map", response=list[ChainMapNodeOut], summary="本区产业链图谱（缺口等级）")
def chain_map_nodes(request: HttpRequest) -> Any:
    data = queries.chain_map(user=_user(request), region=_district(request))
    return [
        {k: n[k] for k in ("code", "name", "parent", "level", "stage", "gap", "score", "local")}
        for n in data["nodes"]
    ]


@router.get("/nodes/{code}", response=ChainNodeDetailOut, summary="节点缺口、目标企业与漏斗")
def chain_node_detail(request: HttpRequest, code: str) -> Any:
    node = ChainNode.objects.filter(code=code[:60]).first()
    if node is None:
        raise HttpError(404, "产业链节点不存在")
    page = queries.node_page(user=_user(request), region=_district(request), node=node)
    gap = page["gap"]
    return {
        "code": node.code,
        "name": node.name,
        "gap_level": gap.level if gap else "",
        "gap_score": gap.score if gap else None,
        "terms": gap.terms if gap else [],
        "local_count": gap.local_count if gap else 0,
        "targets": [_target_out(t) for t in page["targets"]],
        "funnel": [{"step": s, "label": label, "count": n} for s, label, n in page["funnel"]],
    }


@router.get("/targets", response=list[ChainTargetOut], summary="补链目标企业")
def chain_targets(request: HttpRequest, node: str = "", status: str = "") -> Any:
    qs = queries.target_list(
        user=_user(request), region=_district(request), node_code=node[:60], status=status[:12]
    )
    return [_target_out(t) for t in qs[:500]]


@router.post("/targets/{target_id}/lead", response=ChainLeadOut, summary="目标企业转为招商线索")
def chain_target_lead(request: HttpRequest, target_id: int) -> Any:
    if target_id <= 0 or target_id > 2**62:
        raise HttpError(404, "目标企业不存在或无权查看")
    target = queries.access_target(_user(request), target_id, "change")
    try:
        project = target_make_lead(target=target, by=_user(request))
    except PermissionDenied as error:
        raise HttpError(403, str(error)) from error
    except ValidationError as error:
        raise HttpError(422, "；".join(error.messages)) from error
    return {"project_id": project.pk, "title": project.title}


@router.get(
    "/organisations/{organisation_id}",
    response=ChainClassificationOut,
    summary="机构的产业链定位与依据",
)
def chain_organisation(request: HttpRequest, organisation_id: int) -> Any:
    if organisation_id <= 0 or organisation_id > 2**62:
        raise HttpError(404, "机构不存在或无权查看")
    organisation = access_organisation(_user(request), organisation_id)
    data = queries.organisation_chain(organisation)
    profile = data["profile"]
    return {
        "chain_position": profile.chain_position if profile else None,
        "sectors": profile.sectors if profile else None,
        "status": profile.status if profile else "",
        "confidence": profile.confidence if profile else 0.0,
        "nodes": [link.node.code for link in data["links"] if link.status != "rejected"],
    }
