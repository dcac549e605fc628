"""Every label a condition can name has an English entry (issue 10): the field dictionary's
fields, items and codes, and the labels the shipped policy libraries and the cultivation
criteria give their conditions. A label typed into a drafted policy is the drafter's own."""

from __future__ import annotations

import re
from pathlib import Path

from django.utils.translation import gettext, override

import yiqiao
from yiqiao.policies.engine import load_fields, parse_policy
from yiqiao.policies.engine.model import Atom
from yiqiao.policies.engine.texts import walk

ROOT = Path(yiqiao.__file__).parent
FOLDERS = ("policies/library", "policies/library/starter", "cultivation/criteria")
HAN = re.compile(r"[\u4e00-\u9fff]")


def test_every_shipped_condition_label_reads_in_english() -> None:
    fields = load_fields(ROOT / "policies/library/fields.yaml")
    labels: set[str] = set()
    for name in fields:
        spec = fields[name]
        labels |= {spec.label, *spec.values.values()}
        for item in (spec.items or {}).values():
            labels |= {item.label, *item.values.values()}
    files = [f for folder in FOLDERS for f in sorted((ROOT / folder).glob("*.yaml"))]
    for path in files:
        if path.name == "fields.yaml":
            continue
        policy = parse_policy(path.read_text(encoding="utf-8"), fields)
        for version in policy.versions:
            labels |= {n.label for _, n in walk(version.conditions) if isinstance(n, Atom)}
    assert len(files) > 100
    with override("en"):
        untranslated = sorted(s for s in labels if HAN.search(s) and gettext(s) == s)
    assert untranslated == []
