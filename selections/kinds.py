"""What each kind of call asks by default: its application form and review criteria (the organiser may change
both before announcing the call). Bilingual, as data."""

from selections.choices import CallKind, FieldType


def _field(key, zh, en, kind=FieldType.TEXT, *, required=True, **extra) -> dict:
    return {"key": key, "label_zh": zh, "label_en": en, "type": kind, "required": required, **extra}


def _criterion(code, zh, en, weight) -> dict:
    return {"code": code, "name_zh": zh, "name_en": en, "weight": weight, "max_score": 100}


COMMON_FORM = [
    _field("summary", "申报概述", "Summary of the application", FieldType.LONG_TEXT),
    _field("contact_name", "联系人", "Contact person"),
    _field("contact_phone", "联系电话", "Contact telephone", max_length=30),
]
KEY_FIELDS = [
    {"value": value, "label_zh": zh, "label_en": en}
    for value, zh, en in (
        ("raw_materials", "原材料", "Raw materials"),
        ("equipment", "装备制造", "Equipment manufacturing"),
        ("consumer_goods", "消费品", "Consumer goods"),
        ("electronics", "电子信息", "Electronics and information"),
        ("new_energy", "新能源", "New energy"),
        ("biomedicine", "生物医药", "Biomedicine"),
    )
]
SERVICES = [
    {"value": value, "label_zh": zh, "label_en": en}
    for value, zh, en in (
        ("design", "设计验证", "Design validation"),
        ("performance", "功能与性能验证", "Function and performance validation"),
        ("process", "工艺验证", "Process validation"),
        ("adaptation", "适配验证", "Adaptation validation"),
        ("production", "生产验证", "Production validation"),
    )
]
MODES = [
    {"value": value, "label_zh": zh, "label_en": en}
    for value, zh, en in (
        ("enterprise", "企业自建", "Built by an enterprise"),
        ("alliance", "产学研联合共建", "Industry, university and research together"),
        ("cluster", "园区或集群共建", "Built by a park or cluster"),
        ("institute", "科研院所建设", "Built by a research institute"),
        ("public_service", "公共服务机构建设", "Built by a public service body"),
        ("government_guided", "政府引导、市场化运营", "Government-guided, market-run"),
    )
]
THEMES = [
    {"value": value, "label_zh": zh, "label_en": en}
    for value, zh, en in (
        ("quality_improvement", "质量提升", "Quality improvement"),
        ("reliability", "可靠性", "Reliability"),
        ("digital_quality", "数字化质量管理", "Digital quality management"),
        ("brand_creation", "品牌创建", "Brand creation"),
        ("pilot", "中试验证", "Pilot-scale verification"),
    )
]
FORMS = {
    CallKind.PILOT_PLATFORM: [
        _field("key_field", "重点领域", "Key field", FieldType.CHOICE, choices=KEY_FIELDS),
        _field("industry_direction", "产业方向", "Industry direction"),
        _field("services", "可提供的验证服务", "Validation services offered", FieldType.MULTI_CHOICE, choices=SERVICES),
        _field("construction_mode", "建设模式", "Construction mode", FieldType.CHOICE, choices=MODES),
        _field("equipment", "主要中试设备", "Main pilot equipment", FieldType.LONG_TEXT),
        _field("capacity", "中试能力", "Pilot capacity", FieldType.LONG_TEXT),
        _field(
            "equipment_value", "中试设备原值（万元）", "Pilot equipment value (10,000 yuan)", FieldType.NUMBER, min=0
        ),
        _field("services_last_year", "上年服务企业数", "Enterprises served last year", FieldType.NUMBER, min=0),
    ],
    CallKind.LAB: [
        _field("product_field", "产品领域", "Product field"),
        _field("staff", "专业技术人员数", "Technical staff", FieldType.NUMBER, min=0),
        _field("accreditations", "资质认可情况", "Accreditations held", FieldType.LONG_TEXT),
    ],
    CallKind.LAB_REASSESSMENT: [
        _field("achievements", "三年建设成效", "Achievements of the last three years", FieldType.LONG_TEXT),
        _field("new_name_zh", "拟更名（中文，如有）", "New name in Chinese, if renamed", required=False),
        _field("new_name_en", "拟更名（英文，如有）", "New name in English, if renamed", required=False),
    ],
    CallKind.PILOT_SCENARIO: [
        _field("scenario", "场景描述", "The scenario", FieldType.LONG_TEXT),
        _field("results", "应用成效", "Measured results", FieldType.LONG_TEXT),
    ],
    CallKind.BRAND: [
        _field("brand", "品牌名称", "Brand name"),
        _field(
            "brand_type",
            "品牌类型",
            "Brand type",
            FieldType.CHOICE,
            choices=[
                {"value": "enterprise", "label_zh": "企业品牌", "label_en": "Enterprise brand"},
                {"value": "product", "label_zh": "产品品牌", "label_en": "Product brand"},
                {"value": "cluster", "label_zh": "区域产业集群品牌", "label_en": "Regional cluster brand"},
            ],
        ),
        _field(
            "category",
            "品牌类别",
            "Sub-category",
            FieldType.CHOICE,
            required=False,
            choices=[
                {"value": "historic_classic", "label_zh": "历史经典", "label_en": "Historic classic"},
                {"value": "contemporary_quality", "label_zh": "时代优品", "label_en": "Contemporary quality"},
                {"value": "trendy_newcomer", "label_zh": "潮流新锐", "label_en": "Trendy newcomer"},
            ],
        ),
        _field("field", "所属领域", "Field"),
        _field("founded", "创立时间", "Founded", FieldType.DATE),
    ],
    CallKind.TYPICAL_CASE: [
        _field("theme", "案例主题", "Theme", FieldType.CHOICE, choices=THEMES),
        _field("methods", "方法与做法", "Methods used", FieldType.LONG_TEXT),
        _field("results", "实施成效（量化）", "Measured results", FieldType.LONG_TEXT),
    ],
}
CRITERIA = {
    kind: [
        _criterion("C1", "基础条件", "Foundations and resources", "0.3"),
        _criterion("C2", "能力水平", "Capability", "0.4"),
        _criterion("C3", "成效与示范作用", "Results and example to others", "0.3"),
    ]
    for kind in CallKind.values
}


def default_form(kind: str) -> list[dict]:
    return [*COMMON_FORM, *FORMS.get(kind, [])]
