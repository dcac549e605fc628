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
    lines = [_table_row(ln) for ln in text.split("\n")]
    lines = [re.sub(r" +", " ", ln).strip() for ln in lines]
    return "\n".join(lines)


_MD_RULE = re.compile(r"^\|?[\s:|-]+\|?$")
_CELL_GAP = re.compile(r"\t+| {2,}")


def _table_row(line: str) -> str:
    """A table row (cells between bars, or separated by tabs or runs of spaces) as cells joined
    by tabs; any other line unchanged (without tabs).  Markdown rule rows ``|---|---|`` vanish."""
    s = line.strip()
    if s.startswith("|") and s.endswith("|") and len(s) > 2:
        if _MD_RULE.match(s):
            return ""
        cells = [c.strip() for c in s[1:-1].split("|")]
    elif _CELL_GAP.search(s) and "。" not in s:
        cells = [c.strip() for c in _CELL_GAP.split(s)]
    else:
        return line.replace("\t", " ")
    cells = [c for c in cells if c]
    if len(cells) < 2 or any(len(c) > 40 for c in cells):
        return line.replace("\t", " ")
    return "\t".join(cells)


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
    "往期推荐",
    "往期回顾",
    "精彩推荐",
    "更多新闻",
    "更多阅读",
    "热门文章",
    "编辑推荐",
    "点击排行",
    "本版责编",
    "写留言",
    "精选留言",
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
    if re.fullmatch(r"[\s—–\-_=·]*end[\s—–\-_=·]*", s):
        return True  # "— END —": the close of a WeChat post
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
    top: str = ""  # the first lines of the page before any cut (meta lines with the date)


_TERMINAL = tuple("。!?;:”」』)…")
_OCR_ZERO = re.compile(r"(?<=\d)[Oo](?=[\d亿万元年.%])|(?<=[\d.])[Oo](?=\d)")
_UNIT_GAP = re.compile(r"(?<=[\d亿万])\s+(?=[亿万元])")
_DIGIT_GAP = re.compile(r"(?<=\d) (?=[\d.])|(?<=\d\.) (?=\d)")


def join_wrapped_lines(text: str) -> str:
    """Undo hard line breaks inside sentences (OCR'd print columns, copied PDFs).

    A line is joined to the next when it is long (16+ characters), does not end a sentence and
    the next line continues with a Han character or digit.  Short lines (titles, bylines),
    table rows (tabs, bars) and lines before a blank line stay as they are.
    """
    lines = text.split("\n")
    out: list[str] = []
    chained = False  # out[-1] is itself made of joined lines
    for line in lines:
        prev = out[-1] if out else ""
        if _wraps(prev, line) or (chained and _runs_on(prev, line)):
            out[-1] = prev + line
            chained = True
        else:
            out.append(line)
            chained = False
    return "\n".join(out)


def _runs_on(prev: str, line: str) -> bool:
    """Inside a paragraph already broken by hard line breaks: any line that does not end a
    sentence continues on the next non-blank text line."""
    return bool(
        prev
        and line
        and not prev.endswith(_TERMINAL)
        and "\t" not in line
        and "|" not in line
        and re.match(r"[\u4e00-\u9fff\dA-Za-z,、;。(“]", line)
    )


def _wraps(prev: str, line: str) -> bool:
    """True when ``line`` continues the sentence that ``prev`` breaks off (a hard line break):
    ``prev`` is long, reads as running text (a comma, a story opening such as 本报讯 or a
    dateline) and stops mid-sentence; a headline or table row is never continued."""
    return bool(
        prev
        and line
        and len(prev) >= 14
        and not prev.endswith(_TERMINAL)
        and "|" not in prev + line
        and "\t" not in prev + line
        and re.match(r"[\u4e00-\u9fff\d,、;(“]", line)
        and (
            re.search(r"[,、;\u4e00-\u9fff\d]$", prev)
            # a decimal number cut by the line break: "总投资131." + "7亿元"
            or (re.search(r"\d\.$", prev) is not None and re.match(r"\d", line) is not None)
        )
        and (
            re.search(r"[,、;]", prev)
            or _STORY_START.match(prev)
            or re.search(r"\d日[电讯]|[电讯]】|记者", prev)
        )
        and not re.search(r"\d{4}[-/.年]\d{1,2}|来源|发布", prev)
    )


_PARA_PUNCT = re.compile(r"。|[!?].*,|,.*[!?]")
_STORY_START = re.compile(r"^(?:本报讯|本報訊|\(上接第)")
_CONTINUED = re.compile(r"\((?:下转|下轉)第.{1,3}版\)")
# the end of a story on a newspaper page: "(下转第二版)", "(本报记者 综合报道)", "(完)"
_STORY_END = re.compile(r"^\((?:下转|下轉|本报记者|本報記者|记者|記者|完)[^)]{0,16}\)$")
_PAGE_HEADER = re.compile(r"第\s*\S{1,3}\s*版|\d{4}[-/.年]\d{1,2}")


def _is_paragraph(line: str) -> bool:
    """A line of running text: it holds a sentence end (。!?) and is not page furniture."""
    s = line.strip()
    return (
        len(s) >= 8
        and _PARA_PUNCT.search(s) is not None
        and not _is_boilerplate_line(s)
        and not _is_tail_marker(s)
    )


def _is_headline(line: str) -> bool:
    s = line.strip()
    return 4 <= len(s) <= 40 and not re.search(r"[。,;:!?]", s) and not _PAGE_HEADER.search(s)


def _newspaper_briefs(lines: list[str]) -> set[int]:
    """Indices of the other stories of a newspaper page (OCR'd print): one-paragraph briefs that
    open with 本报讯 / (上接第…版) and are not introduced by a headline, and what follows a
    "(下转第…版)" mark.  Applies only when the page holds several story openings."""
    openings = [i for i, ln in enumerate(lines) if _STORY_START.match(ln)]
    cont = [i for i, ln in enumerate(lines) if _CONTINUED.search(ln)]
    if len(openings) + len(cont) < 2:
        return set()
    drop: set[int] = set()
    for i in openings:
        prev = next((k for k in range(i - 1, -1, -1) if lines[k]), None)
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        single = not nxt  # the story is one line standing on its own (a blank line follows)
        if single and (prev is None or not _is_headline(lines[prev])):
            drop.add(i)
    return drop


def cut_boilerplate(text: str) -> tuple[str, str, tuple[str, ...]]:
    """Split normalised text into (body, head, removed lines) by page structure.

    The body runs from the first to the last paragraph (a line holding a sentence end) of the
    article: the lines before it are the head (title, meta line, navigation), everything after
    the last paragraph is the page tail (related headlines, share bars, footers), and a tail
    marker (相关新闻, 上一篇, 版权所有 …) ends the article even when paragraphs follow it (comments,
    disclaimers).  Inside the body, navigation, list-item and copyright lines are dropped; on a
    newspaper page the neighbouring one-paragraph briefs are dropped.  A table right after the
    last paragraph ("签约项目如下:") belongs to the body.
    """
    lines = text.split("\n")
    removed: list[str] = []
    briefs = _newspaper_briefs(lines)
    first = next((i for i, ln in enumerate(lines) if i not in briefs and _is_paragraph(ln)), None)
    if first is None:
        head = [ln for ln in lines if ln]
        return "", "\n".join(head[:6]), tuple(ln for ln in lines if ln)
    stop = len(lines)
    for i in range(first + 1, len(lines)):
        if _is_tail_marker(lines[i]) or (briefs and _STORY_END.match(lines[i])):
            stop = i
            break
    last = first
    for i in range(first, stop):
        if i not in briefs and _is_paragraph(lines[i]):
            last = i
            if _CONTINUED.search(lines[i]):
                break  # the story continues on another page: what follows is another story
    end = last + 1
    if lines[last].rstrip().endswith((":", "如下")):
        k = end
        while k < stop and lines[k] and ("\t" in lines[k]):
            k += 1
        end = k
    body: list[str] = []
    for i in range(first, end):
        line = lines[i]
        if not line:
            if body and body[-1]:
                body.append("")
            continue
        if i in briefs or ("\t" not in line and _is_boilerplate_line(line)):
            removed.append(line)
            continue
        body.append(line)
    top = [ln for ln in lines[:first] if ln]
    head = [ln for ln in top if not _is_boilerplate_line(ln)]
    removed = [ln for ln in top if _is_boilerplate_line(ln)] + removed
    removed += [ln for ln in lines[end:] if ln]
    return "\n".join(body).strip("\n"), "\n".join(head), tuple(removed)


def clean_text(raw: str) -> Cleaned:
    """Run the whole cleaning chain on already-decoded text (plain text, not HTML)."""
    text = strip_pinyin(raw)
    traditional = is_traditional(text)
    if traditional:
        text = to_simplified(text)
    text = normalise(text)
    text = _DIGIT_GAP.sub("", text)  # "1 1.9亿元", "19 .2": stray spaces of OCR inside numbers
    text = _OCR_ZERO.sub("0", text)  # "2O10年", "4O亿元": the letter O read for a zero
    text = _UNIT_GAP.sub("", text)  # "11亿 元": a space before the unit
    body, head, removed = cut_boilerplate(join_wrapped_lines(text))
    # the page's first lines up to the body's first line (meta lines with the date), never the
    # related-news list after a short body
    first_body = body.split("\n", 1)[0]
    lines = text.split("\n")
    cut = next(
        (i for i, ln in enumerate(lines) if first_body and ln and first_body.startswith(ln)), 12
    )
    top = "\n".join(ln for ln in lines[: min(cut + 1, 12)] if ln)
    body = "\n".join(ln for ln in body.split("\n") if ln)
    return Cleaned(text=body, head=head, removed=removed, traditional=traditional, top=top)
