"""The chain tree: nodes, supplier → customer edges and the legacy-code mapping (pure).

``ChainTree.bundled()`` reads ``data/chain.yaml`` (the product's chain vocabulary) and checks it:
unique codes, every node's CHAIN_NODE position and SECTOR values known to ``yiqiao.vocab``,
every keyword's provenance one of the file's ``sources``, edges between known nodes and without
a cycle, legacy codes mapped to existing nodes. ``ChainTree.from_records`` builds the same
object from database rows, so the register, the matcher and news read one structure whether
the tree comes from the file or from the staff-edited tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources as importlib_resources
from typing import Any, TypeVar

import yaml

from yiqiao.vocab import CHAIN_NODE, SECTOR

#: The stage (上游/中游/下游) of each CHAIN_NODE position: how the chain map lays them out.
POSITION_STAGE: dict[str, str] = {
    "api": "upstream",
    "intermediate": "upstream",
    "excipient": "upstream",
    "pharma_packaging": "upstream",
    "bioprocess_supplies": "upstream",
    "lab_reagents_instruments": "upstream",
    "ivd_raw_materials": "upstream",
    "device_components": "upstream",
    "medical_materials": "upstream",
    "research": "upstream",
    "contract_services": "midstream",
    "drug_manufacturer": "midstream",
    "device_manufacturer": "midstream",
    "distribution": "downstream",
    "retail": "downstream",
    "healthcare_provider": "downstream",
    "third_party_lab": "downstream",
    "logistics": "downstream",
    "marketing": "downstream",
    "digital_health_it": "downstream",
}
STAGES: tuple[str, ...] = ("upstream", "midstream", "downstream")
K = TypeVar("K", str, int)


class ChainTreeError(ValueError):
    """The tree data is inconsistent (message says where)."""


@dataclass(frozen=True, slots=True)
class Term:
    """A keyword or product word of a node with the kind of public document it comes from."""

    text: str
    source: str
    is_product: bool = False


@dataclass(frozen=True, slots=True)
class Node:
    """One chain node. ``chain_position`` is its CHAIN_NODE value (its level-1 ancestor's code)."""

    code: str
    name: str
    name_en: str
    parent: str | None
    chain_position: str
    sectors: tuple[str, ...]
    terms: tuple[Term, ...] = ()
    order: int = 0

    @property
    def stage(self) -> str:
        return POSITION_STAGE[self.chain_position]


@dataclass(frozen=True)
class ChainTree:
    """Nodes in display order, supplier → customer edges and the old-code mapping."""

    nodes: tuple[Node, ...]
    edges: tuple[tuple[str, str], ...]
    legacy: Mapping[str, str] = field(default_factory=dict)
    sources: Mapping[str, str] = field(default_factory=dict)
    #: (word, SECTOR value, source): words naming a product field wherever they appear
    sector_terms: tuple[tuple[str, str, str], ...] = ()
    #: (word, cue group, source): words saying what kind of actor a text describes
    cues: tuple[tuple[str, str, str], ...] = ()

    def __post_init__(self) -> None:
        check_tree(self)

    # --- construction --------------------------------------------------------------------

    @classmethod
    def bundled(cls) -> ChainTree:
        """The product's chain, from ``yiqiao/chain/data/chain.yaml``."""
        return _bundled()

    @classmethod
    def from_yaml(cls, text: str) -> ChainTree:
        data = yaml.safe_load(text)
        if not isinstance(data, dict) or "nodes" not in data:
            raise ChainTreeError("chain data: a mapping with `nodes` is expected")
        sources = {str(k): str(v) for k, v in (data.get("sources") or {}).items()}
        nodes: list[Node] = []
        _read_nodes(data["nodes"], None, None, nodes, sources)
        edges = tuple((str(a), str(b)) for a, b, *_ in data.get("edges") or [])
        legacy = {str(k): str(v) for k, v in (data.get("legacy") or {}).items()}
        return cls(
            nodes=tuple(nodes),
            edges=edges,
            legacy=legacy,
            sources=sources,
            sector_terms=_read_word_groups(data.get("sector_terms"), "sector_terms", sources),
            cues=_read_word_groups(data.get("cues"), "cues", sources),
        )

    @classmethod
    def from_records(
        cls,
        nodes: Iterable[Mapping[str, Any]],
        edges: Iterable[tuple[str, str]],
    ) -> ChainTree:
        """From rows with code, name, name_en, parent (code or None), chain_position, sectors, terms.

        ``terms`` is a list of ``[text, source]`` or ``[text, source, "product"]``. Rows must
        come parents first (display order).
        """
        out: list[Node] = []
        sources: dict[str, str] = {}
        for order, row in enumerate(nodes):
            terms = []
            for item in row.get("terms") or ():
                text, source = str(item[0]), str(item[1])
                sources.setdefault(source, source)
                terms.append(Term(text, source, len(item) > 2 and item[2] == "product"))
            out.append(
                Node(
                    code=str(row["code"]),
                    name=str(row["name"]),
                    name_en=str(row.get("name_en") or ""),
                    parent=row.get("parent") or None,
                    chain_position=str(row["chain_position"]),
                    sectors=tuple(row.get("sectors") or ()),
                    terms=tuple(terms),
                    order=order,
                )
            )
        return cls(nodes=tuple(out), edges=tuple(edges), sources=sources)

    # --- lookups -------------------------------------------------------------------------

    @cached_property
    def by_code(self) -> dict[str, Node]:
        return {n.code: n for n in self.nodes}

    @cached_property
    def children(self) -> dict[str | None, tuple[str, ...]]:
        out: dict[str | None, list[str]] = {}
        for n in self.nodes:
            out.setdefault(n.parent, []).append(n.code)
        return {k: tuple(v) for k, v in out.items()}

    def node(self, code: str) -> Node:
        return self.by_code[code]

    def ancestors(self, code: str) -> tuple[str, ...]:
        """Codes above ``code``, nearest first (not including it)."""
        out: list[str] = []
        parent = self.by_code[code].parent
        while parent is not None:
            out.append(parent)
            parent = self.by_code[parent].parent
        return tuple(out)

    def descendants(self, code: str) -> tuple[str, ...]:
        """Codes below ``code`` in display order (not including it)."""
        out: list[str] = []
        stack = list(reversed(self.children.get(code, ())))
        while stack:
            current = stack.pop()
            out.append(current)
            stack.extend(reversed(self.children.get(current, ())))
        return tuple(out)

    def subtree(self, code: str) -> tuple[str, ...]:
        return (code, *self.descendants(code))

    def level(self, code: str) -> int:
        """1 for a position node, 2 for its children, …"""
        return len(self.ancestors(code)) + 1

    def is_leaf(self, code: str) -> bool:
        return not self.children.get(code)

    @cached_property
    def roots(self) -> tuple[str, ...]:
        return self.children.get(None, ())

    @cached_property
    def suppliers(self) -> dict[str, frozenset[str]]:
        """customer code → codes of its direct suppliers (as written, without closure)."""
        out: dict[str, set[str]] = {}
        for supplier, customer in self.edges:
            out.setdefault(customer, set()).add(supplier)
        return {k: frozenset(v) for k, v in out.items()}

    def suppliers_of(self, code: str) -> frozenset[str]:
        """Nodes that supply ``code``: an edge into it or into one of its ancestors, widened
        to the supplier's subtree (a supplier group's members supply too)."""
        out: set[str] = set()
        for target in (code, *self.ancestors(code)):
            for supplier in self.suppliers.get(target, ()):
                out.update(self.subtree(supplier))
        out.discard(code)
        return frozenset(out)

    def customers_of(self, code: str) -> frozenset[str]:
        """Nodes that ``code`` supplies (the mirror of :meth:`suppliers_of`)."""
        mine = {code, *self.ancestors(code)}
        out: set[str] = set()
        for supplier, customer in self.edges:
            if supplier in mine:
                out.update(self.subtree(customer))
        out.discard(code)
        return frozenset(out)

    def map_legacy(self, code: str) -> str | None:
        """The node that replaces an old register code (a current code maps to itself)."""
        if code in self.by_code:
            return code
        return self.legacy.get(code)


def _read_nodes(
    items: Any,
    parent: str | None,
    position: str | None,
    out: list[Node],
    sources: Mapping[str, str],
) -> None:
    if not isinstance(items, list):
        raise ChainTreeError(f"children of {parent or 'the root'}: a list is expected")
    for item in items:
        if not isinstance(item, dict) or "code" not in item or "name" not in item:
            raise ChainTreeError(f"a node under {parent or 'the root'} lacks code or name")
        code = str(item["code"])
        node_position = position or code
        terms: list[Term] = []
        for key, is_product in (("keywords", False), ("products", True)):
            for source, words in (item.get(key) or {}).items():
                if source not in sources:
                    raise ChainTreeError(f"{code}: {key} source {source!r} is not in `sources`")
                for word in words or ():
                    terms.append(Term(str(word), str(source), is_product))
        out.append(
            Node(
                code=code,
                name=str(item["name"]),
                name_en=str(item.get("name_en") or ""),
                parent=parent,
                chain_position=node_position,
                sectors=tuple(str(s) for s in item.get("sectors") or ()),
                terms=tuple(terms),
                order=len(out),
            )
        )
        if item.get("children"):
            _read_nodes(item["children"], code, node_position, out, sources)


def _read_word_groups(
    data: Any, section: str, sources: Mapping[str, str]
) -> tuple[tuple[str, str, str], ...]:
    out: list[tuple[str, str, str]] = []
    for group, by_source in (data or {}).items():
        for source, words in (by_source or {}).items():
            if source not in sources:
                raise ChainTreeError(f"{section}.{group}: source {source!r} is not in `sources`")
            out.extend((str(w), str(group), str(source)) for w in words or ())
    return tuple(out)


def check_tree(tree: ChainTree) -> None:
    """Raise ChainTreeError on the first inconsistency."""
    seen: set[str] = set()
    for node in tree.nodes:
        if not node.code or len(node.code) > 60:
            raise ChainTreeError(f"node code {node.code!r}: 1–60 characters")
        if node.code in seen:
            raise ChainTreeError(f"duplicate node code {node.code}")
        if node.parent is not None and node.parent not in seen:
            raise ChainTreeError(f"{node.code}: parent {node.parent} must come before it")
        seen.add(node.code)
        if node.chain_position not in CHAIN_NODE:
            raise ChainTreeError(
                f"{node.code}: position {node.chain_position!r} is not a CHAIN_NODE"
            )
        if node.parent is None and node.code != node.chain_position:
            raise ChainTreeError(f"{node.code}: a top-level node is a CHAIN_NODE position")
        for sector in node.sectors:
            if sector not in SECTOR:
                raise ChainTreeError(f"{node.code}: sector {sector!r} is not a SECTOR value")
        if not node.sectors:
            raise ChainTreeError(f"{node.code}: at least one SECTOR value")
    for supplier, customer in tree.edges:
        for code in (supplier, customer):
            if code not in seen:
                raise ChainTreeError(f"edge {supplier} → {customer}: unknown node {code}")
        if supplier == customer:
            raise ChainTreeError(f"edge {supplier} → {customer}: a node cannot supply itself")
    cycle = find_cycle(tree.edges)
    if cycle:
        raise ChainTreeError("supplier edges form a cycle: " + " → ".join(cycle))
    for old, new in tree.legacy.items():
        if new not in seen:
            raise ChainTreeError(f"legacy {old} → {new}: unknown node")
    for word, sector, _ in tree.sector_terms:
        if sector not in SECTOR:
            raise ChainTreeError(f"sector_terms: {sector!r} ({word}) is not a SECTOR value")


def find_cycle(edges: Iterable[tuple[K, K]]) -> list[K]:
    """A cycle of supplier edges as a list of codes (first == last), or [] when acyclic."""
    graph: dict[K, list[K]] = {}
    for a, b in edges:
        graph.setdefault(a, []).append(b)
    white, grey, black = 0, 1, 2
    colour: dict[K, int] = {}
    parent: dict[K, K] = {}
    for start in sorted(graph):
        if colour.get(start, white) != white:
            continue
        stack: list[tuple[K, int]] = [(start, 0)]
        colour[start] = grey
        while stack:
            node, index = stack[-1]
            successors = graph.get(node, [])
            if index < len(successors):
                stack[-1] = (node, index + 1)
                nxt = successors[index]
                state = colour.get(nxt, white)
                if state == white:
                    colour[nxt] = grey
                    parent[nxt] = node
                    stack.append((nxt, 0))
                elif state == grey:
                    cycle = [nxt, node]
                    while cycle[-1] != nxt:
                        cycle.append(parent[cycle[-1]])
                    cycle.reverse()
                    return cycle
            else:
                colour[node] = black
                stack.pop()
    return []


@lru_cache(maxsize=1)
def _bundled() -> ChainTree:
    text = importlib_resources.files("yiqiao.chain").joinpath("data", "chain.yaml")
    return ChainTree.from_yaml(text.read_text("utf-8"))
