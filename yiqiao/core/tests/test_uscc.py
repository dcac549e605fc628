import pytest

from yiqiao.core.text import name_normalise, safe_cell
from yiqiao.core.uscc import uscc_make, uscc_normalise, uscc_problem

VALID = "91350100M000100Y43"  # the code commonly quoted as a valid example


def test_it_accepts_a_valid_code() -> None:
    assert uscc_problem(VALID) is None


def test_it_completes_a_body_with_its_check_character() -> None:
    assert uscc_make(VALID[:17]) == VALID


@pytest.mark.parametrize(
    ("code", "message", "position"),
    [
        ("91350100M000100Y4", "统一社会信用代码应为18位，实际为17位", None),
        ("91350100M000100YI3", "第17位字符“I”不是合法字符（不可使用 I、O、Z、S、V）", 17),
        ("91350100M000100Y44", "第18位校验码错误：应为“3”，实际为“4”", 18),
    ],
)
def test_it_says_which_character_is_wrong(code: str, message: str, position: int | None) -> None:
    problem = uscc_problem(code)
    assert problem is not None
    assert problem.message == message
    assert problem.position == position


def test_it_normalises_full_width_and_spaces() -> None:
    assert uscc_normalise(" ９１350100m000100y43 ") == VALID


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("锦城康瑞生物科技有限公司", "锦城康瑞生物科技有限责任公司"),
        ("锦城（成都）医疗器械有限公司", "锦城(成都)医疗器械有限公司"),
        ("ＡＢＣ医药股份有限公司", "ABC医药有限公司"),
    ],
)
def test_it_folds_trivial_name_variants(a: str, b: str) -> None:
    assert name_normalise(a) == name_normalise(b)


def test_it_keeps_distinct_names_apart() -> None:
    assert name_normalise("康瑞生物") != name_normalise("康睿生物")


@pytest.mark.parametrize("value", ["=1+1", "+86", "-2", "@SUM(A1)", "\tcmd"])
def test_it_neutralises_formula_cells(value: str) -> None:
    assert safe_cell(value) == "'" + value


def test_it_leaves_ordinary_cells_alone() -> None:
    assert safe_cell("锦城") == "锦城"
    assert safe_cell(12) == 12
