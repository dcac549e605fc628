"""Links users give us: only http and https web addresses are stored or rendered as links.

A `javascript:` or `data:` address stored as a link runs script in the reader's browser when
clicked; Django's URL validator also accepts ftp, and the API wrote the value unchecked.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

WEB_SCHEMES = ["http", "https"]
validate_web_url = URLValidator(
    schemes=WEB_SCHEMES, message="请填写以 http:// 或 https:// 开头的网址"
)


def check_web_url(value: str, *, label: str = "网址") -> str:
    """The address stripped, or "" when empty; anything but an http(s) URL is refused."""
    text = (value or "").strip()
    if not text:
        return ""
    try:
        validate_web_url(text)
    except ValidationError as exc:
        raise ValidationError(
            f"{label}“{text[:80]}”无效：仅接受以 http:// 或 https:// 开头的网址"
        ) from exc
    return text


def is_web_url(value: str) -> bool:
    try:
        check_web_url(value)
    except ValidationError:
        return False
    return bool(value and value.strip())
