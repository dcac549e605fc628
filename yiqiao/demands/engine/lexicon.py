"""Words → vocabulary codes for the need parser (Simplified, lower case, after ``normalise``).

Each entry is ``(regular expression, VOCABULARY, code)``. Sources, per group: the zh labels of
RESOURCES.md (``yiqiao/vocab/RESOURCES.md``) and their usual synonyms in Chinese regulatory and
industry usage (NMPA/CDE terms such as 关联审评, 注册人委托生产; GB 50073 clean-room names; park
listings' words for spaces: 标准厂房, 人才公寓, 共享实验室); the abbreviations the industry writes
in Latin letters (CDMO, CRO, SMO, GLP, GSP, FA, IVD). No entry was taken from an evaluation item's
judgement; the training split's texts showed which everyday words people use.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Entry:
    pattern: re.Pattern[str]
    vocabulary: str
    value: str


def _entries(vocabulary: str, rows: list[tuple[str, str]]) -> list[Entry]:
    return [Entry(re.compile(p), vocabulary, v) for p, v in rows]


SPACE_KIND = _entries(
    "SPACE_KIND",
    [
        (
            r"写字楼|办公室|办公用房|办公空间|(?<!放)办公(?!和质检)|总部|甲级楼|商务楼|研发办公",
            "office",
        ),
        (r"厂房|车间(?!放大)|工厂|生产基地|生产用房|产业用房|标准厂|厂区", "plant"),
        (r"实验室|实验楼|研发楼|湿实验|中试楼|研发中心用房|p[23]\+?(?:实验)?|bsl-?[23]", "lab"),
        (r"土地|用地|地块|宗地|拿地|拿.{0,4}的地|地价|亩(?:地)?", "land"),
        (r"仓库|冷库|仓储|库房|物流用房|危化品库|危险品库", "warehouse"),
        (r"工位|台位|孵化器|众创空间|共享实验室|孵化空间|孵化", "incubator"),
        (r"公寓|宿舍|人才房|人才住房|员工住房|倒班房", "apartment"),
    ],
)

SERVICE_CATEGORY = _entries(
    "SERVICE_CATEGORY",
    [
        (r"概念验证|poc", "poc"),
        (r"临床前|药理|毒理|药代|动物实验|glp毒理|安评|安全性评价|药效学?|灵长类", "preclinical"),
        (r"临床cro|cro(?!公司来)|临床研究服务|临床外包|临床试验外包|监查|统计分析", "clinical_cro"),
        (r"smo|crc", "smo"),
        (r"gcp机构|gcp中心|gcp基地|i期病房|be病房|临床试验机构|iit", "clinical_site"),
        (
            r"cdmo|cmo|代工|委托生产|受托生产|oem|odm|合同生产|委托加工|批量委托|委托(?!书|代理)",
            "cdmo",
        ),
        (r"中试|放大|工艺放大|小试|样机试制", "pilot"),
        (
            r"注册代理|注册申报|注册咨询|法规顾问|法规咨询|注册服务|注册的?(?:服务)?机构|注册顾问|510\(?k\)?|ce\s?mdr|报ind|ind申报|nda",
            "registration",
        ),
        # 体系核查: the NMPA inspection of a maker's quality system that coaching prepares for
        (r"体系辅导|质量体系|iso\s?13485|gmp辅导|gmp咨询|体系认证|体系核查", "quality_system"),
        # 性能评估: an IVD reagent's analytical performance study (precision, accuracy, reference
        # interval) is bought from a testing laboratory
        (r"检测|检验|测试|生物相容性|电磁兼容|emc|型检|送检|性能评估|性能验证", "testing"),
        (r"灭菌|环氧乙烷|辐照", "sterilization"),
        (r"cso|学术推广|销售外包|推广团队", "cso"),
        (r"入院|挂网|医保|准入|进医院|遴选", "market_access"),
        (r"\bfa\b|融资顾问|财务顾问|对接投资人|担保|质押", "finance"),
        (r"知识产权|专利布局|fto|专利代理|专利申请", "ip"),
        (r"猎头|招聘|人才服务|培训", "talent"),
        (r"仪器共享|共享平台|机时|大型仪器|冷冻电镜|质谱|流式|测序仪", "equipment_sharing"),
        (r"技术转移|成果转化|承接转化|转化平台", "tech_transfer"),
        (r"冷链|医药物流|冷链物流|冷链配送", "cold_chain"),
        (r"危废|危险废物|环保服务|废液", "ehs"),
    ],
)

CAPABILITY = _entries(
    "CAPABILITY",
    [
        (r"靶点验证", "target_validation"),
        (r"样机|样品试制|原型", "prototype_build"),
        (r"细胞株|细胞系构建", "cell_line_development"),
        (r"工艺开发|提取工艺|工艺放大|工艺优化", "process_development"),
        (r"分析方法|质量研究|方法验证|方法学", "analytical_method"),
        (r"灌装|无菌灌装", "fill_finish"),
        (r"冻干", "lyophilization"),
        (r"病毒载体|aav|慢病毒", "viral_vector"),
        (r"质粒", "plasmid"),
        (r"细胞制备|细胞生产|细胞治疗产品生产|干细胞制备", "cell_processing"),
        (r"mrna|lnp|脂质纳米", "mrna_lnp"),
        (r"多肽合成|多肽cdmo|多肽原料", "peptide_synthesis"),
        (r"化学合成|原料药|合成工艺|中间体合成|代工合成|化学工艺|反应釜", "chemical_synthesis"),
        (r"口服固体|片剂|胶囊", "oral_solid_dosage"),
        (r"注射剂|针剂|粉针", "injectables"),
        (r"pk|药代|药效|pd", "pk_pd"),
        (r"glp毒理|毒理|安评|安全性评价", "glp_tox"),
        (r"spf", "animal_spf"),
        (r"猴|非人灵长类|食蟹猴", "non_human_primate"),
        (r"大动物|猪|犬|比格", "large_animal"),
        (r"生物相容性", "biocompatibility"),
        (r"电磁兼容|emc", "emc_testing"),
        (r"电气安全|电安全|安规", "electrical_safety"),
        (r"软件确认|网络安全|软件验证|软件测试", "software_validation"),
        (r"灭菌验证|灭菌确认", "sterilization_validation"),
        (r"环氧乙烷|eo灭菌|eo", "eo_sterilization"),
        (r"辐照", "irradiation_sterilization"),
        (r"注塑", "injection_molding"),
        (r"精密加工|机加工|cnc", "precision_machining"),
        (r"电子装配|smt|pcba", "electronics_assembly"),
        (r"oem|odm|代工厂|(?:器械|耗材|设备).{0,8}代工|代工.{0,8}(?:器械|耗材|设备)", "oem_odm"),
        (r"注册人委托|持有人委托|mah|受托生产", "mah_consignment"),
        (r"生物统计|统计分析|数据管理", "biostatistics"),
        (r"crc|研究中心管理", "site_management"),
        (r"受试者招募|患者招募|入组慢|招募受试者", "patient_recruitment"),
        (r"i期病房|be病房|一期病房", "phase1_unit"),
        (r"遗传资源|人遗", "hgrac_filing"),
        (r"报ind|ind申报|临床申请", "ind_filing"),
        (r"nda|bla|上市申请", "nda_filing"),
        (r"器械注册(?!检验|检测)|注册证申报|注册申报", "device_registration"),
        (r"创新通道|创新医疗器械|特别审查", "innovative_device_pathway"),
        (r"510\(?k\)?", "fda_510k"),
        (r"ce\s?mdr|mdr", "ce_mdr"),
        (r"体系建立|体系辅导|质量体系", "qms_setup"),
        (r"入院|进医院|医院渠道|遴选", "hospital_access"),
        (r"挂网|招采|集采", "tender_listing"),
        (r"医保", "insurance_access"),
        (r"药房|零售终端|药店", "pharmacy_network"),
        (r"学术推广", "academic_promotion"),
        (r"出口|外贸", "export_channel"),
        (r"冷链", "cold_chain"),
        (r"gsp仓", "gsp_warehouse"),
        (r"猎头|招聘|招人", "recruiting"),
        (r"培训", "training"),
        (r"定向培养|实习基地|联合培养|校企合作|订单班|跟岗|实习", "joint_training"),
        (r"质谱", "mass_spectrometry"),
        (r"冷冻电镜|冷冻电子显微镜|电镜", "cryo_em"),
        (r"流式", "flow_cytometry"),
        (r"测序|ngs|基因组", "ngs"),
        (r"\bfa\b|融资顾问|梳理bp|对接投资人", "fa_advisory"),
        (r"贷款担保|融资担保", "loan_guarantee"),
        (r"知识产权质押|专利质押", "ip_pledge_loan"),
        (r"专利布局|fto|专利挖掘", "ip_patent"),
        (r"危废|危险废物|废液处置|危废处置", "hazardous_waste_disposal"),
        (r"样本库|生物样本", "sample_biobank"),
    ],
)

#: The service category a capability belongs to, for a need that names what it wants done but no
#: kind of service ("做CE MDR的" is a registration service). Source: RESOURCES.md's CAPABILITY and
#: SERVICE_CATEGORY meanings (a capability is listed under the category whose meaning names it);
#: capabilities several categories offer (process development, analytics, OEM) are left out.
CAPABILITY_HOME: dict[str, tuple[str, ...]] = {
    "target_validation": ("poc",),
    "glp_tox": ("preclinical",),
    "non_human_primate": ("preclinical",),
    "animal_spf": ("preclinical",),
    "large_animal": ("preclinical",),
    "emc_testing": ("testing",),
    "electrical_safety": ("testing",),
    "software_validation": ("testing",),
    "biocompatibility": ("testing", "preclinical"),
    "eo_sterilization": ("sterilization",),
    "irradiation_sterilization": ("sterilization",),
    "sterilization_validation": ("sterilization",),
    "ind_filing": ("registration",),
    "nda_filing": ("registration",),
    "device_registration": ("registration",),
    "innovative_device_pathway": ("registration",),
    "fda_510k": ("registration",),
    "ce_mdr": ("registration",),
    "hgrac_filing": ("registration", "clinical_cro"),
    "qms_setup": ("quality_system",),
    "site_management": ("smo",),
    "academic_promotion": ("cso",),
    "hospital_access": ("market_access",),
    "tender_listing": ("market_access",),
    "insurance_access": ("market_access",),
    "cold_chain": ("cold_chain",),
    "recruiting": ("talent",),
    "training": ("talent",),
    "cryo_em": ("equipment_sharing",),
    "flow_cytometry": ("equipment_sharing",),
    "fa_advisory": ("finance",),
    "loan_guarantee": ("finance",),
    "ip_pledge_loan": ("finance",),
    "ip_patent": ("ip",),
    "hazardous_waste_disposal": ("ehs",),
    "viral_vector": ("cdmo", "pilot"),
    "plasmid": ("cdmo", "pilot"),
    "cell_processing": ("cdmo", "pilot"),
    "mrna_lnp": ("cdmo", "pilot"),
    "peptide_synthesis": ("cdmo", "pilot"),
    "lyophilization": ("cdmo", "pilot"),
    "fill_finish": ("cdmo", "pilot"),
}

SECTOR = _entries(
    "SECTOR",
    [
        (r"手术机器人|手术导航|外科机器人", "surgical_robot"),
        (
            r"医疗ai|ai医疗|ai医用|医用软件|医疗软件|数字医疗|数字健康|医疗信息化|人工智能|\bai\b|ai(?=[做诊辅影])",
            "digital_health",
        ),
        (
            r"ivd|体外诊断|诊断试剂|检测试剂|试剂盒|poct|基因检测|分子诊断|临床质谱|测序|诊断原料",
            "ivd",
        ),
        (r"眼科|oct|人工晶体|角膜|眼底", "ophthalmic_device"),
        (r"小分子|化学药|化药|protac", "small_molecule"),
        (r"抗体|单抗|双抗|adc", "antibody"),
        (r"重组蛋白|白蛋白|重组人", "recombinant_protein"),
        (r"多肽|glp-1", "peptide"),
        (r"疫苗", "vaccine"),
        (r"细胞治疗|car-?t|干细胞|ipsc|免疫细胞|细胞药物|nk细胞|细胞疗法", "cell_therapy"),
        (r"基因治疗|aav|基因编辑|碱基编辑|crispr|基因疗法", "gene_therapy"),
        (r"mrna|sirna|核酸药|aso|小核酸", "nucleic_acid"),
        (r"中药|中医药|配方颗粒|中成药", "tcm"),
        (r"原料药", "api"),
        (r"诊断", "ivd"),
        (r"影像|ct|mri|超声|核磁|x光|dr设备", "medical_imaging"),
        (r"有源|监护|脑机接口|呼吸机|电子设备|血氧仪|体温计", "active_device"),
        (r"支架|心血管|介入|导管|心脏|瓣膜", "cardiovascular_device"),
        (r"骨科|植入物|关节|脊柱|骨折", "orthopedic_device"),
        (r"眼科|人工晶体|角膜", "ophthalmic_device"),
        (r"口腔|牙科|种植体|正畸", "dental_device"),
        (r"手术机器人|手术导航", "surgical_robot"),
        (r"康复|外骨骼", "rehab_device"),
        (r"耗材|敷料|注射器|采样管|凝胶|贴剂|无源", "consumable"),
        (r"医疗ai|ai医疗|医疗软件|数字医疗|数字健康|医疗信息化|人工智能", "digital_health"),
        (r"合成生物|合成生物学|菌种|发酵", "synthetic_biology"),
        (r"cro|cdmo|外包服务", "cro_cdmo"),
        (r"新药|创新药|药品|药物|制药|药企", "drug"),
        (r"器械|医疗设备|医械", "device"),
        (r"大健康|医疗健康|生物医药", "healthcare_general"),
    ],
)

TA = _entries(
    "TA",
    [
        (r"肿瘤|癌|抗癌|oncology", "oncology"),
        (r"血液|白血病|淋巴瘤|地贫", "hematology"),
        (r"心血管|心内|心脏", "cardiovascular"),
        (r"神经|脑卒中|帕金森|阿尔茨海默|神经退行", "neurology"),
        (r"精神|抑郁|精神科", "psychiatry"),
        (r"内分泌|糖尿病|代谢|肥胖", "endocrine_metabolic"),
        (r"呼吸|肺|哮喘|雾化", "respiratory"),
        (r"感染|抗感染|抗病毒|传染", "infectious"),
        (r"消化|肝病|胃肠", "digestive"),
        (r"肾|泌尿", "nephrology_urology"),
        (r"眼科|眼病", "ophthalmology"),
        (r"皮肤", "dermatology"),
        (r"骨科|骨伤", "orthopedics"),
        (r"风湿|自免|免疫性疾病", "rheumatology_immunology"),
        (r"妇产|生殖|妇科|产科", "womens_health"),
        (r"儿科|儿童|小儿", "pediatrics"),
        (r"罕见病", "rare_disease"),
        (r"疼痛|麻醉|镇痛", "pain_anesthesia"),
        (r"口腔|牙科|种植体", "dental"),
        (r"康复", "rehabilitation"),
    ],
)

PHASE = _entries(
    "PHASE",
    [
        (r"(?<![a-z])i期|一期临床|1期|phase\s?1", "phase1"),
        (r"ii期|二期|2期|phase\s?2", "phase2"),
        (r"iii期|三期|3期|phase\s?3", "phase3"),
        (r"iv期|四期|上市后研究", "phase4"),
        (r"\bbe\b|生物等效|一致性评价", "be"),
        (r"器械临床", "device_trial"),
        (r"ivd临床|诊断试剂临床", "ivd_trial"),
        (r"iit|研究者发起", "iit"),
        (r"真实世界", "real_world"),
    ],
)

CERT = _entries(
    "CERT",
    [
        (r"cnas", "CNAS"),
        (r"cma", "CMA"),
        (r"(?<!非)glp", "GLP"),
        (r"aaalac", "AAALAC"),
        (r"gsp", "GSP"),
        (r"13485", "ISO13485"),
        (r"iso\s?9001", "ISO9001"),
        (r"cde登记|关联审评|a状态|登记号|dmf", "cde_registered"),
        (r"药品经营许可", "drug_distribution_license"),
        (r"器械经营许可|经营许可|经营备案", "device_distribution_license"),
        (r"危废经营许可|危险废物经营许可|危废资质", "hazardous_waste_license"),
        (r"fda注册|fda检查", "FDA_registered"),
        (r"药监认可|药监局认可|资质的检验所|指定检验", "NMPA_designated"),
    ],
)

MARKET = _entries(
    "MARKET",
    [
        (r"欧盟|欧洲|ce(?!o)|mdr", "EU"),
        (r"美国|fda|510\(?k\)?", "US"),
        (r"日本|pmda", "JP"),
        (r"东南亚|东盟|越南|泰国|印尼|马来西亚", "SEA"),
        (r"中东|沙特|阿联酋", "middle_east"),
        (r"拉美|巴西|墨西哥", "latin_america"),
        (r"非洲", "africa"),
    ],
)

REGION = _entries(
    "REGION",
    [
        (r"全国", "national"),
        (r"华北|京津冀", "north_china"),
        (r"东北", "northeast"),
        (r"华东|长三角", "east_china"),
        (r"华南|大湾区|珠三角", "south_china"),
        (r"华中", "central_china"),
        (r"西南|成渝", "southwest"),
        (r"西北", "northwest"),
        (r"港澳台|香港|澳门|台湾", "hmt"),
        (r"海外|境外|国外", "overseas"),
    ],
)

UTILITY = _entries(
    "UTILITY",
    [
        (r"蒸汽", "steam"),
        (r"纯化水|纯水", "purified_water"),
        (r"注射用水|wfi", "wfi"),
        (r"压缩空气", "compressed_air"),
        (r"双回路|双电源|两路供电|双路供电|不能断电", "dual_power"),
        (r"备用发电机|发电机|柴油机组", "backup_generator"),
        (r"污水处理|污水预处理|废水处理|污水站", "wastewater_pretreatment"),
        (r"冷库|冷藏|-?\d+\s*(?:℃|°c|度)|低温|冷冻", "cold_storage"),
        (r"天然气|燃气", "natural_gas"),
        (r"通风橱|排风|通风柜", "lab_exhaust"),
        (r"危废暂存|危废间", "hazardous_waste_storage"),
    ],
)

LAND_USE = _entries(
    "LAND_USE",
    [
        (r"(?<![\d.])m0|新型产业用地", "M0"),
        (r"(?<![\d.])m1(?!\d)|一类工业", "M1"),
        (r"(?<![\d./])m2(?!\d)|二类工业", "M2"),
        (r"(?<![\d.])m3(?!\d)|三类工业", "M3"),
        (r"a35|科研用地|科研设计用地", "A35"),
        (r"商业用地|商务用地", "commercial"),
    ],
)

INVESTOR_KIND = _entries(
    "INVESTOR_KIND",
    [
        (r"天使投资人|天使人", "angel"),
        (r"(?<!美元)vc|创投|风投|风险投资", "vc"),
        (r"(?<![a-z])pe(?![a-z])|私募股权|并购基金", "pe"),
        (r"产业资本|产业方|战投|药企投资|上市公司|产业集团|cvc|大药企|战略投资者", "cvc"),
        (r"国资|政府引导基金|引导基金|国有|政府基金|产业引导", "gov_fund"),
        (r"银行|授信|信用贷|贷款", "bank"),
        (r"担保公司|融资担保", "guarantee"),
        (r"融资租赁|租赁公司|售后回租|设备租赁", "leasing"),
    ],
)

INSTRUMENT = _entries(
    "INSTRUMENT",
    [
        (r"可转债|可转换", "convertible"),
        (r"质押", "ip_pledge"),
        (r"融资租赁|售后回租|租赁公司|设备租赁|直租", "leasing"),
        (r"拨投结合|拨改投|拨投", "grant_to_equity"),
        (r"贷款|授信|信用贷|借款|银行(?!系)", "debt"),
        (
            r"[轮]|融资|投资人|投资机构|基金|领投|跟投|股权|股份|控股|老股|估值|出售|收购|并购|战投|vc|pe\b|创投",
            "equity",
        ),
    ],
)

STAGE_PATTERNS: list[tuple[str, str]] = [
    (r"种子轮|种子期", "seed"),
    (r"天使轮|天使\+|天使投资|天使基金|天使", "angel"),
    (r"pre-?a\+?轮?", "Pre-A"),
    (r"(?<![a-z-])a\+{0,2}轮", "A"),
    (r"pre-?b|(?<![a-z-])b\+?轮", "B"),
    (r"pre-?c|(?<![a-z-])c\+?轮", "C"),
    (r"(?<![a-z-])[de]\+?轮|d轮及以后", "D+"),
    (r"pre-?ipo|上市前|ipo前|报科创板|准备上市", "Pre-IPO"),
    (r"战略融资|战略投资|接老股|老股|并购|控股权|整体出售|收购|转让.{0,6}股权|控股", "strategic"),
]
STAGE = _entries("STAGE", STAGE_PATTERNS)

ORG_KIND = _entries(
    "ORG_KIND",
    [
        (r"(?:找|对接).{0,10}(?:企业|公司|厂家)|企业来|公司来承接|企业承接", "enterprise"),
        (r"医院|gcp中心|gcp基地|临床基地|科室", "hospital"),
        (r"高校|大学|学院|职业院校", "university"),
        (r"研究所|研究院|院所", "institute"),
        (r"协会|学会|联盟", "association"),
    ],
)

CHAIN_NODE = _entries(
    "CHAIN_NODE",
    [
        (r"中间体", "intermediate"),
        (r"辅料", "excipient"),
        (r"药包材|包材|玻璃瓶|西林瓶|胶塞|预灌封", "pharma_packaging"),
        (r"培养基|填料|一次性袋|生物反应袋|层析", "bioprocess_supplies"),
        (r"试剂供应|仪器供应|科研试剂", "lab_reagents_instruments"),
        (r"抗原|抗体原料|诊断原料|酶原料|ivd原料|原料酶", "ivd_raw_materials"),
        (r"零部件|传感器|电子件|电机|球管|探头", "device_components"),
        (r"医用材料|高分子材料|生物材料|钛合金|镍钛|医用级", "medical_materials"),
        (r"经销商|经销|代理商|配送商|分销|流通企业", "distribution"),
        (r"第三方医学检验|独立实验室|第三方检验", "third_party_lab"),
    ],
)

HOSPITAL_GRADE = _entries(
    "HOSPITAL_GRADE",
    [
        (r"三甲|三级甲等", "3A"),
        (r"三乙|三级乙等", "3B"),
        (r"二甲|二级甲等", "2A"),
    ],
)

DEVICE_CLASS = _entries(
    "DEVICE_CLASS",
    [
        (r"(?:ii|二|2)类(?:器械|医疗器械|耗材|证|产品|无源|有源)?", "II"),
        (r"(?:iii|三|3)类(?:器械|医疗器械|耗材|证|产品|植入|有源)?", "III"),
        (r"(?:i|一|1)类(?:器械|医疗器械|备案)", "I"),
    ],
)

POLICY_CATEGORY = _entries(
    "POLICY_CATEGORY",
    [
        (r"落户|开办|落地奖励|新引进", "landing"),
        (r"房租|租金补贴|免租|房租减免|租金减免|租补", "rent_subsidy"),
        (r"供地|用地保障|代建", "land_space"),
        (r"设备购置|设备补贴|设备补助|技改|固定资产|买设备|购置", "capex_subsidy"),
        (r"研发投入|研发补助|研发费用|研发补贴", "rnd_subsidy"),
        (r"临床试验.{0,4}(?:补|奖|资助)|临床.{0,4}(?:补|奖)|伦理", "clinical"),
        (r"注册证.{0,4}(?:奖|补)|拿证.{0,4}奖|取得.{0,6}证.{0,4}奖|上市许可", "registration"),
        (r"创新券|服务券|平台服务费|检测费补贴|服务补贴", "service_subsidy"),
        (r"成果转化|概念验证资助|技术转移", "tech_transfer"),
        (r"贴息|担保费|上市奖励|拨投结合|天使基金", "financing_support"),
        (r"人才|安家|住房|公寓|子女入学|孩子入学|博士后|海归", "talent"),
        (r"首台套|首台\(套\)|创新产品目录|入院推广", "market_access"),
        (r"国际认证|出海|境外认证|ce认证|fda认证|国际化", "international"),
        (r"知识产权|专利资助|专利奖励", "ip"),
        (r"高企|高新技术企业|专精特新|小巨人|资质认定|认定奖励", "qualification"),
        (r"税收|减税|所得税|退税", "tax"),
        (r"环保补助|安全生产补助", "ehs"),
    ],
)

BENEFIT = _entries(
    "BENEFIT",
    [
        (r"奖励|奖金", "cash_award"),
        (r"补贴|补助|资助", "subsidy"),
        (r"房租减免|免租|租金减免|减租", "rent_reduction"),
        (r"住房|公寓|安家|人才房|住房补贴", "housing"),
        (r"子女入学|上学|入学", "schooling"),
        (r"医疗保障|就医|看病", "medical_care"),
        (r"贴息|担保费", "loan_interest"),
        (r"股权投资|跟投", "equity_investment"),
        (r"拨投结合", "grant_to_equity"),
        (r"创新券", "voucher"),
        (r"绿色通道|优先审评|协同审查", "fast_track"),
        (r"减税|免税|退税", "tax_reduction"),
        (r"供地", "land"),
    ],
)

MILESTONE = _entries(
    "MILESTONE",
    [
        (r"获批临床|临床批件|ind获批|拿到ind|临床许可", "ind_approval"),
        (r"进入?(?<![iv])i期|(?<![iv])i期临床|一期临床", "phase1"),
        (r"进入?(?<!i)ii期|(?<!i)ii期临床|二期临床", "phase2"),
        (r"进入?iii期|iii期临床|三期临床", "phase3"),
        (r"获批上市|拿到批文|上市许可|新药证书", "nda_approval"),
        (r"一致性评价", "consistency_evaluation"),
        (r"器械临床", "device_clinical"),
        (r"(?:二|2|ii)类(?:医疗器械)?(?:注册)?证", "device_class2_cert"),
        (r"(?:三|3|iii)类(?:医疗器械)?(?:注册)?证", "device_class3_cert"),
        (r"创新医疗器械|特别审查|绿色通道", "innovative_device_designation"),
        (
            r"ce和fda|fda和ce|拿到了?ce|拿到了?fda|fda认证|ce认证|国际认证|境外认证",
            "overseas_approval",
        ),
        (r"上市了|已上市|ipo成功", "listed"),
        (r"高企认定|认定为高新|高新技术企业", "high_tech_cert"),
        (r"专精特新", "specialized_sme_cert"),
    ],
)

#: The policy category a milestone or a benefit belongs to, for a need that names what it achieved
#: or wants but no kind of support ("进II期了，能申请什么" asks for clinical support). Source:
#: RESOURCES.md's POLICY_CATEGORY meanings (临床试验支持 names the trial phases, 注册证与上市许可奖励
#: the certificates, 人才计划、住房、子女入学 the housing and schooling benefits, …).
POLICY_HOME: dict[str, str] = {
    "ind_approval": "clinical",
    "phase1": "clinical",
    "phase2": "clinical",
    "phase3": "clinical",
    "device_clinical": "clinical",
    "nda_approval": "registration",
    "device_class2_cert": "registration",
    "device_class3_cert": "registration",
    "innovative_device_designation": "registration",
    "overseas_approval": "international",
    "high_tech_cert": "qualification",
    "specialized_sme_cert": "qualification",
    "listed": "financing_support",
    "housing": "talent",
    "schooling": "talent",
    "medical_care": "talent",
    "rent_reduction": "rent_subsidy",
    "voucher": "service_subsidy",
    "loan_interest": "financing_support",
    "grant_to_equity": "financing_support",
    "land": "land_space",
}

APPLICANT_TYPE = _entries(
    "APPLICANT_TYPE",
    [
        (r"初创|刚成立|新成立|孵化器里", "startup"),
        (r"中小企业|小公司|小微", "sme"),
        (r"高新技术企业|高企", "high_tech"),
        (r"专精特新", "specialized_sme"),
        (r"上市公司", "listed_company"),
        (r"高校|医院|科研院所", "institution"),
        (r"海归|留学|海外人才|海外引进", "returnee"),
        (r"港澳台|境外企业", "overseas_hmt"),
    ],
)


def find(entries: list[Entry], text: str) -> Iterator[tuple[str, int, int]]:
    """(code, start, end) for every entry found in ``text`` (first hit per code)."""
    seen: set[str] = set()
    for entry in entries:
        if entry.value in seen:
            continue
        m = entry.pattern.search(text)
        if m:
            seen.add(entry.value)
            yield entry.value, m.start(), m.end()
