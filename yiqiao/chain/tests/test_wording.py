"""Every reason the chain engine writes for a target reads in English (issue 10)."""

from __future__ import annotations

import re

from yiqiao.chain.engine.gaps import Candidate, score_target
from yiqiao.chain.wording import reason_en, target_note_en


def test_every_target_reason_the_engine_writes_reads_in_english() -> None:
    reasons: set[str] = set()
    for codes in (("x.y",), ("x",), ("w",)):  # on the node, same sub-segment, same segment
        candidate = Candidate(
            1, "某公司", codes, 0.5, "雁州市", True, 0.8,
            financings=2, expansions=1, certificates=3, events_attended=4,
            leader_ties=2, platform_ties=1, shared_investors=1,
        )  # fmt: skip
        reasons.update(score_target("x.y", ("x", "w"), candidate).reasons)
    assert len(reasons) == 10
    for reason in reasons:
        worded = reason_en(reason)
        assert worded is not None, reason
        assert not re.search(r"[\u4e00-\u9fff]", worded.replace("雁州市", "")), worded
    note = "产业链补链目标：抗原抗体，得分0.82；正处该节点；近期融资2次"
    assert target_note_en(note, "Antigens and antibodies") == (
        "Chain gap target: Antigens and antibodies, score 0.82; Sits on this node; "
        "Recent financing rounds: 2"
    )
    assert target_note_en("来访") is None
