"""The trained organisation labeller: training data, training, tagging, the shipped model."""

from pathlib import Path

import pytest

from yiqiao.intel.engine import labeller, training


@pytest.mark.parametrize("split", ["frozen", "retired"])
def test_it_refuses_to_train_on_the_frozen_and_retired_parts(split: str) -> None:
    with pytest.raises(ValueError, match="only train, dev may be used for training"):
        training.load_labels(split)


def test_it_labels_gold_names_longest_first_without_overlaps() -> None:
    text = "滨湖区管委会与澜屿医疗科技有限公司签约,澜屿医疗将落户滨湖区。"
    labels = training.label_text(
        text, ["澜屿医疗科技有限公司", "澜屿医疗", "滨湖区管委会"], ["滨湖区"]
    )
    spans = [(s.name, s.label) for s in labeller.bio_to_spans(text, 0, labels)]
    assert spans == [
        ("滨湖区管委会", "ORG"),
        ("澜屿医疗科技有限公司", "ORG"),
        ("澜屿医疗", "ORG"),
        ("滨湖区", "NEU"),
    ]


def test_it_trains_a_model_that_finds_names_it_was_not_shown(tmp_path: Path) -> None:
    firms = ["澜屿医疗", "星翊生物", "恒岚药业", "知微科技", "禾润医药", "鹭晟仪器", "瑞澄基因"]
    places = ["滨湖区", "金湾区", "江宁区", "黄岛区"]
    examples = []
    for k, firm in enumerate(firms[:-1]):
        place = places[k % len(places)]
        sentence = f"会上,{place}与{firm}签署投资协议,项目总投资约{k + 2}亿元。"
        labels = training.label_text(sentence, [firm], [place])
        examples.append(training.Example("t", sentence, tuple(labels)))
    out = tmp_path / "m.crfsuite"
    assert training.train(examples, out, {"max_iterations": 60}) == 6
    model = labeller.Labeller(out)
    spans = model.spans("会上,黄岛区与瑞澄基因签署投资协议,项目总投资约9亿元。")
    assert [(s.name, s.label) for s in spans] == [("黄岛区", "NEU"), ("瑞澄基因", "ORG")]


def test_it_ships_a_small_model_that_loads_offline() -> None:
    assert labeller.MODEL_PATH.is_file()
    assert labeller.MODEL_PATH.stat().st_size < 2_000_000
    model = labeller.default()
    assert model is not None
    assert model.tag("") == []


def test_it_swaps_organisation_names_in_augmented_copies() -> None:
    sentences = ["会上,滨湖区与澜屿医疗签署协议。", "星翊生物和恒岚药业落户金湾区。"]
    examples = [
        training.Example(
            "t", s, tuple(training.label_text(s, ["澜屿医疗", "星翊生物", "恒岚药业"], []))
        )
        for s in sentences
    ]
    copies = training.augment(examples, copies=3, seed=7)
    assert len(copies) == 6
    for ex in copies:
        assert len(ex.sentence) == len(ex.labels)
        names = [s.name for s in labeller.bio_to_spans(ex.sentence, 0, ex.labels)]
        assert names and set(names) <= {"澜屿医疗", "星翊生物", "恒岚药业"}
        assert ex.sentence.endswith(("签署协议。", "落户金湾区。"))
    assert training.augment(examples, copies=0) == []
    # the same seed gives the same copies (training is repeatable)
    assert training.augment(examples, copies=3, seed=7) == copies
