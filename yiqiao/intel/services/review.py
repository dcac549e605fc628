"""Review of extracted facts by an officer (writes).

fact_review(*, fact, action, by, data=None, row_version=None) -> ExtractedFact
    Confirm, correct or reject one fact. A stale `row_version` raises StaleEditError;
    an illegal step (repeating a state, correcting an event, reviewing an article not yet
    extracted) raises ReviewRefused with a Chinese message. Confirmed or corrected
    organisation names become ConfirmedName rows and enter the engine's dictionary;
    reviewing a signing or an event re-derives the article's lead suggestions.
fact_add_to_register(*, fact, by) -> Organisation
    Add an organisation the register does not know, through registry's
    `organisation_create`, and link the fact (and open suggestions naming it) to it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from yiqiao.accounts.models import User
from yiqiao.core.models import AuditEvent
from yiqiao.core.transitions import StaleEditError, versioned_change
from yiqiao.core.values import FieldValues
from yiqiao.registry.models import Organisation
from yiqiao.registry.services import organisation_create

from .. import engine, queries
from ..models import Article, ConfirmedName, ExtractedFact, LeadSuggestion
from .articles import ENGINE_KINDS, link_fields, party_links, register_entries

__all__ = ["ReviewRefused", "StaleEditError", "fact_add_to_register", "fact_review"]


class ReviewRefused(ValidationError):
    """An illegal review step (wrong state, wrong kind, missing correction)."""


REVIEW_ACTIONS = {"confirm", "correct", "reject"}
_TARGET = {
    "confirm": ExtractedFact.Status.CONFIRMED,
    "correct": ExtractedFact.Status.CORRECTED,
    "reject": ExtractedFact.Status.REJECTED,
}


def _correct(fact: ExtractedFact, data: FieldValues, by: User) -> None:
    payload = dict(fact.payload)
    K = ExtractedFact.Kind
    if fact.kind == K.ORGANISATION:
        name = str(data.get("name", "")).strip()
        if len(name) < 2:
            raise ReviewRefused("请填写更正后的机构名称（至少 2 个字）")
        payload.setdefault("original", payload.get("name"))
        payload["name"] = name
        fact.label = name[:300]
        result = engine.link_organisations([name], register_entries(by))[0]
        for key, value in link_fields(result).items():
            setattr(fact, key, value)
    elif fact.kind == K.SIGNING:
        parties = [p.strip() for p in str(data.get("parties", "")).replace(",", "、").split("、")]
        parties = [p for p in parties if p]
        if not parties:
            raise ReviewRefused("请填写签约方（多个签约方用“、”分隔）")
        payload.setdefault("original", {k: payload.get(k) for k in ("parties", "amount_yuan")})
        payload["parties"] = parties
        results = engine.link_organisations(parties, register_entries(by))
        payload["party_links"] = party_links(parties, {r.mention: r for r in results})
        if "amount_yuan" in data:
            payload["amount_yuan"] = _amount(data.get("amount_yuan"))
        fact.label = "、".join(parties)[:300]
    elif fact.kind == K.MONEY:
        amount = _amount(data.get("amount_yuan"))
        if amount is None:
            raise ReviewRefused("请填写更正后的金额（元）")
        payload.setdefault("original", payload.get("amount"))
        payload.update({"amount": amount, "amount_yuan": amount, "currency": "CNY"})
    else:
        raise ReviewRefused("活动和指标只能确认或驳回；如有错误请驳回")
    fact.payload = payload


def _amount(value: Any) -> float | None:
    if value in (None, ""):
        return None
    try:
        amount = float(str(value).replace(",", ""))
    except ValueError as exc:
        raise ReviewRefused("金额应为数字（单位：元）") from exc
    if amount < 0 or amount > 1e13:
        raise ReviewRefused("金额超出合理范围")
    return amount


def _remember_name(fact: ExtractedFact, by: User) -> None:
    name = str(fact.payload.get("name", "")).strip()
    if len(name) < 2:
        return
    ConfirmedName.objects.update_or_create(
        name=name[:120],
        defaults={
            "kind": str(fact.payload.get("kind", "")),
            "organisation_id": fact.organisation_id,
            "source_fact": fact,
            "created_by": by if getattr(by, "pk", None) else None,
        },
    )
    # The engine's dictionary is in-process: add now (other processes sync before extracting).
    # Should the transaction roll back, the name only widens recognition: facts found through
    # it are still proposals an officer reviews.
    engine.add_confirmed_names([name])


def _refresh_article_status(article: Article) -> None:
    open_facts = article.facts.filter(status=ExtractedFact.Status.PROPOSED).exists()
    status = Article.Status.EXTRACTED if open_facts else Article.Status.REVIEWED
    Article.objects.filter(pk=article.pk).exclude(status=status).update(status=status)


@transaction.atomic
def fact_review(
    *,
    fact: ExtractedFact,
    action: str,
    by: User,
    data: FieldValues | None = None,
    row_version: int | None = None,
) -> ExtractedFact:
    """Confirm, correct or reject one fact; organisation names feed the dictionary."""
    if action not in REVIEW_ACTIONS:
        raise ReviewRefused("未知的审核操作")
    with versioned_change(
        ExtractedFact.objects.select_related("article"),
        fact.pk,
        by=by,
        row_version=row_version,
        action=AuditEvent.Action.TRANSITION,
        note=f"审核：{action}",
        stale_message="该事实已被他人审核，请刷新后重试（您的操作未保存）",
    ) as change:
        current = change.instance
        if current.article.status not in {Article.Status.EXTRACTED, Article.Status.REVIEWED}:
            raise ReviewRefused("该资讯尚未完成抽取或已合并，不能审核")
        target = _TARGET[action]
        if current.status == target and action != "correct":
            raise ReviewRefused(f"该事实已是“{current.get_status_display()}”状态")
        if action == "correct":
            _correct(current, data or {}, by)
        current.status = target
        current.reviewed_by = by if getattr(by, "pk", None) else None
        current.reviewed_at = timezone.now()
    current = change.instance
    if current.kind == ExtractedFact.Kind.ORGANISATION and current.is_accepted:
        _remember_name(current, by)
    _refresh_article_status(current.article)
    if current.kind in {ExtractedFact.Kind.SIGNING, ExtractedFact.Kind.EVENT}:
        from .leads import leads_refresh

        leads_refresh(article=current.article, by=by)
    return current


@transaction.atomic
def fact_add_to_register(*, fact: ExtractedFact, by: User) -> Organisation:
    """Add an unknown organisation named in an article to the register and link the fact."""
    with versioned_change(
        ExtractedFact.objects.select_related("article"),
        fact.pk,
        by=by,
        action=AuditEvent.Action.UPDATE,
    ) as change:
        current = change.instance
        if current.kind != ExtractedFact.Kind.ORGANISATION:
            raise ReviewRefused("只有机构类事实可以新增至名录")
        if current.organisation_id is not None:
            raise ReviewRefused("该机构已关联名录中的主体")
        if current.status == ExtractedFact.Status.REJECTED:
            raise ReviewRefused("已驳回的机构不能新增至名录")
        region_id = current.article.region_id or getattr(
            getattr(by, "org_unit", None), "region_id", None
        )
        if region_id is None:
            raise ReviewRefused("无法确定新增机构的注册区域")
        name = str(current.payload.get("name", "")).strip()
        kind = ENGINE_KINDS.get(str(current.payload.get("kind", "")), Organisation.Kind.ENTERPRISE)
        org = organisation_create(data={"name": name, "kind": kind, "region_id": region_id}, by=by)
        current.organisation = org
        current.link_method = ExtractedFact.LinkMethod.MANUAL
        current.link_confidence = 1.0
        current.link_reason = "审核人从资讯新增至名录"
        if current.status == ExtractedFact.Status.PROPOSED:
            current.status = ExtractedFact.Status.CONFIRMED
            current.reviewed_by = by
            current.reviewed_at = timezone.now()
        change.note = f"新增至名录：{org.name}"
    current = change.instance
    _remember_name(current, by)
    _refresh_article_status(current.article)
    LeadSuggestion.objects.filter(
        article__in=queries.visible_articles(by), suggested_name=name, organisation__isnull=True
    ).update(organisation=org)
    return org
