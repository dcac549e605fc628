"""Mark extracted facts in an article's text, escaping everything else.

Spans may nest (an organisation inside a signing sentence) but not cross; a span that would
cross another one already placed is dropped rather than producing broken markup. Every piece
of article text passes through `escape`, so a page whose text holds `<script>` shows it as text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Span:
    """A stretch of text to mark, with the CSS class and the fact it belongs to."""

    start: int
    end: int
    css: str
    fact_id: int
    title: str = ""


def _nested(spans: Iterable[Span], length: int) -> list[Span]:
    """Keep spans inside the text that nest properly; outer (longer) spans win at equal start."""
    ordered = sorted(
        (s for s in spans if 0 <= s.start < s.end <= length),
        key=lambda s: (s.start, -(s.end - s.start)),
    )
    kept: list[Span] = []
    stack: list[Span] = []
    for span in ordered:
        while stack and stack[-1].end <= span.start:
            stack.pop()
        if stack and span.end > stack[-1].end:
            continue  # crosses the enclosing span's end
        if any(k.start == span.start and k.end == span.end for k in stack):
            continue  # same stretch already marked
        kept.append(span)
        stack.append(span)
    return kept


def highlight(text: str, spans: Iterable[Span]) -> SafeString:
    """HTML for `text` with each span wrapped in <mark class=… data-fact=…>, newlines as <br>."""
    kept = _nested(spans, len(text))
    opens: dict[int, list[Span]] = {}
    closes: dict[int, int] = {}
    for s in kept:
        opens.setdefault(s.start, []).append(s)
        closes[s.end] = closes.get(s.end, 0) + 1
    out: list[str] = []
    cuts = sorted({0, len(text), *opens, *closes})
    for i, pos in enumerate(cuts):
        out.extend("</mark>" for _ in range(closes.get(pos, 0)))
        for s in opens.get(pos, []):  # already outer-first
            out.append(
                format_html(
                    '<mark class="{}" data-fact="{}" id="span-{}" title="{}">',
                    s.css,
                    s.fact_id,
                    s.fact_id,
                    s.title,
                )
            )
        if i + 1 < len(cuts):
            out.append(str(escape(text[pos : cuts[i + 1]])).replace("\n", "<br>\n"))
    return mark_safe("".join(out))  # noqa: S308 - every text piece is escaped above
