"""A character-level CRF that labels organisation names (and neutral places/parks) in a sentence.

Rules alone plateau on unseen reports; this labeller is trained on the news corpus
(``corpus/train``, see :mod:`.training`) and generalises from features rather than lists:

* the character and its neighbours (±2), character bigrams;
* jieba's segmentation without its HMM (so an out-of-vocabulary brand stays a run of single
  characters): the position of the character in its word, the word's length, the word itself
  when jieba's dictionary knows it, and how common it is;
* the engine's dictionaries: organisation suffixes (legal forms, industry words) ending here,
  places from jionlp's table, stop words that end the left context of a name.

Labels are ``B-ORG``/``I-ORG`` (an organisation), ``B-NEU``/``I-NEU`` (a place, park, platform or
medium the corpus marks neutral: learning them keeps them out of the organisations) and ``O``.
The model is a python-crfsuite file committed under ``models/``; it loads without network and is
rebuilt with ``yiqiao intel train``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import orgs, places

MODEL_DIR = Path(__file__).resolve().parent / "models"
MODEL_PATH = MODEL_DIR / "orgs.crfsuite"
MAX_SPAN = 40  # longer "names" are labelling accidents
_SENT_SPLIT = re.compile(r"[^。!?;\n]+[。!?;]?")


@dataclass(frozen=True)
class Span:
    """A labelled span of a text: ``text[start:end]`` is a name of ``label`` (ORG or NEU)."""

    start: int
    end: int
    label: str
    name: str
    confidence: float = 1.0


@lru_cache(maxsize=1)
def _automaton() -> Any:
    """One Aho-Corasick automaton over suffixes (kind L/S), stop words (W) and places (P)."""
    import ahocorasick

    marks: dict[str, set[str]] = {}
    for sfx in orgs._LEGAL_SUFFIXES:
        marks.setdefault(sfx, set()).add("L")
    for sfx in orgs._SHORT_SUFFIXES:
        marks.setdefault(sfx, set()).add("S")
    for w in orgs._STOP_WORDS:
        marks.setdefault(w, set()).add("W")
    for name in places.gazetteer():
        marks.setdefault(name, set()).add("P")
    auto = ahocorasick.Automaton()
    for word, kinds in marks.items():
        auto.add_word(word, (len(word), "".join(sorted(kinds))))
    auto.make_automaton()
    return auto


def _freq_bucket(f: int) -> str:
    return "0" if not f else ("1" if f < 50 else ("2" if f < 1000 else "3"))


def features(sentence: str) -> list[list[str]]:
    """Feature strings for every character of ``sentence`` (crfsuite's item format)."""
    import rjieba

    n = len(sentence)
    if n == 0:
        return []
    freq = orgs._jieba().dt.FREQ
    tword = [""] * n
    tinfo = [""] * n
    i = 0
    for w in rjieba.cut(sentence, hmm=False):
        k = len(w)
        if i + k > n:
            break
        fb = _freq_bucket(freq.get(w, 0))
        lb = str(k) if k < 5 else "5"
        if k == 1:
            tinfo[i] = "S1" + fb
        else:
            tinfo[i] = "B" + lb + fb
            for j in range(1, k - 1):
                tinfo[i + j] = "M" + lb + fb
            tinfo[i + k - 1] = "E" + lb + fb
            for j in range(k):
                tword[i + j] = w
        i += k
    # dictionary marks: suffix / stop word / place ending at, or covering, each character
    sfx_end = [""] * n
    sfx_in = [""] * n
    stop = [False] * n
    place = [""] * n
    for end, (k, kinds) in _automaton().iter(sentence):
        start = end - k + 1
        if "L" in kinds or "S" in kinds:
            kind = "L" if "L" in kinds else "S"
            if len(sfx_end[end]) < 2 or k > int(sfx_end[end][1:] or 0):
                sfx_end[end] = kind + str(min(k, 6))
            for p in range(start, end):
                sfx_in[p] = kind
        if "W" in kinds:
            for p in range(start, end + 1):
                stop[p] = True
        if "P" in kinds:
            if not place[start]:
                place[start] = "B"
            for p in range(start + 1, end + 1):
                if not place[p]:
                    place[p] = "I"
    # the rules' own candidates (suffix names, list members): the model learns when to trust them
    rule = [""] * n
    cands = orgs.suffix_candidates(sentence)
    if "、" in sentence:
        cands = cands + orgs.enumeration_candidates(sentence, 0, cands)
    for c in cands:
        if c.end > n or c.start >= c.end:
            continue
        tag = "r" if c.source == "rule" else "l"
        rule[c.start] = "B" + tag
        for p in range(c.start + 1, c.end - 1):
            rule[p] = "I" + tag
        if c.end - 1 > c.start:
            rule[c.end - 1] = "E" + tag
    pad = "^^" + sentence + "$$"
    # the eight features every character has, built column by column (list comprehensions over
    # the padded sentence), then the optional marks appended in a fixed order
    cur = pad[2 : n + 2]
    out: list[list[str]] = [
        [a, b, c, d, e, f, g, h]
        for a, b, c, d, e, f, g, h in zip(
            ["c=" + x for x in cur],
            ["c-1=" + x for x in pad[1 : n + 1]],
            ["c+1=" + x for x in pad[3 : n + 3]],
            ["c-2=" + x for x in pad[0:n]],
            ["c+2=" + x for x in pad[4 : n + 4]],
            ["b-1=" + pad[q - 1 : q + 1] for q in range(2, n + 2)],
            ["b+1=" + pad[q : q + 2] for q in range(2, n + 2)],
            ["t=" + x for x in tinfo],
            strict=True,
        )
    ]
    for p in range(n):
        f = out[p]
        if tword[p]:
            f.append("w=" + tword[p])
        if sfx_end[p]:
            f.append("se=" + sfx_end[p])
        if sfx_in[p]:
            f.append("si=" + sfx_in[p])
        if p + 1 < n and sfx_end[p + 1]:
            f.append("se+1=" + sfx_end[p + 1])
        if place[p]:
            f.append("pl=" + place[p])
        if rule[p]:
            f.append("rc=" + rule[p])
            f.append("rcw=" + rule[p][:1] + cur[p])
        if stop[p]:
            f.append("sw")
        if p > 0:
            if stop[p - 1]:
                f.append("sw-1")
            if sfx_end[p - 1]:
                f.append("se-1=" + sfx_end[p - 1])
            if tinfo[p - 1]:
                f.append("t-1=" + tinfo[p - 1][:1])
    return out


def sentence_spans(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pieces the labeller works on."""
    return [(m.start(), m.group(0)) for m in _SENT_SPLIT.finditer(text) if m.group(0).strip()]


def bio_to_spans(text: str, offset: int, labels: Sequence[str]) -> list[Span]:
    """Decode B/I/O labels into spans (an I without a B starts a span)."""
    out: list[Span] = []
    start = None
    cur = ""
    for i, lab in enumerate([*labels, "O"]):
        tag, _, typ = lab.partition("-")
        if start is not None and (tag != "I" or typ != cur):
            if i - start <= MAX_SPAN:
                out.append(Span(offset + start, offset + i, cur, text[start:i]))
            start = None
        if tag == "B" or (tag == "I" and start is None):
            start, cur = i, typ
    return out


class Labeller:
    """A loaded CRF model; :meth:`spans` labels a whole text."""

    def __init__(self, path: Path = MODEL_PATH) -> None:
        import pycrfsuite

        self.path = path
        self._tagger: Any = pycrfsuite.Tagger()
        self._tagger.open(str(path))
        self._lock = threading.Lock()
        self._labels = frozenset(self._tagger.labels())
        self._org_labels = len(self._labels & {"B-ORG", "I-ORG"})

    def tag(self, sentence: str) -> list[str]:
        """Labels for each character of one sentence."""
        xseq = features(sentence)
        if not xseq:
            return []
        with self._lock:
            return list(self._tagger.tag(xseq))

    def spans(self, text: str) -> list[Span]:
        """Labelled spans of ``text`` (all sentences)."""
        out: list[Span] = []
        for off, sent in sentence_spans(text):
            out += bio_to_spans(sent, off, self.tag(sent))
        return out

    def analyse(self, text: str) -> tuple[list[Span], list[float]]:
        """Labelled spans of ``text`` and, for every character, the model's probability that it
        belongs to an organisation name (B-ORG or I-ORG marginal)."""
        out: list[Span] = []
        prob = [0.0] * len(text)
        for off, sent in sentence_spans(text):
            xseq = features(sent)
            if not xseq:
                continue
            with self._lock:
                self._tagger.set(xseq)
                labels = list(self._tagger.tag())
                marg = self._tagger.marginal
                if self._org_labels == 2:
                    prob[off : off + len(sent)] = [
                        marg("B-ORG", i) + marg("I-ORG", i) for i in range(len(sent))
                    ]
                elif self._org_labels:
                    lab = "B-ORG" if "B-ORG" in self._labels else "I-ORG"
                    for i in range(len(sent)):
                        prob[off + i] = marg(lab, i)
            out += bio_to_spans(sent, off, labels)
        return out, prob


_loaded: dict[str, Labeller | None] = {}
_load_lock = threading.Lock()


def default() -> Labeller | None:
    """The shipped model, loaded once; ``None`` when no model file is present."""
    with _load_lock:
        if "default" not in _loaded:
            _loaded["default"] = Labeller() if MODEL_PATH.is_file() else None
        return _loaded["default"]


def use(path: Path) -> None:
    """Make the model at ``path`` the default one (experiments: a model trained on train only)."""
    model = Labeller(path)
    with _load_lock:
        _loaded["default"] = model
