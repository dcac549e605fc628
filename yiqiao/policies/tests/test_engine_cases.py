"""The ``yiqiao policies evaluate`` contract: JSON lines in, one result line per case out."""

from __future__ import annotations

import json
from pathlib import Path

from yiqiao.policies.engine import cases
from yiqiao.policies.tests.policy_samples import LIBRARY

POLICY = """\
id: t.cert
title: 注册证奖励
source: {document: 示例（虚构）, number: 示〔2025〕1号, article: 第一条}
status: published
delivery: auto
effective_from: 2025-01-01
conditions:
  - {field: kind, eq: enterprise}
benefit:
  per_item:
    of: certificates
    where: [{field: issued_on, in_year: previous}]
    amount: {table: {by: category, rows: {device_class2: 50万, device_class3: 100万}, default: 0}}
caps:
  annual_minus_received: 120万
"""


def run(tmp_path: Path, lines: list[str], capsys, *extra: str) -> tuple[int, list[dict], str]:
    library = tmp_path / "lib"
    library.mkdir(exist_ok=True)
    (library / "fields.yaml").write_text(
        (LIBRARY / "fields.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (library / "cert.yaml").write_text(POLICY, encoding="utf-8")
    source = tmp_path / "cases.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    status = cases.main([str(library), str(source), *extra])
    captured = capsys.readouterr()
    return status, [json.loads(x) for x in captured.out.splitlines()], captured.err


def case(case_id: str, profile: dict, as_of: str = "2025-06-30") -> str:
    return json.dumps({"id": case_id, "as_of": as_of, "profile": profile}, ensure_ascii=False)


def test_it_writes_one_result_line_per_case(tmp_path, capsys):
    certs = [
        {"category": "device_class3", "issued_on": "2024-03-01"},
        {"category": "device_class2", "issued_on": "2024-05-01"},
    ]
    status, out, err = run(
        tmp_path,
        [
            case("both", {"kind": "enterprise", "certificates": certs}),
            case("net", {"kind": "enterprise", "certificates": certs,
                         "awards_received": [{"policy": "t.cert", "date": "2025-02-01", "amount_yuan": 100000}]}),
            case("missing", {"kind": "enterprise"}),
            case("hospital", {"kind": "hospital", "certificates": []}),
            case("early", {"kind": "enterprise"}, as_of="2024-12-31"),
        ],
        capsys,
    )  # fmt: skip
    assert (status, err) == (0, "")
    assert out == [
        {"id": "both", "results": {"t.cert": {"eligible": True, "amount_yuan": 1200000, "missing_fields": []}}},
        {"id": "net", "results": {"t.cert": {"eligible": True, "amount_yuan": 1100000, "missing_fields": []}}},
        {"id": "missing", "results": {"t.cert": {"eligible": "missing", "amount_yuan": None, "missing_fields": ["certificates"]}}},
        {"id": "hospital", "results": {"t.cert": {"eligible": False, "amount_yuan": None, "missing_fields": []}}},
        {"id": "early", "results": {"t.cert": {"eligible": False, "amount_yuan": None, "missing_fields": []}}},
    ]  # fmt: skip


def test_it_reads_a_profile_leniently_and_says_what_it_ignored(tmp_path, capsys):
    profile = {
        "kind": "企业", "founded_on": "13/45/2020", "nickname": "x",
        "certificates": [{"category": "第三类医疗器械", "issued_on": "2024年3月1日"}],
    }  # fmt: skip
    status, out, err = run(tmp_path, [case("loose", profile), "not json"], capsys)
    assert status == 0
    assert out[0]["results"]["t.cert"] == {
        "eligible": True,
        "amount_yuan": 1000000,
        "missing_fields": [],
    }
    assert out[1] == {"id": None, "results": {}, "error": "invalid JSON: Expecting value"}
    assert err.splitlines() == [
        "第 1 行（loose）：字段 founded_on（成立日期）应为日期（如 2024-03-01），实为 '13/45/2020'：按缺少数据处理",
        "第 1 行（loose）：未知字段 nickname：已忽略",
        "第 2 行：不是合法的 JSON（Expecting value）",
    ]


def test_it_names_a_broken_policy_file_and_still_computes_the_others(tmp_path, capsys):
    library = tmp_path / "lib"
    library.mkdir()
    (library / "broken.yaml").write_text(
        POLICY.replace("id: t.cert", "id: t.broken").replace("eq: enterprise", "eq: company"),
        encoding="utf-8",
    )
    status, out, err = run(
        tmp_path, [case("one", {"kind": "enterprise", "certificates": []})], capsys
    )
    assert status == 1
    assert "broken.yaml:8:" in err and "取值 company 不在字段 kind 的可选值中" in err
    assert list(out[0]["results"]) == ["t.cert"]
