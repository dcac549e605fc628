"""A policy as the browser editor holds it: the document's particulars as form fields and the
rules as four YAML sections (conditions, benefit, limits, tests), composed into one policy file
in the library format and split back from one.

Problems the engine reports at ``line:column`` of the composed file are placed back on the
editor's own fields (``申报条件 第 3 行``), so an officer never sees the composed file's numbering.
No Django import: the forms and views use it, the engine checks what it composes.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from dataclasses import dataclass, field, fields
from typing import Any

import yaml

from . import engine

# The editor's YAML sections, with the key each becomes in the file (limits: any other keys).
SECTIONS: dict[str, str] = {
    "conditions": "申报条件",
    "benefit": "兑现标准",
    "limits": "上限、补足与其他",
    "tests": "测试用例",
}
# File keys the particulars form holds (status is the workflow's, never the text's).
HEADER_KEYS = frozenset(
    {"id", "title", "category", "summary", "source", "status", "delivery", "tags"}
    | {"effective_from", "effective_to"}
)
HEADER_LABELS: dict[str, str] = {
    "id": "政策编号",
    "title": "名称",
    "category": "类别",
    "summary": "摘要",
    "source.issuer": "发文机关",
    "source.document": "发文（文件名称）",
    "source.number": "文号",
    "source.article": "条款",
    "source.url": "原文链接",
    "source": "发文、文号、条款",
    "delivery": "兑现方式",
    "effective_from": "生效日期",
    "effective_to": "失效日期",
    "tags": "标签",
}
_TOP_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*:(.*)$")


@dataclass
class Draft:
    """Everything the editor shows for one policy text."""

    code: str = ""
    title: str = ""
    category: str = ""
    summary: str = ""
    issuer: str = ""
    document: str = ""
    number: str = ""
    article: str = ""
    url: str = ""
    delivery: str = "apply"
    status: str = "draft"
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    tags: str = ""
    conditions: str = ""
    benefit: str = ""
    limits: str = ""
    tests: str = ""

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> Draft:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names and v is not None})


@dataclass
class Composed:
    """The composed file text and, per section, the file line its first text line lands on."""

    text: str
    starts: dict[str, int] = field(default_factory=dict)
    lengths: dict[str, int] = field(default_factory=dict)
    indent: dict[str, int] = field(default_factory=dict)


def _header(draft: Draft) -> dict[str, Any]:
    source: dict[str, str] = {}
    if draft.issuer.strip():
        source["issuer"] = draft.issuer.strip()
    source["document"] = draft.document.strip()
    source["number"] = draft.number.strip()
    source["article"] = draft.article.strip()
    if draft.url.strip():
        source["url"] = draft.url.strip()
    head: dict[str, Any] = {"id": draft.code.strip(), "title": draft.title.strip()}
    if draft.category.strip():
        head["category"] = draft.category.strip()
    tags = [t.strip() for t in re.split(r"[,，、]", draft.tags) if t.strip()]
    if tags:
        head["tags"] = tags
    if draft.summary.strip():
        head["summary"] = draft.summary.strip()
    head["source"] = source
    head["status"] = draft.status or "draft"
    head["delivery"] = draft.delivery
    if draft.effective_from is not None:
        head["effective_from"] = draft.effective_from
    if draft.effective_to is not None:
        head["effective_to"] = draft.effective_to
    return head


def _lines(text: str) -> list[str]:
    return (
        text.replace("\r\n", "\n").replace("\t", "  ").rstrip().split("\n") if text.strip() else []
    )


def compose(draft: Draft) -> Composed:
    """The policy file of ``draft``: particulars, then the sections (conditions and tests as
    lists, benefit as a value, limits as top-level keys), each block indented under its key."""
    out = (
        yaml.safe_dump(
            _header(draft),
            allow_unicode=True,
            sort_keys=False,
            width=1000,
            default_flow_style=False,
        )
        .rstrip("\n")
        .split("\n")
    )
    composed = Composed("")
    for key in ("conditions", "benefit", "limits", "tests"):
        lines = _lines(getattr(draft, key))
        if not lines:
            continue
        if key == "limits":
            composed.starts[key] = len(out) + 1
            composed.indent[key] = 0
            out.extend(lines)
        else:
            out.append(f"{key}:")
            composed.starts[key] = len(out) + 1
            composed.indent[key] = 2
            out.extend(("  " + line) if line.strip() else "" for line in lines)
        composed.lengths[key] = len(lines)
    composed.text = "\n".join(out) + "\n"
    return composed


@dataclass(frozen=True)
class Place:
    """Where a problem is, in the editor's words: the form field, a line in it, the message."""

    field: str
    label: str
    line: int
    message: str

    def __str__(self) -> str:
        where = f"{self.label} 第 {self.line} 行" if self.line else self.label
        return f"{where}：{self.message}"


def place(issue: engine.Issue, composed: Composed) -> Place:
    """The editor field (and line in it) of a problem the engine found in the composed file."""
    for key, start in composed.starts.items():
        if issue.line and start <= issue.line < start + composed.lengths[key]:
            return Place(key, SECTIONS[key], issue.line - start + 1, issue.message)
    path = issue.field or ""
    head = path.split(".")[0].split("[")[0]
    if head in ("conditions", "benefit", "tests"):
        return Place(head, SECTIONS[head], 0, issue.message)
    if path in HEADER_LABELS or head in HEADER_LABELS:
        name = path if path in HEADER_LABELS else head
        form_field = "code" if name == "id" else name.removeprefix("source.")
        return Place(form_field, HEADER_LABELS[name], 0, issue.message)
    if head and head not in HEADER_KEYS and "limits" in composed.starts:
        return Place("limits", SECTIONS["limits"], 0, f"[{path}] {issue.message}")
    return Place("", "", 0, f"[{path}] {issue.message}" if path else issue.message)


def split(text: str) -> Draft:
    """The editor's view of a policy file: particulars from its top-level keys, conditions,
    benefit and tests as their blocks (dedented), every other key verbatim in limits."""
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    blocks: dict[str, list[str]] = {}
    order: list[str] = []
    current = ""
    for line in text.replace("\r\n", "\n").split("\n"):
        match = _TOP_KEY.match(line)
        if match:
            current = match.group(1)
            order.append(current)
            blocks[current] = [line]
        elif current:
            blocks[current].append(line)
    draft = Draft()
    for key in ("conditions", "benefit", "tests"):
        if key not in blocks:
            continue
        first, *rest = blocks[key]
        inline = first.split(":", 1)[1].strip()
        body = inline if inline else textwrap.dedent("\n".join(rest))
        setattr(draft, key, body.strip("\n").rstrip())
    draft.limits = "\n".join(
        "\n".join(blocks[k]).rstrip()
        for k in order
        if k not in HEADER_KEYS and k not in ("conditions", "benefit", "tests")
    ).strip("\n")
    raw_source = data.get("source")
    source: dict[str, Any] = raw_source if isinstance(raw_source, dict) else {}
    draft.code = _text(data.get("id"))
    draft.title = _text(data.get("title"))
    draft.category = _text(data.get("category"))
    draft.summary = _text(data.get("summary"))
    for name in ("issuer", "document", "number", "article", "url"):
        setattr(draft, name, _text(source.get(name)))
    draft.delivery = _text(data.get("delivery")) or "apply"
    draft.status = _text(data.get("status")) or "draft"
    draft.effective_from = _date(data.get("effective_from"))
    draft.effective_to = _date(data.get("effective_to"))
    tags = data.get("tags")
    draft.tags = "、".join(str(t) for t in tags) if isinstance(tags, list) else _text(tags)
    return draft


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    return engine.values.parse_date(str(value)) if value else None


_PERIODS = {
    "cumulative": "累计",
    "year": "本年度",
    "previous_year": "上一年度",
}


def _period(text: str) -> str:
    if text.startswith("years:"):
        return f"近 {text[6:]} 个年度"
    if text.startswith("months:"):
        return f"近 {text[7:]} 个月"
    return _PERIODS.get(text, text)


def benefit_outline(version: engine.PolicyVersion, fields: engine.FieldDictionary) -> list[str]:
    """The benefit and its limits in plain Chinese, one line each (``逐项计算：医疗器械注册证…``)."""
    from .engine import model
    from .engine.expr import render

    items: dict[str, Any] = {}  # the fields of the records a per_item benefit reads

    def spec_of(name: str) -> Any:
        return items.get(name) or fields.get(name)

    def show(name: str) -> str:
        spec = spec_of(name)
        return spec.label if spec is not None else name

    def expr(node: Any) -> str:
        return render(node, show) if node is not None else ""

    def capped(node: Any) -> str:
        cap = getattr(node, "cap", None)
        return f"，最高 {expr(cap)}" if cap is not None else ""

    def one(node: Any) -> str:
        if isinstance(node, model.Fixed):
            return f"固定金额 {expr(node.amount)}"
        if isinstance(node, model.Rate):
            return f"{expr(node.base)} × {expr(node.rate)}{capped(node)}"
        if isinstance(node, model.PerUnit):
            return f"每单位 {expr(node.amount)} × {expr(node.quantity)}{capped(node)}"
        if isinstance(node, model.Formula):
            return f"按公式 {expr(node.expr)}{capped(node)}"
        if isinstance(node, model.Tiers):
            return f"按{expr(node.base)}分 {len(node.brackets)} 档（取达到的最高档）{capped(node)}"
        if isinstance(node, model.Table):
            spec = spec_of(node.by)
            rows = "；".join(
                f"{spec.value_label(code) if spec else code}：{one(cell)}"
                for code, cell in node.rows
            )
            other = f"；其他：{one(node.default)}" if node.default is not None else ""
            return f"按{show(node.by)}对照（{rows}{other}）{capped(node)}"
        if isinstance(node, model.Combine):
            word = {"sum": "合计", "min": "取低", "max": "取高"}.get(node.kind, node.kind)
            return f"{word}：" + " 与 ".join(f"〔{one(p)}〕" for p in node.parts) + capped(node)
        if isinstance(node, model.When):
            other = f"；否则 {one(node.otherwise)}" if node.otherwise is not None else ""
            branches = "；".join(f"情形{i + 1} {one(b)}" for i, (_, b) in enumerate(node.branches))
            return f"按条件分 {len(node.branches)} 种情形（{branches}{other}）{capped(node)}"
        if isinstance(node, model.PerItem):
            spec = fields.get(node.list)
            label = spec.label if spec is not None else node.list
            items.update((spec.items or {}) if spec is not None else {})
            most = f"，最多 {node.max_items} 项" if node.max_items else ""
            filtered = "符合条件的" if node.where is not None else ""
            return f"逐项计算：每项{filtered}{label} {one(node.amount)}{most}{capped(node)}"
        return type(node).__name__

    lines = [one(version.benefit)]
    if version.cap_per_year is not None:
        lines.append(f"每家企业每年最高 {expr(version.cap_per_year)}")
    for cap in version.received_caps:
        lines.append(
            f"{cap.label}：{expr(cap.limit)}"
            if cap.label
            else f"{_period(cap.received.period)}最高 {expr(cap.limit)}，扣除已获"
            f"（{'、'.join(cap.received.patterns)}）"
        )
    if version.top_up is not None:
        lines.append(
            f"差额补足：扣除{_period(version.top_up.period)}已获（{'、'.join(version.top_up.patterns)}）"
        )
    if version.exclusive_group:
        lines.append(f"就高不重复组：{version.exclusive_group}")
    if version.cap_group:
        lines.append(f"共享年度上限组：{version.cap_group}")
    return lines
