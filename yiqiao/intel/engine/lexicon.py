"""Word lists of the engine, read from ``data/*.tsv``, each entry with its provenance.

Every list file is a TSV with a header line; the first column is the entry, the last column
``provenance`` says where the entry comes from, as one or more ``;``-separated references:

* ``corpus:train/<file>`` or ``corpus:dev/<file>`` – an article of the news corpus
  (``yiqiao/intel/corpus``) in which the entry occurs (never the frozen part, never the seeds);
* ``general:<id>`` – a public general source listed in ``data/sources.tsv`` (a law, a package's
  bundled dictionary); sources with a ``check`` are verified by the tests (the entry must be in
  jieba's dictionary, in jionlp's place table, or in the list the source names).

:func:`check_provenance` performs those checks; ``test_engine_lexicon.py`` fails on any entry
whose provenance is missing or cannot be verified.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
CORPUS = Path(__file__).resolve().parents[1] / "corpus"
CITABLE_SPLITS = ("train", "dev")


@dataclass(frozen=True)
class Entry:
    """One row of a list file: the entry, its other columns, its provenance references."""

    entry: str
    fields: dict[str, str]
    provenance: tuple[str, ...]


@cache
def table(name: str) -> tuple[Entry, ...]:
    """All rows of ``data/<name>.tsv`` (header line, tab separated, ``#`` lines are comments)."""
    path = DATA / f"{name}.tsv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.reader(fh, delimiter="\t") if r and not r[0].startswith("#")]
    header, body = rows[0], rows[1:]
    out = []
    for r in body:
        values = dict(zip(header, (c.strip() for c in r), strict=False))
        prov = tuple(p.strip() for p in values.get("provenance", "").split(";") if p.strip())
        out.append(Entry(values[header[0]], values, prov))
    return tuple(out)


def words(name: str) -> tuple[str, ...]:
    """The entries of ``data/<name>.tsv`` in file order."""
    return tuple(e.entry for e in table(name))


def column(name: str, col: str) -> dict[str, str]:
    """Entry → value of column ``col`` of ``data/<name>.tsv``."""
    return {e.entry: e.fields[col] for e in table(name)}


def list_files() -> list[str]:
    """Names of every list file (``sources.tsv`` excluded)."""
    return sorted(p.stem for p in DATA.glob("*.tsv") if p.stem != "sources")


@lru_cache(maxsize=1)
def sources() -> dict[str, dict[str, str]]:
    """The general sources that ``general:<id>`` references may name."""
    return {e.entry: e.fields for e in table("sources")}


@lru_cache(maxsize=1)
def _jieba_words() -> frozenset[str]:
    import jieba

    path = Path(jieba.__file__).resolve().parent / "dict.txt"
    with path.open(encoding="utf-8") as fh:
        return frozenset(line.split(" ", 1)[0] for line in fh if line.strip())


@lru_cache(maxsize=256)
def _article_text(ref: str) -> str | None:
    """Simplified, normalised text of a citable corpus article (None when it does not exist)."""
    from . import clean
    from .textio import DecodeError, decode_bytes

    split, _, name = ref.partition("/")
    if split not in CITABLE_SPLITS or not name or "/" in name or name.startswith("."):
        return None
    path = CORPUS / split / name
    if not path.is_file():
        return None
    try:
        text = decode_bytes(path.read_bytes()).text
    except DecodeError:
        return None
    text = clean.strip_pinyin(text)
    if clean.is_traditional(text):
        text = clean.to_simplified(text)
    return clean.normalise(text)


def check_provenance(entry: Entry) -> list[str]:
    """Problems with one entry's provenance (empty when every reference holds)."""
    if not entry.provenance:
        return [f"{entry.entry}: no provenance"]
    problems = []
    for ref in entry.provenance:
        kind, _, rest = ref.partition(":")
        if kind == "corpus":
            text = _article_text(rest)
            if text is None:
                problems.append(f"{entry.entry}: {ref} is not a train/dev corpus article")
            elif entry.entry not in text:
                problems.append(f"{entry.entry}: does not occur in {ref}")
        elif kind == "general":
            src = sources().get(rest)
            if src is None:
                problems.append(f"{entry.entry}: unknown source {ref}")
                continue
            check = src.get("check", "-")
            if check == "jieba" and entry.entry not in _jieba_words():
                problems.append(f"{entry.entry}: not in jieba's dictionary ({ref})")
            elif check == "jionlp":
                from .places import raw_place_names

                if entry.entry not in raw_place_names():
                    problems.append(f"{entry.entry}: not in jionlp's place table ({ref})")
            elif check.startswith("list:") and entry.entry not in check[5:].split(","):
                problems.append(f"{entry.entry}: not among the forms {ref} names")
        else:
            problems.append(f"{entry.entry}: provenance {ref!r} is neither corpus: nor general:")
    return problems
