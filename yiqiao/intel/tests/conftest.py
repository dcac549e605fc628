"""Fixtures of the intel app tests: articles written for these tests (not from any source)."""

from __future__ import annotations

from typing import Any

import pytest

SIGNING_ARTICLE = (
    "华晨医疗器械公司在合肥高新区签约建设体外诊断基地\n"
    "2025-03-12 09:10 来源：示例资讯\n"
    "3月11日，合肥高新区与安徽华晨医疗器械有限公司签订投资协议，项目总投资约12亿元，"
    "主要建设体外诊断试剂和仪器生产基地。\n"
    "安徽华晨医疗器械有限公司负责人表示，新基地投产后年产值预计超过30亿元。\n"
    "合肥高新区管委会有关负责人介绍，今年以来该区已引进生物医药项目26个。\n"
)

# The same story as republished by another site: a new headline line, a short note at the end.
SIGNING_REPOST = (
    "合肥高新区迎来体外诊断大项目\n"
    "2025-03-13 08:00 来源：转载网\n"
    "3月11日，合肥高新区与安徽华晨医疗器械有限公司签订投资协议，项目总投资约12亿元，"
    "主要建设体外诊断试剂和仪器生产基地。\n"
    "安徽华晨医疗器械有限公司负责人表示，新基地投产后年产值预计超过30亿元。\n"
    "合肥高新区管委会有关负责人介绍，今年以来该区已引进生物医药项目26个。\n"
    "本文转载自示例资讯。\n"
)

TRADITIONAL_ARTICLE = (
    "廈門海滄區舉行生物醫藥項目簽約儀式\n"
    "2024-05-20 10:00 來源：示例新聞\n"
    "5月18日，廈門市海滄區與福建康源生物科技有限公司簽署合作協議，總投資5億元，"
    "建設醫用耗材研發與生產基地。\n"
    "海滄區相關負責人表示，將為企業提供全流程服務。\n"
)

NO_FACTS_ARTICLE = (
    "关于做好春季安全生产工作的通知\n"
    "2025-02-01 来源：示例\n"
    "各有关单位要高度重视春季安全生产工作，认真排查隐患，落实责任，确保平稳有序。\n"
)


@pytest.fixture
def officer(client_for: Any, alice: Any) -> Any:
    return client_for(alice)


@pytest.fixture
def ingest(alice: Any, django_capture_on_commit_callbacks: Any) -> Any:
    """Ingest content as alice (or another user) and run the extraction task inline."""
    from yiqiao.intel import services

    def run(content: bytes | str, *, by: Any = None, **fields: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            result = services.article_ingest(content=content, by=by or alice, **fields)
        result.article.refresh_from_db()
        return result

    return run
