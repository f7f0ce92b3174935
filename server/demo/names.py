"""Pools of Chinese names and job titles used by the demo org generator.

Kept apart from ``orgdata`` so the org structure stays readable; every
character used in a name carries its romanization here because usernames
are derived from it.
"""

from __future__ import annotations


def _parse_pairs(text: str) -> tuple[tuple[str, str], ...]:
    return tuple((hanzi, pinyin) for hanzi, pinyin in (item.split(":") for item in text.split()))


def _parse_surnames(text: str) -> tuple[tuple[str, str, float], ...]:
    rows = (item.split(":") for item in text.split())
    return tuple((hanzi, pinyin, float(weight)) for hanzi, pinyin, weight in rows)


# Weights roughly follow published surname frequencies (per mille) so a
# 200-person company has many 王/李/张 and only the odd 覃 or 莫.
SURNAMES: tuple[tuple[str, str, float], ...] = _parse_surnames(
    """
    王:wang:71 李:li:70 张:zhang:67 刘:liu:54 陈:chen:45 杨:yang:31
    黄:huang:22 赵:zhao:20 吴:wu:19 周:zhou:19 徐:xu:13 孙:sun:13
    马:ma:11 朱:zhu:11 胡:hu:10 郭:guo:10 何:he:9 林:lin:9 高:gao:9
    罗:luo:8 郑:zheng:8 梁:liang:7 谢:xie:6 宋:song:5 唐:tang:5 许:xu:5
    韩:han:5 冯:feng:4 邓:deng:4 曹:cao:4 彭:peng:4 曾:zeng:4 肖:xiao:4
    田:tian:3 董:dong:3 袁:yuan:3 潘:pan:3 于:yu:3 蒋:jiang:3 蔡:cai:3
    余:yu:3 杜:du:3 叶:ye:3 程:cheng:3 苏:su:3 魏:wei:3 吕:lv:3 丁:ding:3
    任:ren:3 沈:shen:3 姚:yao:2 卢:lu:2 姜:jiang:2 崔:cui:2 钟:zhong:2
    谭:tan:2 陆:lu:2 汪:wang:2 范:fan:2 金:jin:2 石:shi:2 廖:liao:2
    贾:jia:2 夏:xia:2 韦:wei:2 方:fang:2 白:bai:2 邹:zou:2 孟:meng:2
    熊:xiong:2 秦:qin:2 邱:qiu:2 江:jiang:2 尹:yin:2 薛:xue:2 段:duan:1
    雷:lei:1 侯:hou:1 龙:long:1 史:shi:1 陶:tao:1 黎:li:1 贺:he:1 顾:gu:1
    毛:mao:1 郝:hao:1 龚:gong:1 邵:shao:1 万:wan:1 钱:qian:1 严:yan:1
    覃:qin:1 武:wu:1 戴:dai:1 莫:mo:1 孔:kong:1
    """
)

# A mix of generations (建国, 秀英 ... 子涵, 梓萱) because a real workforce
# spans forty years of naming fashion.
GIVEN_NAMES: tuple[tuple[str, str], ...] = _parse_pairs(
    """
    伟:wei 芳:fang 娜:na 敏:min 静:jing 丽:li 强:qiang 磊:lei 军:jun
    洋:yang 勇:yong 艳:yan 杰:jie 娟:juan 涛:tao 明:ming 超:chao 霞:xia
    平:ping 刚:gang 辉:hui 鹏:peng 华:hua 飞:fei 鑫:xin 波:bo 斌:bin
    宇:yu 浩:hao 凯:kai 健:jian 俊:jun 帆:fan 帅:shuai 旭:xu 宁:ning
    琳:lin 婷:ting 雪:xue 慧:hui 莉:li 倩:qian 颖:ying 蕾:lei 楠:nan
    晨:chen 瑶:yao 玲:ling 欢:huan 萍:ping 红:hong 梅:mei 燕:yan 峰:feng
    亮:liang 坤:kun 毅:yi 琦:qi
    秀英:xiuying 桂英:guiying 建华:jianhua 建国:jianguo 志强:zhiqiang
    志明:zhiming 海燕:haiyan 晓明:xiaoming 晓东:xiaodong 晓燕:xiaoyan
    丽娟:lijuan 婷婷:tingting 子涵:zihan 浩然:haoran 欣怡:xinyi
    雨轩:yuxuan 梓萱:zixuan 思远:siyuan 一鸣:yiming 嘉怡:jiayi
    俊杰:junjie 文博:wenbo 佳琪:jiaqi 宇航:yuhang 天宇:tianyu
    晨曦:chenxi 梦琪:mengqi 家豪:jiahao 明轩:mingxuan 志伟:zhiwei
    国强:guoqiang 红梅:hongmei 春梅:chunmei 丽华:lihua 玉兰:yulan
    海涛:haitao 海峰:haifeng 建军:jianjun 建平:jianping 立新:lixin
    卫东:weidong 永刚:yonggang 文静:wenjing 雅琴:yaqin 淑华:shuhua
    凤英:fengying 春燕:chunyan 金凤:jinfeng 秀兰:xiulan 德明:deming
    振华:zhenhua 新宇:xinyu 思雨:siyu 诗涵:shihan 若曦:ruoxi 博文:bowen
    昊天:haotian 晓峰:xiaofeng 丹丹:dandan 亚楠:yanan 雪梅:xuemei
    建新:jianxin 宏伟:hongwei 志刚:zhigang 玉梅:yumei 晓丽:xiaoli
    慧敏:huimin 明杰:mingjie 少华:shaohua 国华:guohua 利民:limin
    文龙:wenlong 一凡:yifan 子豪:zihao 泽宇:zeyu 雨桐:yutong
    晓彤:xiaotong 可欣:kexin 诗琪:shiqi
    """
)

# Per department kind: the first ordinary member gets the "lead" title so
# every team has a visible senior person below the manager.
LEAD_TITLES: dict[str, str] = {
    "executive": "总经理助理",
    "sales": "销售主管",
    "marketing": "市场主管",
    "production": "班组长",
    "quality": "质量主管",
    "rnd": "高级工程师",
    "service": "客服主管",
    "hr": "人事主管",
    "finance": "财务主管",
    "procurement": "采购主管",
    "logistics": "仓储主管",
    "it": "IT主管",
    "admin": "行政主管",
}

# Repeated entries are deliberate weights: most of a sales team are
# representatives, not assistants.
STAFF_TITLES: dict[str, tuple[str, ...]] = {
    "executive": ("总经办秘书", "行政助理"),
    "sales": ("销售代表", "销售代表", "销售代表", "高级销售代表", "销售助理", "客户经理"),
    "marketing": ("市场专员", "品牌专员", "市场策划", "新媒体运营"),
    "production": ("操作工", "操作工", "操作工", "装配工", "生产技术员", "设备维修工"),
    "quality": ("质检员", "质检员", "检验员", "质量工程师"),
    "rnd": ("研发工程师", "研发工程师", "工程师", "助理工程师", "高级工程师"),
    "service": ("客服专员", "客服专员", "售后工程师", "客户服务代表"),
    "hr": ("招聘专员", "薪酬福利专员", "人事专员", "员工关系专员"),
    "finance": ("会计", "会计", "出纳", "成本会计", "财务分析师"),
    "procurement": ("采购员", "采购员", "采购工程师", "供应商管理专员"),
    "logistics": ("仓管员", "仓管员", "物流专员", "叉车司机"),
    "it": ("运维工程师", "网络工程师", "IT支持专员", "软件开发工程师"),
    "admin": ("行政专员", "行政专员", "前台接待", "司机"),
}

# Specialist teams whose staff titles differ from their kind's generic pool,
# keyed by department key (shared by both tenants where the key recurs).
DEPARTMENT_TITLES: dict[str, tuple[str, ...]] = {
    "machining": ("数控操作工", "数控操作工", "车工", "铣工", "工艺技术员"),
    "equipment": ("工艺工程师", "设备工程师", "设备维修工"),
    "manufacturing": ("SMT操作员", "SMT操作员", "组装工", "组装工", "生产技术员"),
    "rnd-hardware": ("硬件工程师", "硬件工程师", "结构工程师", "电气工程师"),
    "rnd-software": ("软件工程师", "软件工程师", "前端工程师", "嵌入式工程师"),
    "rnd-testing": ("测试工程师", "测试工程师", "可靠性工程师"),
    "service-field": ("售后工程师", "售后工程师", "现场服务工程师"),
    "training": ("培训专员", "培训讲师"),
    "ehs": ("安全专员", "环保专员"),
    "cost": ("成本会计", "成本分析师"),
    "treasury": ("资金专员", "出纳"),
    "audit": ("内审专员",),
}
