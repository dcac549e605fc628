"""Register API: the same queries and services as the pages, as JSON."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, TypeAlias

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from yiqiao.accounts.http import SignedInRequest
from yiqiao.core.apischema import choices_schema, page_field, patch_data
from yiqiao.core.scope import mask_email, mask_phone

from . import queries, services
from .models import ChainNode, Organisation, Region

router = Router(tags=["registry 生态名录"])


OrganisationKind: TypeAlias = Annotated[Organisation.Kind, choices_schema(Organisation.Kind)]


class OrganisationFilterIn(Schema):
    q: str = ""
    kind: str = ""
    region: str = ""
    chain: str = ""
    qualification: str = ""
    stage: str = ""
    sort: str = "name"
    page: int = page_field()
    per_page: int = Field(25, ge=1, le=200)


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    uscc: str | None
    aliases: list[str]
    region: str
    park: str | None = None
    founded_on: dt.date | None
    registered_capital_yuan: Decimal | None
    revenue_yuan: Decimal | None
    rd_spend_yuan: Decimal | None
    headcount: int | None
    is_high_tech: bool
    is_specialised: bool
    is_little_giant: bool
    is_listed: bool
    is_pre_ipo: bool
    is_chain_leader: bool
    lifecycle_stage: str
    row_version: int

    @staticmethod
    def resolve_region(obj: Any) -> str:
        return obj["region"] if isinstance(obj, dict) else obj.region.code

    @staticmethod
    def resolve_park(obj: Any) -> str | None:
        if isinstance(obj, dict):
            return obj["park"]
        return obj.park.code if obj.park else None


class OrganisationPage(Schema):
    count: int
    page: int
    per_page: int
    results: list[OrganisationOut]


class ContactOut(Schema):
    name: str
    title: str
    phone: str
    email: str
    is_primary: bool


class OrganisationDetailOut(OrganisationOut):
    description: str
    products: str
    chain_nodes: list[str]
    contacts: list[ContactOut]
    notes: str | None


class OrganisationIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    kind: OrganisationKind = Organisation.Kind.ENTERPRISE
    uscc: str | None = None
    region: str = Field(..., description="区域编码")
    park: str | None = None
    founded_on: dt.date | None = None
    registered_capital_yuan: Decimal | None = Field(None, ge=0)
    revenue_yuan: Decimal | None = Field(None, ge=0)
    rd_spend_yuan: Decimal | None = Field(None, ge=0)
    headcount: int | None = Field(None, ge=0)
    aliases: list[str] = []
    chain_nodes: list[str] = []
    is_high_tech: bool = False
    is_specialised: bool = False
    is_little_giant: bool = False
    lifecycle_stage: str = ""
    description: str = ""


class OrganisationPatch(Schema):
    row_version: int
    name: str | None = Field(None, min_length=1, max_length=120)
    uscc: str | None = None
    revenue_yuan: Decimal | None = Field(None, ge=0)
    rd_spend_yuan: Decimal | None = Field(None, ge=0)
    headcount: int | None = Field(None, ge=0)
    aliases: list[str] | None = None
    chain_nodes: list[str] | None = None
    description: str | None = None


class RegionOut(Schema):
    code: str
    name: str
    kind: str
    division_code: str
    parent: str | None = Field(None, alias="parent.code")


class RegionFilterIn(Schema):
    parent: str = Field("", description="上级区域编码：只列其直属下级；留空列全部")
    q: str = Field("", description="按名称、编码或行政区划代码查找")
    kind: str = Field("", description="区域类型：province / city / district / zone / park")
    page: int = page_field()
    per_page: int = Field(50, ge=1, le=200)


class RegionPage(Schema):
    count: int
    page: int
    per_page: int
    results: list[RegionOut]


class ChainNodeOut(Schema):
    code: str
    name: str
    name_en: str
    parent: str | None = Field(None, alias="parent.code")


def _detail(request: HttpRequest, org: Organisation) -> dict[str, Any]:
    confidential = request.user.can_view_confidential  # type: ignore[union-attr]
    data = OrganisationOut.from_orm(org).model_dump()
    data.update(
        description=org.description,
        products=org.products,
        chain_nodes=[n.code for n in org.chain_nodes.all()],
        notes=org.notes if confidential else None,
        contacts=[
            {
                "name": c.name,
                "title": c.title,
                "is_primary": c.is_primary,
                "phone": c.phone if confidential else mask_phone(c.phone) if c.phone else "",
                "email": c.email if confidential else mask_email(c.email) if c.email else "",
            }
            for c in org.contacts.all()
        ],
    )
    return data


@router.get("/organisations", response=OrganisationPage, summary="机构列表（按权限范围）")
def list_organisations(
    request: HttpRequest, filters: Query[OrganisationFilterIn]
) -> dict[str, Any]:
    f = queries.OrganisationFilters.from_mapping(filters.dict())
    qs = queries.organisation_list(user=request.user, filters=f)
    start = (filters.page - 1) * filters.per_page
    return {
        "count": qs.count(),
        "page": filters.page,
        "per_page": filters.per_page,
        "results": list(qs.select_related("region", "park")[start : start + filters.per_page]),
    }


@router.get("/organisations/{org_id}", response=OrganisationDetailOut, summary="机构详情")
def get_organisation(request: HttpRequest, org_id: int) -> dict[str, Any]:
    return _detail(request, queries.access_organisation(request.user, org_id))


def _resolve_regions(request: HttpRequest, payload: dict[str, Any]) -> None:
    regions = {
        r.code: r
        for r in Region.objects.filter(code__in=[payload.get("region"), payload.get("park")])
    }
    from yiqiao.core.scope import user_scope

    scope = user_scope(request.user)
    for key in ("region", "park"):
        code = payload.get(key)
        if code is None:
            continue
        region = regions.get(code)
        # The region may be anywhere in China (shared reference data; the service keeps an
        # outside region to organisations the user's unit maintains); the park is one of ours.
        in_scope = region is not None and (scope.everything or region.pk in scope.region_ids)
        if region is None or (key == "park" and not in_scope):
            raise HttpError(422, f"{key}: 区域“{code}”不存在或不在您的管辖范围内")
        payload[key] = region


def _validation(exc: ValidationError) -> HttpError:
    if hasattr(exc, "error_dict"):
        text = "；".join(
            f"{k}: {'、'.join(m.messages[0] for m in v)}" for k, v in exc.error_dict.items()
        )
    else:
        text = "；".join(exc.messages)
    return HttpError(422, text)


@router.post("/organisations", response={201: OrganisationDetailOut}, summary="新增机构")
def create_organisation(request: SignedInRequest, payload: OrganisationIn) -> Any:
    if not request.user.can_edit_register:
        raise HttpError(403, "当前角色无权修改名录")
    data = payload.dict()
    _resolve_regions(request, data)
    try:
        org = services.organisation_create(data=data, by=request.user)
    except ValidationError as exc:
        raise _validation(exc) from exc
    return Status(201, _detail(request, org))


@router.patch("/organisations/{org_id}", response=OrganisationDetailOut, summary="修改机构")
def update_organisation(
    request: SignedInRequest, org_id: int, payload: OrganisationPatch
) -> dict[str, Any]:
    org = queries.access_organisation(request.user, org_id)
    if not request.user.can_edit_register:
        raise HttpError(403, "当前角色无权修改名录")
    data = patch_data(payload, Organisation)
    row_version = data.pop("row_version")
    try:
        org = services.organisation_update(
            organisation=org, data=data, by=request.user, row_version=row_version
        )
    except services.StaleEditError as exc:
        raise HttpError(409, "；".join(exc.messages)) from exc
    except ValidationError as exc:
        raise _validation(exc) from exc
    return _detail(request, org)


@router.get("/regions", response=RegionPage, summary="区域（分页，可按上级和关键词筛选）")
def list_regions(request: HttpRequest, filters: Query[RegionFilterIn]) -> dict[str, Any]:
    qs = Region.objects.select_related("parent").order_by("path")
    parent_code = filters.parent.strip()
    if parent_code:
        parent = Region.objects.filter(code=parent_code).first()
        if parent is None:
            raise HttpError(400, f"未知的上级区域编码：{parent_code[:40]}")
        qs = qs.filter(parent=parent)
    kind = filters.kind.strip()
    if kind:
        if kind not in Region.Kind.values:
            raise HttpError(400, f"未知的区域类型：{kind[:20]}")
        qs = qs.filter(kind=kind)
    q = filters.q.strip()[:80]
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(division_code__startswith=q))
    start = (filters.page - 1) * filters.per_page
    return {
        "count": qs.count(),
        "page": filters.page,
        "per_page": filters.per_page,
        "results": list(qs[start : start + filters.per_page]),
    }


@router.get("/chain-nodes", response=list[ChainNodeOut], summary="产业链节点")
def list_chain_nodes(request: HttpRequest) -> Any:
    return ChainNode.objects.select_related("parent").order_by("position", "code")
