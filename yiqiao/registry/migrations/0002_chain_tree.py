"""Load the register's first industry-chain tree (25 nodes, frozen here).

The chain app's migrations replace it with the full chain and move links by a stated mapping
(yiqiao/chain/data/chain.yaml, `legacy`).
"""

from django.db import migrations

# (code, Chinese name, English name, parent code or None)
FIRST_TREE = [
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


def load_chain(apps, schema_editor):
    ChainNode = apps.get_model("registry", "ChainNode")
    by_code = {}
    for position, (code, name, name_en, parent) in enumerate(FIRST_TREE):
        node, _ = ChainNode.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "parent": by_code.get(parent),
                "position": position,
            },
        )
        by_code[code] = node


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(load_chain, migrations.RunPython.noop)]
