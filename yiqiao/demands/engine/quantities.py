"""Text normalisation and numbers as people type them into a need.

``normalise`` maps a need's text to one comparable form while keeping, for every character of
the result, the offset of the character it came from in the original (so each parsed requirement
can point at the words it was read from): NFKC per character (full-width digits and letters,
㎡ → m2), lower case, OpenCC Traditional → Simplified (Taiwan and Hong Kong forms), and a few
regional words (嘅 → 的, 搵 → 找).

``number`` reads Arabic and Chinese numerals with their multipliers: "3个亿", "1.5亿", "一千五百万",
"两千", "一百多", "十几", "二三十", "三四", "1,500", "５０".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

#: Cantonese and Taiwan words with a Simplified equivalent the parser reads (common usage).
REGIONAL = {
    "嘅": "的",
    "搵": "找",
    "哋": "们",
    "冇": "没",
    "即刻入得": "马上入住",
    "醫材": "医疗器械",
    "医材": "医疗器械",
    "寫字樓": "写字楼",
    "無塵室": "洁净室",
    "无尘室": "洁净室",
    "无尘车间": "洁净车间",
}
#: Typos seen in typed needs (homophones of the word meant).
TYPOS = {
    "场房": "厂房",
    "洁静": "洁净",
    "结净": "洁净",
    "洁浄": "洁净",
    "实验是": "实验室",
    "办工": "办公",
    "仓酷": "仓库",
    "冷酷": "冷库",
    "货体": "货梯",
    "荷截": "荷载",
    "承种": "承重",
    "孵话": "孵化",
}


@lru_cache(maxsize=1)
def _t2s():  # type: ignore[no-untyped-def]
    import opencc  # ships its conversion tables in the wheel (no download)

    return opencc.OpenCC("t2s")


@dataclass(frozen=True, slots=True)
class Normalised:
    """The normalised text and, per character, the offset of its source in the original."""

    text: str
    origin: tuple[int, ...]
    original: str

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original offsets of normalised ``[start, end)``."""
        if not self.origin:
            return (0, 0)
        start = min(max(start, 0), len(self.origin) - 1)
        end = min(max(end, start + 1), len(self.origin))
        return (self.origin[start], self.origin[end - 1] + 1)


def _replace_all(text: str, origin: list[int], table: dict[str, str]) -> tuple[str, list[int]]:
    for old, new in table.items():
        while True:
            at = text.find(old)
            if at < 0:
                break
            head = origin[at : at + len(old)]
            mapped = [head[min(i, len(head) - 1)] for i in range(len(new))]
            text = text[:at] + new + text[at + len(old) :]
            origin = origin[:at] + mapped + origin[at + len(old) :]
    return text, origin


def normalise(original: str) -> Normalised:
    """See the module docstring. Never raises on any string."""
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(original):
        folded = unicodedata.normalize("NFKC", ch).lower()
        if ch in "㎡":
            folded = "m2"
        for piece in folded:
            chars.append(piece)
            origin.append(i)
    text = "".join(chars)
    if text:
        converted = _t2s().convert(text)
        if len(converted) == len(text):
            text = converted
        else:  # a phrase conversion changed the length: convert character by character
            text = "".join(_t2s().convert(c) if len(_t2s().convert(c)) == 1 else c for c in text)
    text, origin = _replace_all(text, origin, REGIONAL)
    text, origin = _replace_all(text, origin, TYPOS)
    return Normalised(text, tuple(origin), original)


_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "幺": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
CN_NUMERAL = "零〇一二两三四五六七八九十百千万亿"
#: A number as typed: Arabic (with decimals and thousands separators) or Chinese numerals,
#: optionally followed by a multiplier and "多/几/余" ("一百多", "十几", "3个亿", "5000多万").
NUMBER = (
    r"(?:\d+(?:,\d{3})*(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+)"
    r"(?:多|几|余)?(?:个)?(?:[十百千](?:多|几|余)?)?(?:万|亿)?(?:多|几|余)?(?:个)?(?:亿|万)?"
)
NUMBER_RE = re.compile(NUMBER)


def _chinese_integer(text: str) -> float | None:
    """A Chinese numeral without 万/亿 ("一千五百", "十二", "二三十" → 25, "三四" → 3.5)."""
    if not text:
        return None
    if len(text) >= 2 and all(c in _DIGITS for c in text):
        if len(text) == 2 and _DIGITS[text[1]] == _DIGITS[text[0]] + 1:
            return (_DIGITS[text[0]] + _DIGITS[text[1]]) / 2  # 三四 → 3.5
        return float("".join(str(_DIGITS[c]) for c in text))  # 二〇二六
    total = 0.0
    current = 0.0
    pending_pair: tuple[int, int] | None = None
    for i, c in enumerate(text):
        if c in _DIGITS:
            nxt = text[i + 1] if i + 1 < len(text) else ""
            if nxt in _DIGITS and _DIGITS[nxt] == _DIGITS[c] + 1:
                pending_pair = (_DIGITS[c], _DIGITS[nxt])
                current = (_DIGITS[c] + _DIGITS[nxt]) / 2
                continue
            if pending_pair is not None and _DIGITS[c] == pending_pair[1]:
                pending_pair = None
                continue
            current = _DIGITS[c]
        elif c in _SMALL_UNITS:
            total += (current or 1) * _SMALL_UNITS[c]
            current = 0
        else:
            return None
    return total + current


def number(text: str) -> tuple[float, bool] | None:
    """The value of a number as typed and whether it was loose ("多", "几", "余").

    ``None`` when ``text`` is not a number."""
    raw = text.replace(",", "").replace("个", "")
    loose = any(c in raw for c in "多几余")
    raw = raw.replace("多", "").replace("几", "").replace("余", "")
    if "十" in raw and loose and text.startswith("十") and raw == "十":
        return 15.0, True  # 十几
    value = 0.0
    rest = raw
    # split on the biggest multiplier first: 1亿5000万, 3个亿
    for big in ("亿", "万"):
        if big in rest:
            head, _, rest = rest.partition(big)
            head_value = _plain(head) if head else 1.0
            if head_value is None:
                return None
            value += head_value * _BIG_UNITS[big]
    if rest:
        tail = _plain(rest)
        if tail is None:
            return None
        if value and "万" in raw and "亿" in raw and tail < 10_000:
            tail *= 10_000  # 1亿5000 (万 implied) is rare; keep literal otherwise
        value += tail
    if loose and value and raw.endswith(("十", "百", "千")):
        value *= 1.25  # 一百多 ≈ 125
    return value, loose


def _plain(text: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([十百千])", text)
    if m:
        return float(m.group(1)) * _SMALL_UNITS[m.group(2)]
    if all(c in _DIGITS or c in _SMALL_UNITS for c in text):
        return _chinese_integer(text)
    return None


# ---- many texts at once (index builds) -------------------------------------------------------

_SEPARATOR = "\x1e"  # record separator: NFKC and OpenCC keep it, and no table word contains it
_BATCH = 5_000


def _replace_is_sequential(old: str, new: str) -> bool:
    """Whether ``str.replace(old, new)`` equals ``_replace_all``'s find-again-from-the-start
    loop: true unless a replacement can take part in a new occurrence of ``old``."""
    for p in range(len(new)):  # an occurrence starting inside the new text
        tail = new[p:]
        if old.startswith(tail) or tail.startswith(old):
            return False
    # an occurrence starting before the new text and reaching into it
    return not any(new.startswith(old[p:]) for p in range(1, len(old)))


_TABLES_SEQUENTIAL = all(
    _replace_is_sequential(old, new) for table in (REGIONAL, TYPOS) for old, new in table.items()
)


def normalise_texts(texts: list[str]) -> list[str]:
    """``[normalise(t).text for t in texts]``, computed in batches at C speed (index builds):
    one ``str.translate`` for the per-character folding, one OpenCC call and one
    ``str.replace`` per table word per batch. A text the batch path cannot vouch for (it holds
    the separator, or OpenCC changed its length) goes through ``normalise`` itself."""
    if not _TABLES_SEQUENTIAL:  # a future table word would break the batch equivalence
        return [normalise(t).text for t in texts]
    out: list[str] = []
    folds: dict[int, str] = {}
    for start in range(0, len(texts), _BATCH):
        chunk = texts[start : start + _BATCH]
        joined = _SEPARATOR.join(chunk)
        for ch in set(joined):
            if ord(ch) not in folds:
                folded = unicodedata.normalize("NFKC", ch).lower()
                folds[ord(ch)] = "m2" if ch == "㎡" else folded
        table = {chr(code): f for code, f in folds.items() if f != chr(code)}
        if any(ch in table for f in table.values() for ch in f):
            folded_text = joined.translate({ord(k): f for k, f in table.items()})
        else:  # no output is itself folded: replacing one by one is translate, but faster
            folded_text = joined
            for ch, f in table.items():
                if ch in folded_text:
                    folded_text = folded_text.replace(ch, f)
        converted = _t2s().convert(folded_text) if folded_text else folded_text
        pieces = converted.split(_SEPARATOR)
        folded_pieces = folded_text.split(_SEPARATOR)
        if len(pieces) != len(chunk) or len(folded_pieces) != len(chunk):
            out += [normalise(t).text for t in chunk]
            continue
        # a text whose conversion changed length is left empty here and normalised alone
        alone = [len(c) != len(f) for c, f in zip(pieces, folded_pieces, strict=True)]
        merged = _SEPARATOR.join("" if a else c for c, a in zip(pieces, alone, strict=True))
        for table_words in (REGIONAL, TYPOS):
            for old, new in table_words.items():
                if old in merged:
                    merged = merged.replace(old, new)
        done = merged.split(_SEPARATOR)
        out += [normalise(t).text if a else d for d, a, t in zip(done, alone, chunk, strict=True)]
    return out
