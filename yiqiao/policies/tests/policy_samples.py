"""Shared test material: the library's field dictionary and a small valid policy text."""

from __future__ import annotations

from pathlib import Path

from yiqiao.policies.engine import load_fields

LIBRARY = Path(__file__).resolve().parent.parent / "library"
FIELDS = load_fields(LIBRARY / "fields.yaml")

# A minimal valid policy; tests replace one fragment to produce each kind of bad input.
# Line numbers referred to by the tests are noted on the right.
VALID = """\
id: demo.rd_subsidy
title: 示例研发补助
fictional_sample: true
source: {document: 示例文件（虚构）, number: 示例〔2024〕1号, article: 第一条}
status: draft
delivery: auto
effective_from: 2024-01-01
conditions:
  - field: kind
    eq: enterprise
  - field: rd_spend_yuan
    ge: 2000万
benefit:
  rate: 10%
  of: rd_spend_yuan
  cap: 500万
tests:
  - name: 达标
    on: 2025-01-01
    profile: {kind: enterprise, rd_spend_yuan: 6000万}
    expect: {status: eligible, amount: 500万}
  - name: 不达标
    on: 2025-01-01
    profile: {kind: enterprise, rd_spend_yuan: 1000万}
    expect: {status: ineligible}
"""


def variant(old: str, new: str) -> str:
    """VALID with exactly one occurrence of ``old`` replaced by ``new``."""
    assert VALID.count(old) == 1, old
    return VALID.replace(old, new)
