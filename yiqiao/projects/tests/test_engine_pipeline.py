"""Table-driven tests of the investment pipeline's stage graph and guards."""

from __future__ import annotations

import pytest

from yiqiao.projects.engine.pipeline import (
    LOST,
    ProjectFacts,
    allowed_targets,
    check_transition,
    next_stage,
)

VALID_USCC = "91350100M000100Y43"
READY = ProjectFacts(
    stage="lead",
    signing_count=1,
    registered_company_name="锦城示例医疗有限公司",
    registered_uscc=VALID_USCC,
)


@pytest.mark.parametrize(
    ("here", "there"),
    [
        ("lead", "contacted"),
        ("contacted", "site_visit"),
        ("site_visit", "negotiating"),
        ("negotiating", "signed"),
        ("signed", "registered"),
        ("registered", "construction"),
        ("construction", "production"),
    ],
)
def test_it_allows_each_single_forward_step(here: str, there: str) -> None:
    facts = ProjectFacts(**{**READY.__dict__, "stage": here})
    check = check_transition(facts, there)
    assert check.allowed is True
    assert check.reasons == ()


@pytest.mark.parametrize(
    ("here", "there", "reason"),
    [
        ("lead", "site_visit", "不能从“线索”直接跳到“考察”，须先经过“接洽”"),
        ("lead", "signed", "不能从“线索”直接跳到“签约”，须先经过“接洽”、“考察”、“洽谈”"),
        ("signed", "production", "不能从“签约”直接跳到“投产”，须先经过“注册落地”、“开工”"),
        (
            "negotiating",
            "contacted",
            "不能从“洽谈”退回“接洽”；如判断有误，请标记终止后说明原因",
        ),
        ("production", "lost", "“投产”阶段的项目不能标记为终止"),
        ("production", "construction", "“投产”是最后阶段，不能再推进"),
        ("lead", "lead", "项目已处于“线索”阶段"),
        ("lead", "won", "未知的阶段“won”"),
    ],
)
def test_it_refuses_skips_and_backward_moves_with_a_reason(
    here: str, there: str, reason: str
) -> None:
    facts = ProjectFacts(**{**READY.__dict__, "stage": here})
    check = check_transition(facts, there, reason="投资方战略调整")
    assert check.allowed is False
    assert check.reasons[0] == reason


def test_it_refuses_signed_without_a_signing_record() -> None:
    check = check_transition(ProjectFacts(stage="negotiating", signing_count=0), "signed")
    assert check.reasons == ("进入“签约”阶段前须先登记签约记录（日期、协议类型、金额、签约方）",)


@pytest.mark.parametrize(
    ("name", "uscc", "problem", "reason"),
    [
        ("", "", "", "进入“注册落地”阶段前须关联已注册的落地企业"),
        ("甲公司", "", "", "落地企业“甲公司”缺少统一社会信用代码，请先在名录中补充"),
        (
            "甲公司",
            "91350100M000100Y44",
            "第18位校验码错误",
            "落地企业“甲公司”的统一社会信用代码无效：第18位校验码错误",
        ),
    ],
)
def test_it_refuses_registered_without_a_valid_company_uscc(
    name: str, uscc: str, problem: str, reason: str
) -> None:
    facts = ProjectFacts(
        stage="signed",
        signing_count=1,
        registered_company_name=name,
        registered_uscc=uscc,
        registered_uscc_problem=problem,
    )
    assert check_transition(facts, "registered").reasons == (reason,)


@pytest.mark.parametrize(
    ("reason", "allowed"),
    [("", False), ("太贵", False), ("投资方战略调整", True)],
)
def test_it_requires_a_reason_to_mark_lost(reason: str, allowed: bool) -> None:
    assert (
        check_transition(ProjectFacts(stage="site_visit"), LOST, reason=reason).allowed is allowed
    )


def test_it_reopens_a_lost_project_only_into_the_stage_it_was_lost_from() -> None:
    facts = ProjectFacts(stage=LOST, lost_from_stage="site_visit")
    assert check_transition(facts, "site_visit").allowed is True
    assert check_transition(facts, "negotiating").reasons == (
        "已终止的项目只能恢复到终止前的“考察”阶段",
    )


@pytest.mark.parametrize(
    ("facts", "targets"),
    [
        (ProjectFacts(stage="lead"), ("contacted", "lost")),
        (ProjectFacts(stage="construction"), ("production", "lost")),
        (ProjectFacts(stage="production"), ()),
        (ProjectFacts(stage="lost", lost_from_stage="signed"), ("signed",)),
    ],
)
def test_it_lists_the_moves_the_graph_allows(facts: ProjectFacts, targets: tuple[str, ...]) -> None:
    assert allowed_targets(facts) == targets


def test_it_has_no_stage_after_production() -> None:
    assert next_stage("production") is None
    assert next_stage("lead") == "contacted"
