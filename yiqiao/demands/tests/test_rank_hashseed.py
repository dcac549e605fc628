"""Text relevance is the same number in every process.

Python salts string hashes per process, so a set of grams yields them in another order in each
run; summed in that order, two runs of `yiqiao demands match` could score a candidate a last bit
apart and swap two tied results.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import random
from types import SimpleNamespace
from yiqiao.demands.engine.rank import Relevance, grams
rng = random.Random(5)
chars = "细胞治疗洁净厂房冷库实验室临床试验注册申报医疗器械体外诊断生物药原料药制剂无菌灌装检测认证融资孵化人才公寓"
def text():
    return "".join(rng.choice(chars) for _ in range(60))
cands = [SimpleNamespace(title=text(), text=text()) for _ in range(50)]
rel = Relevance(cands)
need = grams(text() + text())
print(",".join(repr(rel.score(need, i)) for i in range(50)))
"""


def test_it_scores_alike_whatever_the_process_hash_seed() -> None:
    root = Path(__file__).resolve().parents[3]
    outputs = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(root)}
        run = subprocess.run(
            [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=True
        )
        outputs.add(run.stdout)
    assert len(outputs) == 1
