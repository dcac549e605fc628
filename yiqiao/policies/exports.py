"""Spreadsheet exports: one organisation's calculator, and the lists of a screening run."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from yiqiao.core.tabular import write_xlsx

from . import engine
from .models import ScreeningGroup, ScreeningRun
from .queries import CalculatorView, RunResults, run_results

STATE_WORDS = {"pass": "满足", "fail": "不满足", "missing": "缺少数据"}
STATUS_WORDS = {
    engine.ELIGIBLE: "符合",
    engine.INELIGIBLE: "不符合",
    engine.IF_DATA_SUPPLIED: "补充数据后可能符合",
    engine.NOT_IN_EFFECT: "不在有效期",
}
RUN_LISTS = {
    "auto": ("免申即享名单", ScreeningGroup.Status.ELIGIBLE, "auto"),
    "eligible": ("符合条件名单", ScreeningGroup.Status.ELIGIBLE, ""),
    "quick": ("快申快享名单", ScreeningGroup.Status.IF_DATA_SUPPLIED, ""),
    "near": ("临界企业名单", ScreeningGroup.Status.NEAR_MISS, ""),
}


def calculator_xlsx(view: CalculatorView) -> bytes:
    """One row per (policy, condition): verdict, amount, trace, and each condition's reason."""
    headers = [
        "政策编号",
        "政策名称",
        "兑现方式",
        "结论",
        "金额（元）",
        "计算过程",
        "政策依据",
        "条件",
        "判定",
        "实际值",
        "要求",
        "差距",
        "缺少数据",
    ]

    def rows() -> Iterator[list[Any]]:
        for policy, item in view.rows():
            result = item.explanation
            verdict = STATUS_WORDS.get(result.status, result.status)
            if item.superseded:
                verdict += "（同组就高，不重复享受）"
            head = [
                policy.code,
                policy.title,
                policy.get_delivery_display(),
                verdict,
                item.final_amount,
                result.benefit_trace,
                result.source,
            ]
            missing = "、".join(result.missing_labels)
            atoms = [c for c in result.conditions if c.kind == "atom"]
            if not atoms:
                yield [*head, "", "", "", "", "", missing]
            for condition in atoms:
                yield [
                    *head,
                    condition.label,
                    STATE_WORDS.get(condition.state, condition.state),
                    condition.actual_text,
                    condition.required,
                    condition.gap_text,
                    missing,
                ]

    return write_xlsx(headers, rows(), title="政策测算")


def run_xlsx(run: ScreeningRun, results: RunResults, kind: str) -> bytes:
    """A list of a run (免申即享 / 符合 / 快申快享 / 临界), streamed from the database."""
    title, _status, _delivery = RUN_LISTS[kind]
    headers = [
        "政策编号",
        "政策名称",
        "条款版本",
        "机构名称",
        "统一社会信用代码",
        "兑现方式",
        "结果",
        "金额（元）",
        "原因",
    ]

    def rows() -> Iterator[list[Any]]:
        for r in results.iterator(chunk_size=2000):
            yield [
                r.policy.code,
                r.policy.title,
                r.rule_version,
                r.organisation.name,
                r.organisation.uscc or "",
                r.get_delivery_display(),
                r.get_status_display(),
                float(r.amount) if r.amount is not None else None,
                r.reasons,
            ]

    return write_xlsx(headers, rows(), title=f"{title}-{run.pk}")


def run_list(run: ScreeningRun, kind: str, *, policy_id: int | None = None) -> RunResults:
    """One named list of a run (optionally of one policy)."""
    _title, status, delivery = RUN_LISTS[kind]
    return run_results(run, status=status, delivery=delivery, policy_id=policy_id)
