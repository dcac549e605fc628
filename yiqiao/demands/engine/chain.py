"""Industry-chain graph: which nodes supply which, for partner complementarity."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources as importlib_resources


@dataclass(frozen=True, slots=True)
class ChainGraph:
    """Chain nodes with supplier edges. ``suppliers[x]`` are the nodes that sell to ``x``."""

    names: dict[str, str]
    suppliers: dict[str, frozenset[str]]

    @classmethod
    def bundled(cls) -> ChainGraph:
        """The default biomedicine and medical-device chain in ``data/chain_nodes.tsv``."""
        return _bundled_chain()

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str, Iterable[str]]]) -> ChainGraph:
        """Build from (code, name, supplier codes) rows, e.g. from the chain app's tables."""
        names: dict[str, str] = {}
        suppliers: dict[str, frozenset[str]] = {}
        for code, name, sources in rows:
            names[code] = name
            suppliers[code] = frozenset(sources)
        return cls(names=names, suppliers=suppliers)

    def upstream_of(self, nodes: Iterable[str]) -> frozenset[str]:
        """Nodes that directly supply any of ``nodes``."""
        out: set[str] = set()
        for node in nodes:
            out |= self.suppliers.get(node, frozenset())
        return frozenset(out)

    def downstream_of(self, nodes: Iterable[str]) -> frozenset[str]:
        """Nodes that any of ``nodes`` directly supply."""
        wanted = set(nodes)
        return frozenset(code for code, sources in self.suppliers.items() if sources & wanted)

    def name(self, code: str) -> str:
        """Chinese name of a node, or the code itself when the node is not in the graph."""
        return self.names.get(code, code)


@lru_cache(maxsize=1)
def _bundled_chain() -> ChainGraph:
    text = importlib_resources.files(__package__).joinpath("data", "chain_nodes.tsv")
    rows: list[tuple[str, str, list[str]]] = []
    for line in text.read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        sources = [s.strip() for s in parts[2].split(",")] if len(parts) > 2 else []
        rows.append((parts[0].strip(), parts[1].strip(), [s for s in sources if s]))
    return ChainGraph.from_rows(rows)
