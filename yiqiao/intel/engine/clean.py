"""Cleaning: pinyin annotations, Traditional → Simplified, normalisation, boilerplate removal.

Order matters and is fixed by :func:`clean_text`:

1. strip pinyin annotations such as ``網(wǎng)`` (parentheses holding only lowercase Latin letters
   with at least one tone mark); ``(GMS)``, ``(重庆)``, ``(完)`` stay;
2. convert to Simplified **only** when the text is Traditional (OpenCC ``t2s`` would otherwise turn
   显著 into 显着);
3. NFKC normalisation (full-width digits, letters and ASCII punctuation become half width);
4. cut boilerplate lines (navigation, related-news lists, comments, disclaimers, copyright, ads)
   before any extraction, so that facts in boilerplate are never extracted.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PINYIN_RE = re.compile(
    r"[(（]\s*(?=[a-z" + _TONED + r"\s]*[" + _TONED + r"])[a-zü" + _TONED + r"]+"
    r"(?:\s+[a-zü" + _TONED + r"]+)*\s*[)）]"
)


def strip_pinyin(text: str) -> str:
    """Remove pinyin annotations like ``(wǎng)``; keep ``(GMS)``, ``(重庆)``, ``(完)``, ``(abc)``."""
    return _PINYIN_RE.sub("", text)


@lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc  # ships its conversion tables in the wheel (no download)

    return opencc.OpenCC("t2s")


def traditional_ratio(text: str) -> float:
    """Share of Han characters that OpenCC t2s would change (0 for Simplified text)."""
    han = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    if not han:
        return 0.0
    sample = "".join(han[:1500])
    converted = _t2s().convert(sample)
    changed = sum(1 for a, b in zip(sample, converted, strict=False) if a != b)
    return changed / len(sample)


def is_traditional(text: str) -> bool:
    """True when the text is written in Traditional characters.

    Simplified news text changes in well under 1% of characters under t2s (著→着 and the like);
    Traditional text changes in 10-30%.  3% separates the two with a wide margin.
    """
    return traditional_ratio(text) >= 0.03


def to_simplified(text: str) -> str:
    """OpenCC t2s conversion (call only on Traditional text)."""
    return str(_t2s().convert(text))


_KEEP_WIDE = {"。", "、", "“", "”", "‘", "’", "《", "》", "【", "】", "—", "…", "·"}


def normalise(text: str) -> str:
    """NFKC (full-width ASCII → half width), unify line ends and spaces, drop zero-width chars."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\u200b\u200c\u200d\ufeff]", "", text)
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u3000", " ").replace("\xa0", " ")
    text = re.sub(r"[ \t]+", " ", text)
    lines = [ln.strip() for ln in text.split("\n")]
    return "\n".join(lines)


# ----------------------------------------------------------------------------------- boilerplate
# A line starting with one of these begins the page tail: everything from it on is dropped.
_TAIL_MARKERS = (
    "相关新闻",
    "相关阅读",
    "相关资讯",
    "相关报道",
    "相关文章",
    "相关链接",
    "推荐阅读",
    "推荐文章",
    "热点推荐",
    "热门推荐",
    "延伸阅读",
    "猜你喜欢",
    "网友评论",
    "网友留言",
    "用户评论",
    "发表评论",
    "评论(",
    "上一篇",
    "下一篇",
    "关键词:",
    "关键字:",
    "友情链接",
    "免责声明",
    "版权声明",
    "版权所有",
    "copyright",
    "©",
    "凡注有",
    "凡本网注明",
    "【广告】",
    "广告",
    "责任编辑",
    "编辑:",
    "请选择您浏览此",
    "主办单位:",
    "资讯",
    "焦点",
)
# Lines dropped wherever they are.
_LINE_PATTERNS = re.compile(
    r"^(您的位置|当前位置|所在位置|首页\s*[>|/]|首页$|导航|分享到|扫一扫|打印|关闭|字号"
    r"|用户名|密码|验证码|匿名发表|本文共有|来源:.{0,20}$|作者:|审核:|选稿:|图片$|正文$)"
    r"|(ICP备|ICP证|未经(授权|许可)|不得转载|联系我们|技术支持|版权所有)"
)
_LIST_ITEM = re.compile(r"^[-·•▪►■□◆*]\s*")
_DATE_TAIL = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s*$")
_NAV_SEP = re.compile(r"\s[>|]\s|\s>|>\s")


def _is_tail_marker(line: str) -> bool:
    s = re.sub(r"^[\s(\[【<\-·•*]+", "", line).lower()
    if s.startswith(("资讯", "焦点")):
        return len(s) <= 4  # section headers of portal pages, not sentences starting with 资讯
    if s.startswith("广告"):
        return len(s) <= 6
    return s.startswith(_TAIL_MARKERS)


def _is_boilerplate_line(line: str) -> bool:
    s = line.strip()
    if not s:
        return False
    if _LINE_PATTERNS.search(s):
        return True
    if _LIST_ITEM.match(s) and len(s) <= 60:
        return True
    if _DATE_TAIL.search(s) and len(s) <= 60 and not s.endswith("。"):
        # a headline followed by its date: an item of a related-news list
        return not re.match(r"^\d{4}[-/.]", s)
    return len(s) <= 50 and len(_NAV_SEP.findall(s)) >= 2


@dataclass(frozen=True)
class Cleaned:
    """Cleaned article text and what was cut from it."""

    text: str
    head: str  # lines before the first body paragraph (title, dateline, source)
    removed: tuple[str, ...]
    traditional: bool


def cut_boilerplate(text: str) -> tuple[str, str, tuple[str, ...]]:
    """Split normalised text into (body, head, removed lines).

    The page tail starts at the first tail-marker line that follows at least one body paragraph;
    individual navigation, list-item and copyright lines are removed anywhere.
    """
    lines = text.split("\n")
    body: list[str] = []
    removed: list[str] = []
    head: list[str] = []
    seen_paragraph = False
    for i, line in enumerate(lines):
        if not line:
            continue
        if _is_tail_marker(line) and (seen_paragraph or i > 3):
            removed.extend(ln for ln in lines[i:] if ln)
            break
        if _is_boilerplate_line(line):
            removed.append(line)
            continue
        if not seen_paragraph:
            head.append(line)
        if len(line) >= 40 and re.search(r"[。,;]", line):
            seen_paragraph = True
        body.append(line)
    # trailing "(记者 X)" / "(完)" markers and bare sign-offs are harmless; keep them
    return "\n".join(body), "\n".join(head), tuple(removed)


def clean_text(raw: str) -> Cleaned:
    """Run the whole cleaning chain on already-decoded text (plain text, not HTML)."""
    text = strip_pinyin(raw)
    traditional = is_traditional(text)
    if traditional:
        text = to_simplified(text)
    text = normalise(text)
    body, head, removed = cut_boilerplate(text)
    return Cleaned(text=body, head=head, removed=removed, traditional=traditional)
