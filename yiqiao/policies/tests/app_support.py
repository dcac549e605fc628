"""Policy texts and helpers shared by the Django-side tests of the policy app.

The policies target the test district of the root conftest (region code ``tp.jc.th``) and use
only fields of the library's field dictionary.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

ON = dt.date(2025, 6, 30)
HEADER = """# 测试用虚构政策（仅用于自动化测试）
fictional_sample: true
source:
  document: 《测试区扶持生物医药产业办法》（虚构）
  number: 测试〔2025〕1号
  article: 第三条
"""

RD_SUBSIDY = (
    HEADER
    + """id: t.rd_subsidy
title: 测试研发投入补助
category: 研发创新
summary: 按上年度研发投入的10%补助。
status: published
delivery: auto
effective_from: 2024-01-01
parameters:
  min_rd:
    label: 研发投入门槛
    unit: 元
    values:
      2024-01-01: 2000万
conditions:
  - field: kind
    eq: enterprise
  - field: region_code
    eq: "tp.jc.th"
  - field: rd_spend_yuan
    ge: min_rd
benefit:
  rate: 10%
  of: rd_spend_yuan
  cap: 500万
tests:
  - name: 研发投入6000万元封顶500万元
    on: 2025-03-31
    profile: {kind: enterprise, region_code: "tp.jc.th", rd_spend_yuan: 6000万}
    expect: {status: eligible, amount: 500万}
  - name: 研发投入不足
    on: 2025-03-31
    profile: {kind: enterprise, region_code: "tp.jc.th", rd_spend_yuan: 1000万}
    expect: {status: ineligible}
"""
)

PHASE1 = (
    HEADER
    + """id: t.phase1
title: 测试I期临床奖励
category: 临床试验
status: published
delivery: auto
effective_from: 2024-01-01
conditions:
  - field: kind
    eq: enterprise
  - field: region_code
    eq: "tp.jc.th"
  - field: drug_phase1_started
    ge: 1
benefit:
  per_unit: 300万
  of: drug_phase1_started
  cap: 900万
tests:
  - name: 启动1个品种
    on: 2025-06-30
    profile: {kind: enterprise, region_code: "tp.jc.th", drug_phase1_started: 1}
    expect: {status: eligible, amount: 300万}
  - name: 未报送数据
    on: 2025-06-30
    profile: {kind: enterprise, region_code: "tp.jc.th"}
    expect: {status: eligible_if_data_supplied}
"""
)

HIGH_TECH = (
    HEADER
    + """id: t.high_tech
title: 测试高新技术企业奖励
category: 资质认定
status: published
delivery: apply
exclusive_group: t_qual
effective_from: 2024-01-01
conditions:
  - field: kind
    eq: enterprise
  - field: region_code
    eq: "tp.jc.th"
  - field: qualifications
    in: [high_tech]
benefit:
  fixed: 30万
tests:
  - name: 高新技术企业
    on: 2025-06-30
    profile: {kind: enterprise, region_code: "tp.jc.th", qualifications: [high_tech]}
    expect: {status: eligible, amount: 30万}
  - name: 非高新
    on: 2025-06-30
    profile: {kind: enterprise, region_code: "tp.jc.th", qualifications: []}
    expect: {status: ineligible}
"""
)

SPECIALISED = (
    HEADER
    + """id: t.specialised
title: 测试专精特新奖励
category: 资质认定
status: published
delivery: auto
exclusive_group: t_qual
effective_from: 2024-01-01
conditions:
  - field: kind
    eq: enterprise
  - field: region_code
    eq: "tp.jc.th"
  - field: qualifications
    in: [specialised]
benefit:
  fixed: 50万
tests:
  - name: 专精特新
    on: 2025-06-30
    profile: {kind: enterprise, region_code: "tp.jc.th", qualifications: [specialised]}
    expect: {status: eligible, amount: 50万}
  - name: 非专精特新
    on: 2025-06-30
    profile: {kind: enterprise, region_code: "tp.jc.th", qualifications: []}
    expect: {status: ineligible}
"""
)

DRAFT_TALENT = (
    HEADER
    + """id: t.draft_talent
title: 测试领军人才奖励（草案）
category: 人才
status: draft
delivery: auto
effective_from: 2025-01-01
conditions:
  - field: kind
    eq: enterprise
  - field: region_code
    eq: "tp.jc.th"
  - field: talents_leading
    ge: 1
benefit:
  per_unit: 100万
  of: talents_leading
tests:
  - name: 引进1名领军人才
    on: 2025-06-30
    profile: {kind: enterprise, region_code: "tp.jc.th", talents_leading: 1}
    expect: {status: eligible, amount: 100万}
  - name: 未引进
    on: 2025-06-30
    profile: {kind: enterprise, region_code: "tp.jc.th", talents_leading: 0}
    expect: {status: ineligible}
"""
)

# A policy under review whose second test expects the wrong amount: it must never be published.
FAILING = (
    HEADER
    + """id: t.failing
title: 测试测算有误的政策
category: 研发创新
status: review
delivery: auto
effective_from: 2024-01-01
conditions:
  - field: kind
    eq: enterprise
  - field: headcount
    ge: 10
benefit:
  fixed: 10万
tests:
  - name: 人数达标
    on: 2025-06-30
    profile: {kind: enterprise, headcount: 20}
    expect: {status: eligible, amount: 20万}
  - name: 人数不足
    on: 2025-06-30
    profile: {kind: enterprise, headcount: 5}
    expect: {status: ineligible}
"""
)

ALL = {
    "rd_subsidy.yaml": RD_SUBSIDY,
    "phase1.yaml": PHASE1,
    "high_tech.yaml": HIGH_TECH,
    "specialised.yaml": SPECIALISED,
    "draft_talent.yaml": DRAFT_TALENT,
    "failing.yaml": FAILING,
}


def write_library(folder: Path, files: dict[str, str] | None = None) -> Path:
    """Write policy files into ``folder`` (the field dictionary is the library's)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (files or ALL).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def sync(folder: Path, region: Any = None) -> Any:
    from yiqiao.policies.services import policy_library_sync

    return policy_library_sync(folder=folder, region=region)


def use_fast_hasher(settings: Any) -> None:
    """Password hashing dominates fixture time otherwise (personas are created per test)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
