"""Classifying an organisation onto the chain, with evidence (pure).

Two layers over one reading of the text:

1. **Dictionary evidence.** Every keyword and product word of the chain tree (with its
   provenance) and every field word of ``sector_terms`` is looked up, longest first, in each
   region of the text (name, products, main business, description, business scope, customer
   clauses). A hit on a node counts for the node's CHAIN_NODE position, more for a specific
   (deeper) node and for a product word. Role cues ("批发", "推广", "床位", "外包" …) are counted
   separately: they say what kind of actor the text describes whatever the product.
2. **A small linear model** turns that evidence into the primary position: a conditional logit
   whose per-position features (log evidence per region, share, specificity) share one weight
   vector, plus per-position weights on the role cues and a bias. Sectors are chosen per
   SECTOR value by a logistic model over field-word evidence and how often the position's
   labelled examples carry that value; positions whose examples are generalists get their
   umbrella. Both are trained by ``train`` on labelled examples (retrainable with one command)
   and fall back to dictionary evidence alone when no model is given.

Every result carries the hits that decided it, so an officer can see why.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources as importlib_resources
from typing import Any

import numpy as np

from yiqiao.vocab import CHAIN_NODE, SECTOR

from .text import (
    FIELDS,
    MINOR_MARKERS,
    PRODUCT_ITEM_SPLIT,
    PRODUCT_SHAPES,
    Hit,
    TermMatcher,
    excerpt,
    normalise,
    product_shares,
    read_fields,
)
from .tree import POSITION_STAGE, ChainTree

POSITIONS: tuple[str, ...] = CHAIN_NODE.values
UMBRELLAS: tuple[str, ...] = ("drug", "device", "healthcare_general")
#: Key of Model.umbrella for labels that are exactly the two umbrellas ``drug`` and ``device``.
BOTH_UMBRELLAS = "drug+device"
#: SECTOR value → the family cue its field words feed (see Lexicon.groups).
FAMILY_OF: dict[str, str] = {
    **{t.value: "fam_drug" for t in SECTOR if t.umbrella == "drug"},
    **{t.value: "fam_device" for t in SECTOR if t.umbrella == "device"},
    "drug": "fam_drug",
    "device": "fam_device",
    "ivd": "fam_ivd",
    "digital_health": "fam_digital",
    "cro_cdmo": "fam_service",
    "synthetic_biology": "fam_synbio",
}
#: Words that say a product is a chemical (not TCM) drug.
CHEMICAL_WORDS = re.compile(
    r"化学药|化药|化学制剂|化学原料|化学合成|小分子|原料药|仿制药|"
    # salt forms and INN stems of generic names (see the tree's `cadn` words)
    r"盐酸|甲磺酸|马来酸|富马酸|枸橼酸|琥珀酸|酒石酸|苯磺酸|沙坦|他汀|普利|地平|洛尔|沙星|替尼|拉唑|西林|头孢"
)
#: Biologic and advanced-therapy fields: a dosage form of theirs (an injection, a lyophilised
#: powder) says nothing about chemical drugs.
BIOLOGIC_SECTORS = frozenset(
    {"antibody", "recombinant_protein", "peptide", "vaccine", "cell_therapy", "gene_therapy",
     "nucleic_acid"}
)  # fmt: skip
#: A finished dosage form named as a product ("利伐沙班片", "注射用…", "…胶囊"): the company sells
#: drugs, not only their ingredients (片 after 芯/切/玻/刀/镜/晶/薄/图/照/卡/名/瓷/铝/膜 is no tablet).
DOSAGE_FORM = re.compile(
    r"(?<![芯切玻刀镜晶薄图照卡名瓷铝膜])(?:片|胶囊|注射液|注射剂|粉针|颗粒剂|颗粒|口服液|口服溶液|"
    r"糖浆|软膏|乳膏|滴眼液|滴丸|丸剂|喷雾剂|气雾剂|贴剂|栓剂|混悬液|冻干粉|输液)"
    r"(?:剂)?(?=[；;，,、。\s）)/和及等]|$)"
)
SPECIFIC_SECTORS: tuple[str, ...] = tuple(s for s in SECTOR.values if s not in UMBRELLAS)
SECTOR_UMBRELLA: dict[str, str] = {t.value: t.umbrella for t in SECTOR if t.umbrella}
#: Regions whose hits say what the company itself is (not its customers or its licence list).
OWN_FIELDS = ("name", "products", "main", "description")
MODEL_VERSION = 1


@dataclass(frozen=True, slots=True)
class OrgInput:
    """What the classifier reads about one organisation."""

    id: str
    name: str = ""
    description: str = ""
    products: str = ""
    #: facts from elsewhere: qualifications and licences, news sentences (read as description)
    extra: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Evidence:
    """One word that counted: where it was found and what it points at."""

    field: str
    term: str
    points_to: str  # a node code, "sector:<value>" or "cue:<group>"
    weight: float
    context: str = ""  # the words around the term, as the text has them (normalised)

    def as_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "term": self.term,
            "points_to": self.points_to,
            "weight": round(self.weight, 3),
            "context": self.context,
        }


@dataclass(frozen=True)
class Classification:
    """Primary position, other positions, tree nodes, sectors, confidence and the evidence."""

    id: str
    chain_node: str
    chain_nodes: tuple[str, ...]
    nodes: tuple[str, ...]
    sectors: tuple[str, ...]
    confidence: float
    probabilities: Mapping[str, float]
    evidence: tuple[Evidence, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "nodes": list(self.nodes),
            "chain_node": self.chain_node,
            "chain_nodes": list(self.chain_nodes),
            "sectors": list(self.sectors),
            "confidence": round(self.confidence, 3),
            "evidence": [e.as_dict() for e in self.evidence],
        }


# --------------------------------------------------------------------------- the lexicon


@dataclass(frozen=True, slots=True)
class NodeEntry:
    code: str
    position: str
    level: int
    is_product: bool
    is_leaf: bool


class Lexicon:
    """The chain's words, indexed for matching: node terms, field words and role cues."""

    def __init__(self, tree: ChainTree) -> None:
        from .text import normalise

        self.tree = tree
        self.node_entries: dict[str, list[NodeEntry]] = {}
        for node in tree.nodes:
            level = tree.level(node.code)
            leaf = tree.is_leaf(node.code)
            for term in node.terms:
                key = normalise(term.text)
                entries = self.node_entries.setdefault(key, [])
                if all(e.code != node.code for e in entries):
                    entries.append(
                        NodeEntry(node.code, node.chain_position, level, term.is_product, leaf)
                    )
            # the node's own name is a word for it too (as the tree's editors wrote it)
            for part in node.name.replace("（", "(").replace("）", ")").split("("):
                key = normalise(part.strip(")").strip())
                if len(key) >= 2 and not key.startswith("含"):
                    entries = self.node_entries.setdefault(key, [])
                    if all(e.code != node.code for e in entries):
                        entries.append(
                            NodeEntry(node.code, node.chain_position, level, False, leaf)
                        )
        self.sector_entries: dict[str, list[str]] = {}
        for word, sector, _ in tree.sector_terms:
            key = normalise(word)
            if sector not in self.sector_entries.setdefault(key, []):
                self.sector_entries[key].append(sector)
        self.cue_groups: dict[str, list[str]] = {}
        for word, group, _ in tree.cues:
            self.cue_groups.setdefault(group, []).append(normalise(word))
        # Derived cues: how many field words of each family the company's own text names
        # (a product field says what a text is about, not which position it describes), and
        # how many dosage forms it names (the most downstream drug product, see DOSAGE_FORM).
        self.groups: tuple[str, ...] = tuple(
            sorted(
                {
                    *self.cue_groups,
                    *FAMILY_OF.values(),
                    "dosage_form",
                    *(f"share_{shape}" for shape in PRODUCT_SHAPES),
                }
            )
        )
        self.matcher = TermMatcher([*self.node_entries, *self.sector_entries])
        self.cue_matcher = TermMatcher([w for words in self.cue_groups.values() for w in words])
        self.cue_index: dict[str, list[str]] = {}
        for group, words in self.cue_groups.items():
            for word in words:
                self.cue_index.setdefault(word, []).append(group)
        self.node_sectors = {n.code: n.sectors for n in tree.nodes}


@lru_cache(maxsize=1)
def bundled_lexicon() -> Lexicon:
    return Lexicon(ChainTree.bundled())


# --------------------------------------------------------------------------- reading


@dataclass
class Reading:
    """The evidence found in one organisation's text."""

    # position → region → summed weight
    position: dict[str, dict[str, float]] = field(default_factory=dict)
    # node → summed weight of hits in the company's own regions
    nodes: dict[str, float] = field(default_factory=dict)
    # sector → region → summed weight
    sectors: dict[str, dict[str, float]] = field(default_factory=dict)
    cues_body: dict[str, float] = field(default_factory=dict)
    cues_name: dict[str, float] = field(default_factory=dict)
    leaf_best: dict[str, float] = field(default_factory=dict)
    evidence: list[Evidence] = field(default_factory=list)
    # role-cue words found (what kind of actor the text describes), weighed when explained
    cue_evidence: list[Evidence] = field(default_factory=list)
    products_dosage: int = 0
    chemical_named: bool = False
    # the company lists drug substances among its own products or main business (not a side line)
    sells_api: bool = False


def _term_weight(entry: NodeEntry) -> float:
    """Deeper nodes and product words are more specific evidence."""
    return 0.6 + 0.2 * min(entry.level - 1, 2) + (0.2 if entry.is_product else 0.0)


def read(org: OrgInput, lexicon: Lexicon) -> Reading:
    """Find the chain's words in an organisation's text and sum them by region."""
    description = "。".join([org.description, *org.extra]) if org.extra else org.description
    spans = read_fields(org.name, description, org.products)
    reading = Reading()
    for hit in lexicon.matcher.hits(spans):
        _add_hit(reading, hit, lexicon)
    for span in spans:
        if span.field == "scope":
            continue  # the licence list says what a company may do, not what it does
        target = reading.cues_name if span.field == "name" else reading.cues_body
        for term, at in lexicon.cue_matcher.find(span.text):
            for group in lexicon.cue_index.get(term, ()):
                target[group] = target.get(group, 0) + 1
                context = excerpt(span.text, at, len(term))
                reading.cue_evidence.append(
                    Evidence(span.field, term, f"cue:{group}", 1.0, context)
                )
        if span.field in {"products", "main", "description"}:
            forms = len(DOSAGE_FORM.findall(span.text))
            if forms:
                reading.cues_body["dosage_form"] = reading.cues_body.get("dosage_form", 0) + forms
    reading.chemical_named = any(
        CHEMICAL_WORDS.search(span.text) for span in spans if span.field in OWN_FIELDS
    )
    for shape, share in product_shares(org.products).items():
        if share:
            reading.cues_body[f"share_{shape}"] = share
    reading.products_dosage = len(DOSAGE_FORM.findall(normalise(org.products)))
    reading.sells_api = any(
        "原料药" in item and not MINOR_MARKERS.search(item)
        for item in PRODUCT_ITEM_SPLIT.split(normalise(org.products))
    ) or any("原料药" in span.text for span in spans if span.field == "main")
    # Dosage forms without any TCM word are chemical drugs (片剂, 注射液 … of a 中药 maker are not).
    forms = int(reading.cues_body.get("dosage_form", 0))
    if forms and not any(reading.sectors.get("tcm", {}).get(f, 0.0) for f in OWN_FIELDS):
        _add_sector(reading, "small_molecule", "products", 0.5 * min(forms, 4))
    return reading


def _add_hit(reading: Reading, hit: Hit, lexicon: Lexicon) -> None:
    own = hit.field in OWN_FIELDS
    for entry in lexicon.node_entries.get(hit.term, ()):
        weight = _term_weight(entry)
        by_field = reading.position.setdefault(entry.position, {})
        by_field[hit.field] = by_field.get(hit.field, 0.0) + weight
        if own:
            reading.nodes[entry.code] = reading.nodes.get(entry.code, 0.0) + weight
            if entry.is_leaf:
                best = reading.leaf_best.get(entry.position, 0.0)
                reading.leaf_best[entry.position] = max(best, weight)
        reading.evidence.append(Evidence(hit.field, hit.term, entry.code, weight, hit.context))
        sectors = [s for s in lexicon.node_sectors.get(entry.code, ()) if s in SPECIFIC_SECTORS]
        fields = [s for s in sectors if s != "cro_cdmo"]
        if entry.level >= 2 and len(fields) <= 1:
            # A node naming one field is as good as its field word; a node spanning several
            # ("生物药CDMO": antibodies or proteins) says none of them in particular.
            for sector in sectors:
                _add_sector(reading, sector, hit.field, weight)
    for sector in lexicon.sector_entries.get(hit.term, ()):
        _add_sector(reading, sector, hit.field, 1.0)
        reading.evidence.append(Evidence(hit.field, hit.term, f"sector:{sector}", 1.0, hit.context))
        family = FAMILY_OF.get(sector)
        if own and family:
            target = reading.cues_name if hit.field == "name" else reading.cues_body
            target[family] = target.get(family, 0) + 1


def _add_sector(reading: Reading, sector: str, region: str, weight: float) -> None:
    by_field = reading.sectors.setdefault(sector, {})
    by_field[region] = by_field.get(region, 0.0) + weight


# --------------------------------------------------------------------------- features

POSITION_FEATURES: tuple[str, ...] = (
    *(f"log_{f}" for f in FIELDS),
    "share_own",
    "is_top_own",
    "log_leaf",
    "customer_only",
    "scope_only",
    "share_products",
    "is_top_products",
    "is_top_name",
)


_POSITION_INDEX = {p: i for i, p in enumerate(POSITIONS)}


def position_features(reading: Reading, lexicon: Lexicon) -> tuple[np.ndarray, np.ndarray]:
    """(shared features: positions × F, cue features: G) for one reading."""
    shared = np.zeros((len(POSITIONS), len(POSITION_FEATURES)))
    # Only positions the text has words for get non-zero features (the rest keep the zero
    # row, which is what the formulas below give them); the sums run in the same order.
    found = reading.position
    own_totals = np.zeros(len(POSITIONS))
    product_totals = np.zeros(len(POSITIONS))
    name_totals = np.zeros(len(POSITIONS))
    for position, by in found.items():
        i = _POSITION_INDEX[position]
        own_totals[i] = sum(by.get(f, 0.0) for f in OWN_FIELDS)
        product_totals[i] = by.get("products", 0.0)
        name_totals[i] = by.get("name", 0.0)
    total = own_totals.sum()
    top = float(own_totals.max())
    # What the product list names is the surest word on what a company sells; the name is the
    # next (a register's description often tells the story of a group or a customer).
    product_sum, product_top = product_totals.sum(), float(product_totals.max())
    name_top = float(name_totals.max())
    leaf_best = reading.leaf_best
    for position, by_field in found.items():
        i = _POSITION_INDEX[position]
        own, products = own_totals[i], product_totals[i]
        shared[i] = [
            *(math.log1p(by_field.get(f, 0.0)) for f in FIELDS),
            own / total if total > 0 else 0.0,
            1.0 if own > 0 and own == top else 0.0,
            math.log1p(leaf_best.get(position, 0.0)),
            1.0 if own == 0 and by_field.get("customer", 0.0) > 0 else 0.0,
            1.0 if own == 0 and by_field.get("scope", 0.0) > 0 else 0.0,
            products / product_sum if product_sum > 0 else 0.0,
            1.0 if products > 0 and products == product_top else 0.0,
            1.0 if name_totals[i] > 0 and name_totals[i] == name_top else 0.0,
        ]
    cues = np.array(
        [math.log1p(reading.cues_body.get(g, 0)) for g in lexicon.groups]
        + [math.log1p(reading.cues_name.get(g, 0)) for g in lexicon.groups]
    )
    return shared, cues


SECTOR_FEATURES: tuple[str, ...] = (
    "log_own",
    "log_customer",
    "log_scope",
    "relative",
    "logit_prior_named",
    "logit_prior_unnamed",
    "log_customer_upstream",
    "node_support",
    "bias",
)


def sector_features(
    reading: Reading, position: str, nodes: Sequence[str], lexicon: Lexicon, model: Model
) -> np.ndarray:
    """Per specific SECTOR value × SECTOR_FEATURES for one reading and its chosen position."""
    # (a field the text has no word for sums to 0.0 over the regions)
    own = dict.fromkeys(SPECIFIC_SECTORS, 0.0)
    for s, by in reading.sectors.items():
        if s in own:
            own[s] = sum(by.get(f, 0.0) for f in OWN_FIELDS)
    best = max(own.values()) if own else 0.0
    supported = {s for n in nodes for s in lexicon.node_sectors.get(n, ())}
    out = np.zeros((len(SPECIFIC_SECTORS), len(SECTOR_FEATURES)))
    priors = model.sector_prior.get(position, {})
    upstream = POSITION_STAGE[position] == "upstream"
    for i, sector in enumerate(SPECIFIC_SECTORS):
        by_field = reading.sectors.get(sector, {})
        # How often the position's examples carry this field, given whether the text names it.
        rates = priors.get(sector, [0.02, 0.5])
        named = own[sector] > 0
        prior = min(0.98, max(0.02, rates[1] if named else rates[0]))
        logit = math.log(prior / (1 - prior))
        out[i] = [
            math.log1p(own[sector]),
            math.log1p(by_field.get("customer", 0.0)),
            math.log1p(by_field.get("scope", 0.0)),
            own[sector] / best if best > 0 else 0.0,
            logit if named else 0.0,
            0.0 if named else logit,
            # Suppliers are labelled with the fields they serve (their customers' fields).
            math.log1p(by_field.get("customer", 0.0)) if upstream else 0.0,
            1.0 if sector in supported else 0.0,
            1.0,
        ]
    return out


# --------------------------------------------------------------------------- the model


@dataclass
class Model:
    """Weights of both layers, the per-position sector statistics and where they came from."""

    groups: tuple[str, ...]
    theta: np.ndarray  # POSITION_FEATURES
    cue_weights: np.ndarray  # positions × (2 × groups)
    own_weights: np.ndarray  # positions × POSITION_FEATURES: each position's own correction
    bias: np.ndarray  # positions
    sector_weights: np.ndarray  # SECTOR_FEATURES
    # position → specific sector → [P(in gold | text names no word of it), P(… | it does)]
    sector_prior: dict[str, dict[str, list[float]]]
    umbrella: dict[str, dict[str, float]]  # position → umbrella → P(gold is that umbrella alone)
    trained_on: dict[str, Any] = field(default_factory=dict)
    sector_threshold: float = 0.5

    @classmethod
    def untrained(cls, groups: Sequence[str]) -> Model:
        """Dictionary evidence alone: own-region evidence decides, nothing learnt."""
        theta = np.zeros(len(POSITION_FEATURES))
        for name, weight in (("log_products", 1.0), ("log_main", 1.0), ("log_name", 0.8),
                             ("log_description", 0.8), ("log_scope", 0.1), ("share_own", 1.0),
                             ("is_top_own", 0.5), ("log_leaf", 0.5)):  # fmt: skip
            theta[POSITION_FEATURES.index(name)] = weight
        sector_weights = np.zeros(len(SECTOR_FEATURES))
        for name, weight in (("log_own", 3.0), ("relative", 2.0), ("node_support", 0.5), ("logit_prior_named", 0.5), ("logit_prior_unnamed", 0.5), ("bias", -2.5)):  # fmt: skip
            sector_weights[SECTOR_FEATURES.index(name)] = weight
        return cls(
            groups=tuple(groups),
            theta=theta,
            cue_weights=np.zeros((len(POSITIONS), 2 * len(groups))),
            own_weights=np.zeros((len(POSITIONS), len(POSITION_FEATURES))),
            bias=np.zeros(len(POSITIONS)),
            sector_weights=sector_weights,
            sector_prior={},
            umbrella={},
            trained_on={"examples": 0},
        )

    def to_json(self) -> str:
        return json.dumps(
            {
                "version": MODEL_VERSION,
                "positions": list(POSITIONS),
                "position_features": list(POSITION_FEATURES),
                "sector_features": list(SECTOR_FEATURES),
                "specific_sectors": list(SPECIFIC_SECTORS),
                "groups": list(self.groups),
                "theta": [round(float(x), 6) for x in self.theta],
                "cue_weights": [[round(float(x), 6) for x in row] for row in self.cue_weights],
                "own_weights": [[round(float(x), 6) for x in row] for row in self.own_weights],
                "bias": [round(float(x), 6) for x in self.bias],
                "sector_weights": [round(float(x), 6) for x in self.sector_weights],
                "sector_prior": self.sector_prior,
                "umbrella": self.umbrella,
                "sector_threshold": self.sector_threshold,
                "trained_on": self.trained_on,
            },
            ensure_ascii=False,
            indent=1,
        )

    @classmethod
    def from_json(cls, text: str) -> Model:
        data = json.loads(text)
        if data.get("version") != MODEL_VERSION:
            raise ValueError(f"classifier model version {data.get('version')} ≠ {MODEL_VERSION}")
        if (
            tuple(data["positions"]) != POSITIONS
            or tuple(data["position_features"]) != POSITION_FEATURES
        ):
            raise ValueError("classifier model was trained for other positions or features")
        if tuple(data["sector_features"]) != SECTOR_FEATURES:
            raise ValueError("classifier model was trained for other sector features")
        return cls(
            groups=tuple(data["groups"]),
            theta=np.array(data["theta"], dtype=float),
            cue_weights=np.array(data["cue_weights"], dtype=float),
            own_weights=np.array(data["own_weights"], dtype=float),
            bias=np.array(data["bias"], dtype=float),
            sector_weights=np.array(data["sector_weights"], dtype=float),
            sector_prior=data["sector_prior"],
            umbrella=data["umbrella"],
            trained_on=data.get("trained_on", {}),
            sector_threshold=float(data.get("sector_threshold", 0.5)),
        )


@lru_cache(maxsize=1)
def bundled_model() -> Model:
    """The model shipped in ``engine/data/classifier.json`` (dictionary-only if absent)."""
    path = importlib_resources.files(__package__).joinpath("data", "classifier.json")
    if not path.is_file():
        return Model.untrained(bundled_lexicon().groups)
    return Model.from_json(path.read_text("utf-8"))


def _softmax(scores: np.ndarray) -> np.ndarray:
    shifted = scores - scores.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    out: np.ndarray = exp / exp.sum(axis=-1, keepdims=True)
    return out


def _cue_vector(cues: np.ndarray, model: Model, lexicon: Lexicon) -> np.ndarray:
    """Cue features in the model's group order (a lexicon may have grown since training)."""
    if tuple(model.groups) == lexicon.groups:
        return cues
    size = len(lexicon.groups)
    by_group = {g: (cues[i], cues[size + i]) for i, g in enumerate(lexicon.groups)}
    body = [by_group.get(g, (0.0, 0.0))[0] for g in model.groups]
    name = [by_group.get(g, (0.0, 0.0))[1] for g in model.groups]
    return np.array(body + name)


def position_scores(reading: Reading, lexicon: Lexicon, model: Model) -> np.ndarray:
    shared, cues = position_features(reading, lexicon)
    cues = _cue_vector(cues, model, lexicon)
    scores: np.ndarray = (
        shared @ model.theta
        + (shared * model.own_weights).sum(axis=1)
        + model.cue_weights @ cues
        + model.bias
    )
    return scores


def _choose_nodes(reading: Reading, position: str, lexicon: Lexicon) -> tuple[str, ...]:
    """The most specific nodes of a position that the company's own text names (up to 3)."""
    tree = lexicon.tree
    candidates = sorted(
        (
            (w, code)
            for code, w in reading.nodes.items()
            if tree.node(code).chain_position == position
        ),
        key=lambda item: (-item[0], -tree.level(item[1]), item[1]),
    )
    chosen: list[str] = []
    for _, code in candidates:
        above = set(tree.ancestors(code))
        if code in {a for c in chosen for a in tree.ancestors(c)}:
            continue  # a chosen node already says more
        chosen = [c for c in chosen if c not in above]
        chosen.append(code)
        if len(chosen) == 3:
            break
    return tuple(chosen) or (position,)


def _family_evidence(reading: Reading, umbrella: str) -> float:
    """Own-text evidence for an umbrella: its own words and its members' words."""
    members = [s for s, u in SECTOR_UMBRELLA.items() if u == umbrella]
    return sum(
        reading.sectors.get(s, {}).get(f, 0.0) for s in (umbrella, *members) for f in OWN_FIELDS
    )


def _umbrella_for(reading: Reading, position: str, model: Model) -> tuple[str, ...]:
    """The umbrella a generalist answer takes: drugs and devices both → healthcare_general
    (or both umbrellas, where the position's examples name the two rather than the whole
    field: a promotion firm or a materials maker serving drug and device makers), one family →
    its umbrella, else what the position's examples carry most."""
    seen = model.umbrella.get(position, {})
    allowed = {u for u, rate in seen.items() if rate > 0} or set(UMBRELLAS)
    drug, device = _family_evidence(reading, "drug"), _family_evidence(reading, "device")
    if drug > 0 and device > 0:
        both = seen.get(BOTH_UMBRELLAS, 0.0)
        if both > 0 and both >= seen.get("healthcare_general", 0.0):
            return ("drug", "device")
        if "healthcare_general" in allowed:
            return ("healthcare_general",)
    if drug > device and "drug" in allowed:
        return ("drug",)
    if device > drug and "device" in allowed:
        return ("device",)
    if seen:
        best = max(((u, r) for u, r in seen.items() if u in UMBRELLAS), key=lambda kv: kv[1])
        return (best[0],)
    return ("healthcare_general",)


def choose_sectors(
    reading: Reading, position: str, nodes: Sequence[str], lexicon: Lexicon, model: Model
) -> tuple[str, ...]:
    """SECTOR values for a chosen position: specific values the model accepts, else an
    umbrella; never an umbrella beside one of its members.

    A position whose labelled examples are almost all generalists (care providers, retailers,
    logistics: they handle every field) answers ``healthcare_general`` directly.
    """
    if model.umbrella.get(position, {}).get("healthcare_general", 0.0) >= 0.8:
        return ("healthcare_general",)
    features = sector_features(reading, position, nodes, lexicon, model)
    probabilities = 1.0 / (1.0 + np.exp(-(features @ model.sector_weights)))
    cut = model.sector_threshold
    chosen = [s for s, p in zip(SPECIFIC_SECTORS, probabilities, strict=True) if p >= cut]
    if "tcm" in chosen and "small_molecule" in chosen and not reading.chemical_named:
        # Tablets and injections of a TCM maker are no chemical drugs unless it says so.
        chosen.remove("small_molecule")
    if "small_molecule" in chosen and BIOLOGIC_SECTORS & set(chosen) and not reading.chemical_named:
        # An injection of a recombinant protein is no chemical drug unless the text says so.
        chosen.remove("small_molecule")
    if position == "drug_manufacturer" and reading.sells_api and "api" not in chosen:
        # The labelling rule: a formulation maker that also sells its APIs is in `api` too.
        chosen.append("api")
    if chosen:
        return tuple(s for s in SECTOR.values if s in chosen)
    # Nothing specific stands out: an umbrella when the position's examples answer with one,
    # else what the chosen tree nodes cover (an IVD raw-material node covers `ivd`).
    if any(rate > 0 for rate in model.umbrella.get(position, {}).values()):
        return _umbrella_for(reading, position, model)
    node_sectors = [s for n in nodes for s in lexicon.node_sectors.get(n, ())]
    specific = [s for s in dict.fromkeys(node_sectors) if s in SPECIFIC_SECTORS]
    if specific:
        return tuple(s for s in SECTOR.values if s in specific)
    return _umbrella_for(reading, position, model)


def classify(
    org: OrgInput, *, lexicon: Lexicon | None = None, model: Model | None = None
) -> Classification:
    """Primary CHAIN_NODE position, other positions, tree nodes, sectors and evidence."""
    lexicon = lexicon or bundled_lexicon()
    model = model or bundled_model()
    reading = read(org, lexicon)
    probabilities = _softmax(position_scores(reading, lexicon, model))
    order = np.argsort(-probabilities)
    primary = POSITIONS[int(order[0])]
    primary = _ladder(primary, reading)
    others = [
        POSITIONS[int(i)]
        for i in order[1:3]
        if probabilities[int(i)] >= 0.2
        and sum(reading.position.get(POSITIONS[int(i)], {}).get(f, 0.0) for f in OWN_FIELDS) > 0
    ]
    nodes = _choose_nodes(reading, primary, lexicon)
    extra_nodes = [n for p in others for n in _choose_nodes(reading, p, lexicon)[:1]]
    sectors = choose_sectors(reading, primary, nodes, lexicon, model)
    evidence = _evidence_for(reading, primary, sectors, lexicon, model)
    return Classification(
        id=org.id,
        chain_node=primary,
        chain_nodes=(primary, *others),
        nodes=tuple(dict.fromkeys((*nodes, *extra_nodes))),
        sectors=sectors,
        confidence=float(probabilities[int(order[0])]),
        probabilities={p: float(v) for p, v in zip(POSITIONS, probabilities, strict=True)},
        evidence=evidence,
    )


def _ladder(position: str, reading: Reading) -> str:
    """The drug ladder (intermediate → API → finished dosage form): a company is placed at the
    most downstream product it sells. Dosage forms named among its products make an API or
    intermediate maker a drug manufacturer; APIs named in its own text make an intermediate
    maker an API maker."""
    if position in {"api", "intermediate"} and reading.products_dosage > 0:
        return "drug_manufacturer"
    if position == "intermediate":
        named_api = sum(
            reading.sectors.get("api", {}).get(f, 0.0) for f in ("products", "main", "name")
        )
        if named_api > 0:
            return "api"
    return position


def _cue_weight(model: Model, position: str, group: str, in_name: bool) -> float:
    """How much one role-cue word of ``group`` counts for ``position`` in the model."""
    if group not in model.groups:
        return 0.0
    column = model.groups.index(group) + (len(model.groups) if in_name else 0)
    return float(model.cue_weights[POSITIONS.index(position), column])


def _evidence_for(
    reading: Reading,
    position: str,
    sectors: Sequence[str],
    lexicon: Lexicon,
    model: Model | None = None,
) -> tuple[Evidence, ...]:
    """The hits behind the answer: own-text hits on the chosen position first, then up to
    three role-cue words that count for the position in the model (weighted as it weighs
    them), then the field words of the chosen sectors (at most twelve, no repeats)."""
    tree = lexicon.tree
    rank = {f: i for i, f in enumerate(FIELDS)}
    on_position = [
        e for e in reading.evidence
        if not e.points_to.startswith("sector:") and tree.node(e.points_to).chain_position == position
    ]  # fmt: skip
    on_sectors = [e for e in reading.evidence if e.points_to.removeprefix("sector:") in sectors]
    picked: list[Evidence] = []
    seen: set[tuple[str, str]] = set()
    for e in sorted(on_position, key=lambda e: (rank[e.field] > 3, -e.weight, rank[e.field])):
        if (e.term, e.points_to) not in seen:
            seen.add((e.term, e.points_to))
            picked.append(e)
    if model is not None:
        cues: list[Evidence] = []
        for e in reading.cue_evidence:
            group = e.points_to.removeprefix("cue:")
            weight = _cue_weight(model, position, group, e.field == "name")
            if weight >= 0.1 and (e.term, e.points_to) not in seen:
                seen.add((e.term, e.points_to))
                cues.append(Evidence(e.field, e.term, e.points_to, weight, e.context))
        picked.extend(sorted(cues, key=lambda e: -e.weight)[:3])
    for e in on_sectors:
        if (e.term, e.points_to) not in seen and e.points_to.startswith("sector:"):
            seen.add((e.term, e.points_to))
            picked.append(e)
    return tuple(picked[:12])


def classify_many(
    orgs: Iterable[OrgInput], *, lexicon: Lexicon | None = None, model: Model | None = None
) -> list[Classification]:
    lexicon = lexicon or bundled_lexicon()
    model = model or bundled_model()
    return [classify(o, lexicon=lexicon, model=model) for o in orgs]
