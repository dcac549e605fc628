"""Every vocabulary of RESOURCES.md, with Chinese and English labels.

Pure data (no Django import): the register's model choices, the importers, the need parser, the
matcher and the ``yiqiao demands match`` output all take their codes from here, so a code means
the same thing everywhere. Values are exactly RESOURCES.md's; labels are ours (zh-Hans first).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Term:
    """One value of a vocabulary. ``umbrella`` is set for SECTOR members (``drug``/``device``)."""

    value: str
    zh: str
    en: str
    umbrella: str | None = None


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """A closed list of codes with labels, in display order."""

    name: str
    zh: str
    en: str
    terms: tuple[Term, ...]

    def __post_init__(self) -> None:
        values = [t.value for t in self.terms]
        if len(values) != len(set(values)):
            raise ValueError(f"duplicate value in vocabulary {self.name}")

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(t.value for t in self.terms)

    def __contains__(self, value: object) -> bool:
        return any(t.value == value for t in self.terms)

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    def __len__(self) -> int:
        return len(self.terms)

    def term(self, value: str) -> Term:
        for t in self.terms:
            if t.value == value:
                return t
        raise KeyError(f"{value!r} is not in vocabulary {self.name}")

    def label(self, value: str, language: str = "zh") -> str:
        """The label of ``value`` in ``language`` ("zh…" or "en…"); an unknown value as written."""
        for t in self.terms:
            if t.value == value:
                return t.en if language.lower().startswith("en") else t.zh
        return value

    def unknown(self, values: Iterable[str]) -> list[str]:
        """The values that are not in this vocabulary, in input order."""
        known = set(self.values)
        return [v for v in values if v not in known]

    def pairs(self, language: str = "zh") -> list[tuple[str, str]]:
        """(value, label) pairs in display order."""
        return [(t.value, self.label(t.value, language)) for t in self.terms]


def _v(name: str, zh: str, en: str, *rows: tuple[str, str, str]) -> Vocabulary:
    return Vocabulary(name, zh, en, tuple(Term(*row) for row in rows))


TYPE = _v(
    "TYPE",
    "资源类型",
    "Resource type",
    ("policy", "政策事项", "Policy"),
    ("space", "载体", "Space"),
    ("service", "平台服务", "Platform service"),
    ("investor", "资金方", "Investor"),
    ("organisation", "合作机构", "Partner organisation"),
)

SPACE_KIND = _v(
    "SPACE_KIND",
    "载体类型",
    "Space kind",
    ("office", "办公用房", "Office"),
    ("plant", "厂房", "Plant"),
    ("lab", "实验室", "Laboratory"),
    ("land", "土地", "Land parcel"),
    ("warehouse", "仓库/冷库", "Warehouse / cold store"),
    ("incubator", "孵化工位", "Incubator bench"),
    ("apartment", "人才公寓", "Talent apartment"),
)

SPACE_STATUS = _v(
    "SPACE_STATUS",
    "招商状态",
    "Vacancy status",
    ("available", "可租售", "Available"),
    ("reserved", "已意向预留", "Reserved"),
    ("leased", "已租售", "Leased or sold"),
    ("under_construction", "在建", "Under construction"),
)

TENURE = _v(
    "TENURE",
    "租售方式",
    "Tenure",
    ("lease", "只租", "Lease only"),
    ("sale", "只售/出让", "Sale only"),
    ("lease_or_sale", "可租可售", "Lease or sale"),
)

FIT_OUT = _v(
    "FIT_OUT",
    "交付标准",
    "Fit-out",
    ("bare", "毛坯", "Bare shell"),
    ("basic", "标准交付/简装", "Basic"),
    ("fitted", "精装/已建洁净区", "Fitted, ready to use"),
)

UTILITY = _v(
    "UTILITY",
    "配套设施",
    "Utilities",
    ("steam", "工业蒸汽", "Industrial steam"),
    ("purified_water", "纯化水", "Purified water"),
    ("wfi", "注射用水", "Water for injection"),
    ("compressed_air", "压缩空气", "Compressed air"),
    ("dual_power", "双回路供电", "Dual power supply"),
    ("backup_generator", "备用发电机", "Backup generator"),
    ("wastewater_pretreatment", "污水预处理", "Wastewater pre-treatment"),
    ("cold_storage", "冷库/冷藏", "Cold storage"),
    ("natural_gas", "天然气", "Natural gas"),
    ("lab_exhaust", "实验室排风", "Lab exhaust"),
    ("hazardous_waste_storage", "危废暂存间", "Hazardous-waste store"),
)

LAND_USE = _v(
    "LAND_USE",
    "用地性质",
    "Land use",
    ("M0", "新型产业用地（M0）", "New industrial land (M0)"),
    ("M1", "一类工业用地（M1）", "Class 1 industrial (M1)"),
    ("M2", "二类工业用地（M2）", "Class 2 industrial (M2)"),
    ("M3", "三类工业用地（M3）", "Class 3 industrial (M3)"),
    ("A35", "科研用地（A35）", "Research land (A35)"),
    ("commercial", "商业/商务用地", "Commercial land"),
)

SERVICE_CATEGORY = _v(
    "SERVICE_CATEGORY",
    "服务类别",
    "Service category",
    ("poc", "概念验证", "Proof of concept"),
    ("preclinical", "临床前研究", "Preclinical research"),
    ("clinical_cro", "临床CRO", "Clinical CRO"),
    ("smo", "SMO/CRC派驻", "SMO / CRC"),
    ("clinical_site", "临床试验机构服务", "Clinical trial site"),
    ("cdmo", "CDMO/委托生产", "CDMO / contract manufacturing"),
    ("pilot", "中试/工艺放大", "Pilot scale-up"),
    ("registration", "注册申报", "Regulatory registration"),
    ("quality_system", "质量体系辅导", "Quality-system consulting"),
    ("testing", "检验检测", "Testing"),
    ("sterilization", "灭菌服务", "Sterilisation"),
    ("cso", "CSO/学术推广", "CSO / medical promotion"),
    ("market_access", "市场准入", "Market access"),
    ("finance", "金融服务", "Financial services"),
    ("ip", "知识产权", "Intellectual property"),
    ("talent", "人才招聘与培训", "Recruiting and training"),
    ("equipment_sharing", "大型仪器共享", "Shared instruments"),
    ("tech_transfer", "技术转移", "Technology transfer"),
    ("cold_chain", "医药冷链物流", "Pharmaceutical cold chain"),
    ("ehs", "环保安全服务", "EHS services"),
)

ORG_KIND = _v(
    "ORG_KIND",
    "机构类型",
    "Organisation kind",
    ("enterprise", "企业", "Enterprise"),
    ("university", "高校", "University"),
    ("hospital", "医院", "Hospital"),
    ("institute", "科研院所", "Research institute"),
    ("investor", "投资机构", "Investor"),
    ("platform", "功能平台", "Platform operator"),
    ("government", "政府部门", "Government body"),
    ("association", "协会商会", "Association"),
    ("incubator", "孵化器", "Incubator"),
)

CHAIN_NODE = _v(
    "CHAIN_NODE",
    "产业链位置",
    "Chain position",
    ("api", "原料药", "API"),
    ("intermediate", "医药中间体", "Pharmaceutical intermediates"),
    ("excipient", "药用辅料", "Excipients"),
    ("pharma_packaging", "药包材", "Pharmaceutical packaging"),
    ("bioprocess_supplies", "生物工艺耗材与设备", "Bioprocess supplies and equipment"),
    ("lab_reagents_instruments", "科研试剂与仪器", "Research reagents and instruments"),
    ("ivd_raw_materials", "诊断原料", "IVD raw materials"),
    ("device_components", "器械零部件", "Device components"),
    ("medical_materials", "医用材料", "Medical materials"),
    ("contract_services", "研发生产外包", "Contract research and manufacturing"),
    ("drug_manufacturer", "药品生产企业", "Drug manufacturer"),
    ("device_manufacturer", "器械生产企业", "Device manufacturer"),
    ("distribution", "医药流通", "Distribution"),
    ("retail", "零售药店与电商", "Retail pharmacy and e-commerce"),
    ("healthcare_provider", "医疗机构", "Healthcare provider"),
    ("third_party_lab", "第三方医学检验", "Independent clinical lab"),
    ("logistics", "医药物流", "Pharmaceutical logistics"),
    ("marketing", "CSO与学术推广", "CSO and medical marketing"),
    ("digital_health_it", "医疗信息化与AI", "Health IT and AI"),
    ("research", "高校院所研发", "Academic research"),
)

SECTOR = Vocabulary(
    "SECTOR",
    "领域",
    "Sector",
    (
        Term("small_molecule", "化学药", "Small molecules", "drug"),
        Term("antibody", "抗体药物", "Antibodies", "drug"),
        Term("recombinant_protein", "重组蛋白", "Recombinant proteins", "drug"),
        Term("peptide", "多肽", "Peptides", "drug"),
        Term("vaccine", "疫苗", "Vaccines", "drug"),
        Term("cell_therapy", "细胞治疗", "Cell therapy", "drug"),
        Term("gene_therapy", "基因治疗", "Gene therapy", "drug"),
        Term("nucleic_acid", "核酸药物", "Nucleic-acid drugs", "drug"),
        Term("tcm", "中药", "Traditional Chinese medicine", "drug"),
        Term("api", "原料药", "API", "drug"),
        Term("ivd", "体外诊断", "In-vitro diagnostics", "device"),
        Term("medical_imaging", "医学影像", "Medical imaging", "device"),
        Term("active_device", "有源器械", "Active devices", "device"),
        Term("cardiovascular_device", "心血管器械", "Cardiovascular devices", "device"),
        Term("orthopedic_device", "骨科器械", "Orthopaedic devices", "device"),
        Term("ophthalmic_device", "眼科器械", "Ophthalmic devices", "device"),
        Term("dental_device", "口腔器械", "Dental devices", "device"),
        Term("surgical_robot", "手术机器人", "Surgical robots", "device"),
        Term("rehab_device", "康复器械", "Rehabilitation devices", "device"),
        Term("consumable", "医用耗材", "Medical consumables", "device"),
        Term("digital_health", "数字医疗", "Digital health", "device"),
        Term("synthetic_biology", "合成生物", "Synthetic biology"),
        Term("cro_cdmo", "研发生产外包", "CRO / CDMO"),
        Term("drug", "药品", "Drugs (all)"),
        Term("device", "医疗器械", "Medical devices (all)"),
        Term("healthcare_general", "医疗健康全领域", "All healthcare"),
    ),
)
#: The umbrella values of SECTOR (a list holding one covers its members).
SECTOR_UMBRELLAS: tuple[str, ...] = ("drug", "device", "healthcare_general")

REGION = _v(
    "REGION",
    "地域",
    "Region",
    ("local", "本市/本区", "Local"),
    ("national", "全国", "Nationwide"),
    ("north_china", "华北", "North China"),
    ("northeast", "东北", "Northeast China"),
    ("east_china", "华东/长三角", "East China"),
    ("south_china", "华南/大湾区", "South China"),
    ("central_china", "华中", "Central China"),
    ("southwest", "西南", "Southwest China"),
    ("northwest", "西北", "Northwest China"),
    ("hmt", "港澳台", "Hong Kong, Macao, Taiwan"),
    ("overseas", "境外", "Overseas"),
)
#: Regions that ``national`` covers (every domestic one; not hmt or overseas).
DOMESTIC_REGIONS: tuple[str, ...] = (
    "local",
    "north_china",
    "northeast",
    "east_china",
    "south_china",
    "central_china",
    "southwest",
    "northwest",
)

INVESTOR_KIND = _v(
    "INVESTOR_KIND",
    "资金方类型",
    "Investor kind",
    ("angel", "天使投资", "Angel"),
    ("vc", "风险投资", "Venture capital"),
    ("pe", "私募股权", "Private equity"),
    ("cvc", "产业资本", "Corporate venture"),
    ("gov_fund", "政府引导基金", "Government guidance fund"),
    ("bank", "银行", "Bank"),
    ("guarantee", "融资担保", "Guarantee company"),
    ("leasing", "融资租赁", "Leasing company"),
)

STAGE = _v(
    "STAGE",
    "融资轮次",
    "Funding stage",
    ("seed", "种子轮", "Seed"),
    ("angel", "天使轮", "Angel"),
    ("Pre-A", "Pre-A轮", "Pre-A"),
    ("A", "A轮", "Series A"),
    ("B", "B轮", "Series B"),
    ("C", "C轮", "Series C"),
    ("D+", "D轮及以后", "Series D and later"),
    ("Pre-IPO", "Pre-IPO", "Pre-IPO"),
    ("strategic", "战略投资/并购", "Strategic / M&A"),
)

INSTRUMENT = _v(
    "INSTRUMENT",
    "资金形式",
    "Instrument",
    ("equity", "股权", "Equity"),
    ("convertible", "可转债", "Convertible"),
    ("debt", "贷款", "Loan"),
    ("ip_pledge", "知识产权质押", "IP-pledge loan"),
    ("leasing", "融资租赁", "Leasing"),
    ("grant_to_equity", "拨投结合", "Grant-to-equity"),
)

CURRENCY = _v(
    "CURRENCY",
    "币种",
    "Currency",
    ("CNY", "人民币", "RMB"),
    ("USD", "美元", "US dollar"),
)

POLICY_CATEGORY = _v(
    "POLICY_CATEGORY",
    "政策类别",
    "Policy category",
    ("landing", "落户开办奖励", "Landing award"),
    ("rent_subsidy", "租金补贴", "Rent subsidy"),
    ("land_space", "用地与代建", "Land and built-to-suit"),
    ("capex_subsidy", "设备与技改补贴", "Capex subsidy"),
    ("rnd_subsidy", "研发投入补助", "R&D subsidy"),
    ("clinical", "临床试验支持", "Clinical-trial support"),
    ("registration", "注册上市奖励", "Registration award"),
    ("service_subsidy", "平台服务补贴/创新券", "Service subsidy / vouchers"),
    ("tech_transfer", "成果转化资助", "Technology transfer"),
    ("financing_support", "融资支持", "Financing support"),
    ("talent", "人才政策", "Talent"),
    ("market_access", "市场准入支持", "Market access"),
    ("international", "国际化支持", "International"),
    ("ip", "知识产权", "Intellectual property"),
    ("qualification", "资质认定奖励", "Qualification award"),
    ("tax", "税收优惠", "Tax"),
    ("ehs", "环保安全补助", "EHS subsidy"),
)

POLICY_LEVEL = _v(
    "POLICY_LEVEL",
    "发文层级",
    "Issuing level",
    ("national", "国家", "National"),
    ("provincial", "省", "Provincial"),
    ("municipal", "市", "Municipal"),
    ("district", "区（县）", "District"),
)

POLICY_STATUS = _v(
    "POLICY_STATUS",
    "政策状态",
    "Policy status",
    ("active", "有效", "In force"),
    ("expired", "已失效", "Expired"),
    ("draft", "征求意见稿", "Draft"),
)

DELIVERY = _v(
    "DELIVERY",
    "兑现方式",
    "Delivery",
    ("auto", "免申即享", "Automatic"),
    ("apply", "需申报", "By application"),
)

APPLICANT_TYPE = _v(
    "APPLICANT_TYPE",
    "申报主体",
    "Applicant type",
    ("startup", "初创企业", "Start-up"),
    ("sme", "中小企业", "SME"),
    ("high_tech", "高新技术企业", "High-tech enterprise"),
    ("specialized_sme", "专精特新企业", "Specialised SME"),
    ("listed_company", "上市公司", "Listed company"),
    ("institution", "高校医院院所", "Institution"),
    ("individual", "个人/人才", "Individual"),
    ("returnee", "留学回国人才", "Returnee"),
    ("overseas_hmt", "境外及港澳台", "Overseas / HMT"),
    ("platform_operator", "平台运营机构", "Platform operator"),
)

MILESTONE = _v(
    "MILESTONE",
    "奖励节点",
    "Milestone",
    ("preclinical", "完成临床前", "Preclinical done"),
    ("ind_approval", "获批临床", "IND approval"),
    ("phase1", "I期临床", "Phase I"),
    ("phase2", "II期临床", "Phase II"),
    ("phase3", "III期临床", "Phase III"),
    ("nda_approval", "获批上市", "Marketing approval"),
    ("consistency_evaluation", "通过一致性评价", "Consistency evaluation"),
    ("device_clinical", "器械临床试验", "Device clinical trial"),
    ("device_class2_cert", "取得二类注册证", "Class II registration"),
    ("device_class3_cert", "取得三类注册证", "Class III registration"),
    ("innovative_device_designation", "创新医疗器械特别审查", "Innovative-device designation"),
    ("overseas_approval", "取得境外认证", "Overseas approval"),
    ("listed", "企业上市", "Listing"),
    ("high_tech_cert", "高企认定", "High-tech certification"),
    ("specialized_sme_cert", "专精特新认定", "Specialised-SME certification"),
)

BENEFIT = _v(
    "BENEFIT",
    "支持方式",
    "Benefit",
    ("cash_award", "奖励", "Cash award"),
    ("subsidy", "补助", "Subsidy"),
    ("rent_reduction", "房租减免", "Rent reduction"),
    ("housing", "住房安家", "Housing"),
    ("schooling", "子女入学", "Schooling"),
    ("medical_care", "医疗保障", "Medical care"),
    ("loan_interest", "贴息/担保费补贴", "Interest subsidy"),
    ("equity_investment", "股权投资", "Equity investment"),
    ("grant_to_equity", "拨投结合", "Grant-to-equity"),
    ("voucher", "创新券", "Innovation voucher"),
    ("fast_track", "绿色通道", "Fast track"),
    ("tax_reduction", "减税", "Tax reduction"),
    ("land", "供地", "Land"),
)

PHASE = _v(
    "PHASE",
    "临床阶段",
    "Clinical phase",
    ("phase1", "I期", "Phase I"),
    ("phase2", "II期", "Phase II"),
    ("phase3", "III期", "Phase III"),
    ("phase4", "IV期", "Phase IV"),
    ("be", "生物等效性", "Bioequivalence"),
    ("device_trial", "器械临床试验", "Device trial"),
    ("ivd_trial", "体外诊断临床试验", "IVD trial"),
    ("iit", "研究者发起研究", "Investigator-initiated trial"),
    ("real_world", "真实世界研究", "Real-world study"),
)

TA = _v(
    "TA",
    "治疗领域",
    "Therapeutic area",
    ("oncology", "肿瘤", "Oncology"),
    ("hematology", "血液", "Haematology"),
    ("cardiovascular", "心血管", "Cardiovascular"),
    ("neurology", "神经", "Neurology"),
    ("psychiatry", "精神", "Psychiatry"),
    ("endocrine_metabolic", "内分泌代谢", "Endocrine and metabolic"),
    ("respiratory", "呼吸", "Respiratory"),
    ("infectious", "感染", "Infectious disease"),
    ("digestive", "消化", "Digestive"),
    ("nephrology_urology", "肾脏泌尿", "Nephrology and urology"),
    ("ophthalmology", "眼科", "Ophthalmology"),
    ("dermatology", "皮肤", "Dermatology"),
    ("orthopedics", "骨科", "Orthopaedics"),
    ("rheumatology_immunology", "风湿免疫", "Rheumatology and immunology"),
    ("womens_health", "妇产生殖", "Women's health"),
    ("pediatrics", "儿科", "Paediatrics"),
    ("rare_disease", "罕见病", "Rare diseases"),
    ("pain_anesthesia", "疼痛麻醉", "Pain and anaesthesia"),
    ("dental", "口腔", "Dental"),
    ("rehabilitation", "康复", "Rehabilitation"),
)

MARKET = _v(
    "MARKET",
    "目标市场",
    "Market",
    ("CN", "中国内地", "Mainland China"),
    ("US", "美国", "United States"),
    ("EU", "欧盟", "European Union"),
    ("JP", "日本", "Japan"),
    ("SEA", "东南亚", "South-East Asia"),
    ("middle_east", "中东", "Middle East"),
    ("latin_america", "拉美", "Latin America"),
    ("africa", "非洲", "Africa"),
)

CERT = _v(
    "CERT",
    "资质",
    "Certification",
    ("CNAS", "CNAS认可", "CNAS accreditation"),
    ("CMA", "CMA资质认定", "CMA accreditation"),
    ("GLP", "GLP", "GLP"),
    ("GCP", "GCP", "GCP"),
    ("GMP", "GMP", "GMP"),
    ("GSP", "GSP", "GSP"),
    ("ISO13485", "ISO 13485", "ISO 13485"),
    ("ISO9001", "ISO 9001", "ISO 9001"),
    ("AAALAC", "AAALAC", "AAALAC"),
    ("NMPA_designated", "药监认可器械检验机构", "NMPA-designated device test lab"),
    ("FDA_registered", "FDA注册/检查通过", "FDA registered"),
    ("CE", "CE", "CE"),
    ("cde_registered", "CDE原辅包登记", "CDE DMF registered"),
    ("drug_distribution_license", "药品经营许可证", "Drug distribution licence"),
    ("device_distribution_license", "医疗器械经营许可", "Device distribution licence"),
    ("hazardous_waste_license", "危险废物经营许可证", "Hazardous-waste licence"),
)

DEVICE_CLASS = _v(
    "DEVICE_CLASS",
    "器械类别",
    "Device class",
    ("I", "第一类", "Class I"),
    ("II", "第二类", "Class II"),
    ("III", "第三类", "Class III"),
)

HOSPITAL_GRADE = _v(
    "HOSPITAL_GRADE",
    "医院等级",
    "Hospital grade",
    ("3A", "三级甲等", "Grade 3A"),
    ("3B", "三级乙等", "Grade 3B"),
    ("2A", "二级甲等", "Grade 2A"),
    ("2B", "二级乙等", "Grade 2B"),
    ("other", "其他", "Other"),
)

CAPABILITY = _v(
    "CAPABILITY",
    "能力",
    "Capability",
    ("target_validation", "靶点验证", "Target validation"),
    ("prototype_build", "样品/样机试制", "Prototype build"),
    ("market_assessment", "商业可行性评估", "Market assessment"),
    ("cell_line_development", "细胞株构建", "Cell-line development"),
    ("process_development", "工艺开发", "Process development"),
    ("analytical_method", "分析方法与质量研究", "Analytical methods"),
    ("fill_finish", "制剂灌装", "Fill and finish"),
    ("lyophilization", "冻干", "Lyophilisation"),
    ("viral_vector", "病毒载体生产", "Viral vectors"),
    ("plasmid", "质粒生产", "Plasmids"),
    ("cell_processing", "细胞制备", "Cell processing"),
    ("mrna_lnp", "mRNA与LNP", "mRNA and LNP"),
    ("peptide_synthesis", "多肽合成", "Peptide synthesis"),
    ("chemical_synthesis", "化学合成", "Chemical synthesis"),
    ("oral_solid_dosage", "口服固体制剂", "Oral solid dosage"),
    ("injectables", "注射剂", "Injectables"),
    ("pk_pd", "药代药效", "PK/PD"),
    ("glp_tox", "GLP毒理", "GLP toxicology"),
    ("animal_spf", "SPF级动物房", "SPF animal facility"),
    ("non_human_primate", "非人灵长类", "Non-human primates"),
    ("large_animal", "大动物实验", "Large-animal studies"),
    ("biocompatibility", "生物相容性", "Biocompatibility"),
    ("emc_testing", "电磁兼容", "EMC testing"),
    ("electrical_safety", "电气安全", "Electrical safety"),
    ("software_validation", "软件确认与网络安全", "Software validation"),
    ("sterilization_validation", "灭菌确认", "Sterilisation validation"),
    ("eo_sterilization", "环氧乙烷灭菌", "EO sterilisation"),
    ("irradiation_sterilization", "辐照灭菌", "Irradiation sterilisation"),
    ("injection_molding", "注塑", "Injection moulding"),
    ("precision_machining", "精密加工", "Precision machining"),
    ("electronics_assembly", "电子装配", "Electronics assembly"),
    ("oem_odm", "代工", "OEM / ODM"),
    ("mah_consignment", "承接持有人委托生产", "MAH contract manufacturing"),
    ("biostatistics", "统计与数据管理", "Biostatistics and data management"),
    ("site_management", "研究中心管理", "Site management"),
    ("patient_recruitment", "受试者招募", "Patient recruitment"),
    ("phase1_unit", "I期/BE病房", "Phase I / BE unit"),
    ("hgrac_filing", "人类遗传资源申报", "Human genetic resources filing"),
    ("ind_filing", "IND申报", "IND filing"),
    ("nda_filing", "NDA/BLA申报", "NDA / BLA filing"),
    ("device_registration", "器械注册申报", "Device registration"),
    ("innovative_device_pathway", "创新器械特别审查辅导", "Innovative-device pathway"),
    ("fda_510k", "FDA 510(k)", "FDA 510(k)"),
    ("ce_mdr", "CE MDR", "CE MDR"),
    ("qms_setup", "质量体系建立", "QMS set-up"),
    ("hospital_access", "医院渠道/入院", "Hospital access"),
    ("tender_listing", "挂网招采", "Tender listing"),
    ("insurance_access", "医保准入", "Insurance access"),
    ("pharmacy_network", "零售药房网络", "Pharmacy network"),
    ("academic_promotion", "学术推广", "Academic promotion"),
    ("export_channel", "出口渠道", "Export channel"),
    ("cold_chain", "冷链运输", "Cold-chain transport"),
    ("gsp_warehouse", "GSP仓储", "GSP warehousing"),
    ("recruiting", "招聘猎头", "Recruiting"),
    ("training", "培训", "Training"),
    ("joint_training", "联合培养/实习基地", "Joint training"),
    ("mass_spectrometry", "质谱", "Mass spectrometry"),
    ("cryo_em", "冷冻电镜", "Cryo-EM"),
    ("flow_cytometry", "流式细胞", "Flow cytometry"),
    ("ngs", "测序", "Sequencing"),
    ("fa_advisory", "融资顾问", "Financial advisory"),
    ("loan_guarantee", "贷款担保", "Loan guarantee"),
    ("ip_pledge_loan", "知识产权质押贷款", "IP-pledge loan"),
    ("ip_patent", "专利布局/FTO", "Patents / FTO"),
    ("hazardous_waste_disposal", "危废收运处置", "Hazardous-waste disposal"),
    ("sample_biobank", "生物样本库", "Biobank"),
)

VOCABULARIES: dict[str, Vocabulary] = {
    v.name: v
    for v in (
        TYPE,
        SPACE_KIND,
        SPACE_STATUS,
        TENURE,
        FIT_OUT,
        UTILITY,
        LAND_USE,
        SERVICE_CATEGORY,
        ORG_KIND,
        CHAIN_NODE,
        SECTOR,
        REGION,
        INVESTOR_KIND,
        STAGE,
        INSTRUMENT,
        CURRENCY,
        POLICY_CATEGORY,
        POLICY_LEVEL,
        POLICY_STATUS,
        DELIVERY,
        APPLICANT_TYPE,
        MILESTONE,
        BENEFIT,
        PHASE,
        TA,
        MARKET,
        CERT,
        DEVICE_CLASS,
        HOSPITAL_GRADE,
        CAPABILITY,
    )
}


def vocabulary(name: str) -> Vocabulary:
    """The vocabulary called ``name`` (e.g. "SPACE_KIND"); KeyError if there is none."""
    return VOCABULARIES[name]
