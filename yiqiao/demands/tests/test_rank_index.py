"""The ranking index gives exactly what the brute-force ranking (``rank.rank``) gives: the same
records in the same order with the same verdicts and relevance, over random catalogues and
needs (the parsed real training needs and random requirements of every operator), with and
without unmet results, exclusions and any ``top``. Its text features and batch normalisation
equal ``grams`` and ``normalise`` on random text (Traditional, full-width, typos, Latin words)."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path
from typing import Any

import pytest

from yiqiao.demands.engine import rank_index
from yiqiao.demands.engine.quantities import normalise, normalise_texts
from yiqiao.demands.engine.rank import DEFINING, Candidate, Ranked, Relevance, grams, rank
from yiqiao.demands.engine.rank_index import _HAN_LO, _HAN_SPAN, _LATIN_BASE, RankIndex, _features
from yiqiao.demands.engine.understand import ParsedNeed, Requirement, understand
from yiqiao.vocab import ATTRIBUTES, VOCABULARIES

TRAIN = Path(__file__).resolve().parents[1] / "evaluation" / "real" / "train.jsonl"
TYPES = ("space", "service", "investor", "organisation", "policy")
PIECES = [
    *"生物医药的了和与是厂房洁净場房洁静無塵室醫材寫字樓實驗室ａｂＣ１２abcXYZ09+-. ，。\n㎡😀①",
    "GMP",
    "c++",
    "3.5",
    "a-b",
    "-x",
    "嘅",
    "即刻入得",
    "实验是",
    "冷链仓储",
    "细胞治疗",
    "中试",
    "平米",
]
ODD = [True, False, "500", 10**20, float("nan"), {"a": 1}, [1, "x"], 7, 7.0, (), [], ""]


def _text(rng: random.Random) -> str:
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 30)))


def _value(name: str, rng: random.Random) -> Any:
    a = ATTRIBUTES[name]
    roll = rng.random()
    if roll < 0.15:
        return None
    if roll < 0.2:
        return rng.choice(ODD)
    if a.datatype == "bool":
        return rng.random() < 0.5
    if a.datatype in ("enum", "list"):
        values = list(VOCABULARIES[a.vocabulary or ""].values)
        if a.datatype == "enum":
            return rng.choice(values)
        return rng.sample(values, min(len(values), rng.randint(0, 3)))
    high = a.maximum if a.maximum is not None else 10000
    if a.datatype == "int" or rng.random() < 0.3:
        return rng.randint(int(a.minimum or 0), int(high))
    return round(rng.uniform(a.minimum or 0, high), rng.choice([0, 1, 2]))


def _catalogue(rng: random.Random, n: int) -> list[Candidate]:
    names: dict[str, list[str]] = {}
    for name in ATTRIBUTES:
        names.setdefault(name.split(".", 1)[0], []).append(name)
    out = []
    for i in range(n):
        tp = rng.choice(TYPES)
        chosen = rng.sample(names[tp], rng.randint(0, len(names[tp])))
        attrs = {name: _value(name, rng) for name in chosen}
        if tp == "space" and rng.random() < 0.8:
            attrs["space.status"] = rng.choice(["available", "available", "leased"])
        key = f"{tp}:{rng.randint(0, n) if rng.random() < 0.05 else i}"  # a few duplicate keys
        out.append(Candidate(tp, key, _text(rng), _text(rng), attrs))
    return out


def _requirement(
    rng: random.Random, catalogue: list[Candidate], name: str | None = None
) -> Requirement:
    name = name or rng.choice(list(ATTRIBUTES))
    a = ATTRIBUTES[name]
    sample = [c.attributes.get(name) for c in rng.sample(catalogue, 5)]
    sample = [v for v in sample if v is not None] or [_value(name, rng)]
    seen = rng.choice(sample)
    if a.datatype in ("number", "int"):
        op = rng.choice(["ge", "le", "between", "eq", "in"])
        x = seen if isinstance(seen, int | float) and not isinstance(seen, bool) else 100
        if isinstance(x, float) and math.isnan(x):
            x = 50
        value: Any = {
            "between": [x * 0.5, x * 1.5 + 1],
            "in": [x, 3, 7],
            "eq": x,
        }.get(op, x)
    elif a.datatype == "list":
        op = rng.choice(["contains", "covers", "eq", "contains_any", "covers_any"])
        items = seen if isinstance(seen, list) and seen else [_value(name, rng)]
        value = rng.choice(items) if op != "eq" else seen
        if op in ("covers", "contains") and isinstance(value, list):
            value = value[0] if value else "national"
        if op.endswith("_any"):
            value = [value, rng.choice(["national", "device", "x"])]
    else:
        op = rng.choice(["eq", "in", "contains"])
        value = [seen, "x"] if op == "in" else seen
    if not isinstance(value, str | int | float | list | bool) or value is None:
        value = "x"
    return Requirement(name, op, value, None, (0, 0), rng.random() < 0.2)


def _parsed(rng: random.Random, catalogue: list[Candidate]) -> ParsedNeed:
    types = rng.sample(TYPES, rng.randint(1, 3))
    reqs = [_requirement(rng, catalogue) for _ in range(rng.randint(0, 6))]
    defining = DEFINING.get(types[0])
    if defining and rng.random() < 0.6:
        # most needs say what the resource is (a type answers only then: rank.DEFINING)
        reqs.append(_requirement(rng, catalogue, name=rng.choice(sorted(defining))))
    return ParsedNeed(_text(rng), None, types, reqs, [])


def _summary(ranked: list[Ranked]) -> list[tuple[Any, ...]]:
    return [
        (
            r.candidate.key,
            r.candidate.title,
            [(v.requirement.name, v.status) for v in r.verdicts],
            r.unmet,
            r.unknown,
            r.type_rank,
            r.preferences_met,
            r.relevance,
        )
        for r in ranked
    ]


@pytest.mark.parametrize(("seed", "full_table"), [(1, 4096), (2, 4096), (3, 0), (4, 0)])
def test_it_ranks_random_needs_exactly_as_the_brute_force_scan(
    seed: int, full_table: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # full_table 0: every column takes the paths of columns with many distinct values (the
    # element index of lists, statuses of only the values the rows hold)
    monkeypatch.setattr(rank_index, "_FULL_TABLE", full_table)
    rng = random.Random(seed)
    catalogue = _catalogue(rng, 600)
    index = RankIndex(catalogue)
    relevance = Relevance(catalogue)
    nonempty = 0
    for _ in range(150):
        parsed = _parsed(rng, catalogue)
        top = rng.choice([1, 3, 10, 50, 1000])
        include_unmet = rng.random() < 0.3
        exclude = [c.key for c in rng.sample(catalogue, rng.randint(0, 5))]
        expected = rank(
            parsed,
            catalogue,
            top=top,
            relevance=relevance,
            include_unmet=include_unmet,
            exclude_keys=exclude,
        )
        got = index.rank(parsed, top=top, include_unmet=include_unmet, exclude_keys=exclude)
        assert _summary(got) == _summary(expected), (parsed, top, include_unmet)
        nonempty += bool(expected)
    assert nonempty > 30  # the needs do find results: the comparison is not between empties


def test_it_ranks_the_real_training_needs_exactly_as_the_brute_force_scan() -> None:
    rng = random.Random(13)
    catalogue = _catalogue(rng, 1500)
    index = RankIndex(catalogue)
    relevance = Relevance(catalogue)
    texts = [json.loads(line)["text"] for line in TRAIN.read_text("utf-8").splitlines() if line]
    for text in texts:
        parsed = understand(text)
        for top in (5, 200):
            expected = rank(parsed, catalogue, top=top, relevance=relevance)
            assert _summary(index.rank(parsed, top=top)) == _summary(expected), text


def test_its_text_features_and_batch_normalisation_equal_grams_and_normalise() -> None:
    rng = random.Random(5)
    texts = [_text(rng) for _ in range(4000)] + ["", "\x1e", "a\x1eb", "乾隆後來", "ＧＭＰ車間"]
    normalised = normalise_texts(texts)
    assert normalised == [normalise(t).text for t in texts]
    latin: dict[str, int] = {}
    features, docs = _features(normalised, latin)
    words = {v: k for k, v in latin.items()}
    found: list[set[str]] = [set() for _ in texts]
    for fid, doc in zip(features.tolist(), docs.tolist(), strict=True):
        if fid >= _LATIN_BASE:
            found[doc].add(words[fid - _LATIN_BASE])
        else:
            found[doc].add(chr(fid // _HAN_SPAN + _HAN_LO) + chr(fid % _HAN_SPAN + _HAN_LO))
    assert found == [grams(t) for t in texts]


def test_an_empty_catalogue_ranks_nothing() -> None:
    index = RankIndex([])
    assert index.rank(understand("找1000平米厂房，租金40元以内")) == []
