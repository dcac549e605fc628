"""The demo district's geography, org units and demo logins (all names invented).

Region codes are short ASCII paths: province ``xs`` → city ``xs.jc`` → the demo district
``xs.jc.th`` → its zones and parks. Other cities hold the outside organisations the district
works with; ``cq.gl`` is another city's district whose bureau (the outsider) must see nothing of
ours.
"""

from __future__ import annotations

#: Region code of the demo district (stable: tests, docs and the CLI refer to it).
DEMO_DISTRICT_CODE = "xs.jc.th"
#: Region code of the outsider's district (another city); its bureau sees none of our records.
OUTSIDER_DISTRICT_CODE = "cq.gl"

#: The password every demo login uses (documented in the README via DemoSummary.logins).
DEMO_PASSWORD = "yiqiao-demo"

# (code, name, kind, parent code, administrative division code used inside generated USCCs)
REGIONS: list[tuple[str, str, str, str | None, str]] = [
    ("xs", "西蜀省", "province", None, "560000"),
    ("xs.jc", "锦城市", "city", "xs", "569100"),
    ("xs.jc.th", "桐华区", "district", "xs.jc", "569107"),
    ("xs.jc.th.ez", "桐华经济开发区", "zone", "xs.jc.th", "569107"),
    ("xs.jc.th.tmp", "桐华转化医学产业园", "park", "xs.jc.th", "569107"),
    ("xs.jc.th.smv", "桐华国际智慧医谷", "park", "xs.jc.th", "569107"),
    ("xs.jc.th.clz", "桐华商贸物流功能区", "zone", "xs.jc.th", "569107"),
    ("xs.jc.wc", "望川区", "district", "xs.jc", "569105"),
    ("xs.ms", "眉州市", "city", "xs", "569400"),
    ("sh", "上海市", "city", None, "310000"),
    ("sh.pd", "浦东新区", "district", "sh", "310115"),
    ("js", "江苏省", "province", None, "320000"),
    ("js.sz", "苏州市", "city", "js", "320500"),
    ("js.tz", "泰州市", "city", "js", "321200"),
    ("cq", "重庆市", "city", None, "500000"),
    ("cq.gl", "歌乐区", "district", "cq", "500106"),
    ("gd", "广东省", "province", None, "440000"),
    ("gd.sz", "深圳市", "city", "gd", "440300"),
    ("bj", "北京市", "city", None, "110000"),
]

# The parks of the demo district where generated enterprises and spaces sit, with the share of
# park-located enterprises each receives.
PARK_CODES = ["xs.jc.th.ez", "xs.jc.th.tmp", "xs.jc.th.smv", "xs.jc.th.clz"]

# (key, name, kind, region code, parent key)
ORG_UNITS: list[tuple[str, str, str, str, str | None]] = [
    ("bureau", "桐华区商务局（投资促进局）", "bureau", "xs.jc.th", None),
    ("ez", "桐华经济开发区管理委员会", "park_committee", "xs.jc.th.ez", "bureau"),
    ("tmp", "桐华转化医学产业园管理委员会", "park_committee", "xs.jc.th.tmp", "bureau"),
    ("poc", "启衡概念验证中心运营部", "platform", "xs.jc.th.smv", "bureau"),
    ("portal", "桐华区企业服务门户", "enterprise", "xs.jc.th", "bureau"),
    ("outsider", "歌乐区投资促进中心", "bureau", "cq.gl", None),
]

# (username, org unit key, role, organisation key or None, display name, Chinese description)
USERS: list[tuple[str, str, str, str | None, str, str]] = [
    ("admin", "bureau", "admin", None, "周启明", "管理员（桐华区商务局）"),
    ("officer", "bureau", "officer", None, "林晓岚", "招商专员（桐华区商务局）"),
    ("park", "tmp", "officer", None, "何嘉宁", "园区专员（转化医学产业园管委会）"),
    ("viewer", "bureau", "viewer", None, "宋雨桐", "只读用户"),
    ("leader", "bureau", "leader", None, "郑国栋", "区领导（驾驶舱，只读）"),
    ("enterprise", "portal", "enterprise", "ent.ivd", "许安然", "企业用户（川诺诊断）"),
    ("platform", "poc", "platform", "plat.poc", "罗一帆", "平台运营方（启衡概念验证中心）"),
    ("outsider", "outsider", "officer", None, "唐可欣", "外区招商专员（歌乐区，不应看到桐华数据）"),
]
