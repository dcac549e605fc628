"""Training data and training for the organisation labeller, from the labelled news corpus.

Only ``corpus/train`` (and, when asked, ``corpus/dev``) are read; ``corpus/frozen`` never is.
For each labelled article the text goes through the same preparation as extraction
(:func:`pipeline.prepare_text`: decoding, HTML main text, pinyin and Traditional cleaning,
boilerplate removal); the gold organisation names and their aliases are then found in the body
and labelled ``ORG``, the gold neutral names ``NEU`` (longest name first, no overlaps).  A
sentence takes part in training when it holds a label or any organisation-looking suffix, so the
model also sees the names that are *not* organisations.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import labeller, orgs
from .pipeline import prepare_text
from .textio import DecodeError, decode_bytes

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
TRAINABLE = ("train", "dev")


@dataclass(frozen=True)
class Example:
    """One sentence with its per-character labels."""

    source: str
    sentence: str
    labels: tuple[str, ...]


def _norm(s: str) -> str:
    return re.sub(r"[\s\"'“”‘’「」『』《》]", "", unicodedata.normalize("NFKC", s))


def load_labels(split: str, corpus: Path = CORPUS) -> list[dict[str, Any]]:
    """The gold labels of a trainable split (``train`` or ``dev``)."""
    if split not in TRAINABLE:
        raise ValueError(f"only {', '.join(TRAINABLE)} may be used for training, not {split!r}")
    path = corpus / split / "labels.json"
    if not path.is_file():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    return [g for g in (data if isinstance(data, list) else [data]) if isinstance(g, dict)]


def gold_names(g: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(organisation names and aliases, neutral names) of one gold article."""
    org: list[str] = []
    for o in g.get("organisations", []):
        org += [o["name"], *o.get("aliases", [])]
    for s in g.get("signings", []):
        for p, aliases in (g.get("party_aliases") or {}).items():
            if p in s.get("parties", []) and p in org:
                org += list(aliases)
    neutral = list(g.get("neutral", []))
    return [_norm(n) for n in org if n], [_norm(n) for n in neutral if n]


def label_text(text: str, org: Sequence[str], neutral: Sequence[str]) -> list[str]:
    """Per-character BIO labels of ``text`` from gold names (longest first, no overlaps)."""
    labels = ["O"] * len(text)
    taken = [False] * len(text)
    names = sorted(
        {(n, "ORG") for n in org if len(n) >= 2} | {(n, "NEU") for n in neutral if len(n) >= 2},
        key=lambda x: (-len(x[0]), x[1]),
    )
    for name, typ in names:
        start = text.find(name)
        while start >= 0:
            end = start + len(name)
            if not any(taken[start:end]):
                labels[start] = "B-" + typ
                for k in range(start + 1, end):
                    labels[k] = "I-" + typ
                for k in range(start, end):
                    taken[k] = True
            start = text.find(name, start + 1)
    return labels


def examples_for(g: dict[str, Any], folder: Path) -> list[Example]:
    """Training sentences of one gold article (empty when its file is missing or unreadable)."""
    path = folder / str(g.get("source", ""))
    if not path.is_file():
        return []
    try:
        raw = decode_bytes(path.read_bytes()).text
    except DecodeError:
        return []
    body = prepare_text(raw).body
    org, neutral = gold_names(g)
    labels = label_text(body, org, neutral)
    out = []
    for off, sent in labeller.sentence_spans(body):
        lab = labels[off : off + len(sent)]
        if any(x != "O" for x in lab) or orgs._SUFFIX_RE.search(sent):
            out.append(Example(str(g["source"]), sent, tuple(lab)))
    return out


def build_examples(splits: Iterable[str], corpus: Path = CORPUS) -> list[Example]:
    """Every training sentence of the given trainable splits."""
    out: list[Example] = []
    for split in splits:
        for g in load_labels(split, corpus):
            out += examples_for(g, corpus / split)
    return out


# L1 keeps the model small (most character features get weight 0); L2 smooths the rest.
PARAMS = {"c1": 0.1, "c2": 0.05, "max_iterations": 150, "feature.possible_transitions": True}


AUGMENT_COPIES = 0  # name-swapped copies per sentence with an organisation (`--augment N`)
AUGMENT_SEED = 1401


def _org_runs(labels: Sequence[str]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    start = None
    for i, lab in enumerate([*labels, "O"]):
        if start is not None and lab != "I-ORG":
            runs.append((start, i))
            start = None
        if lab == "B-ORG":
            start = i
    return runs


def augment(
    examples: Sequence[Example], copies: int = AUGMENT_COPIES, seed: int = AUGMENT_SEED
) -> list[Example]:
    """Name-swapped copies of the sentences that hold organisations.

    A corpus of a few hundred sentences lets a character model learn the names themselves
    instead of what surrounds them; on unseen reports every name is new.  Each copy replaces
    every labelled organisation by another organisation of the same training set (drawn with a
    fixed seed), so the context (``与…签约``, ``…等企业``, a list, a legal form) carries the label."""
    import random

    pool = sorted(
        {ex.sentence[s:e] for ex in examples for s, e in _org_runs(ex.labels) if e - s >= 2}
    )
    if len(pool) < 2 or copies <= 0:
        return []
    rnd = random.Random(seed)
    out: list[Example] = []
    for ex in examples:
        runs = _org_runs(ex.labels)
        if not runs:
            continue
        for _ in range(copies):
            text: list[str] = []
            labs: list[str] = []
            pos = 0
            for s, e in runs:
                text.append(ex.sentence[pos:s])
                labs += ex.labels[pos:s]
                name = rnd.choice(pool)
                if name == ex.sentence[s:e]:
                    name = rnd.choice(pool)
                text.append(name)
                labs += ["B-ORG"] + ["I-ORG"] * (len(name) - 1)
                pos = e
            text.append(ex.sentence[pos:])
            labs += ex.labels[pos:]
            out.append(Example(ex.source, "".join(text), tuple(labs)))
    return out


def train(examples: Sequence[Example], out: Path, params: dict[str, Any] | None = None) -> int:
    """Train a CRF on ``examples`` (plus their name-swapped copies, see :func:`augment`) and
    write it to ``out``; returns the number of sequences."""
    import pycrfsuite

    params = {**PARAMS, **(params or {})}
    copies = int(params.pop("augment", AUGMENT_COPIES))
    examples = [*examples, *augment(examples, copies)]
    trainer = pycrfsuite.Trainer(verbose=False)
    for ex in examples:
        trainer.append(labeller.features(ex.sentence), list(ex.labels))
    trainer.set_params(params)
    out.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(out))
    return len(examples)


_GOV_END = ("委", "厅", "署", "办", "局", "府", "会", "室")


def derive_suffixes(
    splits: Iterable[str], existing: Iterable[str], corpus: Path = CORPUS, min_articles: int = 3
) -> list[tuple[str, str, str, str]]:
    """Organisation-name endings the corpus teaches: the last two characters of gold names (the
    last one for 委/厅/署 bodies) that end names in at least ``min_articles`` training articles
    and are not yet in the dictionary; rows ``(suffix, kind, form, provenance)`` where the
    provenance is the first article (``corpus:<split>/<file>``) that has such a name."""
    known = set(existing)
    seen: dict[str, list[str]] = {}
    named: dict[str, set[str]] = {}
    for split in splits:
        for g in load_labels(split, corpus):
            ref = f"corpus:{split}/{g['source']}"
            names = {_norm(o["name"]) for o in g.get("organisations", [])}
            for name in names:
                if len(name) < 4 or not re.fullmatch(r"[\u4e00-\u9fff()]+", name):
                    continue
                ends = [name[-2:]] + ([name[-1]] if name[-1] in "委厅署" else [])
                for end in ends:
                    if any(end.endswith(k) or k.endswith(end) for k in known):
                        continue  # 商务局 is covered by 局, 公室 is the tail of 办公室
                    named.setdefault(end, set()).add(name)
                    refs = seen.setdefault(end, [])
                    if ref not in refs:
                        refs.append(ref)
    rows = []
    for end, refs in sorted(seen.items()):
        if len(refs) < min_articles or len(named[end]) < min_articles:
            continue  # one firm named in two articles teaches no suffix
        kind = "government" if end.endswith(_GOV_END) else "company"
        rows.append((end, kind, "legal", refs[0]))
    return rows


def write_suffixes(rows: Sequence[tuple[str, str, str, str]], path: Path) -> None:
    """Write derived suffix rows as a provenance-carrying list file."""
    lines = ["suffix\tkind\tform\tprovenance"] + ["\t".join(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# ------------------------------------------------------------------ the candidate classifier
def _nname(s: str) -> str:
    """The scorer's normalisation: NFKC, no whitespace or quotes, lower case."""
    return re.sub(r'[\s"\'“”‘’「」『』《》〈〉【】]', "", unicodedata.normalize("NFKC", s)).lower()


def _lenient(p: str, variants: Sequence[str]) -> bool:
    for v in variants:
        if not p or not v:
            continue
        if p == v:
            return True
        if (p in v or v in p) and min(len(p), len(v)) / max(len(p), len(v)) >= 0.6:
            return True
    return False


@dataclass(frozen=True)
class Analysis:
    """One training article as the pipeline sees it: its body, the labeller's spans and
    per-character ORG probability (from a labeller that did not train on this article)."""

    source: str
    body: str
    spans: tuple[Any, ...]
    prob: tuple[float, ...]
    gold: dict[str, Any]


def _body_of(g: dict[str, Any], folder: Path) -> str | None:
    path = folder / str(g.get("source", ""))
    if not path.is_file():
        return None
    try:
        raw = decode_bytes(path.read_bytes()).text
    except DecodeError:
        return None
    return prepare_text(raw).body


def out_of_fold(
    splits: Iterable[str], folds: int = 4, corpus: Path = CORPUS, workdir: Path | None = None
) -> list[Analysis]:
    """Labeller output for every article of ``splits``, each from a labeller trained on the
    other folds (articles are dealt to folds in name order)."""
    import tempfile

    arts: list[tuple[str, dict[str, Any]]] = []
    for split in splits:
        arts += [(split, g) for g in load_labels(split, corpus)]
    arts.sort(key=lambda a: str(a[1].get("source")))
    examples = {id(g): examples_for(g, corpus / split) for split, g in arts}
    out: list[Analysis] = []
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        for k in range(folds):
            held = [(s, g) for i, (s, g) in enumerate(arts) if i % folds == k]
            rest = [
                ex for i, (_s, g) in enumerate(arts) if i % folds != k for ex in examples[id(g)]
            ]
            model_path = Path(tmp) / f"fold{k}.crfsuite"
            train(rest, model_path)
            model = labeller.Labeller(model_path)
            for split, g in held:
                body = _body_of(g, corpus / split)
                if body is None:
                    continue
                spans, prob = model.analyse(body)
                out.append(Analysis(str(g["source"]), body, tuple(spans), tuple(prob), g))
    return out


def classifier_examples(analyses: Sequence[Analysis]) -> list[tuple[list[str], str]]:
    """(features, Y/N) for every candidate of the analysed articles.  A candidate is Y when it
    matches a gold organisation the way the scorer does (exact, alias, or one name containing
    the other at 60 % of its length); one that only matches a neutral name is left out."""
    from . import candidates as cmod

    out: list[tuple[list[str], str]] = []
    for a in analyses:
        g = a.gold
        variants = [
            [_nname(o["name"])] + [_nname(x) for x in o.get("aliases", [])]
            for o in g.get("organisations", [])
        ]
        neutral = [_nname(x) for x in g.get("neutral", [])]
        cands = cmod.add_tables(a.body, cmod.generate(a.body, a.spans))
        feats = cmod.featurise(a.body, cands, a.prob)
        for c, f in zip(cands, feats, strict=True):
            n = _nname(c.name)
            if any(_lenient(n, v) for v in variants):
                out.append((f, "Y"))
            elif _lenient(n, neutral):
                continue
            else:
                out.append((f, "N"))
    return out


CLASSIFIER_PARAMS = {"c1": 0.0, "c2": 3.0, "max_iterations": 200}


def train_classifier(
    examples: Sequence[tuple[list[str], str]], out: Path, params: dict[str, Any] | None = None
) -> int:
    """Train the candidate classifier (one-item sequences) and write it to ``out``."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for feats, label in examples:
        trainer.append([feats], [label])
    trainer.set_params({**CLASSIFIER_PARAMS, **(params or {})})
    out.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(out))
    return len(examples)
