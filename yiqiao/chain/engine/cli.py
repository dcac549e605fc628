"""``yiqiao chain classify | train | evaluate`` (pure: no Django, no database).

yiqiao chain classify ORGS.jsonl [--model MODEL.json] [--out OUT.jsonl]
    reads lines {"id", "name", "description", "products"} and writes, per line,
    {"id", "nodes", "chain_node", "chain_nodes", "sectors", "confidence", "evidence"}
yiqiao chain train [--data FILE.jsonl ...] [--out MODEL.json]
    fits the classifier on labelled lines (default: the bundled training files) and writes
    the model (default: the shipped yiqiao/chain/engine/data/classifier.json)
yiqiao chain evaluate SET.jsonl [--model MODEL.json]
    classifies a labelled set and prints the scorer's aggregate line (never item details)
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from .classify import Classification, Model, OrgInput, bundled_lexicon, bundled_model, classify

ENGINE_DATA = Path(__file__).resolve().parent / "data"
CHAIN_APP = Path(__file__).resolve().parent.parent
#: What ``yiqiao chain train`` learns from by default: the judged set's train and dev splits
#: (never its frozen part) and the chain team's own development examples.
DEFAULT_TRAINING = (
    CHAIN_APP / "evaluation" / "train.jsonl",
    CHAIN_APP / "evaluation" / "dev.jsonl",
    CHAIN_APP / "devexamples" / "upstream.jsonl",
    CHAIN_APP / "devexamples" / "midstream.jsonl",
    CHAIN_APP / "devexamples" / "downstream.jsonl",
    CHAIN_APP / "devexamples" / "shapes.jsonl",
)


def _text(value: Any) -> str:
    """A field as text: lists are joined with 、, numbers and None become text or nothing."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "、".join(_text(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}：{_text(v)}" for k, v in value.items())
    return str(value)


def read_orgs(stream: TextIO) -> Iterator[tuple[int, OrgInput | None, str]]:
    """(line number, input or None, problem) for every non-blank line."""
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            yield number, None, f"line {number}: not JSON ({error.msg})"
            continue
        if not isinstance(item, dict):
            yield number, None, f"line {number}: a line must be a JSON object"
            continue
        raw_id = item.get("id")
        org_id = _text(raw_id) if raw_id not in (None, "") else f"line-{number}"
        yield (
            number,
            OrgInput(
                id=org_id,
                name=_text(item.get("name"))[:500],
                description=_text(item.get("description"))[:20000],
                products=_text(item.get("products"))[:5000],
            ),
            "",
        )


def classify_stream(stream: TextIO, out: TextIO, model: Model, err: TextIO) -> int:
    """Classify every line; a bad line gets an error line (same position in the output)."""
    lexicon = bundled_lexicon()
    problems = 0
    for number, org, problem in read_orgs(stream):
        if org is None:
            problems += 1
            print(problem, file=err)
            out.write(json.dumps({"id": f"line-{number}", "error": problem}, ensure_ascii=False))
            out.write("\n")
            continue
        result: Classification = classify(org, lexicon=lexicon, model=model)
        out.write(json.dumps(result.as_dict(), ensure_ascii=False) + "\n")
    return 1 if problems else 0


def _load_model(path: str | None) -> Model:
    if not path:
        return bundled_model()
    return Model.from_json(Path(path).read_text("utf-8"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="yiqiao chain", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p_classify = sub.add_parser("classify", help="classify organisations (JSON lines)")
    p_classify.add_argument("orgs", help="JSON lines file, or - for standard input")
    p_classify.add_argument("--model", default="")
    p_classify.add_argument("--out", default="")
    p_train = sub.add_parser("train", help="fit the classifier on labelled lines")
    p_train.add_argument("--data", nargs="*", default=None)
    p_train.add_argument("--out", default=str(ENGINE_DATA / "classifier.json"))
    p_eval = sub.add_parser("evaluate", help="score a labelled set (aggregate only)")
    p_eval.add_argument("set")
    p_eval.add_argument("--model", default="")
    args = parser.parse_args(list(argv) if argv is not None else None)

    if args.command == "classify":
        model = _load_model(args.model)
        source = sys.stdin if args.orgs == "-" else open(args.orgs, encoding="utf-8")  # noqa: SIM115
        target = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout  # noqa: SIM115
        try:
            return classify_stream(source, target, model, sys.stderr)
        finally:
            if source is not sys.stdin:
                source.close()
            if target is not sys.stdout:
                target.close()
    if args.command == "train":
        from .training import examples_from_jsonl, train

        files = [Path(p) for p in args.data] if args.data else list(DEFAULT_TRAINING)
        examples = examples_from_jsonl(files)
        model = train(examples, bundled_lexicon())
        model.trained_on["files"] = [_display(f) for f in files]
        Path(args.out).write_text(model.to_json() + "\n", encoding="utf-8")
        print(json.dumps({"examples": len(examples), "out": args.out}, ensure_ascii=False))
        return 0
    # evaluate
    from yiqiao.chain.evaluation.score import load_jsonl, score

    model = _load_model(args.model)
    items = load_jsonl(Path(args.set))
    lexicon = bundled_lexicon()
    outputs = []
    for item in items:
        org = OrgInput(
            id=_text(item.get("id")),
            name=_text(item.get("name")),
            description=_text(item.get("description")),
            products=_text(item.get("products")),
        )
        outputs.append(classify(org, lexicon=lexicon, model=model).as_dict())
    print(json.dumps(score(items, outputs), ensure_ascii=False))
    return 0


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(CHAIN_APP.parent.parent))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    raise SystemExit(main())
