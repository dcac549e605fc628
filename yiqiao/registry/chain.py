"""The starting industry-chain tree (产业链). Later issues grow it; codes are stable keys."""

from __future__ import annotations

# (code, Chinese name, English name, parent code or None)
CHAIN_TREE: list[tuple[str, str, str, str | None]] = [
    ("biomed", "生物医药", "Biomedicine", None),
    ("biomed.innovative_drug", "创新药", "Innovative drugs", "biomed"),
    ("biomed.biologics", "生物制品", "Biologics", "biomed"),
    ("biomed.generic", "化学仿制药", "Generic drugs", "biomed"),
    ("biomed.tcm", "现代中药", "Modern TCM", "biomed"),
    ("biomed.cxo", "医药研发外包（CXO）", "Outsourced R&D and manufacturing (CXO)", "biomed"),
    ("biomed.cell_gene", "细胞与基因治疗", "Cell and gene therapy", "biomed"),
    ("device", "医疗器械", "Medical devices", None),
    ("device.high_end", "高端医疗器械", "High-end devices", "device"),
    ("device.ivd", "体外诊断（IVD）", "In-vitro diagnostics", "device"),
    ("device.imaging", "医学影像设备", "Medical imaging", "device"),
    ("device.consumables", "医用耗材", "Medical consumables", "device"),
    ("device.rehab", "康复与养老器械", "Rehabilitation devices", "device"),
    ("digital_health", "数字健康", "Digital health", None),
    ("digital_health.ai", "医疗人工智能", "Medical AI", "digital_health"),
    ("digital_health.internet_hospital", "互联网医疗", "Internet hospitals", "digital_health"),
    ("digital_health.health_data", "健康医疗大数据", "Health data", "digital_health"),
    ("health_service", "健康服务", "Health services", None),
    ("health_service.medical_institution", "医疗机构", "Medical institutions", "health_service"),
    ("health_service.elderly_care", "康养服务", "Elderly care", "health_service"),
    ("health_service.third_party_lab", "第三方检验", "Third-party labs", "health_service"),
    ("pharma_commerce", "医药商贸流通", "Pharma commerce", None),
    ("pharma_commerce.distribution", "医药流通", "Distribution", "pharma_commerce"),
    ("pharma_commerce.retail", "医药零售", "Retail pharmacy", "pharma_commerce"),
    ("pharma_commerce.cso", "医药营销（CSO）", "Contract sales (CSO)", "pharma_commerce"),
]


def ensure_chain_tree() -> int:
    """Create any missing node of the starting tree (with its mask bit); returns how many.

    Migration 0002 loads the tree; this restores it where a database was emptied without
    re-running migrations (tests that truncate tables, a restored dump without data).
    """
    from .models import ChainNode

    existing = set(ChainNode.objects.values_list("code", flat=True))
    created = 0
    by_code = {n.code: n for n in ChainNode.objects.all()}
    for position, (code, name, name_en, parent) in enumerate(CHAIN_TREE):
        if code in existing:
            continue
        node = ChainNode(
            code=code,
            name=name,
            name_en=name_en,
            parent=by_code.get(parent or ""),
            position=position,
        )
        node.save()
        by_code[code] = node
        created += 1
    return created
