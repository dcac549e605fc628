"""Whole-pipeline behaviour: bad input, boilerplate traps, HTML, encodings, contract shape."""

import json

import pytest

from yiqiao.intel.engine import extract_article
from yiqiao.intel.engine.cli import main

CONTRACT_KEYS = [
    "source",
    "published",
    "traditional",
    "organisations",
    "money",
    "signings",
    "events",
    "metrics",
    "notes",
]

ARTICLE = (
    "某区医疗器械推介会在沪举行\n2024-04-02 09:00 来源:某报\n"
    "4月1日,合肥高新区医疗器械产业推介会在上海市闵行区举行。推介会现场,合肥高新区与上海瑞衡医疗科技有限公司、"
    "上海康钰生物签约,总投资约20亿元。\n"
    "相关新闻\n某地与宏远药业签约 投资45亿元\n"
)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", "文件为空"),
        (bytes(range(256)) * 4, "文件看起来是二进制数据，不是文本或网页"),
        ("   ", "文本为空"),
    ],
)
def test_it_reports_bad_input_instead_of_raising(data: bytes | str, error: str) -> None:
    ex = extract_article(data, "bad.txt", use_lac=False)
    assert ex.to_json() == {"source": "bad.txt", "error": error}


def test_it_never_extracts_facts_from_boilerplate() -> None:
    ex = extract_article(ARTICLE, "a.txt", use_lac=False)
    names = [o.name for o in ex.organisations]
    assert "宏远药业" not in names
    assert [m.amount for m in ex.money] == [2_000_000_000]
    assert "45亿元" in "".join(ex.removed)


def test_it_reads_html_gbk_pages() -> None:
    html = (
        '<html><head><meta charset="gbk"><title>推介会</title></head><body>'
        '<div class="nav">首页 &gt; 要闻 &gt; 正文</div>'
        "<article><h1>某区医疗器械推介会在沪举行</h1><p>发布时间:2024-04-02 09:00</p>"
        "<p>4月1日,合肥高新区医疗器械产业推介会在上海市闵行区举行,由合肥高新区管委会主办,"
        "吸引了长三角地区90余家企业参加,现场气氛热烈,企业代表积极交流。</p>"
        "<p>推介会现场,合肥高新区与上海瑞衡医疗科技有限公司签约,总投资约20亿元,"
        "项目将建设影像设备研发中心和生产基地,预计三年内投产。</p></article>"
        '<div class="footer">版权所有 某网 技术支持:某某网络科技有限公司</div></body></html>'
    )
    ex = extract_article(html.encode("gbk"), "p.html", use_lac=False)
    assert ex.error is None
    assert ex.published == "2024-04-02"
    assert "上海瑞衡医疗科技有限公司" in [o.name for o in ex.organisations]
    assert "某某网络科技有限公司" not in [o.name for o in ex.organisations]
    assert [(e.date, e.city, e.district) for e in ex.events] == [("2024-04-01", "上海", "闵行区")]


def test_it_handles_big5_traditional_text() -> None:
    text = "海滄區招商動態\n2024年3月8日 來源:某報\n3月7日,廈門市海滄區與美國邁德森醫療器械公司簽署投資協議,投資1.5億美元。"
    ex = extract_article(text.encode("big5"), "b.txt", use_lac=False)
    assert ex.traditional is True
    assert ex.published == "2024-03-08"
    assert [s.parties for s in ex.signings] == [("海沧区", "美国迈德森医疗器械公司")]
    assert [(m.amount, m.currency) for m in ex.money] == [(150_000_000, "USD")]


def test_it_prints_one_contract_object_per_file(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert main(["extract", str(good), str(empty), str(tmp_path / "missing.txt"), "--jsonl"]) == 0
    out, err = capsys.readouterr()
    lines = [json.loads(line) for line in out.splitlines()]
    assert list(lines[0].keys()) == CONTRACT_KEYS
    assert lines[0]["source"] == "good.txt"
    assert lines[0]["published"] == "2024-04-02"
    assert lines[0]["money"] == [
        {
            "amount": 2_000_000_000,
            "currency": "CNY",
            "qualifier": "approx",
            "text": "约20亿元",
            "amount_yuan": 2_000_000_000,
        }
    ]
    assert set(lines[0]["signings"][0].keys()) == {
        "parties",
        "amount_yuan",
        "project_count",
        "fields",
        "event",
    }
    assert lines[0]["signings"][0]["event"] == lines[0]["events"][0]["id"] == "e1"
    assert lines[0]["events"][0]["signings"] == [0]
    assert set(lines[0]["events"][0].keys()) == {
        "id",
        "signings",
        "kind",
        "date",
        "city",
        "district",
        "venue",
        "hosts",
        "theme",
        "attendance",
    }
    assert lines[1] == {"source": "empty.txt", "error": "文件为空"}
    assert lines[2]["source"] == "missing.txt"
    assert lines[2]["error"].startswith("无法读取文件")
    assert "empty.txt: 文件为空" in err


def test_it_accepts_the_project_command_form(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE, encoding="utf-8")
    assert main([str(good), "--jsonl"]) == 0
    assert json.loads(capsys.readouterr().out)["source"] == "good.txt"


def test_it_extracts_with_models_from_another_folder(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from yiqiao.intel.engine import candidates, labeller

    good = tmp_path / "good.txt"
    good.write_text(ARTICLE, encoding="utf-8")
    assert main([str(good), "--models", str(tmp_path / "none")]) == 2
    assert "找不到模型文件" in capsys.readouterr().err
    models = tmp_path / "m"
    models.mkdir()
    (models / "orgs.crfsuite").write_bytes(labeller.MODEL_PATH.read_bytes())
    (models / "orgs_classifier.crfsuite").write_bytes(candidates.MODEL_PATH.read_bytes())
    try:
        assert main([str(good), "--jsonl", "--models", str(models)]) == 0
        assert (
            labeller.default() is not None and labeller.default().path == models / "orgs.crfsuite"
        )  # type: ignore[union-attr]
        shipped = json.loads(capsys.readouterr().out)
    finally:
        labeller._loaded.clear()
        candidates._loaded.clear()
    assert shipped == extract_article(ARTICLE.encode("utf-8"), "good.txt").to_json()


def test_it_rejects_a_call_without_paths() -> None:
    assert main([]) == 2
    assert main(["extract"]) == 2


def test_it_gives_an_empty_result_with_the_reason_for_an_english_report() -> None:
    text = "Biotech park signs 12 projects\nMay 6, 2024\n" + (
        "The park signed agreements with Acme Medical Co., Ltd. and Beta Pharma. " * 10
    )
    out = extract_article(text.encode("utf-8"), "en.txt", use_lac=False).to_json()
    assert (out["organisations"], out["money"], out["signings"], out["events"]) == ([], [], [], [])
    assert out["notes"] == ["文章不是中文（几乎没有汉字），未抽取事实：本系统处理中文报道"]


def test_it_gives_an_empty_result_with_the_reason_for_a_navigation_only_page() -> None:
    items = "".join(
        f"<li><a href='/a{i}'>某区与宏远药业签约 投资{i}亿元</a> 2024-05-0{i % 9 + 1}</li>"
        for i in range(30)
    )
    page = f"<html><body><div>首页 &gt; 新闻 &gt; 要闻</div><ul>{items}</ul></body></html>"
    out = extract_article(page.encode("utf-8"), "nav.html", use_lac=False).to_json()
    assert (out["organisations"], out["money"], out["signings"]) == ([], [], [])
    assert out["notes"] == ["页面只有导航、列表、版权等模板内容，没有正文，未抽取事实"]


def test_it_reads_a_file_that_mixes_encodings_line_by_line() -> None:
    data = (
        "某区推介会\n2024-05-06 来源:某报\n5月5日,某区与甲乙医疗科技有限公司签约,总投资约12亿元。\n"
    ).encode() + "海滄區與美國邁德森醫療器械公司簽署投資協議。".encode("big5")
    ex = extract_article(data, "mixed.txt", use_lac=False)
    assert ex.error is None
    assert ex.notes == ("文件混用多种编码（big5hkscs、utf-8），已逐行解码",)
    assert [m.amount for m in ex.money] == [1_200_000_000]
    assert "美国迈德森医疗器械公司" in [p for s in ex.signings for p in s.parties]


def test_it_cuts_a_huge_page_and_says_so() -> None:
    text = "标题\n2024-01-01 来源:某报\n" + "某区持续优化营商环境,推动产业发展。" * 20000
    ex = extract_article(text, "huge.txt", use_lac=False)
    assert ex.notes == (f"内容过长（{len(text)} 字符），只处理了前 200000 字符",)


def test_it_keeps_metric_qualifiers_and_reports_a_repeated_paragraph_once() -> None:
    para = "园区已集聚生物医药企业60余家,总面积约30万平方米,去年产值达到161亿元。\n"
    ex = extract_article("园区动态\n2024-05-06 来源:某报\n" + para + para, "m.txt", use_lac=False)
    assert [(m.value, m.unit, m.qualifier) for m in ex.metrics] == [
        (60, "家", "over"),
        (300_000, "平方米", "approx"),
        (16_100_000_000, "元", "exact"),
    ]
    assert [m.label for m in ex.metrics] == [
        "园区已集聚生物医药企业 60余家",
        "总面积 约30万平方米",
        "去年产值 161亿元",
    ]
