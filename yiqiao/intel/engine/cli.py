"""Command line: ``extract PATH... --jsonl`` prints one JSON object per input file;
``train`` rebuilds the organisation labeller and the candidate classifier from the corpus
(``yiqiao intel train``).

Used as ``python -m yiqiao.intel.engine.cli extract PATH... --jsonl`` or through the
project-level ``yiqiao intel extract PATH... --jsonl``, which calls :func:`main`.  A folder argument expands to its
``*.txt``, ``*.html`` and ``*.htm`` files in name order.  Bad files (empty, binary, unreadable)
produce a message on stderr and ``{"source": ..., "error": ...}`` on stdout; the exit code is 0
when every file was processed (even with errors), 2 on usage errors.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator

from .pipeline import extract_article

_EXTS = (".txt", ".html", ".htm")


def _expand(paths: list[str]) -> Iterator[str]:
    for p in paths:
        if os.path.isdir(p):
            for name in sorted(os.listdir(p)):
                full = os.path.join(p, name)
                if os.path.isfile(full) and name.lower().endswith(_EXTS):
                    yield full
        else:
            yield p


def train_main(argv: list[str]) -> int:
    """``yiqiao intel train [--splits train] [--out PATH]``: retrain the labeller from the corpus."""
    from pathlib import Path

    from . import labeller, training

    parser = argparse.ArgumentParser(
        prog="yiqiao intel train", description="用新闻语料训练机构名称标注模型（仅 train/dev）"
    )
    parser.add_argument(
        "--splits",
        default="train,dev",
        help="逗号分隔的语料部分，只允许 train、dev（默认 train,dev）",
    )
    parser.add_argument(
        "--folds", type=int, default=5, help="训练候选分类器时标注模型的交叉折数（默认 5）"
    )
    parser.add_argument(
        "--augment",
        type=int,
        default=training.AUGMENT_COPIES,
        help="每个含机构名的句子生成几份换名副本（默认 %(default)s；在 dev 上未见显著提升）",
    )
    parser.add_argument("--out", default=str(labeller.MODEL_PATH), help="模型文件路径")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) if isinstance(exc.code, int) else 2
    splits = [s.strip() for s in args.splits.split(",") if s.strip()]
    bad = [s for s in splits if s not in training.TRAINABLE]
    if bad or not splits:
        print(f"只能用 train、dev 训练，不能用：{', '.join(bad) or '（空）'}", file=sys.stderr)
        return 2
    examples = training.build_examples(splits)
    if not examples:
        print("语料中没有可用的训练句子（缺少 labels.json 或文章文件）", file=sys.stderr)
        return 2
    from . import lexicon

    general = [e.entry for e in lexicon.table("org_suffixes")]
    rows = training.derive_suffixes(splits, general)
    shipped = Path(args.out).resolve() == labeller.MODEL_PATH.resolve()
    if not shipped:
        # an experiment (e.g. --splits train --out /tmp/m/orgs.crfsuite, then extract --models):
        # the shipped suffix list stays as it is
        rows = [r for r in rows if r[0] in set(lexicon.words("org_suffixes_corpus"))]
    else:
        training.write_suffixes(rows, lexicon.DATA / "org_suffixes_corpus.tsv")
    if shipped and {r[0] for r in rows} != set(lexicon.words("org_suffixes_corpus")):
        # the suffix list changed: train in a fresh process that loads the new list
        print("机构后缀词表已更新，用新词表重新训练", file=sys.stderr, flush=True)
        os.execv(sys.executable, [sys.executable, "-m", "yiqiao.intel.engine.cli", "train", *argv])
    out = Path(args.out)
    if args.augment < 0:
        print("--augment 不能为负数", file=sys.stderr)
        return 2
    training.AUGMENT_COPIES = args.augment
    n = training.train(examples, out)
    articles = len({e.source for e in examples})
    # the candidate classifier learns from labeller output on articles the labeller did not see
    analyses = training.out_of_fold(splits, folds=args.folds)
    cexamples = training.classifier_examples(analyses)
    cout = out.with_name(out.stem + "_classifier.crfsuite")
    training.train_classifier(cexamples, cout)
    print(
        json.dumps(
            {
                "splits": splits,
                "articles": articles,
                "sentences": n,
                "model": str(out),
                "bytes": out.stat().st_size,
                "classifier": str(cout),
                "classifier_bytes": cout.stat().st_size,
                "candidates": len(cexamples),
                "folds": args.folds,
                "corpus_suffixes": [r[0] for r in rows],
            },
            ensure_ascii=False,
        )
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code.

    Accepts ``extract PATH... --jsonl`` and, as called by ``yiqiao intel extract``, the same
    arguments without the leading ``extract``.
    """
    args_in = list(sys.argv[1:] if argv is None else argv)
    if args_in and args_in[0] == "train":
        return train_main(args_in[1:])
    if args_in and args_in[0] == "extract":
        args_in = args_in[1:]
    parser = argparse.ArgumentParser(
        prog="yiqiao intel extract", description="抽取文章中的机构、金额、签约、活动与指标"
    )
    parser.add_argument("paths", nargs="+", metavar="PATH")
    parser.add_argument("--jsonl", action="store_true", help="每个文件输出一行 JSON（默认）")
    parser.add_argument("--no-lac", action="store_true", help="不使用 LAC 模型（仅规则）")
    parser.add_argument(
        "--models",
        metavar="DIR",
        help="改用该目录中的 orgs.crfsuite 与 orgs_classifier.crfsuite（如只用 train 训练的模型）",
    )
    try:
        args = parser.parse_args(args_in)
    except SystemExit as exc:  # argparse exits on usage errors; report a code instead
        return int(exc.code or 0) if isinstance(exc.code, int) else 2
    if args.models:
        from pathlib import Path

        from . import candidates, labeller

        folder = Path(args.models)
        lab, clf = folder / "orgs.crfsuite", folder / "orgs_classifier.crfsuite"
        missing = [str(p) for p in (lab, clf) if not p.is_file()]
        if missing:
            print(f"找不到模型文件：{'、'.join(missing)}", file=sys.stderr)
            return 2
        labeller.use(lab)
        candidates.use(clf)
    for path in _expand(args.paths):
        source = os.path.basename(path)
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            msg = f"无法读取文件：{exc.strerror or exc}"
            print(f"{source}: {msg}", file=sys.stderr)
            print(json.dumps({"source": source, "error": msg}, ensure_ascii=False), flush=True)
            continue
        result = extract_article(data, source, use_lac=not args.no_lac)
        if result.error is not None:
            print(f"{source}: {result.error}", file=sys.stderr)
        print(json.dumps(result.to_json(), ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
