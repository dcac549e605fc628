"""Importing organisations and spaces from spreadsheets: validate every row, then write.

Flow: `import_plan` parses and validates the file and decides per row create / update /
unchanged / error, looking existing records up in batches. `import_apply` recomputes the plan
inside one transaction (so the decision is made on the data as it is at write time) and writes
either all rows (only when none has an error) or only the valid ones. Upsert keys: organisations
by uscc, else by normalised name; spaces by park and normalised name. Re-importing the same
file therefore finds every row unchanged and writes nothing.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

from yiqiao.core.audit import _json_safe, snapshot
from yiqiao.core.models import AuditEvent
from yiqiao.core.scope import user_scope
from yiqiao.core.tabular import (
    ImportFileError,
    Table,
    clean_header,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_int,
    split_list,
)
from yiqiao.core.text import name_normalise
from yiqiao.core.uscc import uscc_normalise, uscc_problem

from .models import ChainNode, Organisation, Region, Space, chain_mask_for

WAN = Decimal(10_000)
Progress = Callable[[int], None]


@dataclass
class Column:
    header: str  # Chinese header in the template
    field: str
    required: bool = False
    example: str = ""
    aliases: tuple[str, ...] = ()


@dataclass
class RowOutcome:
    line: int
    label: str
    action: str = "create"  # create | update | unchanged | error
    errors: list[str] = field(default_factory=list)
    changes: dict[str, list[Any]] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    existing_id: int | None = None

    def as_report(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "label": self.label,
            "action": self.action,
            "errors": self.errors,
            "changes": {k: [_json_safe(v) for v in pair] for k, pair in self.changes.items()},
        }


@dataclass
class Plan:
    outcomes: list[RowOutcome]
    missing_headers: list[str]

    def counts(self) -> dict[str, int]:
        result = {"create": 0, "update": 0, "unchanged": 0, "error": 0}
        for o in self.outcomes:
            result[o.action] += 1
        return result

    @property
    def has_errors(self) -> bool:
        return any(o.action == "error" for o in self.outcomes)


def _choice(text: str, choices: Any, label: str) -> str:
    if not text:
        return ""
    for value, display in choices:
        if text in {value, str(display)} or str(display).startswith(text):
            return str(value)
    raise ValueError(f"{label}“{text}”不在可选范围内")


class Importer(ABC):
    """Shared machinery; subclasses define columns, row parsing, lookup and writing."""

    target = ""
    label = ""  # shown in the upload form's choice list
    title = ""
    columns: list[Column] = []
    model: Any = None

    def __init__(self, user: Any) -> None:
        self.user = user
        scope = user_scope(user)
        regions = (
            Region.objects.all()
            if scope.everything
            else Region.objects.filter(id__in=scope.region_ids)
        )
        self.regions = list(regions)
        self.region_by_code = {r.code: r for r in self.regions}
        self.regions_by_name: dict[str, list[Region]] = {}
        for r in self.regions:
            self.regions_by_name.setdefault(r.name, []).append(r)

    # -- headers
    def map_headers(self, headers: list[str]) -> tuple[dict[str, int], list[str]]:
        index: dict[str, int] = {}
        for col in self.columns:
            names = {clean_header(n) for n in (col.header, col.field, *col.aliases)}
            for i, h in enumerate(headers):
                if h in names:
                    index[col.field] = i
                    break
        missing = [c.header for c in self.columns if c.required and c.field not in index]
        return index, missing

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

    # -- plan
    def plan(self, table: Table, progress: Progress | None = None) -> Plan:
        index, missing = self.map_headers(table.headers)
        if missing:
            return Plan([], missing)
        outcomes: list[RowOutcome] = []
        for n, (line, cells) in enumerate(table.rows, start=1):
            values = {f: (cells[i] if i < len(cells) else "") for f, i in index.items()}
            outcome = RowOutcome(line=line, label=values.get("name", "")[:60])
            try:
                outcome.data = self.parse_row(values, outcome.errors)
            except ValueError as exc:  # pragma: no cover - parse_row collects errors itself
                outcome.errors.append(str(exc))
            outcomes.append(outcome)
            if progress and n % 500 == 0:
                progress(n // 2)
        self.check_duplicates_in_file(outcomes)
        self.resolve_existing(outcomes)
        for o in outcomes:
            if o.errors:
                o.action = "error"
        if progress:
            progress(len(outcomes))
        return Plan(outcomes, [])

    @abstractmethod
    def parse_row(self, values: dict[str, str], errors: list[str]) -> dict[str, Any]:
        """Parse one row's cells into field values, appending Chinese messages to errors."""

    @abstractmethod
    def file_key(self, data: dict[str, Any]) -> list[str]:
        """Keys that must be unique within one file (duplicates are row errors)."""

    def check_duplicates_in_file(self, outcomes: list[RowOutcome]) -> None:
        seen: dict[str, int] = {}
        for o in outcomes:
            if o.errors:
                continue
            for key in self.file_key(o.data):
                if key in seen:
                    o.errors.append(f"与第{seen[key]}行重复")
                    break
            else:
                for key in self.file_key(o.data):
                    seen[key] = o.line

    @abstractmethod
    def resolve_existing(self, outcomes: list[RowOutcome]) -> None:
        """Decide create / update / unchanged per valid row against the database."""

    def diff(self, existing: Any, data: dict[str, Any]) -> dict[str, list[Any]]:
        changes: dict[str, list[Any]] = {}
        for key, value in data.items():
            if value in (None, "", [], set()):
                continue  # an empty cell leaves the stored value as it is
            if key == "chain_nodes":
                old = sorted(n.code for n in existing.chain_nodes.all())
                new = sorted(set(old) | {n.code for n in value})
                if new != old:
                    changes[key] = [old, new]
                continue
            if key == "aliases":
                old_list = list(existing.aliases)
                merged = old_list + [a for a in value if a not in old_list]
                if merged != old_list:
                    changes[key] = [old_list, merged]
                continue
            old_value = getattr(existing, key + "_id" if key in self.fk_fields else key)
            new_value = value.pk if key in self.fk_fields else value
            if isinstance(old_value, Decimal) and isinstance(new_value, Decimal):
                if old_value.compare(new_value) == 0:
                    continue
            elif old_value == new_value:
                continue
            changes[key] = [old_value, new_value]
        return changes

    fk_fields: set[str] = set()

    # -- apply
    @abstractmethod
    def write(self, outcomes: list[RowOutcome], progress: Progress | None) -> None:
        """Write the rows whose action is create or update, with audit events."""


class OrganisationImporter(Importer):
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
        Column("产业链节点", "chain_nodes", False, "创新药"),
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

    def __init__(self, user: Any) -> None:
        super().__init__(user)
        nodes = list(ChainNode.objects.all())
        self.chain_by_key = {n.code: n for n in nodes} | {n.name: n for n in nodes}

    def parse_row(self, values: dict[str, str], errors: list[str]) -> dict[str, Any]:
        data: dict[str, Any] = {}

        def attempt(key: str, fn: Callable[[], Any]) -> None:
            try:
                data[key] = fn()
            except ValueError as exc:
                errors.append(str(exc))

        name = values.get("name", "").strip()
        if not name:
            errors.append("名称不能为空")
        elif len(name) > 120:
            errors.append("名称超过120个字符")
        data["name"] = name
        attempt(
            "kind",
            lambda: (
                _choice(values.get("kind", ""), Organisation.Kind.choices, "类型")
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
        attempt("region", lambda: self.region(values.get("region", ""), "注册区域"))
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
            lambda: _choice(
                values.get("lifecycle_stage", ""), Organisation.Stage.choices, "发展阶段"
            ),
        )
        data["aliases"] = [a for a in split_list(values.get("aliases", "")) if a != name]
        data["products"] = values.get("products", "")
        data["description"] = values.get("description", "")
        return data

    def file_key(self, data: dict[str, Any]) -> list[str]:
        keys = ["n:" + name_normalise(data.get("name", ""))]
        if data.get("uscc"):
            keys.append("u:" + data["uscc"])
        return keys

    def resolve_existing(self, outcomes: list[RowOutcome]) -> None:
        valid = [o for o in outcomes if not o.errors]
        codes = [o.data["uscc"] for o in valid if o.data.get("uscc")]
        names = [name_normalise(o.data["name"]) for o in valid]
        by_uscc: dict[str, Organisation] = {}
        by_name: dict[str, list[Organisation]] = {}
        base = Organisation.objects.prefetch_related("chain_nodes")
        for chunk in _chunks(codes):
            for org in base.filter(uscc__in=chunk):
                by_uscc[org.uscc or ""] = org
        for chunk in _chunks(names):
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
        for batch in _chunks(creates, 1000):
            orgs = []
            for o in batch:
                data = {k: v for k, v in o.data.items() if k != "chain_nodes"}
                org = Organisation(owner_unit_id=unit_id, **data)
                org.chain_mask = chain_mask_for(o.data["chain_nodes"])
                org.refresh_derived()
                orgs.append(org)
            Organisation.objects.bulk_create(orgs)
            links = []
            for o, org in zip(batch, orgs, strict=True):
                links += [
                    through(organisation_id=org.pk, chainnode_id=n.pk)
                    for n in o.data["chain_nodes"]
                ]
                audit.append(_audit(user, AuditEvent.Action.IMPORT, org, None, snapshot(org)))
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
                    org.chain_mask = chain_mask_for(nodes)
                elif key in self.fk_fields:
                    setattr(org, key + "_id", new)
                else:
                    setattr(org, key, new)
            org.row_version += 1
            org.save()
            audit.append(_audit(user, AuditEvent.Action.IMPORT, org, before, snapshot(org)))
            done += 1
            if progress and done % 200 == 0:
                progress(done)
        AuditEvent.objects.bulk_create(audit, batch_size=1000)


class SpaceImporter(Importer):
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

    def parse_row(self, values: dict[str, str], errors: list[str]) -> dict[str, Any]:
        data: dict[str, Any] = {}

        def attempt(key: str, fn: Callable[[], Any]) -> None:
            try:
                data[key] = fn()
            except ValueError as exc:
                errors.append(str(exc))

        name = values.get("name", "").strip()
        if not name:
            errors.append("名称不能为空")
        data["name"] = name[:120]
        attempt("kind", lambda: _choice(values.get("kind", ""), Space.Kind.choices, "类型"))
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

    def file_key(self, data: dict[str, Any]) -> list[str]:
        park = data.get("park")
        return [f"{park.pk if park else ''}:{name_normalise(data.get('name', ''))}"]

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
        for batch in _chunks(creates, 1000):
            spaces = [Space(owner_unit_id=unit_id, **o.data) for o in batch]
            Space.objects.bulk_create(spaces)
            audit += [_audit(user, AuditEvent.Action.IMPORT, s, None, snapshot(s)) for s in spaces]
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
            audit.append(_audit(user, AuditEvent.Action.IMPORT, space, before, snapshot(space)))
            done += 1
        AuditEvent.objects.bulk_create(audit, batch_size=1000)


IMPORTERS: dict[str, type[Importer]] = {
    OrganisationImporter.target: OrganisationImporter,
    SpaceImporter.target: SpaceImporter,
}


def _chunks(items: list[Any], size: int = 2000) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _audit(user: Any, action: str, instance: Any, before: Any, after: Any) -> AuditEvent:
    return AuditEvent(
        actor=user if getattr(user, "pk", None) else None,
        action=action,
        model=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        before=before,
        after=after,
        note="批量导入",
    )


def import_plan(*, target: str, table: Table, user: Any, progress: Progress | None = None) -> Plan:
    """Validate a parsed table for `target` and decide what each row would do."""
    importer_cls = IMPORTERS.get(target)
    if importer_cls is None:
        raise ImportFileError(f"未知的导入对象：{target}")
    return importer_cls(user).plan(table, progress)


@transaction.atomic
def import_apply(
    *, target: str, table: Table, user: Any, mode: str, progress: Progress | None = None
) -> Plan:
    """Write the rows. mode "all": nothing is written unless every row is valid."""
    if not getattr(user, "can_edit_register", False):
        raise ImportFileError("当前角色无权导入名录")
    importer = IMPORTERS[target](user)
    plan = importer.plan(table)
    if plan.missing_headers:
        raise ImportFileError("缺少必填列：" + "、".join(plan.missing_headers))
    if mode == "all" and plan.has_errors:
        return plan
    importer.write(plan.outcomes, progress)
    return plan


def template_rows(target: str) -> tuple[list[str], list[str]]:
    columns = IMPORTERS[target].columns
    return [c.header + ("*" if c.required else "") for c in columns], [c.example for c in columns]
