"""Resources to token ids for the BM25 index, with the structured labels indexed as text."""

from __future__ import annotations

from array import array
from collections.abc import Sequence

from .chain import ChainGraph
from .labels import KIND_LABEL, SERVICE_CATEGORY_LABEL, SPACE_KIND_LABEL, STAGE_LABEL
from .model import (
    InvestorAttributes,
    OrganisationAttributes,
    Resource,
    ServiceAttributes,
    SpaceAttributes,
)
from .text import TextAnalyzer

MAX_RESOURCE_CHARS = 20000  # longer resource text is indexed up to this length
_BLOCK_CACHE_SIZE = 2_000_000
_CHUNK = 20_000  # resources tokenised per batch
_CAP = MAX_RESOURCE_CHARS


def _enrichment_key(resource: Resource) -> tuple[object, ...]:
    """What the enrichment text depends on; many resources share it, so it is cached."""
    a = resource.attributes
    if isinstance(a, SpaceAttributes):
        return ("space", a.space_kind, a.gmp_grade is not None)
    if isinstance(a, ServiceAttributes):
        return ("service", a.category)
    if isinstance(a, InvestorAttributes):
        return ("investor", a.stages, a.sectors)
    if isinstance(a, OrganisationAttributes):
        return ("organisation", a.chain_nodes, a.products)
    return (resource.kind,)


def _enrichment(resource: Resource, chain: ChainGraph) -> str:
    """Labels of the structured attributes, indexed as text so "厂房" finds a plant."""
    parts = [KIND_LABEL[resource.kind]]
    a = resource.attributes
    if isinstance(a, SpaceAttributes):
        parts.append(SPACE_KIND_LABEL[a.space_kind])
        if a.gmp_grade is not None:
            parts.append("GMP 洁净车间")
    elif isinstance(a, ServiceAttributes):
        parts.append(SERVICE_CATEGORY_LABEL[a.category])
    elif isinstance(a, InvestorAttributes):
        parts += [STAGE_LABEL[s] for s in a.stages]
        parts += [chain.name(s) for s in a.sectors]
    elif isinstance(a, OrganisationAttributes):
        parts += [chain.name(n) for n in a.chain_nodes]
        parts += list(a.products)
    return "。".join(parts)


def tokenise_resources(
    items: Sequence[Resource], analyzer: TextAnalyzer, terms: dict[str, int], chain: ChainGraph
) -> tuple[bytearray, array[int]]:
    """Token ids as native int32 bytes (title and tags twice) and per-resource lengths.

    Works in chunks: split every text of the chunk into blocks, tokenise the blocks not seen
    before in one batch, then assemble each resource's ids from the block cache. Cached ids
    are kept as bytes so a resource is assembled with one ``bytes.join`` per field.
    """
    token_ids = bytearray()
    lengths: array[int] = array("i")
    cache: dict[str, bytes] = {}
    enrichments: dict[tuple[object, ...], list[str]] = {}
    for start in range(0, len(items), _CHUNK):
        if len(cache) > _BLOCK_CACHE_SIZE:
            cache.clear()  # bounded memory; the analyser still caches the pieces
        split: list[tuple[list[str], list[str]]] = []
        missing: dict[str, None] = {}
        for resource in items[start : start + _CHUNK]:
            head = analyzer.blocks((resource.title + "。" + "。".join(resource.tags))[:_CAP])
            body = analyzer.blocks(resource.text[:_CAP])
            key = _enrichment_key(resource)
            extra = enrichments.get(key)
            if extra is None:
                extra = enrichments[key] = analyzer.blocks(_enrichment(resource, chain))
            body += extra
            split.append((head, body))
            for block in head:
                if block not in cache:
                    missing[block] = None
            for block in body:
                if block not in cache:
                    missing[block] = None
        new_blocks = list(missing)
        for block, tokens in zip(new_blocks, analyzer.blocks_tokens(new_blocks), strict=True):
            ids = array("i", [terms.setdefault(canonical, len(terms)) for _, canonical in tokens])
            cache[block] = ids.tobytes()
        join = b"".join
        for head, body in split:
            head_ids = join([cache[block] for block in head])
            body_ids = join([cache[block] for block in body])
            token_ids += head_ids
            token_ids += head_ids
            token_ids += body_ids
            lengths.append((2 * len(head_ids) + len(body_ids)) // 4)
    return token_ids, lengths
