"""Writes of organisation classification: suggestions with evidence, staff decisions, learning.

The classifier suggests positions, nodes and sectors with the words behind them; the
suggestion becomes the organisation's chain nodes until staff decide. Staff confirm or correct
on the organisation page; a correction is stored as a training example (ChainCorrection) that
``yiqiao chain train`` and the app's retraining read, and that the next classification of the
same text uses at once (a correction for an identical text is taken as the answer).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from yiqiao.accounts.models import User
from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.models import AuditEvent
from yiqiao.registry.models import ChainBits, ChainNode, Organisation
from yiqiao.vocab import CHAIN_NODE, SECTOR

from ..engine.classify import Classification, Lexicon, OrgInput, bundled_model, classify
from ..models import ChainCorrection, ChainLink, OrganisationChain
from ..queries import chain_tree

CLASSIFIER_NAME = "chain-classifier-1"


@lru_cache(maxsize=4)
def _lexicon_for(tree_key: tuple[int, int]) -> Lexicon:
    return Lexicon(chain_tree())


def current_lexicon() -> Lexicon:
    """The lexicon of the tree as stored (staff edits included), rebuilt when it changes."""
    from ..models import ChainTerm

    key = (ChainNode.objects.count(), ChainTerm.objects.count())
    return _lexicon_for(key)


def _org_input(org: Organisation) -> OrgInput:
    extra = tuple(org.qualification_labels) if hasattr(org, "qualification_labels") else ()
    return OrgInput(str(org.pk), org.name, org.description, org.products, extra)


def _remembered(org: Organisation) -> ChainCorrection | None:
    """A staff correction for exactly this text (the same organisation or a twin record)."""
    return (
        ChainCorrection.objects.filter(
            name=org.name, description=org.description, products=org.products
        )
        .order_by("-at", "-id")
        .first()
    )


@transaction.atomic
def organisation_classify(*, organisation: Organisation, by: User | None = None) -> Classification:
    """Classify one organisation and store the suggestion (staff decisions are kept)."""
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    result = classify(_org_input(org), lexicon=current_lexicon(), model=bundled_model())
    memory = _remembered(org)
    profile, _ = OrganisationChain.objects.get_or_create(organisation=org)
    if profile.status == OrganisationChain.Status.CONFIRMED:
        return result
    position = memory.chain_position if memory else result.chain_node
    sectors = list(memory.sectors) if memory and memory.sectors else list(result.sectors)
    node_codes = list(dict.fromkeys(memory.nodes if memory and memory.nodes else result.nodes))
    profile.chain_position = position
    profile.sectors = sectors
    profile.confidence = 1.0 if memory else result.confidence
    profile.classifier = "correction" if memory else CLASSIFIER_NAME
    profile.save()
    nodes = {n.code: n for n in ChainNode.objects.filter(code__in=node_codes)}
    decided = set(
        ChainLink.objects.filter(organisation=org)
        .exclude(status=ChainLink.Status.SUGGESTED)
        .values_list("node_id", flat=True)
    )
    ChainLink.objects.filter(organisation=org, status=ChainLink.Status.SUGGESTED).delete()
    evidence = [e.as_dict() for e in result.evidence]
    for code in node_codes:
        node = nodes.get(code)
        if node is None or node.pk in decided:
            continue
        ChainLink.objects.create(
            organisation=org,
            node=node,
            status=ChainLink.Status.SUGGESTED,
            origin=ChainLink.Origin.CLASSIFIER,
            is_primary=node.chain_position == position,
            confidence=profile.confidence,
            evidence=evidence[:8],
        )
    _apply_links(org)
    return result


def _apply_links(org: Organisation) -> None:
    """The register's chain nodes are the confirmed and suggested (not rejected) links."""
    node_ids = list(
        ChainLink.objects.filter(organisation=org)
        .exclude(status=ChainLink.Status.REJECTED)
        .values_list("node_id", flat=True)
    )
    org.chain_nodes.set(node_ids)
    Organisation.objects.filter(pk=org.pk).update(chain_mask=ChainBits().mask(node_ids))


@dataclass(frozen=True)
class ChainJudgement:
    """What staff say an organisation is."""

    chain_position: str
    node_codes: tuple[str, ...]
    sectors: tuple[str, ...]


def _check(judgement: ChainJudgement) -> list[ChainNode]:
    errors: dict[str, str] = {}
    if judgement.chain_position not in CHAIN_NODE:
        errors["chain_position"] = "请选择产业链环节"
    unknown = [s for s in judgement.sectors if s not in SECTOR]
    if unknown or not judgement.sectors:
        errors["sectors"] = (
            "请选择产品领域" if not judgement.sectors else f"未知的产品领域：{'、'.join(unknown)}"
        )
    nodes = list(ChainNode.objects.filter(code__in=judgement.node_codes))
    missing = set(judgement.node_codes) - {n.code for n in nodes}
    if missing:
        errors["node_codes"] = f"未知的产业链节点：{'、'.join(sorted(missing))}"
    elif not nodes:
        errors["node_codes"] = "请至少选择一个节点"
    if errors:
        raise ValidationError(errors)
    return nodes


@transaction.atomic
def organisation_chain_confirm(
    *, organisation: Organisation, judgement: ChainJudgement, by: User
) -> OrganisationChain:
    """Staff confirm or correct an organisation's place in the chain.

    The named nodes become confirmed links, every other link is rejected; if the judgement
    differs from the suggestion it is stored as a correction, which the next classification of
    the same text and the next training use.
    """
    if not getattr(by, "can_edit_register", False):
        raise PermissionDenied("当前角色无权修改名录")
    nodes = _check(judgement)
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    profile, _ = OrganisationChain.objects.get_or_create(organisation=org)
    before = snapshot(profile) | {
        "nodes": sorted(
            ChainLink.objects.filter(organisation=org)
            .exclude(status=ChainLink.Status.REJECTED)
            .values_list("node__code", flat=True)
        )
    }
    suggested = (profile.chain_position, sorted(before["nodes"]), sorted(profile.sectors or []))
    chosen = (judgement.chain_position, sorted(n.code for n in nodes), sorted(judgement.sectors))
    now = timezone.now()
    by_node = {link.node_id: link for link in ChainLink.objects.filter(organisation=org)}
    for node in nodes:
        link = by_node.pop(node.pk, None) or ChainLink(organisation=org, node=node)
        link.status = ChainLink.Status.CONFIRMED
        link.origin = link.origin if link.pk else ChainLink.Origin.STAFF
        link.is_primary = node.chain_position == judgement.chain_position
        link.decided_by, link.decided_at = by, now
        link.save()
    for link in by_node.values():
        link.status = ChainLink.Status.REJECTED
        link.decided_by, link.decided_at = by, now
        link.save()
    profile.chain_position = judgement.chain_position
    profile.sectors = list(judgement.sectors)
    profile.status = OrganisationChain.Status.CONFIRMED
    profile.confidence = 1.0
    profile.save()
    _apply_links(org)
    if chosen != suggested:
        ChainCorrection.objects.create(
            organisation=org,
            name=org.name,
            description=org.description,
            products=org.products,
            chain_position=judgement.chain_position,
            sectors=list(judgement.sectors),
            nodes=[n.code for n in nodes],
            by=by,
        )
    audit_record(
        actor=by,
        action=AuditEvent.Action.UPDATE,
        instance=org,
        before=before,
        after=snapshot(profile) | {"nodes": chosen[1]},
        note="产业链定位：" + ("确认" if chosen == suggested else "纠正"),
    )
    return profile


def organisations_classify(*, organisations: Sequence[Organisation]) -> int:
    """Classify many organisations (demo, imports, a backfill); returns how many."""
    for org in organisations:
        organisation_classify(organisation=org)
    return len(organisations)
