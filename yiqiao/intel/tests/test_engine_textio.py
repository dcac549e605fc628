"""Decoding of UTF-8, GBK/GB18030 and Big5 bytes; refusal of binary and empty input."""

import pytest

from yiqiao.intel.engine.textio import DecodeError, decode_bytes, looks_like_html

SIMPLIFIED = "黄埔区生物医药专场招商会举行，华瑞康等8个项目集中签约，总投资近50亿元。"
TRADITIONAL = "海滄區生物醫藥港迎來外資大項目，投資1.5億美元建設生產基地。"


@pytest.mark.parametrize(
    ("text", "codec", "expected"),
    [
        (SIMPLIFIED, "utf-8", "utf-8"),
        (SIMPLIFIED, "gbk", "gb18030"),
        (SIMPLIFIED, "gb18030", "gb18030"),
        (TRADITIONAL, "big5", "big5hkscs"),  # Big5-HKSCS reads every Big5 file too
        (TRADITIONAL, "utf-8", "utf-8"),
    ],
)
def test_it_detects_the_encoding(text: str, codec: str, expected: str) -> None:
    decoded = decode_bytes(text.encode(codec))
    assert decoded.text == text
    assert decoded.encoding == expected


def test_it_prefers_a_declared_html_charset() -> None:
    html = '<html><head><meta charset="gbk"></head><body><p>' + SIMPLIFIED + "</p></body></html>"
    decoded = decode_bytes(html.encode("gbk"))
    assert SIMPLIFIED in decoded.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "文件为空"),
        (b"   \n  ", "文件为空"),
        (
            b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256)),
            "文件看起来是二进制数据，不是文本或网页",
        ),
        (b"\xff\xfe\x00", "UTF-16 文件已损坏，无法解码"),
    ],
)
def test_it_refuses_unreadable_input(data: bytes, message: str) -> None:
    with pytest.raises(DecodeError) as err:
        decode_bytes(data)
    assert str(err.value) == message


def test_it_recognises_html() -> None:
    assert looks_like_html("<html><body><p>正文</p></body></html>") is True
    assert looks_like_html("正文里提到<3个项目>与a<b的比较") is False
