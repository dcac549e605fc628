"""Chain sentences stored in Chinese, shown in the page's language.

A target's reasons (``近期融资2次``) and the lead-source note a target writes on the project it
becomes (``产业链补链目标：体外诊断，得分0.82；正处该节点；近期融资2次``) are stored as the chain
engine words them. On an English page each is read back into its parts by the pattern of the
sentence that wrote it (:data:`REASONS`, one per sentence of ``chain.engine.gaps``) and worded
in English; a node is named by its English name when it has one, a region by its own name. A
sentence no pattern reads is shown as stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from django.utils.translation import get_language

Words = Callable[[re.Match[str]], str]

#: (pattern of a stored reason, its English wording)
REASONS: tuple[tuple[str, Words], ...] = (
    (r"正处该节点", lambda m: "Sits on this node"),
    (r"处于同一细分环节", lambda m: "In the same sub-segment"),
    (r"处于同一产业链环节", lambda m: "In the same chain segment"),
    (r"近期融资(?P<n>\d+)次", lambda m: f"Recent financing rounds: {m['n']}"),
    (r"有扩产/新建项目(?P<n>\d+)个", lambda m: f"Expansion or new-build projects: {m['n']}"),
    (r"新获证书(?P<n>\d+)项", lambda m: f"New certificates: {m['n']}"),
    (r"可为本地链主配套（(?P<n>\d+)家）", lambda m: f"Can supply local chain leaders ({m['n']})"),
    (
        r"可使用本地平台服务（(?P<n>\d+)个）",
        lambda m: f"Can use local platform services ({m['n']})",
    ),
    (r"参加过本区活动(?P<n>\d+)次", lambda m: f"Attended district events: {m['n']}"),
    (r"所在(?P<r>.+)该环节集聚", lambda m: f"This segment clusters in {m['r']}"),
)
_REASONS = tuple((re.compile(f"^{p}$"), words) for p, words in REASONS)
_TARGET_NOTE = re.compile(
    r"^产业链补链目标：(?P<node>.+?)，得分(?P<score>\d+(?:\.\d+)?)(?:；(?P<rest>.*))?$"
)


def is_english() -> bool:
    return (get_language() or "zh-hans").lower().startswith("en")


def reason_en(text: str) -> str | None:
    """One stored reason in English, or None when no pattern reads it."""
    for pattern, words in _REASONS:
        match = pattern.match(text)
        if match is not None:
            return words(match)
    return None


def reasons_list(reasons: Iterable[str]) -> list[str]:
    """A target's reasons, each in the active language (Chinese: as stored)."""
    items = [str(r) for r in reasons or ()]
    if not is_english():
        return items
    return [reason_en(r) or r for r in items]


def reasons_shown(reasons: Iterable[str]) -> str:
    """A target's reasons joined as the page's language writes a list."""
    items = [str(r) for r in reasons or ()]
    if not is_english():
        return "；".join(items)
    return "; ".join(reason_en(r) or r for r in items)


def target_note_en(note: str, node_name_en: str = "") -> str | None:
    """The lead-source note of a chain target in English, or None when it is not one."""
    match = _TARGET_NOTE.match(note.strip())
    if match is None:
        return None
    reasons = [r for r in (match["rest"] or "").split("；") if r]
    head = f"Chain gap target: {node_name_en or match['node']}, score {match['score']}"
    return "; ".join([head, *(reason_en(r) or r for r in reasons)])
