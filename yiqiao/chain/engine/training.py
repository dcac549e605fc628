"""Training the classifier's two layers on labelled examples (pure, numpy only).

Examples are lines of the team's organisation set format (EVAL_FORMATS.md §2): ``name``,
``description``, ``products``, ``chain_node`` and ``sectors``. Both layers are small (a few
hundred weights) and L2-regularised, so a few hundred examples train them without memorising
words: the words come from the chain dictionary, the model only learns how much each kind of
evidence counts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .classify import (
    BOTH_UMBRELLAS,
    OWN_FIELDS,
    POSITION_FEATURES,
    POSITIONS,
    SECTOR_FEATURES,
    SPECIFIC_SECTORS,
    UMBRELLAS,
    Lexicon,
    Model,
    OrgInput,
    Reading,
    _choose_nodes,
    position_features,
    read,
    sector_features,
)


@dataclass(frozen=True)
class Example:
    """One labelled organisation."""

    org: OrgInput
    chain_node: str
    sectors: tuple[str, ...]


def examples_from_jsonl(paths: Iterable[str | Path]) -> list[Example]:
    """Read labelled examples; a line without a known chain_node is an error (file:line)."""
    out: list[Example] = []
    for path in paths:
        for number, line in enumerate(Path(path).read_text("utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            item = json.loads(line)
            if item.get("chain_node") not in POSITIONS:
                raise ValueError(f"{path}:{number}: chain_node {item.get('chain_node')!r} unknown")
            out.append(example_from_item(item))
    return out


def example_from_item(item: dict[str, Any]) -> Example:
    return Example(
        org=OrgInput(
            id=str(item.get("id", "")),
            name=str(item.get("name") or ""),
            description=str(item.get("description") or ""),
            products=str(item.get("products") or ""),
        ),
        chain_node=str(item["chain_node"]),
        sectors=tuple(item.get("sectors") or ()),
    )


def _adam(grad_fn: Any, params: list[np.ndarray], steps: int, rate: float) -> None:
    """Minimise with Adam in place (full batch; the problems are tiny and convex)."""
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    for t in range(1, steps + 1):
        grads = grad_fn(params)
        for i, g in enumerate(grads):
            m[i] = 0.9 * m[i] + 0.1 * g
            v[i] = 0.999 * v[i] + 0.001 * g * g
            m_hat = m[i] / (1 - 0.9**t)
            v_hat = v[i] / (1 - 0.999**t)
            params[i] -= rate * m_hat / (np.sqrt(v_hat) + 1e-8)


def train(
    examples: Sequence[Example],
    lexicon: Lexicon,
    *,
    l2_shared: float = 0.001,
    l2_cues: float = 0.003,
    l2_bias: float = 0.1,
    l2_own: float = 0.001,
    l2_sector: float = 0.05,
    steps: int = 1500,
) -> Model:
    """Fit both layers; returns a Model carrying what it was trained on."""
    if not examples:
        raise ValueError("no training examples")
    readings = [read(e.org, lexicon) for e in examples]
    groups = lexicon.groups
    shared = []
    cues = []
    for reading in readings:
        s, c = position_features(reading, lexicon)
        shared.append(s)
        cues.append(c)
    shared_x = np.stack(shared)  # N × P × F
    cue_x = np.stack(cues)  # N × G
    gold = np.array([POSITIONS.index(e.chain_node) for e in examples])
    n = len(examples)
    onehot = np.zeros((n, len(POSITIONS)))
    onehot[np.arange(n), gold] = 1.0

    def position_grads(params: list[np.ndarray]) -> list[np.ndarray]:
        theta, weights, bias, own = params
        scores = shared_x @ theta + (shared_x * own).sum(axis=2) + cue_x @ weights.T + bias
        scores -= scores.max(axis=1, keepdims=True)
        probabilities = np.exp(scores)
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        delta = (probabilities - onehot) / n  # N × P
        g_theta = np.einsum("np,npf->f", delta, shared_x) + 2 * l2_shared * theta
        g_weights = delta.T @ cue_x + 2 * l2_cues * weights
        g_bias = delta.sum(axis=0) + 2 * l2_bias * bias
        g_own = delta[:, :, None] * shared_x
        return [g_theta, g_weights, g_bias, g_own.sum(axis=0) + 2 * l2_own * own]

    start = Model.untrained(groups)
    params = [
        start.theta.copy(),
        start.cue_weights.copy(),
        start.bias.copy(),
        start.own_weights.copy(),
    ]
    _adam(position_grads, params, steps, 0.05)
    theta, cue_weights, bias, own_weights = params

    sector_prior, umbrella = sector_statistics(examples, readings)
    model = Model(
        groups=groups,
        theta=theta,
        cue_weights=cue_weights,
        own_weights=own_weights,
        bias=bias,
        sector_weights=start.sector_weights.copy(),
        sector_prior=sector_prior,
        umbrella=umbrella,
    )
    model.sector_weights = _train_sectors(
        examples, readings, lexicon, model, l2_sector=l2_sector, steps=steps
    )
    model.trained_on = {
        "examples": n,
        "by_position": {p: int((gold == i).sum()) for i, p in enumerate(POSITIONS)},
    }
    return model


def _named(reading: Reading, sector: str) -> bool:
    return any(reading.sectors.get(sector, {}).get(f, 0.0) > 0 for f in OWN_FIELDS)


def sector_statistics(
    examples: Sequence[Example], readings: Sequence[Reading], *, exclude: int | None = None
) -> tuple[dict[str, dict[str, list[float]]], dict[str, dict[str, float]]]:
    """Per position and specific sector: how often the label carries the sector when the
    text names none of its words, and when it does (each smoothed towards the same rate over
    all positions); and per position how often the label is exactly one umbrella.
    ``exclude`` leaves one example out (so training features do not see their own label)."""
    counts: dict[tuple[str, str, bool], list[int]] = {}
    per_position: dict[str, list[tuple[str, ...]]] = {}
    for i, (example, reading) in enumerate(zip(examples, readings, strict=True)):
        if i == exclude:
            continue
        per_position.setdefault(example.chain_node, []).append(example.sectors)
        for sector in SPECIFIC_SECTORS:
            named = _named(reading, sector)
            for key in ((example.chain_node, sector, named), ("*", sector, named)):
                cell = counts.setdefault(key, [0, 0])
                cell[0] += sector in example.sectors
                cell[1] += 1
    alpha = 2.0

    def rate(position: str, sector: str, named: bool) -> float:
        hits, total = counts.get(("*", sector, named), [0, 0])
        overall = (hits + (0.5 if named else 0.02)) / (total + 1)
        hits, total = counts.get((position, sector, named), [0, 0])
        return round((hits + alpha * overall) / (total + alpha), 4)

    prior = {
        position: {k: [rate(position, k, False), rate(position, k, True)] for k in SPECIFIC_SECTORS}
        for position in per_position
    }
    umbrella = {
        position: {
            **{
                u: round(sum(tuple(s) == (u,) for s in sets) / (len(sets) + 1), 4)
                for u in UMBRELLAS
            },
            BOTH_UMBRELLAS: round(
                sum(set(s) == {"drug", "device"} for s in sets) / (len(sets) + 1), 4
            ),
        }
        for position, sets in per_position.items()
    }
    return prior, umbrella


def _train_sectors(
    examples: Sequence[Example],
    readings: Sequence[Reading],
    lexicon: Lexicon,
    model: Model,
    *,
    l2_sector: float,
    steps: int,
) -> np.ndarray:
    rows, targets = [], []
    for i, (example, reading) in enumerate(zip(examples, readings, strict=True)):
        # Leave this example out of the position statistics its own features read.
        prior, umbrella = sector_statistics(examples, readings, exclude=i)
        loo = Model(
            groups=model.groups,
            theta=model.theta,
            cue_weights=model.cue_weights,
            own_weights=model.own_weights,
            bias=model.bias,
            sector_weights=model.sector_weights,
            sector_prior=prior,
            umbrella=umbrella,
        )
        nodes = _choose_nodes(reading, example.chain_node, lexicon)
        features = sector_features(reading, example.chain_node, nodes, lexicon, loo)
        rows.append(features)
        targets.append([1.0 if s in example.sectors else 0.0 for s in SPECIFIC_SECTORS])
    x = np.concatenate(rows)  # (N × S) × K
    y = np.concatenate([np.array(t) for t in targets])
    weights = model.sector_weights.copy()
    bias_index = SECTOR_FEATURES.index("bias")

    def grads(params: list[np.ndarray]) -> list[np.ndarray]:
        (w,) = params
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        g = x.T @ (p - y) / len(examples)
        penalty = 2 * l2_sector * w
        penalty[bias_index] = 0.0
        return [g + penalty]

    params = [weights]
    _adam(grads, params, steps, 0.05)
    probabilities = 1.0 / (1.0 + np.exp(-(x @ params[0])))
    # The cut that gives the best F1 on the (leave-one-out) training rows: log-loss weights
    # are calibrated, but F1 on rare positives is best below 0.5.
    best = (0.0, 0.5)
    for cut in np.arange(0.2, 0.61, 0.025):
        chosen = probabilities >= cut
        tp = float((chosen & (y > 0)).sum())
        precision = tp / max(1.0, float(chosen.sum()))
        recall = tp / max(1.0, float((y > 0).sum()))
        f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
        best = max(best, (round(f1, 6), round(float(cut), 3)))
    model.sector_threshold = best[1]
    return params[0]


def feature_names() -> dict[str, list[str]]:
    return {"position": list(POSITION_FEATURES), "sector": list(SECTOR_FEATURES)}
