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
FORMS = {
    CallKind.PILOT_PLATFORM: [
        _field("key_field", "重点领域", "Key field", FieldType.CHOICE, choices=KEY_FIELDS),
        _field("industry_direction", "产业方向", "Industry direction"),
        _field("services", "可提供的验证服务", "Validation services offered", FieldType.LONG_TEXT),
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
        _field("founded", "创立时间", "Founded", FieldType.DATE),
    ],
    CallKind.TYPICAL_CASE: [
        _field("theme", "案例主题", "Theme"),
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
