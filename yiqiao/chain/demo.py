"""The chain's part of the demo district: classified register, reference profile, peers,
outside target companies, one gap run, and a funnel history made through the services.

Outside companies are invented; their cities are real place names (facts, not copied text).
Which targets later became leads and signings is drawn from each company's own signals
(financing, expansion, attendance) and a random draw, never from the ranking's score, so the
backtest (``yiqiao chain backtest``) measures the ranking on outcomes it did not produce.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from yiqiao.accounts.models import OrgUnit, User
from yiqiao.demo.generators import DemoContext
from yiqiao.registry.models import ChainBits, ChainNode, Organisation, Region

from .models import GapRun, NodeTarget, PeerBenchmark, Target
from .services.classification import organisations_classify
from .services.gaps import gap_run_execute

DISTRICT = "xs.jc.th"
#: Cities where the demo's outside companies sit (real place names; companies invented).
CITIES = [
    ("sh", "上海市", "上海"),
    ("sz", "苏州市", "江苏"),
    ("hz", "杭州市", "浙江"),
    ("cd", "成都市", "四川"),
    ("cq", "重庆市", "重庆"),
    ("wh", "武汉市", "湖北"),
    ("gz", "广州市", "广东"),
    ("bj", "北京市", "北京"),
]
#: Outside companies per gap-prone node: (node code, name stem, description, products).
OUTSIDE = [
    (
        "ivd_raw_materials.antigens_antibodies",
        "诊原生物",
        "主要从事诊断抗原、抗体原料的研发、生产和销售，客户为化学发光和POCT试剂企业。",
        "诊断抗原；配对抗体",
    ),
    (
        "ivd_raw_materials.enzymes",
        "酶准生物",
        "分子诊断原料供应商，生产热启动Taq酶、逆转录酶和冻干微球。",
        "热启动Taq酶；逆转录酶；冻干微球",
    ),
    (
        "ivd_raw_materials.beads_labels",
        "磁微科技",
        "为化学发光试剂企业提供羧基磁珠和吖啶酯标记原料。",
        "羧基磁珠；吖啶酯",
    ),
    (
        "bioprocess_supplies.media",
        "培优生物",
        "无血清细胞培养基企业，服务抗体、疫苗和细胞治疗企业。",
        "CHO无血清培养基；培养基定制",
    ),
    (
        "bioprocess_supplies.chromatography",
        "纯析材料",
        "生物药纯化层析介质生产企业，Protein A亲和填料已进入商业化工艺。",
        "Protein A亲和填料；离子交换填料",
    ),
    (
        "bioprocess_supplies.single_use",
        "一用生物",
        "一次性储液袋和一次性混合系统生产企业。",
        "一次性储液袋；一次性混合系统",
    ),
    (
        "device_components.sensors",
        "感知微电",
        "医用MEMS压力传感器和血氧传感器供应商，客户为监护设备厂家。",
        "医用压力传感器；血氧传感器",
    ),
    (
        "device_components.imaging_parts",
        "影芯科技",
        "CT球管和平板探测器研发生产企业，配套国产影像整机。",
        "CT球管；平板探测器",
    ),
    (
        "device_components.molded_tubing",
        "导材精密",
        "为介入器械企业提供多腔管、编织管和球囊管材的精密挤出加工。",
        "多腔管；编织管；球囊管材",
    ),
    (
        "medical_materials.metal",
        "钛研材料",
        "医用钛合金和镍钛合金材料企业，产品用于骨科植入物和心血管支架。",
        "医用钛合金棒材；镍钛丝",
    ),
    (
        "medical_materials.polymer",
        "医塑新材",
        "医用级TPU、PVC粒料企业，供输液管路和导管生产。",
        "医用TPU粒料；医用PVC粒料",
    ),
    (
        "excipient.delivery",
        "递脂科技",
        "为mRNA和核酸药物企业提供可电离脂质等LNP递送辅料。",
        "可电离脂质；PEG化脂质",
    ),
    (
        "pharma_packaging.prefilled",
        "灌封包材",
        "玻璃预灌封注射器和卡式瓶生产企业。",
        "预灌封注射器；卡式瓶",
    ),
    (
        "contract_services.cgt_cdmo",
        "载体生物",
        "细胞与基因治疗CDMO，提供质粒、慢病毒和AAV病毒载体生产。",
        "质粒生产；AAV载体生产",
    ),
    (
        "contract_services.device_testing",
        "械检科技",
        "CNAS认可的医疗器械检测实验室，提供EMC和生物相容性检测。",
        "EMC检测；生物相容性试验",
    ),
    (
        "third_party_lab.icl",
        "检联医学",
        "独立医学实验室，开设检验项目1500余项，为基层医院提供送检服务。",
        "医学检验外包；特检项目",
    ),
    (
        "logistics.cold_chain",
        "冷运医药",
        "第三方医药冷链物流企业，为疫苗和生物药提供2-8℃运输。",
        "医药冷链运输；GSP仓储",
    ),
    (
        "digital_health_it.ai",
        "智影科技",
        "医学影像人工智能企业，肺结节CT辅助诊断软件获三类证。",
        "肺结节AI辅助诊断软件",
    ),
    (
        "device_manufacturer.surgical_robot",
        "术航机器人",
        "腔镜手术机器人研发企业，完成B轮融资，产品进入注册临床。",
        "腔镜手术机器人系统",
    ),
    (
        "device_manufacturer.structural_heart",
        "瓣膜医疗",
        "结构性心脏病介入器械企业，经导管主动脉瓣系统获批上市。",
        "TAVR瓣膜系统；封堵器",
    ),
]
SUFFIX = "有限公司"


def chain_demo(context: DemoContext) -> dict[str, Any]:
    """Write the chain part of the demo district (deterministic per seed)."""
    rng = random.Random(context.seed * 7919 + 12)
    district = Region.objects.get(code=DISTRICT)
    bureau = OrgUnit.objects.filter(region=district).order_by("pk").first()
    officer = (
        User.objects.filter(org_unit=bureau, role="officer").order_by("pk").first()
        if bureau
        else None
    ) or User.objects.filter(is_superuser=True).first()
    local = list(
        Organisation.objects.filter(is_active=True, kind__in=["enterprise", "platform"])
        .exclude(description="", products="")
        .order_by("pk")[:3000]
    )
    context.progress("产业链分类", 0, len(local))
    organisations_classify(organisations=local)
    context.progress("产业链分类", len(local), len(local))
    _reference_profile(district, rng)
    outside = _outside_companies(district, bureau, rng)
    run = GapRun.objects.create(region=district, by=officer, as_of=timezone.localdate())
    run = gap_run_execute(run_id=run.pk)
    funnel = _funnel_history(district, officer, rng) if officer else {}
    context.notes.append(
        f"产业链：分类机构{len(local)}家，区外目标企业{len(outside)}家，"
        f"缺链{run.counts.get('red', 0)}个、弱链{run.counts.get('amber', 0)}个，"
        f"目标{run.counts.get('targets', 0)}家，转为线索{funnel.get('leads', 0)}个"
    )
    return {"run": run.pk, "outside": len(outside), **funnel}


def _reference_profile(district: Region, rng: random.Random) -> None:
    """Targets of a complete chain for the district's positions and groups, and three peers."""
    targets = []
    peers = []
    for node in ChainNode.objects.filter(level__lte=2):
        enterprises = 12 if node.level == 1 else 4
        targets.append(
            NodeTarget(
                region=district,
                node=node,
                enterprises=enterprises,
                revenue_yuan=Decimal(3e8 if node.level == 1 else 5e7),
                headcount=800 if node.level == 1 else 150,
                qualified=3 if node.level == 1 else 1,
                note="默认画像：参照地方生物医药产业规划中各环节的培育目标（演示数据）",
            )
        )
        for peer in ("对标区A", "对标区B", "对标区C"):
            peers.append(
                PeerBenchmark(
                    node=node,
                    peer=peer,
                    enterprises=rng.randint(enterprises // 2, enterprises * 2),
                    source="演示数据：对标区域统计（虚构）",
                )
            )
    NodeTarget.objects.bulk_create(targets, ignore_conflicts=True)
    PeerBenchmark.objects.bulk_create(peers, ignore_conflicts=True)


def _outside_companies(
    district: Region, bureau: OrgUnit | None, rng: random.Random
) -> list[Organisation]:
    """Outside companies the bureau keeps in its register (from lists, news and events)."""
    province = Region.objects.filter(code="demo-outside").first() or Region.objects.create(
        code="demo-outside", name="区外", kind=Region.Kind.PROVINCE
    )
    cities = {}
    for code, name, _ in CITIES:
        cities[code] = Region.objects.filter(code=f"demo-outside.{code}").first() or (
            Region.objects.create(
                code=f"demo-outside.{code}", name=name, kind=Region.Kind.CITY, parent=province
            )
        )
    nodes = {n.code: n for n in ChainNode.objects.filter(code__in=[o[0] for o in OUTSIDE])}
    bits = ChainBits()
    created = []
    for node_code, stem, description, products in OUTSIDE:
        for i in range(rng.randint(3, 6)):
            city_code, city_name, _ = rng.choice(CITIES)
            name = (
                f"{city_name[:2]}{stem}{'一二三四五六'[i]}号{SUFFIX}"
                if i
                else f"{city_name[:2]}{stem}{SUFFIX}"
            )
            org = Organisation.objects.create(
                name=name,
                kind=Organisation.Kind.ENTERPRISE,
                region=cities[city_code],
                description=description,
                products=products,
                headcount=rng.randint(30, 900),
                revenue_yuan=Decimal(rng.randint(2, 80) * 1_000_000),
                is_high_tech=rng.random() < 0.5,
                owner_unit=bureau,
                chain_mask=bits.mask([nodes[node_code].pk]),
            )
            org.chain_nodes.set([nodes[node_code]])
            created.append(org)
    return created


def _funnel_history(district: Region, officer: User, rng: random.Random) -> dict[str, int]:
    """Some targets were contacted, became leads, signed and landed: chosen by each company's
    size and a random draw (never by the ranking), and written through the services."""
    from yiqiao.projects.services import TransitionRefused, project_advance_stage

    from .services.gaps import target_make_lead, target_set_status

    targets = list(
        Target.objects.filter(region=district).select_related("organisation").order_by("pk")
    )
    leads = signed = contacted = 0
    for target in targets:
        size = (target.organisation.headcount or 0) / 900
        draw = rng.random()
        if draw < 0.06 + 0.12 * size:
            project = target_make_lead(target=target, by=officer)
            leads += 1
            if rng.random() < 0.35:
                try:
                    for stage in ("contacted", "negotiating", "signed"):
                        project = project_advance_stage(project=project, to_stage=stage, by=officer)
                    signed += 1
                except TransitionRefused:  # a stage rule refused: the lead stays a lead
                    continue
        elif draw < 0.2:
            target_set_status(target=target, status=Target.Status.CONTACTED, by=officer)
            contacted += 1
    return {"leads": leads, "signed": signed, "contacted": contacted}
