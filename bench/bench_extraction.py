"""Benchmark the news-extraction pipeline (CPU time, one core).

Usage: yiqiao bench extraction [PATH...] [--chars N] [--repeat N] [--no-lac]

PATH may be files or folders (*.txt, *.html); without one the corpus's train and dev parts are
used (never the frozen part).  ``--chars N`` (default 3000 when no PATH is given, the issue's
article size) joins the bodies of consecutive articles into inputs of about N characters.
Models (labeller, classifier, jieba dictionary, place table, trafilatura/htmldate tables) are
loaded once before timing; that one-time load is reported separately.  CPU time of this process
(one core).  The last line printed is one JSON object:
{"articles", "chars", "cpu_seconds", "articles_per_second", ...}.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# one core: keep numpy/onnxruntime from spreading work over threads
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from yiqiao.intel.engine import candidates, clean, orgs, pipeline  # noqa: E402
from yiqiao.intel.engine.money import find_money  # noqa: E402
from yiqiao.intel.engine.textio import DecodeError, decode_bytes  # noqa: E402

_EXTS = (".txt", ".html", ".htm")


def _files(paths: list[str]) -> list[str]:
    out: list[str] = []
    for p in paths:
        if os.path.isdir(p):
            out += [os.path.join(p, n) for n in sorted(os.listdir(p)) if n.lower().endswith(_EXTS)]
        elif os.path.isfile(p):
            out.append(p)
    return out


CORPUS = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "yiqiao", "intel", "corpus"
)


def _compose(blobs: list[tuple[str, bytes]], target: int) -> list[tuple[str, bytes]]:
    """Inputs of about ``target`` characters of news prose: the bodies of consecutive articles
    (after decoding, HTML extraction and boilerplate removal) joined, so that every character
    reaches the labeller (the heaviest case; a real page of that size carries boilerplate)."""
    out: list[tuple[str, bytes]] = []
    parts: list[str] = []
    names: list[str] = []
    for name, data in blobs:
        try:
            body = pipeline.prepare_text(decode_bytes(data).text).body.strip()
        except DecodeError:
            continue
        if not body:
            continue
        parts.append(body)
        names.append(name)
        if sum(len(p) for p in parts) >= target * 0.95:
            out.append(("+".join(names), "\n".join(parts).encode("utf-8")))
            parts, names = [], []
    if parts and sum(len(p) for p in parts) >= target * 0.5:
        out.append(("+".join(names), "\n".join(parts).encode("utf-8")))
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; returns 0, or 2 when no input file was found."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--chars", type=int, default=None, help="join articles into inputs of ~N chars")
    ap.add_argument("--repeat", type=int, default=3, help="passes over the inputs")
    ap.add_argument("--no-lac", action="store_true")
    args = ap.parse_args(argv)
    paths = args.paths or [os.path.join(CORPUS, "train"), os.path.join(CORPUS, "dev")]
    target = args.chars if args.chars is not None else (None if args.paths else 3000)
    files = _files(paths)
    if not files:
        print(json.dumps({"error": "no input files"}))
        return 2
    blobs: list[tuple[str, bytes]] = []
    for f in files:
        with open(f, "rb") as fh:
            blobs.append((os.path.basename(f), fh.read()))
    if target:
        blobs = _compose(blobs, target)

    t0 = time.process_time()
    w0 = time.perf_counter()
    orgs.load_models()
    clean.is_traditional("預熱")
    find_money("1亿元")
    import trafilatura  # noqa: F401  (HTML path)

    # warm-up (first-call caches: one plain article and one HTML page), counted as loading
    html = [b for b in blobs if b[0].lower().endswith((".html", ".htm"))][:1]
    for name, data in blobs[:2] + html:
        pipeline.extract_article(data, name, use_lac=not args.no_lac)
    load_cpu = time.process_time() - t0
    load_wall = time.perf_counter() - w0

    sizes: list[int] = []
    for _, data in blobs:
        try:
            sizes.append(len(decode_bytes(data).text))
        except DecodeError:
            sizes.append(0)
    chars = 0
    articles = 0
    cpu0 = time.process_time()
    wall0 = time.perf_counter()
    for _ in range(max(1, args.repeat)):
        # every pass starts cold: the per-name caches would otherwise serve repeats for free
        candidates.clear_caches()
        for (name, data), size in zip(blobs, sizes, strict=True):
            pipeline.extract_article(data, name, use_lac=not args.no_lac)
            articles += 1
            chars += size
    cpu = time.process_time() - cpu0
    wall = time.perf_counter() - wall0
    result = {
        "articles": articles,
        "chars": chars,
        "cpu_seconds": round(cpu, 3),
        "articles_per_second": round(articles / cpu, 1) if cpu > 0 else None,
        "chars_per_article": round(chars / max(1, articles)),
        "wall_seconds": round(wall, 3),
        "model_load_cpu_seconds": round(load_cpu, 3),
        "model_load_wall_seconds": round(load_wall, 3),
        # LAC runs only on the rules path, when no trained model is present
        "models": candidates.default() is not None,
        "lac": not args.no_lac and candidates.default() is None,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
