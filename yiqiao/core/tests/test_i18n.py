"""The English catalogue: pages switch to English by the language cookie, and it is complete.

The catalogue is read with a small parser of our own (no external package) so that an empty,
fuzzy or placeholder-breaking translation fails here rather than showing Chinese on an English
page. Templates and Python modules are also scanned for simple literal msgids, so a string added
to the code without re-running makemessages fails too.
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

PACKAGE = Path(__file__).resolve().parents[2]
CATALOGUE = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")
# The same exclusions as the makemessages command in the translation notes.
EXCLUDED_PARTS = {"engine", "tests", "corpus", "library", "static", "migrations", "locale"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{[^{}]*\}")
ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


@dataclass
class Entry:
    """One message of a .po file."""

    line: int
    flags: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def msgid(self) -> str:
        return self.fields.get("msgid", "")

    @property
    def translations(self) -> list[str]:
        return [v for k, v in self.fields.items() if k.startswith("msgstr")]


def unquote(text: str) -> str:
    """The value of one quoted .po string ("..." with C escapes)."""
    assert text.startswith('"') and text.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: ESCAPES[m.group(1)], text[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """Entries of a .po file, without the header and without obsolete (#~) entries."""
    entries: list[Entry] = []
    current: Entry | None = None
    key = ""
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            current = None
            continue
        if current is None:
            current = Entry(line=number)
            entries.append(current)
        if line.startswith("#,"):
            current.flags += [flag.strip() for flag in line[2:].split(",")]
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current.fields[key] += unquote(line)
        else:
            key, _, value = line.partition(" ")
            current.fields[key] = unquote(value)
    return [e for e in entries if "msgid" in e.fields and e.msgid != ""]


def literal_msgids() -> set[str]:
    """Simple literal msgids in templates and Python modules (a subset of what makemessages sees)."""
    template = re.compile(
        r"""\{%\s*(?:translate|trans)\s+(?:"([^"]*)"|'([^']*)')(?![^%]*context)"""
    )
    python = re.compile(r"""\b(?:_|gettext|gettext_lazy)\(\s*(?:"([^"\\]*)"|'([^'\\]*)')\s*[,)]""")
    found: set[str] = set()
    for path in PACKAGE.rglob("*"):
        parts = set(path.relative_to(PACKAGE).parts[:-1])
        if parts & EXCLUDED_PARTS or path.suffix not in {".html", ".py"}:
            continue
        pattern = template if path.suffix == ".html" else python
        for match in pattern.finditer(path.read_text(encoding="utf-8")):
            found.add(match.group(1) if match.group(1) is not None else match.group(2))
    return found - {""}


def test_it_has_a_translation_for_every_msgid_in_the_catalogue() -> None:
    entries = parse_po(CATALOGUE)
    assert len(entries) > 1000
    untranslated = [e.msgid for e in entries if any(t.strip() == "" for t in e.translations)]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []


def test_it_fills_both_forms_of_every_plural_entry() -> None:
    plurals = [e for e in parse_po(CATALOGUE) if "msgid_plural" in e.fields]
    assert len(plurals) >= 4
    for entry in plurals:
        assert set(entry.fields) == {"msgid", "msgid_plural", "msgstr[0]", "msgstr[1]"}, entry.msgid
        assert entry.fields["msgstr[0]"] != "" and entry.fields["msgstr[1]"] != "", entry.msgid


def test_it_keeps_every_placeholder_of_the_msgid() -> None:
    broken = [
        (e.msgid, t)
        for e in parse_po(CATALOGUE)
        for t in e.translations
        if sorted(PLACEHOLDER.findall(t)) != sorted(PLACEHOLDER.findall(e.msgid))
    ]
    assert broken == []


def test_it_leaves_no_chinese_in_an_english_translation_outside_brackets() -> None:
    # Chinese may appear only in brackets, where the English names a Chinese term (“专精特新”,
    # a column heading the import file must carry), and as the list separator 、.
    han = re.compile(r"[\u4e00-\u9fff]")
    leaked = [
        (e.msgid, t)
        for e in parse_po(CATALOGUE)
        for t in e.translations
        if han.search(re.sub(r"\([^()]*\)|、", "", t))
    ]
    assert leaked == []


def test_it_catalogues_every_literal_msgid_in_templates_and_code() -> None:
    catalogued = {e.msgid for e in parse_po(CATALOGUE)}
    scanned = literal_msgids()
    assert "机构名录" in scanned and "登录医桥" in scanned
    assert sorted(scanned - catalogued) == []


def test_it_compiles_the_catalogue_that_is_checked_in() -> None:
    with COMPILED.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)

    def compiled_text(entry: Entry) -> str:
        if "msgctxt" in entry.fields:  # pgettext: the same words, another sense
            return compiled.pgettext(entry.fields["msgctxt"], entry.msgid)
        return compiled.gettext(entry.msgid)

    stale = [
        e.msgid
        for e in parse_po(CATALOGUE)
        if "msgid_plural" not in e.fields and compiled_text(e) != e.fields["msgstr"]
    ]
    assert stale == []


@pytest.mark.django_db
def test_it_shows_the_login_page_in_english_with_the_language_cookie(client: Any) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("login"))
    body = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in body
    assert "Sign in to YiQiao" in body
    assert "登录医桥" not in body


@pytest.mark.django_db
def test_it_shows_the_register_in_english_to_an_officer(client_for: Any, alice: Any) -> None:
    client = client_for(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("registry:organisation-list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Register</h1>" in body
    assert "Sign out" in body
    for chinese in ("机构名录", "退出", "新增机构", "主导航"):
        assert chinese not in body


@pytest.mark.django_db
def test_it_stays_chinese_without_the_cookie(client_for: Any, alice: Any) -> None:
    response = client_for(alice).get(reverse("registry:organisation-list"))
    body = response.content.decode()
    assert "<h1>机构名录</h1>" in body
    assert "<h1>Register</h1>" not in body
