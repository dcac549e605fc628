"""yiqiao chain_backtest [--region CODE] [--k 50]

Precision@k of the explained target ranking made at a gap run, against which target companies
later became project leads (a project naming the company, created after the run), compared
with a sector-code baseline (candidates on the gap node's CHAIN_NODE position, in a fixed
order that knows nothing else). Prints one JSON line.

On the demo district the later leads were drawn from each company's size and a random draw
(yiqiao/chain/demo.py), never from the score, so the ranking is measured on outcomes it did not
produce.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.management.base import BaseCommand

from yiqiao.chain.engine.gaps import precision_at
from yiqiao.chain.models import GapRun, Target
from yiqiao.projects.models import Project
from yiqiao.registry.models import Region


class Command(BaseCommand):
    help = "Backtest the target ranking against later leads (precision@k vs a sector-code baseline)"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--region", default="")
        parser.add_argument("--k", type=int, default=50)

    def handle(self, *args: Any, **options: Any) -> None:
        region = (
            Region.objects.get(code=options["region"])
            if options["region"]
            else Region.objects.filter(kind=Region.Kind.DISTRICT).order_by("path").first()
        )
        if region is None:
            self.stdout.write(json.dumps({"error": "no district in the register"}))
            return
        run = (
            GapRun.objects.filter(region=region, status=GapRun.Status.DONE)
            .order_by("started_at")
            .first()
        )
        if run is None:
            self.stdout.write(json.dumps({"error": "no finished gap run for the region"}))
            return
        targets = list(
            Target.objects.filter(region=region)
            .select_related("node", "organisation")
            .order_by("-score", "id")
        )
        later = set(
            Project.objects.filter(created_at__gte=run.started_at).values_list(
                "investors", flat=True
            )
        )
        positives = {t.pk for t in targets if t.organisation_id in later}
        ranking = [t.pk for t in targets]

        def baseline_key(t: Target) -> tuple[int, str]:
            # sector-code matching: a candidate on the same position, in an order that knows
            # nothing else about it (a stable hash of the company id)
            same = 0 if t.node.chain_position else 1
            return same, hashlib.sha1(str(t.organisation_id).encode()).hexdigest()

        baseline = [t.pk for t in sorted(targets, key=baseline_key)]
        k = options["k"]
        self.stdout.write(
            json.dumps(
                {
                    "region": region.code,
                    "run": run.pk,
                    "targets": len(targets),
                    "later_leads": len(positives),
                    "k": k,
                    "precision_at_k_explained": round(precision_at(ranking, positives, k), 4),
                    "precision_at_k_sector_baseline": round(
                        precision_at(baseline, positives, k), 4
                    ),
                    "base_rate": round(len(positives) / len(targets), 4) if targets else 0.0,
                },
                ensure_ascii=False,
            )
        )
