"""The descriptive catalogue: spaces and platform services written out by hand.

Judged needs (a later evaluation set) are written against these records, so each has a stable
``key`` and a realistic, varied description. All text is invented for the demo.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CatalogueSpace:
    """One hand-written space (载体)."""

    key: str
    name: str
    kind: str  # building | plant | land | lab
    park: str  # region code
    address: str
    total_m2: float
    available_m2: float
    rent: float | None  # yuan per m² per month; None for land sold by transfer
    owner: str | None  # CoreOrg key
    description: str
    gmp_grade: str = ""
    cleanroom: str = ""
    floor_load: int | None = None


@dataclass(frozen=True)
class CatalogueService:
    """One service a platform organisation offers."""

    key: str
    provider: str  # CoreOrg key
    name: str
    category: str
    description: str
    capacity_per_month: int | None
    lead_time_days: int | None
    price_note: str = ""


EZ = "xs.jc.th.ez"
TMP = "xs.jc.th.tmp"
SMV = "xs.jc.th.smv"
CLZ = "xs.jc.th.clz"

SPACES: list[CatalogueSpace] = [
    # --- development zone: manufacturing ------------------------------------------------------
    CatalogueSpace(
        "S-EZ-01",
        "桐华生物医药制造园1号楼GMP厂房",
        "plant",
        EZ,
        "桐华经济开发区康宁路88号1号楼",
        8600,
        5200,
        38,
        "inv.state",
        "四层框架结构厂房，首层层高8米、二至四层5.5米，预留C级洁净区改造条件，双回路供电，"
        "配套纯化水站和废水预处理，适合生物药原液和制剂生产线。",
        gmp_grade="C级（可改造）",
        cleanroom="ISO 7",
        floor_load=1000,
    ),
    CatalogueSpace(
        "S-EZ-02",
        "桐华生物医药制造园3号楼无菌制剂车间",
        "plant",
        EZ,
        "桐华经济开发区康宁路88号3号楼",
        4200,
        0,
        85,
        "inv.state",
        "已建成B级背景下A级灌装区和冻干机房，原为注射剂生产线，现已整体出租，暂无空置。",
        gmp_grade="B级",
        cleanroom="ISO 5/7",
        floor_load=1200,
    ),
    CatalogueSpace(
        "S-EZ-03",
        "器械产业港A2标准厂房",
        "plant",
        EZ,
        "桐华经济开发区智造大道126号A2栋",
        3600,
        3600,
        28,
        "inv.state",
        "单层钢结构厂房，净高9米，可整租也可分割为两个单元，设5吨行车，"
        "适合有源医疗器械总装、影像设备整机调试和仓储。",
        floor_load=3000,
    ),
    CatalogueSpace(
        "S-EZ-04",
        "器械产业港B5十万级净化车间",
        "plant",
        EZ,
        "桐华经济开发区智造大道126号B5栋3层",
        1800,
        1100,
        55,
        "plat.cdmo",
        "整层十万级洁净车间，带更衣缓冲、洁具间和独立空调机组，已通过洁净度检测，"
        "适合介入导管、无菌耗材组装和初包装。",
        gmp_grade="D级",
        cleanroom="十万级（ISO 8）",
        floor_load=800,
    ),
    CatalogueSpace(
        "S-EZ-05",
        "IVD试剂生产车间（川诺原址）",
        "plant",
        EZ,
        "桐华经济开发区科创路19号2层",
        1500,
        800,
        48,
        None,
        "原体外诊断试剂灌装线所在楼层，D级洁净，环评和排污手续齐全，保留试剂配制间和冷库，"
        "可直接用于诊断试剂生产或分子诊断扩产。",
        gmp_grade="D级",
        cleanroom="十万级（ISO 8）",
        floor_load=600,
    ),
    CatalogueSpace(
        "S-EZ-06",
        "核药与辐照配套厂房",
        "plant",
        EZ,
        "桐华经济开发区光启路7号",
        2400,
        1600,
        42,
        "plat.pilot",
        "紧邻加速器中试平台的专用厂房，设计满足辐射防护分区要求，墙体加厚并预留屏蔽门，"
        "适合放射性药物分装和辐照灭菌后处理。",
        floor_load=2000,
    ),
    CatalogueSpace(
        "S-EZ-07",
        "经开区东片M1工业用地（GY-2025-03）",
        "land",
        EZ,
        "桐华经济开发区东片区智造大道以北",
        40000,
        40000,
        None,
        "gov.ez",
        "约六十亩一类工业用地，容积率1.5至2.5，三通一平，拟定向招引生物医药或高端医疗器械生产项目，"
        "可采用先租后让或弹性年期出让。",
    ),
    CatalogueSpace(
        "S-EZ-08",
        "经开区西片中药产业用地",
        "land",
        EZ,
        "桐华经济开发区西片区药谷路南侧",
        10000,
        10000,
        None,
        "gov.ez",
        "约十五亩工业用地，周边有中药提取和饮片企业，适合配方颗粒提取、浓缩车间建设。",
    ),
    CatalogueSpace(
        "S-EZ-09",
        "定制代建厂房（康宁路二期）",
        "plant",
        EZ,
        "桐华经济开发区康宁路二期",
        12000,
        12000,
        35,
        "inv.state",
        "国资平台按企业工艺要求定制代建，建成后租售结合，可按GMP要求预留洁净区、"
        "废气处理和危化品库，适合规模化药品或器械生产。",
        gmp_grade="按需定制",
        floor_load=1500,
    ),
    # --- translational medicine park: labs and offices ----------------------------------------
    CatalogueSpace(
        "S-TMP-01",
        "转化医学大楼5层共享湿实验室",
        "lab",
        TMP,
        "桐华转化医学产业园医创路1号5层",
        900,
        260,
        75,
        "gov.tmp",
        "按间出租的共享湿实验室，配通风橱、生物安全柜和公共仪器平台，水电气齐全，"
        "适合初创生物技术团队拎包入驻。",
        floor_load=400,
    ),
    CatalogueSpace(
        "S-TMP-02",
        "转化医学大楼BSL-2实验室",
        "lab",
        TMP,
        "桐华转化医学产业园医创路1号6层",
        600,
        600,
        95,
        "gov.tmp",
        "已完成备案的BSL-2实验室，含细胞间、PCR分区和负压走廊，适合细胞治疗和病原检测研发。",
        cleanroom="BSL-2",
        floor_load=500,
    ),
    CatalogueSpace(
        "S-TMP-03",
        "转化医学大楼8-10层研发办公",
        "building",
        TMP,
        "桐华转化医学产业园医创路1号8-10层",
        4500,
        1800,
        65,
        "gov.tmp",
        "精装研发办公，单层1500平方米，可分割最小200平方米，楼下即大科学装置和检测平台，"
        "研发、检测和中试在同一栋楼内衔接。",
        floor_load=300,
    ),
    CatalogueSpace(
        "S-TMP-04",
        "SPF动物房（药物安评配套）",
        "lab",
        TMP,
        "桐华转化医学产业园医创路9号",
        1200,
        300,
        120,
        "inst.drug_safety",
        "SPF级小鼠和大鼠饲养区，按动物实验许可管理，可承租独立饲养单元开展药效和毒理研究。",
        cleanroom="SPF",
        floor_load=500,
    ),
    CatalogueSpace(
        "S-TMP-05",
        "细胞治疗GMP中试车间",
        "plant",
        TMP,
        "桐华转化医学产业园医创路11号2层",
        1600,
        700,
        110,
        "gov.tmp",
        "B级背景下A级操作的细胞制备洁净区，配液氮库和质控实验室，适合CAR-T和干细胞产品临床样品制备。",
        gmp_grade="B级",
        cleanroom="ISO 5/7",
        floor_load=600,
    ),
    CatalogueSpace(
        "S-TMP-06",
        "医疗器械研发楼3层电子实验室",
        "lab",
        TMP,
        "桐华转化医学产业园医创路5号3层",
        800,
        800,
        60,
        "gov.tmp",
        "带防静电地面和屏蔽室的电子研发实验室，可做有源器械原型调试和电磁兼容预测试。",
        floor_load=400,
    ),
    # --- smart-medicine valley: offices, incubator, clinics -----------------------------------
    CatalogueSpace(
        "S-SMV-01",
        "智慧医谷创新中心A座12-15层",
        "building",
        SMV,
        "桐华国际智慧医谷锦华路66号A座",
        8000,
        3100,
        72,
        "inv.state",
        "甲级写字楼，毗邻附属医院，步行五分钟到临床试验机构，适合CRO、SMO和注册咨询企业设立区域总部。",
        floor_load=250,
    ),
    CatalogueSpace(
        "S-SMV-02",
        "医谷众创孵化器开放工位",
        "building",
        SMV,
        "桐华国际智慧医谷锦华路66号B座2层",
        1500,
        420,
        45,
        "inc.valley",
        "开放工位和小型独立办公室，按工位月租，含会议室、路演厅和创业辅导，适合医生创业和学生团队。",
        floor_load=200,
    ),
    CatalogueSpace(
        "S-SMV-03",
        "数字健康产业楼整层办公",
        "building",
        SMV,
        "桐华国际智慧医谷锦华路70号6层",
        2200,
        2200,
        68,
        None,
        "整层办公，机房预留和双路光纤入户，适合医疗人工智能、互联网医院和健康数据企业。",
        floor_load=300,
    ),
    CatalogueSpace(
        "S-SMV-04",
        "医美健康街沿街商业",
        "building",
        SMV,
        "桐华国际智慧医谷医美街1-3号",
        1300,
        1300,
        150,
        None,
        "临街两层商业，层高4.8米，可办理医疗机构执业登记，适合医学美容、口腔和康复门诊。",
        floor_load=350,
    ),
    CatalogueSpace(
        "S-SMV-05",
        "概念验证中心样机试制间",
        "lab",
        SMV,
        "桐华国际智慧医谷锦华路68号1层",
        500,
        180,
        55,
        "plat.poc",
        "配3D打印、CNC加工和电子装配工位的样机试制空间，概念验证项目可按项目周期短租。",
        floor_load=800,
    ),
    CatalogueSpace(
        "S-SMV-06",
        "衡正临床CRO中心办公区",
        "building",
        SMV,
        "桐华国际智慧医谷锦华路72号3-5层",
        3600,
        900,
        70,
        "plat.cro",
        "临床CRO产业中心配套办公，含档案室和远程监查室，入驻企业可共享伦理申报辅导和受试者招募服务。",
        floor_load=250,
    ),
    # --- commerce and logistics zone ----------------------------------------------------------
    CatalogueSpace(
        "S-CLZ-01",
        "医药冷链物流中心冷库",
        "plant",
        CLZ,
        "桐华商贸物流功能区通达路18号",
        6000,
        1500,
        65,
        "ent.logistics",
        "2至8摄氏度冷藏库和零下20摄氏度冷冻库，全程温湿度监控，具备药品经营质量规范验证，"
        "可为疫苗、生物制品和诊断试剂提供冷链仓储。",
        gmp_grade="GSP",
        floor_load=3000,
    ),
    CatalogueSpace(
        "S-CLZ-02",
        "医药器械分拨中心常温仓",
        "plant",
        CLZ,
        "桐华商贸物流功能区通达路22号",
        9000,
        4000,
        32,
        "ent.logistics",
        "高台库，净高10米，配自动化立体货架和分拣线，适合医疗器械和药品区域分拨。",
        gmp_grade="GSP",
        floor_load=3000,
    ),
    CatalogueSpace(
        "S-CLZ-03",
        "商贸流通用地（物流功能区北片）",
        "land",
        CLZ,
        "桐华商贸物流功能区北片",
        26000,
        26000,
        None,
        "gov.commerce",
        "约三十九亩商贸流通用地，紧邻绕城高速出入口，适合医药流通区域总部和智慧物流园建设。",
    ),
    CatalogueSpace(
        "S-CLZ-04",
        "大健康产品展示交易中心",
        "building",
        CLZ,
        "桐华商贸物流功能区会展路5号",
        5000,
        2600,
        58,
        "plat.cso",
        "集展示、直播和洽谈于一体的商贸空间，适合药械企业设区域营销中心和CSO团队办公。",
        floor_load=500,
    ),
]

SERVICES: list[CatalogueService] = [
    # --- proof of concept ---------------------------------------------------------------------
    CatalogueService(
        "SV-POC-1",
        "plat.poc",
        "早期成果技术成熟度评估",
        "poc",
        "由临床专家、工程师和投资人组成评估小组，对医院和高校成果做技术成熟度、临床价值和"
        "知识产权自由实施评估，给出是否进入概念验证的结论。",
        20,
        30,
        "评估免费，进入验证后按项目收费",
    ),
    CatalogueService(
        "SV-POC-2",
        "plat.poc",
        "医疗器械原型样机开发",
        "poc",
        "机械、电子和软件工程师配合临床团队做原型设计与迭代，可在样机试制间完成三维打印和小批量装配。",
        8,
        90,
    ),
    CatalogueService(
        "SV-POC-3",
        "plat.poc",
        "概念验证项目资助（拨投结合）",
        "finance",
        "对通过评估的项目给予最高两百万元资助，项目完成里程碑并获得市场化融资后，资助按约定转为股权。",
        5,
        60,
        "按拨投结合协议执行",
    ),
    CatalogueService(
        "SV-POC-4",
        "plat.poc",
        "临床需求挖掘与医工对接",
        "poc",
        "定期组织临床科室和工程团队的需求工作坊，把一线临床痛点转化为可立项的研发题目。",
        10,
        14,
    ),
    CatalogueService(
        "SV-POC-5",
        "plat.poc",
        "专利布局与许可谈判辅导",
        "poc",
        "协助成果完成人做专利挖掘、布局和作价评估，支持以许可或作价入股方式转化。",
        12,
        45,
    ),
    # --- clinical CRO -------------------------------------------------------------------------
    CatalogueService(
        "SV-CRO-1",
        "plat.cro",
        "临床试验方案设计与医学撰写",
        "clinical_cro",
        "为药物和器械临床试验设计方案、样本量和终点，撰写研究者手册与知情同意书。",
        15,
        30,
    ),
    CatalogueService(
        "SV-CRO-2",
        "plat.cro",
        "临床监查与项目管理",
        "clinical_cro",
        "派驻临床监查员，覆盖西南地区百余家临床试验机构，支持多中心试验的启动、监查和关闭。",
        25,
        45,
    ),
    CatalogueService(
        "SV-CRO-3",
        "plat.cro",
        "SMO现场管理与受试者招募",
        "clinical_cro",
        "临床研究协调员驻点医院，负责受试者筛选、随访和源数据整理，依托附属医院病例资源加快入组。",
        40,
        21,
    ),
    CatalogueService(
        "SV-CRO-4",
        "plat.cro",
        "临床数据管理与统计分析",
        "clinical_cro",
        "提供电子数据采集系统、数据核查和统计分析报告，满足药品和器械注册申报要求。",
        20,
        60,
    ),
    CatalogueService(
        "SV-CRO-5",
        "plat.cro",
        "医疗器械临床评价与同品种比对",
        "registration",
        "为二类和部分三类器械编写临床评价报告，评估免临床或同品种比对路径的可行性。",
        10,
        40,
    ),
    CatalogueService(
        "SV-CRO-6",
        "plat.cro",
        "伦理审查申报辅导",
        "clinical_cro",
        "辅导申办方准备伦理材料，协调附属医院伦理委员会会议排期。",
        30,
        20,
    ),
    # --- device CDMO --------------------------------------------------------------------------
    CatalogueService(
        "SV-CDMO-1",
        "plat.cdmo",
        "器械设计开发与设计转移",
        "cdmo",
        "按设计控制要求完成输入、输出、验证和确认文件，把实验室样机转移为可量产的产品。",
        6,
        120,
    ),
    CatalogueService(
        "SV-CDMO-2",
        "plat.cdmo",
        "洁净车间代工生产",
        "cdmo",
        "十万级和万级洁净车间合同生产无菌耗材和有源器械组件，支持医疗器械注册人委托生产。",
        12,
        60,
        "按批次或按件计价",
    ),
    CatalogueService(
        "SV-CDMO-3",
        "plat.cdmo",
        "注册检验样品制备",
        "cdmo",
        "按注册检验要求制备样品并出具生产记录，衔接检验检测平台完成送检。",
        10,
        30,
    ),
    CatalogueService(
        "SV-CDMO-4",
        "plat.cdmo",
        "质量体系搭建与工艺验证",
        "registration",
        "帮助企业建立符合医疗器械生产质量管理规范的体系，完成过程确认和灭菌验证。",
        8,
        90,
    ),
    CatalogueService(
        "SV-CDMO-5",
        "plat.cdmo",
        "规模化量产与供应链管理",
        "cdmo",
        "产品获证后承接放量生产，集中采购原材料和包装，管理外协和仓储配送。",
        4,
        45,
    ),
    # --- accelerator pilot platform -----------------------------------------------------------
    CatalogueService(
        "SV-PIL-1",
        "plat.pilot",
        "电子束辐照灭菌",
        "pilot",
        "10兆电子伏电子加速器提供医用耗材和包装材料的辐照灭菌，可做剂量分布验证。",
        60,
        7,
        "按体积和剂量计价",
    ),
    CatalogueService(
        "SV-PIL-2",
        "plat.pilot",
        "医用同位素制备中试",
        "pilot",
        "小型回旋加速器制备短半衰期核素，支持放射性药物的工艺放大和临床样品供应。",
        6,
        30,
    ),
    CatalogueService(
        "SV-PIL-3",
        "plat.pilot",
        "材料辐照改性试验",
        "pilot",
        "对高分子医用材料做辐照交联和改性试验，出具性能对比数据。",
        15,
        21,
    ),
    CatalogueService(
        "SV-PIL-4",
        "plat.pilot",
        "药品中试放大与批生产",
        "pilot",
        "从百克级到公斤级的工艺放大，在GMP条件下生产临床试验用样品。",
        3,
        90,
    ),
    # --- CSO cluster --------------------------------------------------------------------------
    CatalogueService(
        "SV-CSO-1",
        "plat.cso",
        "新药械学术推广",
        "cso",
        "组织专家共识会、病例分享和继续教育项目，帮助新上市产品建立临床认知。",
        10,
        60,
    ),
    CatalogueService(
        "SV-CSO-2",
        "plat.cso",
        "医院准入与招采挂网",
        "cso",
        "协助企业完成省级平台挂网、医院药事会准入和集中采购投标。",
        15,
        90,
    ),
    CatalogueService(
        "SV-CSO-3",
        "plat.cso",
        "西南市场渠道拓展",
        "cso",
        "对接区域医药商业公司和连锁药房，搭建覆盖西南各省的分销渠道。",
        8,
        45,
    ),
    CatalogueService(
        "SV-CSO-4",
        "plat.cso",
        "数字化营销与直播推介",
        "cso",
        "利用展示交易中心直播间做合规的产品推介和线上招商。",
        20,
        14,
    ),
    # --- testing platform ---------------------------------------------------------------------
    CatalogueService(
        "SV-TST-1",
        "plat.testing",
        "有源医疗器械安规与电磁兼容预测试",
        "testing",
        "在正式注册检验前做安规和电磁兼容摸底测试，提前发现整改问题。",
        25,
        10,
    ),
    CatalogueService(
        "SV-TST-2",
        "plat.testing",
        "生物相容性评价",
        "preclinical",
        "细胞毒性、致敏、刺激和植入等生物学评价试验，出具符合注册要求的报告。",
        30,
        45,
    ),
    CatalogueService(
        "SV-TST-3",
        "plat.testing",
        "药品质量检测与方法验证",
        "testing",
        "原料药和制剂的含量、有关物质和溶出度检测，以及分析方法开发与验证。",
        50,
        15,
    ),
    CatalogueService(
        "SV-TST-4",
        "plat.testing",
        "IVD试剂性能评估",
        "testing",
        "体外诊断试剂的精密度、准确度、线性和参考区间评估，配合临床样本开展比对。",
        20,
        30,
    ),
    # --- preclinical (institute acting as a platform) -----------------------------------------
    CatalogueService(
        "SV-PRE-1",
        "inst.drug_safety",
        "GLP毒理学评价",
        "preclinical",
        "单次和重复给药毒性、遗传毒性和生殖毒性试验，满足新药临床试验申请要求。",
        8,
        120,
    ),
    CatalogueService(
        "SV-PRE-2",
        "inst.drug_safety",
        "药效学与药代动力学研究",
        "preclinical",
        "在小鼠、大鼠和犬模型上开展药效和药代研究，配套生物分析实验室。",
        12,
        60,
    ),
    # --- registration -------------------------------------------------------------------------
    CatalogueService(
        "SV-REG-1",
        "plat.reg",
        "医疗器械注册申报代理",
        "registration",
        "编写注册申报资料、发补答复和沟通交流，覆盖二类和三类医疗器械。",
        15,
        180,
    ),
    CatalogueService(
        "SV-REG-2",
        "plat.reg",
        "创新医疗器械特别审查申请辅导",
        "registration",
        "评估产品创新性，准备特别审查申请材料，争取进入优先通道。",
        5,
        60,
    ),
    CatalogueService(
        "SV-REG-3",
        "plat.reg",
        "生产许可与体系核查辅导",
        "registration",
        "模拟体系核查，辅导企业取得医疗器械生产许可或药品生产许可证。",
        10,
        45,
    ),
    # --- finance ------------------------------------------------------------------------------
    CatalogueService(
        "SV-FIN-1",
        "plat.finance",
        "生物医药投融资路演",
        "finance",
        "每月一期路演，邀请天使、创投和引导基金参加，项目可获得一对一约谈。",
        12,
        30,
        "免费",
    ),
    CatalogueService(
        "SV-FIN-2",
        "plat.finance",
        "知识产权质押与科技贷款对接",
        "finance",
        "对接合作银行的知识产权质押贷款和科技贷款，区级财政给予贴息。",
        20,
        30,
    ),
    CatalogueService(
        "SV-FIN-3",
        "plat.finance",
        "引导基金申报与返投核对",
        "finance",
        "协助子基金和直投项目准备引导基金申报材料，核对返投口径。",
        6,
        45,
    ),
    # --- offshore innovation centre -----------------------------------------------------------
    CatalogueService(
        "SV-OFF-1",
        "inc.offshore",
        "沪上研发、桐华转化的离岸孵化",
        "finance",
        "在上海提供工位和融资对接，项目成熟后协调桐华区的厂房、政策和临床资源落地。",
        6,
        30,
    ),
]


def catalogue_entries() -> list[dict[str, object]]:
    """The catalogue as plain records, for writing and judging needs against it.

    One dict per resource: ``key`` (stable), ``kind`` (space, service, investor, partner),
    ``title``, ``text`` and ``attributes``. Organisations are keyed "org:<key>", investors
    "investor:<key>", matching ``DemoSummary.catalogue``.
    """
    from .records import CORE_ORGS, INVESTORS

    orgs = {o.key: o for o in CORE_ORGS}
    entries: list[dict[str, object]] = []
    for s in SPACES:
        entries.append(
            {
                "key": s.key,
                "kind": "space",
                "title": s.name,
                "text": s.description,
                "attributes": {
                    "space_kind": s.kind,
                    "park": s.park,
                    "total_m2": s.total_m2,
                    "available_m2": s.available_m2,
                    "rent_yuan_per_m2_month": s.rent,
                    "gmp_grade": s.gmp_grade,
                    "cleanroom_class": s.cleanroom,
                    "floor_load_kg_m2": s.floor_load,
                },
            }
        )
    for v in SERVICES:
        entries.append(
            {
                "key": v.key,
                "kind": "service",
                "title": f"{orgs[v.provider].name}：{v.name}",
                "text": v.description,
                "attributes": {
                    "category": v.category,
                    "provider": f"org:{v.provider}",
                    "capacity_per_month": v.capacity_per_month,
                    "lead_time_days": v.lead_time_days,
                },
            }
        )
    for inv in INVESTORS:
        org = orgs[inv.org_key]
        entries.append(
            {
                "key": f"investor:{inv.org_key}",
                "kind": "investor",
                "title": org.name,
                "text": org.description,
                "attributes": {
                    "stages": list(inv.stages),
                    "sectors": list(inv.sectors),
                    "ticket_min_yuan": inv.ticket_min_wan * 10_000,
                    "ticket_max_yuan": inv.ticket_max_wan * 10_000,
                    "fund_size_yuan": inv.fund_wan * 10_000,
                    "region_preference": inv.region_preference,
                },
            }
        )
    investor_keys = {inv.org_key for inv in INVESTORS}
    for o in CORE_ORGS:
        if o.is_catalogue and o.key not in investor_keys:
            entries.append(
                {
                    "key": f"org:{o.key}",
                    "kind": "platform" if o.kind in {"platform", "incubator"} else "partner",
                    "title": o.name,
                    "text": "；".join(t for t in (o.description, o.products) if t),
                    "attributes": {
                        "org_kind": o.kind,
                        "region": o.region,
                        "chain": list(o.chain),
                        "aliases": list(o.aliases),
                    },
                }
            )
    return entries
