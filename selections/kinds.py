"""What each kind of call asks by default: its application form and review criteria (the organiser may change
both before announcing the call). Bilingual, as data. A choice field names its vocabulary (a ``TextChoices`` of
``selections.choices``, which the registries use too); ``default_form`` writes its options out in both languages."""

import copy

from django.utils import translation

from selections.choices import (
    BrandCategory,
    BrandType,
    CallKind,
    CaseTheme,
    ConstructionMode,
    FieldType,
    KeyField,
    Service,
)


def _field(key, zh, en, kind=FieldType.TEXT, *, required=True, **extra) -> dict:
    return {"key": key, "label_zh": zh, "label_en": en, "type": kind, "required": required, **extra}


def _criterion(code, zh, en, weight) -> dict:
    return {"code": code, "name_zh": zh, "name_en": en, "weight": weight, "max_score": 100}


COMMON_FORM = [
    _field("summary", "申报概述", "Summary of the application", FieldType.LONG_TEXT),
    _field("contact_name", "联系人", "Contact person"),
    _field("contact_phone", "联系电话", "Contact telephone", max_length=30),
]
FORMS = {
    CallKind.PILOT_PLATFORM: [
        _field("key_field", "重点领域", "Key field", FieldType.CHOICE, choices=KeyField),
        _field("industry_direction", "产业方向", "Industry direction"),
        _field("services", "可提供的验证服务", "Validation services offered", FieldType.MULTI_CHOICE, choices=Service),
        _field("construction_mode", "建设模式", "Construction mode", FieldType.CHOICE, choices=ConstructionMode),
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
        _field("key_field", "重点领域", "Key field", FieldType.CHOICE, choices=KeyField),
        _field("industry_direction", "产业方向", "Industry direction"),
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
            choices=BrandType,
        ),
        _field(
            "category",
            "品牌类别",
            "Sub-category",
            FieldType.CHOICE,
            required=False,
            choices=BrandCategory,
        ),
        _field("field", "所属领域", "Field"),
        _field("founded", "创立时间", "Founded", FieldType.DATE),
    ],
    CallKind.TYPICAL_CASE: [
        _field("theme", "案例主题", "Theme", FieldType.CHOICE, choices=CaseTheme),
        _field("methods", "方法与做法", "Methods used", FieldType.LONG_TEXT),
        _field("results", "实施成效（量化）", "Measured results", FieldType.LONG_TEXT),
    ],
}
# The answers each kind's registry reads when an application is published (labs, pilots, brands, cases): an
# organiser may reword these questions but not remove them or change their shape.
REGISTRY_FIELDS = {
    CallKind.LAB: {"product_field"},
    CallKind.LAB_REASSESSMENT: {"new_name_zh", "new_name_en"},
    CallKind.PILOT_PLATFORM: {
        "key_field",
        "industry_direction",
        "services",
        "construction_mode",
        "equipment",
        "capacity",
    },
    CallKind.PILOT_SCENARIO: {"key_field", "industry_direction", "scenario", "results"},
    CallKind.BRAND: {"brand", "brand_type", "category", "field"},
    CallKind.TYPICAL_CASE: {"theme", "summary", "methods", "results"},
}
CRITERIA = {
    kind: [
        _criterion("C1", "基础条件", "Foundations and resources", "0.3"),
        _criterion("C2", "能力水平", "Capability", "0.4"),
        _criterion("C3", "成效与示范作用", "Results and example to others", "0.3"),
    ]
    for kind in CallKind.values
}


def _options(vocabulary) -> list[dict]:
    """A vocabulary's options with their labels in Chinese and in English, as a call's form stores them."""
    options = []
    for value, label in vocabulary.choices:
        with translation.override("zh-hans"):
            zh = str(label)
        with translation.override("en"):
            en = str(label)
        options.append({"value": value, "label_zh": zh, "label_en": en})
    return options


def default_form(kind: str) -> list[dict]:
    fields = copy.deepcopy([*COMMON_FORM, *FORMS.get(kind, [])])
    for field in fields:
        if isinstance(field.get("choices"), type):
            field["choices"] = _options(field["choices"])
    return fields
