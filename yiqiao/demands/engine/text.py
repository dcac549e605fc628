"""Text analysis: normalise, convert Traditional to Simplified, segment, drop noise, fold synonyms.

The pipeline for any text (resource or need):

1. NFKC (full-width letters and digits become ASCII) and lower-case;
2. OpenCC Traditional-to-Simplified (skipped when no character would change);
3. split into runs of Han characters, letters and digits ("blocks");
4. each block: ASCII words ("car-t", "iso13485", "510k") are
   taken whole; the rest goes to jieba (no HMM) with the domain dictionary in
   ``data/userdict.txt`` and every synonym variant added as a word. A word longer than two
   characters also yields its best split without itself, recursively, so "体外诊断试剂" also
   yields "体外", "诊断", "试剂" (jieba's own search mode would add stray bigrams like "外诊");
5. drop stop words, single characters and tokens without letters or Han characters (so bare
   numbers go: quantities belong to the structured fields);
6. add the head of the token's synonym group (``data/synonyms.tsv``) after the token itself,
   on both the resource and the need side, so synonyms match in both directions while an
   exact match on a specific word still counts more than a synonym.

A block always yields the same tokens, so callers may cache per block.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources as importlib_resources
from typing import Any

import jieba
import numpy as np
import numpy.typing as npt
import opencc

_BLOCK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fffa-z0-9+\-]+")
_HAS_WORD_CHAR = re.compile(r"[a-z\u3400-\u4dbf\u4e00-\u9fff]")
_PIECE_CACHE_SIZE = 1_000_000
_FULL_WIDTH = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u3000]")
_ASCII_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789+-")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_ASCII_WORD = re.compile(r"[a-z0-9][a-z0-9+\-]*[a-z0-9+]|[a-z]")
_ASCII_ONLY = re.compile(r"[a-z0-9+\-]+")


def _data_lines(name: str) -> list[str]:
    """Non-empty, non-comment lines of a bundled data file."""
    text = importlib_resources.files(__package__).joinpath("data", name).read_text("utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The domain dictionary, synonym groups and stop words the analyser uses."""

    words: tuple[tuple[str, int], ...]
    synonyms: dict[str, str]  # variant -> canonical head
    stopwords: frozenset[str]

    @classmethod
    def bundled(cls) -> Vocabulary:
        """The vocabulary shipped in ``engine/data``."""
        return _bundled_vocabulary()

    def groups(self) -> dict[str, tuple[str, ...]]:
        """Synonym groups as canonical head -> all variants (head included)."""
        out: dict[str, list[str]] = {}
        for variant, head in self.synonyms.items():
            out.setdefault(head, []).append(variant)
        return {head: tuple(sorted(variants)) for head, variants in sorted(out.items())}


@lru_cache(maxsize=1)
def _bundled_vocabulary() -> Vocabulary:
    words: list[tuple[str, int]] = []
    for line in _data_lines("userdict.txt"):
        parts = line.split()
        freq = int(parts[1]) if len(parts) > 1 else 1500
        words.append((parts[0].lower(), freq))
    synonyms: dict[str, str] = {}
    for line in _data_lines("synonyms.tsv"):
        head, _, variants = line.partition("\t")
        head = head.strip().lower()
        for variant in [head, *variants.split("|")]:
            variant = variant.strip().lower()
            if variant:
                synonyms[variant] = head
    stopwords = frozenset(line.strip() for line in _data_lines("stopwords.txt"))
    return Vocabulary(words=tuple(words), synonyms=synonyms, stopwords=stopwords)


@lru_cache(maxsize=1)
def _converter() -> Any:
    return opencc.OpenCC("t2s")


def normalise(text: str) -> str:
    """Lower-case, NFKC where it matters, and Traditional-to-Simplified (OpenCC t2s)."""
    if _FULL_WIDTH.search(text) is not None:
        text = unicodedata.normalize("NFKC", text)
    text = text.lower()
    if _traditional().search(text) is not None:
        text = str(_converter().convert(text))
    return text


@lru_cache(maxsize=1)
def _traditional() -> re.Pattern[str]:
    """Characters that OpenCC t2s changes; text without any is left alone (most text)."""
    converter = _converter()
    ranges = [(0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00)]
    changed = [
        chr(c) for lo, hi in ranges for c in range(lo, hi) if converter.convert(chr(c)) != chr(c)
    ]
    return re.compile("[" + "".join(changed) + "]")


class TextAnalyzer:
    """Turns text into canonical tokens with its own jieba tokenizer (never jieba's global one).

    Analysers on the bundled vocabulary share one read-only tokenizer, because loading jieba's
    dictionary and scanning it for the piece rule takes about two seconds.

    ``use_synonyms=False`` keeps the same segmentation but does not fold synonyms; it is the
    baseline that evaluation compares the full engine against.
    """

    def __init__(self, vocabulary: Vocabulary | None = None, *, use_synonyms: bool = True) -> None:
        self.vocabulary = vocabulary or Vocabulary.bundled()
        self.use_synonyms = use_synonyms
        if vocabulary is None:
            self._tokenizer, self._pair_keys = _bundled_tokenizer()
        else:
            self._tokenizer = _make_tokenizer(self.vocabulary)
            self._pair_keys = _inner_pair_keys(self._tokenizer)
        self._sub_word_cache: dict[str, list[str]] = {}
        self._piece_cache: dict[str, tuple[tuple[str, str], ...]] = {}

    def blocks(self, text: str) -> list[str]:
        """``normalise`` the text, then split it into runs of Han characters, letters, digits."""
        return _BLOCK.findall(normalise(text))

    def block_tokens(self, block: str) -> list[tuple[str, str]]:
        """(surface, canonical) pairs for one block from ``blocks``, in order."""
        return self.blocks_tokens([block])[0]

    def blocks_tokens(self, blocks: Sequence[str]) -> list[list[tuple[str, str]]]:
        """``block_tokens`` for many blocks at once (the piece cuts are found in one numpy pass)."""
        out: list[list[tuple[str, str]]] = []
        cache = self._piece_cache
        for pieces in self.pieces(blocks):
            tokens: list[tuple[str, str]] = []
            for piece in pieces:
                hit = cache.get(piece)
                if hit is None:
                    hit = self._piece_tokens(piece)
                    if len(cache) < _PIECE_CACHE_SIZE:
                        cache[piece] = hit
                tokens.extend(hit)
            out.append(tokens)
        return out

    def pieces(self, blocks: Sequence[str]) -> list[list[str]]:
        """Split each block where no dictionary word can straddle the cut.

        If the two characters around a position never occur next to each other inside any
        dictionary word, no word in jieba's DAG crosses that position, so every segmentation
        path passes through it and the best path of the block is the best path of the left
        piece followed by the best path of the right piece. Cutting there therefore changes
        nothing in the result, and the short pieces (stock phrases, park names) repeat across
        documents far more often than whole clauses do, which makes the piece cache effective.

        The character pairs of all blocks are looked up at once: blocks are joined with NUL
        (which pairs with nothing, so it always stands alone), each pair becomes one integer
        key, and a binary search in the sorted keys of the dictionary's inner pairs marks cuts.
        """
        if not blocks:
            return []
        joined = "\x00".join(blocks)
        codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        keys = (codes[:-1] << np.uint64(21)) | codes[1:]
        table = self._pair_keys
        where = np.minimum(np.searchsorted(table, keys), table.shape[0] - 1)
        cuts = (np.flatnonzero(table[where] != keys) + 1).tolist()
        cuts.append(len(joined))
        out: list[list[str]] = []
        current: list[str] = []
        start = 0
        for cut in cuts:
            piece = joined[start:cut]
            start = cut
            if piece == "\x00":
                out.append(current)
                current = []
            else:
                current.append(piece)
        out.append(current)
        return out

    def _piece_tokens(self, piece: str) -> tuple[tuple[str, str], ...]:
        stop = self.vocabulary.stopwords
        synonyms = self.vocabulary.synonyms if self.use_synonyms else {}
        out: list[tuple[str, str]] = []
        for token in self._segment(piece):
            if len(token) < 2 or token in stop or _HAS_WORD_CHAR.search(token) is None:
                continue
            out.append((token, token))
            head = synonyms.get(token, token)
            if head != token:
                # Keep the word itself and add its group head: synonyms meet on the head,
                # while an exact match on a specific word ("三甲医院") still counts extra.
                out.append((token, head))
        return tuple(out)

    def _segment(self, block: str) -> list[str]:
        if _ASCII_ONLY.fullmatch(block) is not None:
            return _ASCII_WORD.findall(block)
        out: list[str] = _ASCII_WORD.findall(block) if _ASCII_WORD.search(block) else []
        for word in self._tokenizer.cut(block, HMM=False):
            if _ASCII_ONLY.fullmatch(word) is not None:
                continue  # ASCII runs were taken whole above; jieba splits "car-t"
            out.append(word)
            if len(word) > 2:
                out.extend(self._sub_words(word))
        return out

    def _sub_words(self, word: str) -> list[str]:
        """Best dictionary split of ``word`` that does not use ``word`` itself, recursively."""
        cached = self._sub_word_cache.get(word)
        if cached is not None:
            return cached
        tokenizer = self._tokenizer
        dag: dict[int, list[int]] = tokenizer.get_DAG(word)
        last = len(word) - 1
        dag[0] = [end for end in dag[0] if end != last] or [0]
        route: dict[int, tuple[float, int]] = {}
        tokenizer.calc(word, dag, route)
        pieces: list[str] = []
        start = 0
        while start <= last:
            end = route[start][1] + 1
            pieces.append(word[start:end])
            start = end
        out: list[str] = []
        if len(pieces) > 1:
            for piece in pieces:
                if len(piece) >= 2:
                    out.append(piece)
                    if len(piece) > 2:
                        out.extend(self._sub_words(piece))
        if len(self._sub_word_cache) < 200_000:
            self._sub_word_cache[word] = out
        return out

    def tokens(self, text: str) -> list[str]:
        """Canonical tokens of a text (with repeats, in order)."""
        return [
            canonical for block in self.blocks(text) for _, canonical in self.block_tokens(block)
        ]

    def query_terms(self, text: str) -> dict[str, tuple[str, ...]]:
        """Canonical term -> the surface forms the text used for it, first occurrence order."""
        forms: dict[str, list[str]] = {}
        for block in self.blocks(text):
            for surface, canonical in self.block_tokens(block):
                seen = forms.setdefault(canonical, [])
                if surface not in seen:
                    seen.append(surface)
        return {term: tuple(surfaces) for term, surfaces in forms.items()}


@lru_cache(maxsize=1)
def _bundled_tokenizer() -> tuple[Any, npt.NDArray[np.uint64]]:
    # Loading jieba and scanning its dictionary takes about two seconds; the bundled
    # vocabulary's tokenizer is read-only after loading, so analysers share it.
    tokenizer = _make_tokenizer(Vocabulary.bundled())
    return tokenizer, _inner_pair_keys(tokenizer)


def _make_tokenizer(vocabulary: Vocabulary) -> Any:
    logging.getLogger("jieba").setLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for word, freq in _dictionary_words(vocabulary):
        tokenizer.add_word(word, freq)
    return tokenizer


def _inner_pair_keys(tokenizer: Any) -> npt.NDArray[np.uint64]:
    """Sorted keys (first code point << 21 | second) of every character pair inside a word."""
    # Every pair of ASCII word characters counts as inner, so ASCII runs ("car-t",
    # "iso13485") are never cut and reach the ASCII word rule whole.
    pairs: set[str] = {a + b for a in _ASCII_CHARS for b in _ASCII_CHARS}
    for word, freq in tokenizer.FREQ.items():
        if freq and len(word) > 1:
            pairs.update(word[i : i + 2] for i in range(len(word) - 1))
    keys = np.fromiter(
        ((ord(pair[0]) << 21) | ord(pair[1]) for pair in pairs), dtype=np.uint64, count=len(pairs)
    )
    keys.sort()
    return keys


def _dictionary_words(vocabulary: Vocabulary) -> Iterable[tuple[str, int]]:
    yield from vocabulary.words
    for variant in vocabulary.synonyms:
        # ASCII variants are whole blocks already; only Han words need the dictionary.
        if _HAN.search(variant) is not None:
            yield variant, 2000
