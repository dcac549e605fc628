"""Publication dates and relative date resolution."""

import pytest

from yiqiao.intel.engine import dates


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ("标题\n2025-3-7 08:15:02\n来源:某网", "2025-03-07"),
        ("标题\n时间:2021-10-19 11:05:40 来源:园区供稿", "2021-10-19"),
        ("标题\n发布时间:2023年9月14日 16:05", "2023-09-14"),
        ("中新网江苏新闻5月22日电 5月21日,某区推介会在南京举行。", None),
        ("标题\n2024-02-30 10:00", None),
    ],
)
def test_it_finds_the_publication_date(head: str, expected: str | None) -> None:
    assert dates.publication_date(head) == expected


@pytest.mark.parametrize(
    ("text", "published", "month", "expected"),
    [
        ("9月26日,推介会在上海举行", "2025-09-28", None, "2025-09-26"),
        ("12月30日,签约仪式举行", "2025-01-03", None, "2024-12-30"),
        ("璧山区8日举行签约活动", "2024-11-10", 11, "2024-11-08"),
        ("9月26日,推介会在上海举行", None, None, None),
        ("2023年3月29日,招商会举行", None, None, "2023-03-29"),
    ],
)
def test_it_resolves_dates_against_the_publication_date(
    text: str, published: str | None, month: int | None, expected: str | None
) -> None:
    assert dates.resolve(text, published, month) == expected


def test_it_reads_the_dateline_month() -> None:
    assert dates.dateline_month("中新网昆明12月6日电 (记者 某某)") == 12
    assert dates.dateline_month("2024-01-01 来源:某网") is None


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # the relative word after the subject's name: the day of publication
        ("某医学大学今天与一家会计师事务所签署合作备忘录。", "2026-01-30"),
        ("园区昨日举行开园仪式。", "2026-01-29"),
        # when the reporter learned it, not when it happened; "如今天" is not a date
        ("记者昨天从管委会获悉,项目已开工。", None),
        ("如今天的园区已有百余家企业。", None),
    ],
)
def test_it_reads_a_relative_day_after_a_name_but_not_a_reporting_day(
    sentence: str, expected: str | None
) -> None:
    assert dates.relative(sentence, "2026-01-30") == expected
