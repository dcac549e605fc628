"""Word pools for the generated part of the demo register (enterprises, people, spaces)."""

from __future__ import annotations

# Characters that make plausible two-character brand names (字号).
BRAND_CHARS = (
    "康瑞泰华源博恒迈科信诺德安宁益嘉禾睿思锐微拓联达宏百盛和润优普天海云星辰晟杰英新明正合众卓越"
    "佳奥亿鑫金蓝青川蜀锦桐衡启元景辉耀光航远航至臻致融汇通益达佑祥福寿仁济舒泽沐清澜朗晨曦煜"
    "弘毅骏驰腾飞峰岳岭峻松柏楠梓杉桦榕栎棠芷兰蕙菁茗若瑾瑜琪璟瑶珂珀琳晶灿烨炜钧铭锋钰镁铂"
    "舜尧禹汉唐宋明清智慧聪颖慕恩惠诚信义礼谦逸悦欣怡宜嘉和平宁静致远鸿鹄鹏鹤凤麟麒"
)

# Per chain node: words for company names (行业表述) and product phrases.
NODE_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "biomed.innovative_drug": (
        ("医药科技", "生物医药", "药业", "新药研发", "医药技术"),
        ("小分子靶向抗肿瘤药", "多肽类降糖药", "缓控释制剂", "抗纤维化候选药物", "核素偶联药物"),
    ),
    "biomed.biologics": (
        ("生物技术", "生物制药", "生物制品", "生物工程"),
        ("单克隆抗体", "重组蛋白", "多联疫苗", "双特异性抗体", "mRNA疫苗"),
    ),
    "biomed.generic": (
        ("制药", "药业", "医药"),
        ("口服固体制剂", "特色原料药", "注射剂", "吸入制剂", "眼用制剂"),
    ),
    "biomed.tcm": (
        ("中药", "中医药科技", "药业", "本草科技"),
        ("中药配方颗粒", "中药饮片", "经典名方制剂", "中药提取物", "药食同源产品"),
    ),
    "biomed.cxo": (
        ("医药研发", "医药技术服务", "生物科技", "临床研究", "医药研究"),
        ("药物筛选服务", "临床前药效评价", "CMC工艺开发", "临床试验现场管理", "注册申报咨询"),
    ),
    "biomed.cell_gene": (
        ("细胞科技", "基因科技", "生物科技", "细胞治疗技术"),
        ("CAR-T细胞治疗", "间充质干细胞制剂", "基因治疗载体", "溶瘤病毒", "细胞存储服务"),
    ),
    "device.high_end": (
        ("医疗器械", "医疗科技", "医疗设备", "医疗技术"),
        ("骨科手术机器人", "心脏介入器械", "超声手术刀", "电子内窥镜", "骨科植入物", "神经刺激器"),
    ),
    "device.ivd": (
        ("诊断技术", "生物科技", "医学检验科技", "诊断试剂"),
        ("化学发光试剂", "POCT检测仪", "核酸检测试剂盒", "质谱检测系统", "病理染色试剂"),
    ),
    "device.imaging": (
        ("医学影像", "影像科技", "医疗设备", "光电科技"),
        ("数字化X射线系统", "便携式超声", "医用内窥镜光源", "低场核磁", "眼底相机"),
    ),
    "device.consumables": (
        ("医用材料", "医疗用品", "医用耗材", "生物材料"),
        ("一次性输注器", "医用敷料", "可吸收缝合线", "介入导管", "医用防护用品"),
    ),
    "device.rehab": (
        ("康复科技", "健康科技", "康复器械", "智能科技"),
        ("康复机器人", "智能助行器", "家用呼吸机", "智能护理床", "听力辅助设备"),
    ),
    "digital_health.ai": (
        ("智能科技", "信息技术", "数据科技", "人工智能"),
        ("影像辅助诊断软件", "病理AI", "临床决策支持系统", "智能问诊机器人", "手术视频分析"),
    ),
    "digital_health.internet_hospital": (
        ("互联网医院", "健康管理", "网络科技", "数字医疗"),
        ("在线问诊平台", "慢病管理服务", "处方流转平台", "远程会诊系统", "家庭医生签约服务"),
    ),
    "digital_health.health_data": (
        ("健康大数据", "数据科技", "信息技术", "医疗信息"),
        ("电子病历系统", "医疗数据治理", "真实世界研究平台", "区域健康档案", "医保智能审核"),
    ),
    "health_service.medical_institution": (
        ("医疗管理", "医院管理", "门诊部", "诊所管理"),
        ("专科门诊", "医学美容", "口腔诊疗", "健康体检", "康复医疗"),
    ),
    "health_service.elderly_care": (
        ("康养", "健康管理", "养老服务", "医养"),
        ("社区嵌入式养老", "康复护理", "医养结合服务", "居家护理", "认知症照护"),
    ),
    "health_service.third_party_lab": (
        ("医学检验所", "检测技术", "医学检验", "病理诊断"),
        ("第三方医学检验", "病理诊断服务", "基因测序服务", "药物浓度监测", "感染病原检测"),
    ),
    "pharma_commerce.distribution": (
        ("医药贸易", "医疗器械贸易", "供应链管理", "医药物流", "医药商贸"),
        ("药品批发", "医药冷链配送", "医疗器械经营", "医院供应链延伸服务", "疫苗配送"),
    ),
    "pharma_commerce.retail": (
        ("大药房", "医药连锁", "药房", "健康药房"),
        ("社区零售药房", "DTP专业药房", "互联网药店", "中医馆", "慢病药房"),
    ),
    "pharma_commerce.cso": (
        ("医药咨询", "医药营销", "健康科技", "医药信息咨询"),
        ("学术推广服务", "市场准入咨询", "医药代表外包", "患者教育项目", "渠道管理"),
    ),
}

# Sampling weight of each chain node for generated enterprises: the district's four tracks
# (translational services, high-end diagnosis and treatment, pharma trade, digital health) weigh
# more than the rest.
NODE_WEIGHTS: dict[str, float] = {
    "biomed.innovative_drug": 4,
    "biomed.biologics": 3,
    "biomed.generic": 2,
    "biomed.tcm": 2,
    "biomed.cxo": 8,
    "biomed.cell_gene": 2,
    "device.high_end": 9,
    "device.ivd": 6,
    "device.imaging": 3,
    "device.consumables": 5,
    "device.rehab": 3,
    "digital_health.ai": 6,
    "digital_health.internet_hospital": 5,
    "digital_health.health_data": 4,
    "health_service.medical_institution": 8,
    "health_service.elderly_care": 4,
    "health_service.third_party_lab": 4,
    "pharma_commerce.distribution": 10,
    "pharma_commerce.retail": 7,
    "pharma_commerce.cso": 5,
}

# Nodes whose firms are rarely high-tech enterprises.
LOW_TECH_NODES = frozenset(
    {
        "pharma_commerce.distribution",
        "pharma_commerce.retail",
        "pharma_commerce.cso",
        "health_service.medical_institution",
        "health_service.elderly_care",
    }
)

# Trade words of former names (曾用名) of renamed companies.
FORMER_TRADES = ("科技", "生物技术", "医药", "实业", "贸易")

# Optional place prefix for company names (e.g. “锦城…” or “…（桐华）…” branch style).
PLACE_PREFIXES = ("锦城", "西蜀", "桐华")

# People: (surname, pinyin) and (given-name character, pinyin).
SURNAMES = (
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"),
    ("黄", "huang"), ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"), ("徐", "xu"), ("孙", "sun"),
    ("马", "ma"), ("朱", "zhu"), ("胡", "hu"), ("郭", "guo"), ("何", "he"), ("罗", "luo"),
    ("高", "gao"), ("林", "lin"), ("郑", "zheng"), ("梁", "liang"), ("谢", "xie"), ("宋", "song"),
    ("唐", "tang"), ("许", "xu"), ("韩", "han"), ("冯", "feng"), ("邓", "deng"), ("曹", "cao"),
    ("彭", "peng"), ("曾", "zeng"), ("肖", "xiao"), ("田", "tian"), ("董", "dong"), ("袁", "yuan"),
    ("潘", "pan"), ("蒋", "jiang"), ("蔡", "cai"), ("余", "yu"), ("杜", "du"), ("叶", "ye"),
    ("程", "cheng"), ("苏", "su"), ("魏", "wei"), ("吕", "lv"), ("丁", "ding"), ("任", "ren"),
)  # fmt: skip
GIVEN = (
    ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("磊", "lei"),
    ("强", "qiang"), ("洋", "yang"), ("艳", "yan"), ("勇", "yong"), ("军", "jun"), ("杰", "jie"),
    ("娟", "juan"), ("涛", "tao"), ("明", "ming"), ("超", "chao"), ("秀", "xiu"), ("霞", "xia"),
    ("平", "ping"), ("刚", "gang"), ("桂", "gui"), ("丹", "dan"), ("萍", "ping"), ("鑫", "xin"),
    ("宇", "yu"), ("浩", "hao"), ("晨", "chen"), ("琳", "lin"), ("欣", "xin"), ("怡", "yi"),
    ("婷", "ting"), ("雪", "xue"), ("博", "bo"), ("文", "wen"), ("斌", "bin"), ("佳", "jia"),
    ("睿", "rui"), ("航", "hang"), ("思", "si"), ("雨", "yu"), ("辰", "chen"), ("轩", "xuan"),
    ("梓", "zi"), ("涵", "han"), ("诗", "shi"), ("凯", "kai"), ("峰", "feng"), ("蕾", "lei"),
)  # fmt: skip

CONTACT_TITLES = (
    "总经理", "董事长", "副总经理", "研发总监", "注册事务经理", "行政主管", "投融资经理",
    "质量负责人", "市场总监", "首席科学家", "办公室主任", "项目经理",
)  # fmt: skip
EMAIL_DOMAINS = ("example.cn", "example.com", "example.org", "mail.example.cn")
PHONE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
    "155", "156", "157", "158", "159", "166", "177", "180", "181", "182", "186", "187",
    "188", "189", "191", "199",
)  # fmt: skip

LISTED_MARKETS = (
    # (market, ticker format, number of codes), sampled with falling weight in this order
    ("上交所科创板", "688{:03d}", 1000),
    ("深交所创业板", "301{:03d}", 1000),
    ("港交所主板", "0{:04d}.HK", 10000),
    ("北交所", "83{:04d}", 10000),
    ("上交所主板", "603{:03d}", 1000),
)

# Description templates by kind of business: makers, service providers, traders/clinics.
DESCRIPTION_TEMPLATES: dict[str, tuple[str, ...]] = {
    "maker": (
        "主要从事{product}的研发与生产。",
        "专注{product}，产品面向医院和基层医疗机构。",
        "以{product}为核心产品，拥有自主知识产权。",
        "围绕{product}开展技术开发、生产和销售。",
    ),
    "service": (
        "为医药企业和医疗机构提供{product}。",
        "主营{product}，客户覆盖西南地区。",
        "以{product}为主要业务，团队具备多年行业经验。",
    ),
    "trade": (
        "主营{product}，业务覆盖锦城及周边地区。",
        "从事{product}，已建立稳定的上下游渠道。",
        "经营{product}，持有相应经营许可。",
    ),
}
DESCRIPTION_GROUP: dict[str, str] = {
    "biomed.cxo": "service",
    "digital_health.internet_hospital": "service",
    "digital_health.health_data": "service",
    "health_service.medical_institution": "trade",
    "health_service.elderly_care": "service",
    "health_service.third_party_lab": "service",
    "pharma_commerce.distribution": "trade",
    "pharma_commerce.retail": "trade",
    "pharma_commerce.cso": "service",
}

# Short forms of trade words for aliases (简称), where the last two characters read badly.
TRADE_SHORT: dict[str, str] = {
    "门诊部": "门诊",
    "医学检验所": "检验",
    "大药房": "药房",
    "医用耗材": "医疗",
    "医用材料": "材料",
    "医疗用品": "医疗",
}

# Generated spaces: building names and descriptive fragments per park and kind.
SPACE_BUILDINGS: dict[str, tuple[str, ...]] = {
    "xs.jc.th.ez": ("生物医药制造园", "器械产业港", "康宁科技园", "智造加速器"),
    "xs.jc.th.tmp": ("转化医学大楼", "医创研发中心", "医工交叉楼", "成果转化大厦"),
    "xs.jc.th.smv": ("智慧医谷创新中心", "医谷数字大厦", "健康产业楼", "医谷人才公寓配套楼"),
    "xs.jc.th.clz": ("商贸物流中心", "医药分拨园", "大健康商贸城", "供应链产业园"),
}
SPACE_STREETS: dict[str, str] = {
    "xs.jc.th.ez": "桐华经济开发区智造大道",
    "xs.jc.th.tmp": "桐华转化医学产业园医创路",
    "xs.jc.th.smv": "桐华国际智慧医谷锦华路",
    "xs.jc.th.clz": "桐华商贸物流功能区通达路",
}
SPACE_FEATURES: dict[str, tuple[str, ...]] = {
    "building": (
        "精装交付，可分割出租",
        "毗邻地铁站，配套会议中心",
        "带独立机房和货梯",
        "南北通透，可做企业总部",
        "楼下即公共检测平台",
        "可提供三年租金减免政策",
    ),
    "plant": (
        "预留洁净区改造条件",
        "双回路供电，配纯化水",
        "设货梯和装卸平台",
        "环评手续齐全",
        "可整租或分层出租",
        "满足危化品仓储间距",
    ),
    "land": (
        "三通一平",
        "可先租后让",
        "支持弹性年期出让",
        "周边配套污水处理厂",
        "紧邻高速出入口",
    ),
    "lab": (
        "配通风橱和生物安全柜",
        "共享大型仪器平台",
        "已完成实验室备案",
        "可按间短租",
        "设危废暂存间",
    ),
}
