"""Importing organisations and spaces from spreadsheets (with the framework of core.imports).

Upsert keys: organisations
by uscc, else by normalised name; spaces by park and normalised name. Re-importing the same
file therefore finds every row unchanged and writes nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import Any

from django.db.models import Count, Model, Q, QuerySet

from yiqiao.accounts.models import User
from yiqiao.core.access import VIEW
from yiqiao.core.audit import snapshot
from yiqiao.core.imports import (
    Column,
    Importer,
    Plan,
    RowOutcome,
    RowValues,
    choice_value,
    chunks,
    import_apply,
    import_audit_event,
    import_plan,
    register_importer,
    template_rows,
)
from yiqiao.core.models import AuditEvent
from yiqiao.core.scope import user_scope
from yiqiao.core.tabular import (
    parse_bool,
    parse_date,
    parse_decimal,
    parse_int,
    split_list,
)
from yiqiao.core.text import name_normalise
from yiqiao.core.uscc import uscc_normalise, uscc_problem

from ..models import ChainBits, ChainNode, Organisation, Region, Space

__all__ = [
    "OrganisationImporter",
    "Plan",
    "RegionScopedImporter",
    "SpaceImporter",
    "import_apply",
    "import_plan",
    "template_rows",
]

WAN = Decimal(10_000)
Progress = Callable[[int], None]


class RegionScopedImporter(Importer):
    """An importer whose rows name regions: only the regions of the user's scope are found."""

    def __init__(self, user: User) -> None:
        super().__init__(user)
        self.regions = list(Region.objects.restrict(user, VIEW).filter(_in_scope(user)))
        self.region_by_code = {r.code: r for r in self.regions}
        self.regions_by_name: dict[str, list[Region]] = {}
        for r in self.regions:
            self.regions_by_name.setdefault(r.name, []).append(r)

    def region(self, text: str, label: str, *, parks_only: bool = False) -> Region | None:
        if not text:
            return None
        region = self.region_by_code.get(text)
        if region is None:
            matches = self.regions_by_name.get(text, [])
            if len(matches) > 1:
                raise ValueError(f"{label}“{text}”有多个同名区域，请填写区域编码")
            region = matches[0] if matches else None
        if region is None:
            raise ValueError(f"{label}“{text}”不存在或不在您的管辖范围内")
        if parks_only and region.kind not in {Region.Kind.ZONE, Region.Kind.PARK}:
            raise ValueError(f"{label}“{text}”不是园区或功能区")
        return region


def _in_scope(user: User) -> Q:
    """Regions a user may file records under: the unit's subtree (everything for superusers)."""
    scope = user_scope(user)
    return Q() if scope.everything else Q(id__in=scope.region_ids)


class OrganisationImporter(RegionScopedImporter):
    target = "organisations"
    label = "机构"
    title = "机构导入模板"
    model = Organisation
    fk_fields = {"region", "park"}
    columns = [
        Column("名称", "name", True, "锦城示例生物医药有限公司"),
        Column("类型", "kind", False, "企业"),
        Column("统一社会信用代码", "uscc", False, ""),
        Column("注册区域", "region", True, ""),
        Column("所在园区", "park", False, ""),
        Column("成立日期", "founded_on", False, "2019-06-18"),
        Column("注册资本（万元）", "registered_capital_yuan", False, "1000"),
        Column("上年营收（万元）", "revenue_yuan", False, "3500"),
        Column("上年研发投入（万元）", "rd_spend_yuan", False, "620"),
        Column("员工人数", "headcount", False, "85"),
        Column("资质", "qualifications", False, "高新技术企业、专精特新"),
        Column("上市板块", "listed_market", False, ""),
        Column("股票代码", "ticker", False, ""),
        Column("产业链节点", "chain_nodes", False, "化学创新药"),
        Column("发展阶段", "lifecycle_stage", False, "成长期"),
        Column("简称/别名", "aliases", False, "锦城示例"),
        Column("主要产品", "products", False, ""),
        Column("简介", "description", False, ""),
    ]
    QUALIFICATIONS = {
        "高新技术企业": "is_high_tech",
        "高新": "is_high_tech",
        "专精特新": "is_specialised",
        "专精特新小巨人": "is_little_giant",
        "小巨人": "is_little_giant",
        "上市企业": "is_listed",
        "上市": "is_listed",
        "拟上市": "is_pre_ipo",
        "pre-ipo": "is_pre_ipo",
        "链主": "is_chain_leader",
        "链主企业": "is_chain_leader",
    }

    def __init__(self, user: User) -> None:
        super().__init__(user)
        from yiqiao.chain.engine.tree import ChainTree

        nodes = list(ChainNode.objects.all())
        by_code = {n.code: n for n in nodes}
        # Codes of the register's first tree still import, onto the nodes that replaced them.
        legacy = {
            old: by_code[new] for old, new in ChainTree.bundled().legacy.items() if new in by_code
        }
        self.chain_by_key = legacy | {n.name: n for n in nodes} | by_code
        self.all_regions: list[Region] | None = None
        self.all_by_code: dict[str, Region] = {}
        self.all_by_name: dict[str, list[Region]] = {}

    def place(self, text: str) -> Region | None:
        """The registered region: any province, city or county of China (an outside investor
        sits where it is), by code, by name, or as the export writes an ambiguous name,
        "鼓楼区（320106）"; a name shared by several regions prefers the one in the user's scope."""
        text = text.strip()
        if not text:
            return None
        if self.all_regions is None:
            self.all_regions = list(Region.objects.restrict(self.user, VIEW))
            self.all_by_code = {r.code: r for r in self.all_regions} | {
                r.division_code: r for r in self.all_regions if r.division_code
            }
            for r in self.all_regions:
                self.all_by_name.setdefault(r.name, []).append(r)
        match = REGION_WITH_CODE.fullmatch(text)
        if match:
            region = self.all_by_code.get(match.group(2))
            if region is not None and region.name == match.group(1):
                return region
        region = self.all_by_code.get(text)
        if region is not None:
            return region
        matches = self.all_by_name.get(text, [])
        mine = [r for r in matches if r in self.regions]
        if len(mine) == 1 or len(matches) == 1:
            return (mine or matches)[0]
        if matches:
            raise ValueError(f"注册区域“{text}”有多个同名区域，请写作“{text}（行政区划代码）”")
        raise ValueError(f"注册区域“{text}”不存在")

    def parse_row(self, values: dict[str, str], errors: list[str]) -> dict[str, object]:
        row = RowValues(errors)
        data, attempt = row.data, row.attempt

        name = values.get("name", "").strip()
        if not name:
            errors.append("名称不能为空")
        elif len(name) > 120:
            errors.append("名称超过120个字符")
        data["name"] = name
        attempt(
            "kind",
            lambda: (
                choice_value(values.get("kind", ""), Organisation.Kind.choices, "类型")
                or Organisation.Kind.ENTERPRISE
            ),
        )
        raw_uscc = values.get("uscc", "")
        if raw_uscc:
            code = uscc_normalise(raw_uscc)
            problem = uscc_problem(code)
            if problem:
                errors.append(f"统一社会信用代码“{raw_uscc}”无效：{problem.message}")
            data["uscc"] = code
        else:
            data["uscc"] = None
        attempt("region", lambda: self.place(values.get("region", "")))
        if "region" in data and data["region"] is None:
            errors.append("注册区域不能为空")
        attempt("park", lambda: self.region(values.get("park", ""), "所在园区", parks_only=True))
        attempt("founded_on", lambda: parse_date(values.get("founded_on", ""), label="成立日期"))
        for key, label in (
            ("registered_capital_yuan", "注册资本"),
            ("revenue_yuan", "上年营收"),
            ("rd_spend_yuan", "上年研发投入"),
        ):
            try:
                data[key] = parse_decimal(values.get(key, ""), scale=WAN, label=label)
            except ValueError as exc:
                errors.append(str(exc))
        attempt("headcount", lambda: parse_int(values.get("headcount", ""), label="员工人数"))
        for label in split_list(values.get("qualifications", "")):
            flag = self.QUALIFICATIONS.get(label.replace("“", "").replace("”", "").lower())
            if flag is None:
                errors.append(f"资质“{label}”无法识别")
            else:
                data[flag] = True
        data["listed_market"] = values.get("listed_market", "")[:40]
        data["ticker"] = values.get("ticker", "")[:20]
        if data.get("is_listed") and not data["listed_market"]:
            errors.append("上市企业请填写上市板块")
        nodes = []
        for key in split_list(values.get("chain_nodes", "")):
            node = self.chain_by_key.get(key)
            if node is None:
                errors.append(f"产业链节点“{key}”不存在")
            else:
                nodes.append(node)
        data["chain_nodes"] = nodes
        attempt(
            "lifecycle_stage",
            lambda: choice_value(
                values.get("lifecycle_stage", ""), Organisation.Stage.choices, "发展阶段"
            ),
        )
        data["aliases"] = [a for a in split_list(values.get("aliases", "")) if a != name]
        data["products"] = values.get("products", "")
        data["description"] = values.get("description", "")
        return data

    def file_key(self, data: Mapping[str, object]) -> list[str]:
        keys = ["n:" + name_normalise(str(data.get("name", "")))]
        if data.get("uscc"):
            keys.append("u:" + str(data["uscc"]))
        return keys

    def resolve_existing(self, outcomes: list[RowOutcome]) -> None:
        valid = [o for o in outcomes if not o.errors]
        codes = [o.data["uscc"] for o in valid if o.data.get("uscc")]
        names = [name_normalise(o.data["name"]) for o in valid]
        by_uscc: dict[str, Organisation] = {}
        by_name: dict[str, list[Organisation]] = {}
        base = Organisation.objects.prefetch_related("chain_nodes")
        for chunk in chunks(codes):
            for org in base.filter(uscc__in=chunk):
                by_uscc[org.uscc or ""] = org
        for chunk in chunks(names):
            for org in base.filter(name_normalised__in=chunk, is_active=True):
                by_name.setdefault(org.name_normalised, []).append(org)
        scope = user_scope(self.user)
        for o in valid:
            code = o.data.get("uscc")
            existing = by_uscc.get(code) if code else None
            if existing is None:
                candidates = by_name.get(name_normalise(o.data["name"]), [])
                if code:
                    # A name match that carries a different code is a different legal entity.
                    candidates = [c for c in candidates if not c.uscc]
                if len(candidates) > 1:
                    o.errors.append("名称与多个已有机构相同，请填写统一社会信用代码以区分")
                    continue
                existing = candidates[0] if candidates else None
            if existing is None:
                o.action = "create"
                continue
            if not scope.everything and not (
                existing.region_id in scope.region_ids
                or existing.park_id in scope.region_ids
                or existing.owner_unit_id == scope.unit_id
            ):
                o.errors.append("该机构已由其他单元维护，无权通过导入修改")
                continue
            if not existing.is_active:
                o.errors.append(f"该机构已合并至其他记录（#{existing.merged_into_id}）")
                continue
            region = o.data.get("region")
            if (
                region is not None
                and not scope.everything
                and region.pk not in scope.region_ids
                and existing.owner_unit_id != scope.unit_id
            ):
                o.errors.append(
                    "该区域不在本单位辖区内；只有本单位维护的机构可以登记在辖区外的区域"
                )
                continue
            o.existing_id = int(existing.pk)
            o.changes = self.diff(existing, o.data)
            o.action = "update" if o.changes else "unchanged"

    def write(self, outcomes: list[RowOutcome], progress: Progress | None) -> None:
        user = self.user
        unit_id = getattr(user, "org_unit_id", None)
        creates = [o for o in outcomes if o.action == "create"]
        updates = [o for o in outcomes if o.action == "update"]
        done = 0
        audit: list[AuditEvent] = []
        through = Organisation.chain_nodes.through
        bits = ChainBits()
        for batch in chunks(creates, 1000):
            orgs = []
            for o in batch:
                data = {k: v for k, v in o.data.items() if k != "chain_nodes"}
                org = Organisation(owner_unit_id=unit_id, **data)
                org.chain_mask = bits.mask(n.pk for n in o.data["chain_nodes"])
                org.refresh_derived()
                orgs.append(org)
            Organisation.objects.bulk_create(orgs)
            links = []
            for o, org in zip(batch, orgs, strict=True):
                links += [
                    through(organisation_id=org.pk, chainnode_id=n.pk)
                    for n in o.data["chain_nodes"]
                ]
                audit.append(
                    import_audit_event(user, AuditEvent.Action.IMPORT, org, None, snapshot(org))
                )
            through.objects.bulk_create(links)
            done += len(batch)
            if progress:
                progress(done)
        for o in updates:
            org = Organisation.objects.get(pk=o.existing_id or 0)
            before = snapshot(org)
            for key, (_old, new) in o.changes.items():
                if key == "chain_nodes":
                    nodes = list(ChainNode.objects.filter(code__in=new))
                    org.chain_nodes.set(nodes)
                    org.chain_mask = bits.mask(n.pk for n in nodes)
                elif key in self.fk_fields:
                    setattr(org, key + "_id", new)
                else:
                    setattr(org, key, new)
            org.row_version += 1
            org.save()
            audit.append(
                import_audit_event(user, AuditEvent.Action.IMPORT, org, before, snapshot(org))
            )
            done += 1
            if progress and done % 200 == 0:
                progress(done)
        AuditEvent.objects.bulk_create(audit, batch_size=1000)


#: "鼓楼区（320106）": a region name with its code, as the export writes an ambiguous name.
REGION_WITH_CODE = re.compile(r"(.+?)[（(]([0-9A-Za-z.]+)[)）]")
#: The label the export writes for each qualification (the importer reads it back).
QUALIFICATION_LABELS = {
    "is_high_tech": "高新技术企业",
    "is_specialised": "专精特新",
    "is_little_giant": "专精特新小巨人",
    "is_listed": "上市企业",
    "is_pre_ipo": "拟上市",
    "is_chain_leader": "链主企业",
}


def organisation_export(
    organisations: QuerySet[Organisation], *, confidential: bool, limit: int
) -> tuple[list[str], Iterator[list[object]]]:
    """Headers and rows of the register's export: the import template's columns in its order
    (after the record's 编号), written as the importer reads them, so an exported file imported
    again changes nothing (a round trip). Internal notes only for those who may read them."""
    headers = ["编号", *[c.header for c in OrganisationImporter.columns]]
    if confidential:
        headers.append("内部备注")
    shared_names = set(
        Region.objects.values("name")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("name", flat=True)
    )
    node_names = Counter(ChainNode.objects.values_list("name", flat=True))

    def place(region: Region | None) -> str:
        if region is None:
            return ""
        if region.name in shared_names:
            return f"{region.name}（{region.division_code or region.code}）"
        return region.name

    def wan(value: Decimal | None) -> Decimal | None:
        return None if value is None else (value / WAN).normalize()

    def rows() -> Iterator[list[Any]]:
        qs = organisations.select_related("region", "park").prefetch_related("chain_nodes")
        for org in qs[:limit].iterator(chunk_size=2000):
            row = [
                org.pk,
                org.name,
                org.get_kind_display(),
                org.uscc or "",
                place(org.region),
                place(org.park),
                org.founded_on.isoformat() if org.founded_on else "",
                wan(org.registered_capital_yuan),
                wan(org.revenue_yuan),
                wan(org.rd_spend_yuan),
                org.headcount,
                "、".join(v for k, v in QUALIFICATION_LABELS.items() if getattr(org, k)),
                org.listed_market,
                org.ticker,
                "、".join(
                    n.name if node_names[n.name] == 1 else n.code for n in org.chain_nodes.all()
                ),
                org.get_lifecycle_stage_display() if org.lifecycle_stage else "",
                "、".join(org.aliases or []),
                org.products,
                org.description,
            ]
            if confidential:
                row.append(org.notes)
            yield row

    return headers, rows()


class SpaceImporter(RegionScopedImporter):
    target = "spaces"
    label = "载体"
    title = "载体导入模板"
    model = Space
    fk_fields = {"park", "owner"}
    columns = [
        Column("名称", "name", True, "示例园区3号楼5层"),
        Column("类型", "kind", True, "楼宇/办公"),
        Column("所在园区", "park", True, ""),
        Column("地址", "address"),
        Column("总面积（㎡）", "total_area_m2", True, "1200"),
        Column("可用面积（㎡）", "available_area_m2", True, "800"),
        Column("租金（元/㎡·月）", "rent_yuan_per_m2_month", False, "65"),
        Column("GMP等级", "gmp_grade"),
        Column("洁净等级", "cleanroom_class"),
        Column("楼面荷载（kg/㎡）", "floor_load_kg_m2"),
        Column("产权/运营方", "owner"),
        Column("可招商", "is_available", False, "是"),
        Column("说明", "description"),
    ]

    def parse_row(self, values: dict[str, str], errors: list[str]) -> dict[str, object]:
        row = RowValues(errors)
        data, attempt = row.data, row.attempt

        name = values.get("name", "").strip()
        if not name:
            errors.append("名称不能为空")
        data["name"] = name[:120]
        attempt("kind", lambda: choice_value(values.get("kind", ""), Space.Kind.choices, "类型"))
        if not data.get("kind") and "类型" not in " ".join(errors):
            errors.append("类型不能为空")
        attempt("park", lambda: self.region(values.get("park", ""), "所在园区"))
        if "park" in data and data["park"] is None:
            errors.append("所在园区不能为空")
        data["address"] = values.get("address", "")[:200]
        attempt(
            "total_area_m2", lambda: parse_decimal(values.get("total_area_m2", ""), label="总面积")
        )
        attempt(
            "available_area_m2",
            lambda: parse_decimal(values.get("available_area_m2", ""), label="可用面积"),
        )
        for key in ("total_area_m2", "available_area_m2"):
            if key in data and data[key] is None:
                errors.append(("总面积" if key == "total_area_m2" else "可用面积") + "不能为空")
        total, available = data.get("total_area_m2"), data.get("available_area_m2")
        if total is not None and available is not None and available > total:
            errors.append("可用面积不能大于总面积")
        attempt(
            "rent_yuan_per_m2_month",
            lambda: parse_decimal(values.get("rent_yuan_per_m2_month", ""), label="租金"),
        )
        data["gmp_grade"] = values.get("gmp_grade", "")[:20]
        data["cleanroom_class"] = values.get("cleanroom_class", "")[:20]
        attempt(
            "floor_load_kg_m2",
            lambda: parse_int(values.get("floor_load_kg_m2", ""), label="楼面荷载"),
        )
        owner_text = values.get("owner", "")
        if owner_text:
            code = uscc_normalise(owner_text)
            owners = list(
                Organisation.objects.filter(uscc=code)
                if len(code) == 18
                else Organisation.objects.filter(
                    name_normalised=name_normalise(owner_text), is_active=True
                )[:2]
            )
            if len(owners) != 1:
                errors.append(f"产权/运营方“{owner_text}”" + ("不唯一" if owners else "不在名录中"))
            else:
                data["owner"] = owners[0]
        attempt("is_available", lambda: parse_bool(values.get("is_available", ""), label="可招商"))
        if data.get("is_available") is None:
            data["is_available"] = True
        data["description"] = values.get("description", "")
        return data

    def file_key(self, data: Mapping[str, object]) -> list[str]:
        park = data.get("park")
        park_id = park.pk if isinstance(park, Model) else ""  # a park of the register, or none
        return [f"{park_id}:{name_normalise(str(data.get('name', '')))}"]

    def resolve_existing(self, outcomes: list[RowOutcome]) -> None:
        valid = [o for o in outcomes if not o.errors]
        existing: dict[tuple[int, str], list[Space]] = {}
        park_ids = {o.data["park"].pk for o in valid}
        for space in Space.objects.filter(park_id__in=park_ids):
            existing.setdefault((space.park_id, name_normalise(space.name)), []).append(space)
        for o in valid:
            matches = existing.get((o.data["park"].pk, name_normalise(o.data["name"])), [])
            if len(matches) > 1:
                o.errors.append("同一园区内有多个同名载体，无法确定更新哪一个")
                continue
            if not matches:
                o.action = "create"
                continue
            o.existing_id = matches[0].pk
            o.changes = self.diff(matches[0], o.data)
            o.action = "update" if o.changes else "unchanged"

    def write(self, outcomes: list[RowOutcome], progress: Progress | None) -> None:
        user = self.user
        unit_id = getattr(user, "org_unit_id", None)
        audit: list[AuditEvent] = []
        done = 0
        creates = [o for o in outcomes if o.action == "create"]
        for batch in chunks(creates, 1000):
            spaces = [Space(owner_unit_id=unit_id, **o.data) for o in batch]
            Space.objects.bulk_create(spaces)
            audit += [
                import_audit_event(user, AuditEvent.Action.IMPORT, s, None, snapshot(s))
                for s in spaces
            ]
            done += len(batch)
            if progress:
                progress(done)
        for o in outcomes:
            if o.action != "update":
                continue
            space = Space.objects.get(pk=o.existing_id or 0)
            before = snapshot(space)
            for key, (_old, new) in o.changes.items():
                setattr(space, key + "_id" if key in self.fk_fields else key, new)
            space.row_version += 1
            space.full_clean()
            space.save()
            audit.append(
                import_audit_event(user, AuditEvent.Action.IMPORT, space, before, snapshot(space))
            )
            done += 1
        AuditEvent.objects.bulk_create(audit, batch_size=1000)


register_importer(OrganisationImporter)
register_importer(SpaceImporter)
