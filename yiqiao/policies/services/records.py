"""Writes of list-valued enterprise facts (certificates, drug approvals, trial milestones,
products): one audited record at a time, or a checked import file per list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from yiqiao.accounts.models import User
from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.imports import Column, Progress, RowOutcome, chunks, import_audit_event
from yiqiao.core.models import AuditEvent
from yiqiao.core.values import FieldValues
from yiqiao.registry.models import Organisation
from yiqiao.registry.services.imports import RegionScopedImporter

from .. import engine
from ..engine.fields import AWARDS_RECEIVED, FieldSpec
from ..engine.profile_values import coerce_item
from ..models import OrganisationRecord
from ..profiles import fact_to_json, field_dictionary


def list_spec(field: str) -> FieldSpec:
    """The list field ``field`` of the dictionary (awards received are kept as awards)."""
    spec = field_dictionary().get(field)
    if spec is None or spec.type != "list" or spec.name == AWARDS_RECEIVED:
        raise ValidationError({"field": f"未知的记录类型：{field}"})
    return spec


def record_data(spec: FieldSpec, raw: FieldValues) -> dict[str, object]:
    """A record's fields checked against the dictionary, in stored (JSON) form."""
    try:
        item = coerce_item(spec, raw, 0)
    except engine.ProfileError as exc:
        raise ValidationError({"data": str(exc).replace("第 1 条", "")}) from exc
    assert spec.items is not None
    return {name: fact_to_json(spec.items[name], value) for name, value in item.items()}


@transaction.atomic
def organisation_record_add(
    *,
    organisation: Organisation,
    field: str,
    data: FieldValues,
    recorded_on: dt.date,
    by: User | None,
    source: str = "",
) -> OrganisationRecord:
    """Record one certificate / approval / trial milestone / product of an organisation; the
    record is checked against the dictionary (a required field such as the date must be there).
    Audited."""
    spec = list_spec(field)
    record = OrganisationRecord.objects.create(
        organisation=organisation,
        field=field,
        data=record_data(spec, data),
        recorded_on=recorded_on,
        source=source[:120],
        entered_by=by if getattr(by, "pk", None) else None,
    )
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE,
        instance=record,
        after=snapshot(record),
        note=f"{organisation} · {spec.label}",
    )
    return record


@transaction.atomic
def organisation_record_remove(*, record: OrganisationRecord, by: User | None) -> None:
    """Delete one record (audited with what it held)."""
    before = snapshot(record)
    audit_record(
        actor=by,
        action=AuditEvent.Action.DELETE,
        instance=record,
        before=before,
        note=f"删除 {record.field} 记录",
    )
    record.delete()


def _record_columns(spec: FieldSpec) -> list[Column]:
    assert spec.items is not None
    columns = [
        Column("机构名称或统一社会信用代码", "organisation", True, "桐华示例药业有限公司"),
        Column("登记日期", "recorded_on", False, "2025-01-10"),
    ]
    for name, item in spec.items.items():
        example = {"date": "2024-03-01", "bool": "是", "enum": next(iter(item.values), "")}
        columns.append(
            Column(item.label, name, item.required, example.get(item.type, ""), aliases=(name,))
        )
    return columns


class RecordImporter(RegionScopedImporter):
    """Import the records of one list field: a row per record, the record's fields as columns
    (headers are the dictionary's labels or names); codes may be written as their labels."""

    list_field = ""
    model = OrganisationRecord

    def __init__(self, user: User) -> None:
        super().__init__(user)
        self.spec = list_spec(self.list_field)

    def parse_row(self, values: dict[str, str], errors: list[str]) -> dict[str, object]:
        from ..engine.profile_values import lenient_profile

        organisation = organisation_by_key(
            self.user, values.get("organisation", "").strip(), errors
        )
        raw = {name: values.get(name, "").strip() or None for name in (self.spec.items or {})}
        profile, problems = lenient_profile(field_dictionary(), {self.spec.name: [raw]})
        data: dict[str, Any] = {}
        if problems:
            errors.extend(p.replace("：按缺少数据处理", "") for p in problems)
        else:
            assert self.spec.items is not None
            item = profile[self.spec.name][0]  # type: ignore[index]
            data = {n: fact_to_json(self.spec.items[n], v) for n, v in item.items()}
        recorded = engine.values.parse_date(values.get("recorded_on", "").strip() or None)
        if values.get("recorded_on", "").strip() and recorded is None:
            errors.append(f"登记日期“{values['recorded_on']}”应为日期（如 2025-01-10）")
        return {"organisation": organisation, "data": data, "recorded_on": recorded}

    def file_key(self, data: Mapping[str, object]) -> list[str]:
        organisation = data.get("organisation")
        fields = cast("dict[str, Any]", data.get("data", {}))  # parse_row's checked record
        return [f"{getattr(organisation, 'pk', '')}:{sorted(fields.items())}"]

    def resolve_existing(self, outcomes: list[RowOutcome]) -> None:
        for outcome in outcomes:
            if outcome.errors:
                continue
            organisation = outcome.data["organisation"]
            exists = OrganisationRecord.objects.filter(
                organisation=organisation, field=self.spec.name, data=outcome.data["data"]
            ).exists()
            outcome.action = "unchanged" if exists else "create"

    def write(self, outcomes: list[RowOutcome], progress: Progress | None) -> None:
        today = timezone.localdate()
        rows = [o for o in outcomes if o.action == "create"]
        for part in chunks(rows):
            created = OrganisationRecord.objects.bulk_create(
                [
                    OrganisationRecord(
                        organisation=o.data["organisation"],
                        field=self.spec.name,
                        data=o.data["data"],
                        recorded_on=o.data["recorded_on"] or today,
                        source="导入",
                        entered_by=self.user if getattr(self.user, "pk", None) else None,
                    )
                    for o in part
                ]
            )
            AuditEvent.objects.bulk_create(
                [
                    import_audit_event(self.user, AuditEvent.Action.CREATE, r, None, snapshot(r))
                    for r in created
                ]
            )


def organisation_by_key(user: User, text: str, errors: list[str]) -> Organisation | None:
    """An organisation the user may change, by USCC or exact name (one match, else an
    error; an organisation outside the user's scope reads as not found)."""
    from yiqiao.core.access import CHANGE
    from yiqiao.core.text import name_normalise
    from yiqiao.core.uscc import uscc_normalise

    if not text:
        errors.append("机构不能为空")
        return None
    visible = Organisation.objects.restrict(user, CHANGE)
    code = uscc_normalise(text)
    if len(code) == 18 and code.isalnum():
        matches = list(visible.filter(uscc=code)[:2])
    else:
        matches = list(visible.filter(name_normalised=name_normalise(text), is_active=True)[:2])
    if not matches:
        errors.append(f"机构“{text}”不在名录中，请先登记或填写统一社会信用代码")
        return None
    if len(matches) > 1:
        errors.append(f"机构“{text}”在名录中有多个同名机构，请改填统一社会信用代码")
        return None
    return matches[0]


def record_importers() -> list[type[RecordImporter]]:
    """One importer per list field of the dictionary (``policy_records:certificates``...)."""
    out = []
    for name, spec in field_dictionary().fields.items():
        if spec.type != "list" or name == AWARDS_RECEIVED:
            continue
        cls = type(
            f"{name.title().replace('_', '')}RecordImporter",
            (RecordImporter,),
            {
                "list_field": name,
                "target": f"policy_records:{name}",
                "label": f"企业数据记录：{spec.label}",
                "title": f"{spec.label}导入模板",
                "columns": _record_columns(spec),
            },
        )
        out.append(cls)
    return out
