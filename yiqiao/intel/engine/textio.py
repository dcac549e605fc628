"""Input handling: bytes → str with encoding detection, HTML → main text.

Chinese news pages arrive as UTF-8, GBK/GB18030 or Big5.  We try the declared charset of an HTML
page first, then UTF-8 (strict), then GB18030 and Big5, and pick the decoding that yields the most
common Han characters and no replacement characters.  Binary data (NUL bytes, many control bytes)
is refused with a clear error rather than guessed at.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass

# The 500 most frequent Chinese characters cover most news text; a wrong decoding (GBK read as
# Big5 or vice versa) produces rare characters instead.
_COMMON = set(
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下"
    "过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两"
    "体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线"
    "内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并"
    "提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见"
    "计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处府研企业投签约项目区市省医药生物"
    "器械健康疗院创科技术园基金亿元万协议合作推介会举办集团有限股份责任委员局中心研究大学协会城"
)
_GOOD_CODECS = ("utf-8", "gb18030", "big5hkscs")
_CHARSET_RE = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_HTML_RE = re.compile(r"<\s*(html|body|p|div|article|head|meta|title|br)\b", re.IGNORECASE)


class DecodeError(ValueError):
    """Raised when bytes cannot be read as Chinese text (binary, unknown encoding, empty)."""


@dataclass(frozen=True)
class Decoded:
    """A decoded document: the text and the encoding it was read with."""

    text: str
    encoding: str


def _score(text: str) -> float:
    han = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    if not han:
        return 0.0
    common = sum(1 for c in han if c in _COMMON)
    return common / len(han) - 5.0 * text.count("\ufffd") / max(1, len(text))


def decode_bytes(data: bytes) -> Decoded:
    """Decode raw file bytes; raise :class:`DecodeError` with a Chinese message when impossible."""
    if not data or not data.strip():
        raise DecodeError("文件为空")
    if data.startswith(b"\xef\xbb\xbf"):
        return Decoded(data[3:].decode("utf-8", errors="replace"), "utf-8-sig")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return Decoded(data.decode("utf-16"), "utf-16")
        except UnicodeDecodeError as exc:
            raise DecodeError("UTF-16 文件已损坏，无法解码") from exc
    head = data[:4096]
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    if b"\x00" in head or controls > len(head) * 0.02:
        raise DecodeError("文件看起来是二进制数据，不是文本或网页")
    candidates: list[str] = []
    m = _CHARSET_RE.search(data[:2048])
    if m:
        declared = m.group(1).decode("ascii", "ignore").lower()
        declared = {"gb2312": "gb18030", "gbk": "gb18030", "big5-hkscs": "big5hkscs"}.get(
            declared, declared
        )
        candidates.append(declared)
    candidates += [c for c in _GOOD_CODECS if c not in candidates]
    best: tuple[float, str, str] | None = None
    for codec in candidates:
        try:
            text = data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        if codec == "utf-8" or (m and codec == candidates[0]):
            # strict success of UTF-8 or of the declared charset is decisive
            return Decoded(text, codec)
        sc = _score(text)
        if best is None or sc > best[0]:
            best = (sc, codec, text)
    if best is None or best[0] <= 0.05 or "\ufffd" in best[2]:
        mixed = _decode_lines(data)
        if mixed is not None:
            return mixed
    if best is None or best[0] <= 0.05:
        raise DecodeError("无法识别文件编码（已尝试 UTF-8、GB18030/GBK、Big5）")
    return Decoded(best[2], best[1])


def _decode_lines(data: bytes) -> Decoded | None:
    """Mixed encodings (a UTF-8 page with a pasted GBK or Big5 paragraph): decode line by line.

    Each line is read as UTF-8 when it is valid UTF-8, else with whichever of GB18030 and Big5
    gives the most common characters.  ``None`` when some line decodes with none of them.
    """
    out: list[str] = []
    used: set[str] = set()
    for line in data.split(b"\n"):
        try:
            out.append(line.decode("utf-8"))
            used.add("utf-8")
            continue
        except UnicodeDecodeError:
            pass
        best: tuple[float, str, str] | None = None
        for codec in ("gb18030", "big5hkscs"):
            try:
                text = line.decode(codec)
            except UnicodeDecodeError:
                continue
            sc = _score(text)
            if best is None or sc > best[0]:
                best = (sc, codec, text)
        if best is None or best[0] <= 0.05:
            return None
        out.append(best[2])
        used.add(best[1])
    if len(used) < 2:
        return None
    return Decoded("\n".join(out), "mixed:" + "+".join(sorted(used)))


def looks_like_html(text: str) -> bool:
    """True when the text is an HTML page rather than plain text."""
    return len(_HTML_RE.findall(text[:5000])) >= 2


_TAG_RE = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]+>", re.IGNORECASE | re.DOTALL)
_BLOCK_RE = re.compile(
    r"<\s*/?\s*(p|div|br|li|h[1-6]|tr|header|footer|article|section)\b[^>]*>", re.I
)


def html_to_lines(html: str) -> str:
    """Crude tag stripping that keeps block boundaries (used for dateline detection only)."""
    text = _BLOCK_RE.sub("\n", html)
    text = _TAG_RE.sub("", text)
    return html_lib.unescape(text)


@dataclass(frozen=True)
class MainText:
    """Main text of an HTML page and the metadata trafilatura found."""

    text: str
    title: str
    date: str | None
    head: str  # visible text before the article body, for dateline detection


def html_main_text(html: str) -> MainText:
    """Extract the article body of an HTML page with trafilatura (no comments, no tables of links)."""
    import trafilatura  # local import: ~0.3 s, only needed for HTML input

    doc = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_links=False,
        favor_precision=True,
    )
    plain = html_to_lines(html)
    if doc is None:
        return MainText(text="", title="", date=None, head=plain[:3000])
    text = getattr(doc, "text", None) or ""
    title = getattr(doc, "title", None) or ""
    date = getattr(doc, "date", None)
    return MainText(text=text, title=title, date=date, head=plain[:3000])
