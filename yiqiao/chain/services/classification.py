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
from django.db import connections, router, transaction
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


@transaction.atomic
def organisation_classify(*, organisation: Organisation, by: User | None = None) -> Classification:
    """Classify one organisation and store the suggestion (staff decisions are kept)."""
    return _classify_batch([organisation.pk], current_lexicon(), ChainBits())[0]


def _remembered_all(orgs: Sequence[Organisation]) -> dict[tuple[str, str, str], ChainCorrection]:
    """The latest staff correction for exactly each organisation's text (its own or a twin's)."""
    out: dict[tuple[str, str, str], ChainCorrection] = {}
    names = {o.name for o in orgs}
    if not names:
        return out
    for memory in ChainCorrection.objects.filter(name__in=names).order_by("-at", "-id"):
        out.setdefault((memory.name, memory.description, memory.products), memory)
    return out


def _classify_batch(pks: Sequence[int], lexicon: Lexicon, bits: ChainBits) -> list[Classification]:
    """Classify organisations and store the suggestions, in one pass over the tables.

    Per organisation the same as one classification on its own: a confirmed profile is left
    as staff decided it (the result is still returned); otherwise the profile takes the
    classifier's answer (or the correction for an identical text), suggested links are
    replaced, staff-decided links kept, and the register's nodes and mask follow the links.
    Runs inside the caller's transaction; the organisations' rows are locked while it works.
    """
    model = bundled_model()
    wanted = list(dict.fromkeys(pks))
    by_pk = Organisation.objects.select_for_update().in_bulk(wanted)
    orgs = [by_pk[pk] for pk in wanted if pk in by_pk]
    ids = [o.pk for o in orgs]
    memories = _remembered_all(orgs)
    profiles = {
        p.organisation_id: p for p in OrganisationChain.objects.filter(organisation_id__in=ids)
    }
    nodes = {n.code: n for n in ChainNode.objects.all()}
    decided: dict[int, set[int]] = {}
    for org_id, node_id in (
        ChainLink.objects.filter(organisation_id__in=ids)
        .exclude(status=ChainLink.Status.SUGGESTED)
        .values_list("organisation_id", "node_id")
    ):
        decided.setdefault(org_id, set()).add(node_id)
    results: list[Classification] = []
    changed: list[Organisation] = []
    new_profiles: list[OrganisationChain] = []
    old_profiles: list[OrganisationChain] = []
    links: list[ChainLink] = []
    for org in orgs:
        result = classify(_org_input(org), lexicon=lexicon, model=model)
        results.append(result)
        profile = profiles.get(org.pk)
        if profile is not None and profile.status == OrganisationChain.Status.CONFIRMED:
            continue
        memory = memories.get((org.name, org.description, org.products))
        position = memory.chain_position if memory else result.chain_node
        if profile is None:
            profile = OrganisationChain(organisation=org)
            new_profiles.append(profile)
        else:
            old_profiles.append(profile)
        profile.chain_position = position
        profile.sectors = (
            list(memory.sectors) if memory and memory.sectors else list(result.sectors)
        )
        profile.confidence = 1.0 if memory else result.confidence
        profile.classifier = "correction" if memory else CLASSIFIER_NAME
        codes = dict.fromkeys(memory.nodes if memory and memory.nodes else result.nodes)
        evidence = [e.as_dict() for e in result.evidence][:8]
        kept = decided.get(org.pk, set())
        for code in codes:
            node = nodes.get(code)
            if node is None or node.pk in kept:
                continue
            links.append(
                ChainLink(
                    organisation=org,
                    node=node,
                    status=ChainLink.Status.SUGGESTED,
                    origin=ChainLink.Origin.CLASSIFIER,
                    is_primary=node.chain_position == position,
                    confidence=profile.confidence,
                    evidence=evidence,
                )
            )
        changed.append(org)
    if not changed:
        return results
    changed_ids = [o.pk for o in changed]
    OrganisationChain.objects.bulk_create(new_profiles, batch_size=500)
    _update_rows(
        old_profiles, ["chain_position", "sectors", "confidence", "classifier", "updated_at"]
    )
    ChainLink.objects.filter(
        organisation_id__in=changed_ids, status=ChainLink.Status.SUGGESTED
    ).delete()
    ChainLink.objects.bulk_create(links, batch_size=500)
    _apply_links_all(changed, bits)
    return results


def _update_rows(rows: Sequence[OrganisationChain], names: Sequence[str]) -> None:
    """Save ``names`` of many rows with one prepared UPDATE (each field's own pre-save and
    database conversion, as ``save`` does; ``bulk_update`` spends seconds building CASE
    expressions for a few thousand rows)."""
    if not rows:
        return
    meta = OrganisationChain._meta
    fields = [f for f in meta.concrete_fields if f.name in names]
    connection = connections[router.db_for_write(OrganisationChain)]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"
    params = [
        [f.get_db_prep_save(f.pre_save(row, False), connection) for f in fields] + [row.pk]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _apply_links_all(orgs: Sequence[Organisation], bits: ChainBits) -> None:
    """_apply_links for many organisations: nodes and mask from their not-rejected links."""
    ids = [o.pk for o in orgs]
    wanted: dict[int, set[int]] = {pk: set() for pk in ids}
    for org_id, node_id in (
        ChainLink.objects.filter(organisation_id__in=ids)
        .exclude(status=ChainLink.Status.REJECTED)
        .values_list("organisation_id", "node_id")
    ):
        wanted[org_id].add(node_id)
    through = Organisation.chain_nodes.through
    present: dict[int, set[int]] = {pk: set() for pk in ids}
    stale: list[int] = []
    for row_id, org_id, node_id in through.objects.filter(organisation_id__in=ids).values_list(
        "pk", "organisation_id", "chainnode_id"
    ):
        present[org_id].add(node_id)
        if node_id not in wanted[org_id]:
            stale.append(row_id)
    if stale:
        through.objects.filter(pk__in=stale).delete()
    through.objects.bulk_create(
        [
            through(organisation_id=pk, chainnode_id=node_id)
            for pk in ids
            for node_id in sorted(wanted[pk] - present[pk])
        ],
        batch_size=500,
    )
    by_mask: dict[int, list[int]] = {}
    for org in orgs:
        mask = bits.mask(wanted[org.pk])
        if mask != org.chain_mask:
            by_mask.setdefault(mask, []).append(org.pk)
    for mask, pks in by_mask.items():
        Organisation.objects.filter(pk__in=pks).update(chain_mask=mask)


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


def organisations_classify(*, organisations: Sequence[Organisation], batch: int = 500) -> int:
    """Classify many organisations (demo, imports, a backfill); returns how many.

    The same as classifying each on its own, in batches of ``batch`` organisations (one
    transaction each): the tree's lexicon and masks are built once, and the tables are read
    and written per batch rather than per organisation (the demo's 3,000 firms took 90 %
    of their time in single-row queries).
    """
    pks = [o.pk for o in organisations]
    lexicon, bits = current_lexicon(), ChainBits()
    for start in range(0, len(pks), batch):
        with transaction.atomic():
            _classify_batch(pks[start : start + batch], lexicon, bits)
    return len(organisations)
