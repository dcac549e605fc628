"""Benchmark of the need-to-resource matching engine.

Builds an index over N synthetic resources (spaces, services, investors, organisations and
policies, with Chinese text from templates) and runs Q synthetic needs with structured fields.
Prints progress lines, then as its last line one JSON object:
``{"items", "queries", "index_seconds", "p50_ms", "p95_ms", "peak_rss_mb", ...}``.

    python bench/bench_matching.py --items 1000000 --queries 1000 --seed 7

By default the process is pinned to one CPU (``--cpus 1``) to measure single-core figures.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from yiqiao.demands.engine import (  # noqa: E402
    InvestorAttributes,
    MatchIndex,
    Need,
    OrganisationAttributes,
    PolicyAttributes,
    PolicyEligibility,
    Resource,
    ServiceAttributes,
    SpaceAttributes,
)
from yiqiao.demands.engine.chain import ChainGraph  # noqa: E402

CITIES = ["苏州", "无锡", "南京", "杭州", "合肥", "成都", "重庆", "武汉", "西安", "广州", "深圳"]
PARK_KINDS = ["生物医药产业园", "医疗器械产业园", "高新区科创园", "生命健康小镇", "国际医学园"]
PARK_EXTRA = ["一期", "二期", "三期", "东区", "西区", "南区", "北区"]
NAME_CHARS = "恒瑞康泰华健博达晟源启明安和聚信润德瑞祥新元智诚嘉盛宏远科宇天成恒鑫佳乐百川众合睿"
NAME_TAILS = ["生物", "医疗", "医药", "生命科学", "诊断", "医疗器械", "生物技术", "制药"]
NAME_SUFFIX = ["科技有限公司", "股份有限公司", "有限公司", "（集团）有限公司"]
PRODUCTS = {
    "bio.innovative_drug": ["小分子创新药", "靶向药物", "一类新药"],
    "bio.biologics": ["单克隆抗体", "双特异性抗体", "重组蛋白", "抗体偶联药物"],
    "bio.cell_gene": ["CAR-T细胞治疗", "干细胞治疗", "基因治疗载体"],
    "bio.api": ["原料药", "医药中间体"],
    "bio.reagent": ["科研试剂", "诊断原料", "细胞培养基"],
    "bio.vaccine": ["mRNA疫苗", "重组疫苗"],
    "dev.ivd": ["化学发光试剂", "分子诊断试剂盒", "POCT检测仪"],
    "dev.imaging": ["超声设备", "CT", "数字X射线设备"],
    "dev.implant": ["心血管支架", "骨科植入物", "人工关节"],
    "dev.consumable": ["医用导管", "一次性耗材", "敷料"],
    "dev.surgical": ["手术机器人", "内窥镜", "能量平台"],
    "dev.material": ["医用高分子材料", "精密零部件"],
    "dev.electronics": ["医用传感器", "监护模块"],
    "dev.ai": ["医学影像AI软件", "辅助诊断软件"],
    "svc.cso": ["医药配送", "学术推广"],
}
SPACE_FEATURES = [
    "配套纯化水系统",
    "双回路供电",
    "可整租可分割",
    "环评手续齐全",
    "配有危化品仓库",
    "临近高速入口",
    "提供人才公寓",
    "配套污水处理站",
    "已通天然气",
    "可办理生产许可",
    "物业费另计",
    "可拎包入住",
]
SPACE_USES = ["研发", "中试", "规模化生产", "样机试制", "仓储物流", "检验检测"]
INDUSTRIES = ["生物药", "创新药", "医疗器械", "体外诊断", "细胞治疗", "医用耗材", "原料药"]
SERVICE_TEXT = {
    "poc": ("概念验证", "面向高校院所成果，提供概念验证资金、技术评估和商业化辅导"),
    "preclinical": ("临床前研究", "提供药理毒理、药代动力学和安全性评价服务，符合GLP要求"),
    "clinical_cro": ("临床CRO", "提供临床方案设计、临床运营、数据管理和统计分析"),
    "cdmo": ("CDMO", "提供工艺开发、临床样品和商业化委托生产服务"),
    "pilot": ("中试平台", "提供工艺放大、中试批生产和小批量试产"),
    "registration": ("注册申报", "提供注册资料编写、申报和法规咨询服务"),
    "testing": ("检验检测", "提供型式检验、生物相容性检测和电磁兼容检测"),
    "cso": ("CSO", "提供学术推广、市场准入和渠道管理服务"),
    "finance": ("金融服务", "提供科技贷、知识产权质押融资和投贷联动服务"),
}
POLICY_TOPICS = [
    ("落户奖励", "对新落户的生物医药企业按实缴注册资本给予一次性奖励"),
    ("租金补贴", "对入驻产业园区载体的企业给予租金补贴"),
    ("研发投入补贴", "按企业年度研发投入增量给予补贴"),
    ("临床试验资助", "对开展临床试验的创新药按阶段给予资助"),
    ("首次注册奖励", "对首次取得医疗器械注册证的产品给予奖励"),
    ("人才安居补贴", "对引进的高层次人才给予安家补贴和人才公寓"),
    ("天使投资引导", "对获得天使轮投资的早期项目给予配套资金"),
    ("首台套保险补偿", "对首台套医疗装备给予保费补偿"),
    ("贷款贴息", "对科技型企业银行贷款给予贴息"),
    ("GMP认证奖励", "对通过GMP符合性检查的生产线给予奖励"),
]
STAGES = ["seed", "angel", "pre_a", "a", "b", "c", "d", "pre_ipo"]
STAGE_WORDS = {
    "seed": "种子轮",
    "angel": "天使轮",
    "pre_a": "Pre-A轮",
    "a": "A轮",
    "b": "B轮",
    "c": "C轮",
    "d": "D轮",
    "pre_ipo": "Pre-IPO",
}
REGIONS = ["320506", "320505", "320508", "510107", "330106", "440305"]


class Synth:
    """Synthetic resources and needs from templates, reproducible from one seed."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.chain = ChainGraph.bundled()
        self.nodes = sorted(PRODUCTS)
        self.parks = [
            (f"{city}{kind}{extra}", f"P{i:03d}")
            for i, (city, kind, extra) in enumerate(
                (c, k, e) for c in CITIES for k in PARK_KINDS for e in PARK_EXTRA
            )
        ]

    def company(self) -> str:
        r = self.rng
        return f"{r.choice(CITIES)}{r.choice(NAME_CHARS)}{r.choice(NAME_CHARS)}{r.choice(NAME_TAILS)}{r.choice(NAME_SUFFIX)}"

    def resource(self, i: int) -> Resource:
        roll = self.rng.random()
        if roll < 0.35:
            return self.space(i)
        if roll < 0.55:
            return self.service(i)
        if roll < 0.65:
            return self.investor(i)
        if roll < 0.99:
            return self.organisation(i)
        return self.policy(i)

    def space(self, i: int) -> Resource:
        r = self.rng
        park, code = r.choice(self.parks)
        kind = r.choices(["plant", "lab", "building", "land"], weights=[5, 2, 2, 1])[0]
        total = float(r.choice([300, 500, 800, 1200, 2000, 3000, 5000, 8000, 20000]))
        available = float(round(total * r.choice([0, 0.25, 0.5, 1.0])))
        grade = r.choice([None, None, "D", "C", "B"]) if kind in ("plant", "lab") else None
        label = {"plant": "厂房", "lab": "实验室", "building": "研发楼", "land": "工业用地"}[kind]
        industry = r.choice(INDUSTRIES)
        features = "，".join(r.sample(SPACE_FEATURES, 2))
        clean = f"，{grade}级洁净车间" if grade else ""
        text = (
            f"位于{park}{r.randint(1, 30)}号楼，{label}建筑面积{total:.0f}平方米，"
            f"可租面积{available:.0f}平方米，层高{r.choice([4.5, 6, 8, 9])}米{clean}，{features}，"
            f"适合{industry}企业{r.choice(SPACE_USES)}。"
        )
        return Resource(
            kind="space",
            id=f"S{i:07d}",
            title=f"{park}{label}{r.randint(1, 30)}号",
            text=text,
            tags=(label, industry),
            attributes=SpaceAttributes(
                space_kind=kind,  # type: ignore[arg-type]
                area_total_m2=total,
                area_available_m2=available,
                rent_per_m2_month=None if kind == "land" else float(r.randint(20, 120)),
                gmp_grade=grade,  # type: ignore[arg-type]
                floor_load_kn_m2=float(r.choice([5, 8, 10, 15])) if kind != "land" else None,
                park_code=code,
                is_available=available > 0 and r.random() > 0.05,
            ),
        )

    def service(self, i: int) -> Resource:
        r = self.rng
        category = r.choice(list(SERVICE_TEXT))
        label, description = SERVICE_TEXT[category]
        provider = self.company()
        focus = r.choice(INDUSTRIES)
        return Resource(
            kind="service",
            id=f"V{i:07d}",
            title=f"{provider}{focus}{label}服务",
            text=f"{provider}为{focus}企业{description}，团队具有多年行业经验。",
            tags=(label, focus),
            attributes=ServiceAttributes(
                category=category,  # type: ignore[arg-type]
                lead_time_days=r.choice([None, 15, 30, 45, 60, 90, 120, 180]),
                capacity=r.choice([None, 0, 1, 2, 5, 10]),
            ),
        )

    def investor(self, i: int) -> Resource:
        r = self.rng
        start = r.randrange(len(STAGES) - 1)
        stages = STAGES[start : start + r.randint(1, 3)]
        sectors = r.sample(self.nodes, r.randint(1, 4))
        low = r.choice([1, 2, 5, 10, 20, 50, 100]) * 1_000_000.0
        names = "、".join(self.chain.name(s) for s in sectors)
        words = "、".join(STAGE_WORDS[s] for s in stages)
        return Resource(
            kind="investor",
            id=f"I{i:07d}",
            title=f"{r.choice(CITIES)}{r.choice(NAME_CHARS)}{r.choice(NAME_CHARS)}{r.choice(['创投', '资本', '产业基金', '天使基金', '医疗基金'])}",
            text=f"重点投资{names}领域的{words}项目，单笔投资{low / 1e4:.0f}万元起。",
            tags=tuple(STAGE_WORDS[s] for s in stages),
            attributes=InvestorAttributes(
                stages=tuple(stages),  # type: ignore[arg-type]
                sectors=tuple(sectors),
                ticket_min_yuan=low,
                ticket_max_yuan=low * r.choice([3, 5, 10]),
                regions=tuple(r.sample(REGIONS, r.randint(0, 2))),
            ),
        )

    def organisation(self, i: int) -> Resource:
        r = self.rng
        node = r.choice(self.nodes)
        products = tuple(r.sample(PRODUCTS[node], min(2, len(PRODUCTS[node]))))
        name = self.company()
        return Resource(
            kind="organisation",
            id=f"O{i:07d}",
            title=name,
            text=f"{name}主要从事{'、'.join(products)}的研发与生产，产品销往全国{r.randint(5, 30)}个省份。",
            tags=(self.chain.name(node),),
            attributes=OrganisationAttributes(chain_nodes=(node,), products=products),
        )

    def policy(self, i: int) -> Resource:
        r = self.rng
        topic, description = r.choice(POLICY_TOPICS)
        city = r.choice(CITIES)
        return Resource(
            kind="policy",
            id=f"P{i:07d}",
            title=f"{city}{topic}（{r.randint(2021, 2026)}年版）",
            text=f"{city}{description}，最高不超过{r.choice([50, 100, 200, 500])}万元。",
            tags=(topic,),
            attributes=PolicyAttributes(policy_id=f"POL-{i}"),
        )

    def need(self, policy_ids: list[str], today: date) -> tuple[Need, dict[str, PolicyEligibility]]:
        r = self.rng
        category = r.choice(["space", "financing", "capacity", "clinical", "partner", "policy"])
        node = r.choice(self.nodes)
        product = r.choice(PRODUCTS[node])
        status: dict[str, PolicyEligibility] = {}
        if category == "space":
            low = float(r.choice([200, 500, 1000, 2000]))
            kind = r.choice(["GMP厂房", "洁净车间", "研发实验室", "标准厂房", "工业用地"])
            return Need(
                text=f"我们做{product}，需要{low:.0f}平方米以上的{kind}，希望在{r.choice(CITIES)}",
                category="space",
                area_min_m2=low,
                area_max_m2=low * 3,
                rent_max_per_m2_month=float(r.choice([40, 60, 80])),
                gmp_grade=r.choice([None, "C", "D"]),
                enterprise_chain_nodes=(node,),
            ), status
        if category == "financing":
            stage = r.choice(STAGES)
            amount = r.choice([3, 10, 30, 50, 100, 200]) * 1_000_000.0
            return Need(
                text=f"{product}项目{STAGE_WORDS[stage]}融资{amount / 1e4:.0f}万元，寻找投资机构",
                category="financing",
                funding_stage=stage,  # type: ignore[arg-type]
                funding_amount_yuan=amount,
                chain_nodes=(node,),
                region_code=r.choice(REGIONS),
            ), status
        if category == "capacity":
            kind = r.choice(["CDMO", "委托生产", "中试放大", "概念验证", "pilot"])
            return Need(
                text=f"{product}需要{kind}服务，尽快安排",
                category="capacity",
                deadline=today + timedelta(days=r.choice([30, 60, 120])),
            ), status
        if category == "clinical":
            return Need(
                text=f"{product}准备开展临床试验，寻找临床研究外包和临床机构",
                category="clinical",
                deadline=today + timedelta(days=r.choice([60, 180])),
            ), status
        if category == "partner":
            return Need(
                text=f"寻找{product}的上游供应商和下游经销渠道",
                category="partner",
                enterprise_chain_nodes=(node,),
            ), status
        for policy_id in r.sample(policy_ids, min(20, len(policy_ids))):
            status[policy_id] = PolicyEligibility(
                status=r.choice(["eligible", "eligible_if_data_supplied", "ineligible"]),
                amount_yuan=float(r.choice([100_000, 500_000, 2_000_000])),
            )
        topic = r.choice(POLICY_TOPICS)[0]
        return Need(
            text=f"做{product}的企业，有没有{topic}和研发补贴政策",
            category="policy",
            enterprise_chain_nodes=(node,),
        ), status


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    position = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[position]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the JSON summary as the last line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cpus", type=int, default=1, help="pin to this many CPUs (0: no pin)")
    args = parser.parse_args(argv)
    if args.cpus and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[: args.cpus])

    synth = Synth(args.seed)
    started = time.perf_counter()
    gc.disable()  # generation only: a million objects make the cyclic collector crawl
    resources = [synth.resource(i) for i in range(args.items)]
    gc.enable()
    generate_seconds = time.perf_counter() - started
    print(f"generated {len(resources)} resources in {generate_seconds:.1f} s", flush=True)

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    started, cpu = time.perf_counter(), time.process_time()
    index = MatchIndex.build(resources)
    index_seconds = time.perf_counter() - started
    index_cpu = time.process_time() - cpu
    print(
        f"index built in {index_seconds:.1f} s ({index_cpu:.1f} s CPU), "
        f"{len(index.terms)} terms, {index.bm25.doc_ids.shape[0]} postings",
        flush=True,
    )

    today = date(2026, 11, 25)
    policy_ids = [
        r.attributes.policy_id for r in resources if isinstance(r.attributes, PolicyAttributes)
    ]
    needs = [synth.need(policy_ids, today) for _ in range(args.queries)]
    index.match(needs[0][0], policy_status=needs[0][1], today=today)  # warm caches
    timings: list[float] = []
    cpu_timings: list[float] = []
    returned = 0
    for need, status in needs:
        started, cpu = time.perf_counter(), time.thread_time()
        matches = index.match(need, limit=10, policy_status=status, today=today)
        cpu_timings.append((time.thread_time() - cpu) * 1000.0)
        timings.append((time.perf_counter() - started) * 1000.0)
        returned += len(matches)

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    summary = {
        "items": args.items,
        "queries": args.queries,
        "index_seconds": round(index_seconds, 2),
        "p50_ms": round(_percentile(timings, 0.50), 2),
        "p95_ms": round(_percentile(timings, 0.95), 2),
        "peak_rss_mb": round(peak, 1),
        "index_cpu_seconds": round(index_cpu, 2),
        "max_ms": round(max(timings), 2),
        "p50_cpu_ms": round(_percentile(cpu_timings, 0.50), 2),
        "p95_cpu_ms": round(_percentile(cpu_timings, 0.95), 2),
        "generate_seconds": round(generate_seconds, 1),
        "mean_results": round(returned / max(len(needs), 1), 2),
        "postings": int(index.bm25.doc_ids.shape[0]),
        "terms": len(index.terms),
        "load_average_at_build": load,
        "cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
