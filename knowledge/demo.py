"""Demo library content written by the team, clearly marked "（演示）" / "(demo)" in every summary: the 2024 and
2025 MIIT quality-work notices, two national standards (GB/T 19580, GB/T 19001), an interpretation of the five
maturity levels, and a superseded edition of GB/T 19001. The summaries are our own short descriptions, not the
documents' text. Idempotent: nothing is added once a document exists."""

# ruff: noqa: RUF001 (official document numbers use Chinese tortoise-shell brackets)

from datetime import date

from accounts.models import User
from enterprises.models import Industry
from knowledge.models import DocumentKind, DocumentStatus, PolicyDocument, Topic

MIIT_ZH, MIIT_EN = "工业和信息化部办公厅", "General Office of the Ministry of Industry and Information Technology"
SAC_ZH = "国家市场监督管理总局、国家标准化管理委员会"
SAC_EN = "State Administration for Market Regulation; Standardization Administration of China"

DOCUMENTS = [
    {
        "kind": DocumentKind.NOTICE,
        "number": "工信厅科函〔2024〕113号",
        "title_zh": "工业和信息化部办公厅关于做好2024年工业和信息化质量工作的通知",
        "title_en": "Notice on Doing a Good Job in Industrial and Information Technology Quality Work in 2024",
        "issuer_zh": MIIT_ZH,
        "issuer_en": MIIT_EN,
        "issued_on": date(2024, 4, 3),
        "status": DocumentStatus.IN_FORCE,
        "topic": Topic.QUALITY_MANAGEMENT,
        "dimensions": ["D1", "D2", "D3", "D4"],
        "industries": [],
        "summary_zh": "（演示）部署2024年质量提升、中试发展和品牌建设工作，提出五个方面20项重点任务，"
        "包括推进制造业卓越质量工程、开展质量管理能力评价。",
        "summary_en": "(demo) Sets out 2024's work on quality improvement, pilot-scale development and brand "
        "building: 20 key tasks in five areas, including the manufacturing excellence quality project and the "
        "quality management capability evaluation.",
    },
    {
        "kind": DocumentKind.NOTICE,
        "number": "工信厅科函〔2025〕161号",
        "title_zh": "工业和信息化部办公厅关于进一步加强2025年工业和信息化质量支撑、中试发展和品牌建设工作的通知",
        "title_en": "Notice on Further Strengthening Quality Support, Pilot-scale Development and Brand Building "
        "in Industry and Informatization for 2025",
        "issuer_zh": MIIT_ZH,
        "issuer_en": MIIT_EN,
        "issued_on": date(2025, 4, 22),
        "status": DocumentStatus.IN_FORCE,
        "topic": Topic.PILOT,
        "dimensions": ["D1", "D2"],
        "industries": [],
        "summary_zh": "（演示）部署2025年质量支撑、中试发展和品牌建设工作。年度工作总结于2025年12月15日前报送。",
        "summary_en": "(demo) Sets out 2025's work on quality support, pilot-scale development and brand "
        "building; annual summaries are due by 15 December 2025.",
    },
    {
        "kind": DocumentKind.STANDARD,
        "number": "GB/T 19580-2012",
        "title_zh": "卓越绩效评价准则",
        "title_en": "Criteria for performance excellence",
        "issuer_zh": SAC_ZH,
        "issuer_en": SAC_EN,
        "issued_on": date(2012, 3, 9),
        "status": DocumentStatus.IN_FORCE,
        "topic": Topic.QUALITY_MANAGEMENT,
        "dimensions": ["D3", "D4"],
        "industries": [],
        "summary_zh": "（演示）从领导、战略、顾客与市场、资源、过程管理、测量分析与改进和结果七个方面评价组织绩效。",
        "summary_en": "(demo) Assesses an organisation's performance in seven categories: leadership, strategy, "
        "customers and markets, resources, process management, measurement and improvement, and results.",
    },
    {
        "kind": DocumentKind.STANDARD,
        "number": "GB/T 19001-2016",
        "title_zh": "质量管理体系 要求",
        "title_en": "Quality management systems — Requirements",
        "issuer_zh": SAC_ZH,
        "issuer_en": SAC_EN,
        "issued_on": date(2016, 12, 30),
        "status": DocumentStatus.IN_FORCE,
        "topic": Topic.STANDARDS,
        "dimensions": ["D1"],
        "industries": ["36", "38", "39"],
        "summary_zh": "（演示）等同采用ISO 9001:2015，规定质量管理体系要求，是质量管理能力评价的基础标准之一。",
        "summary_en": "(demo) The national adoption of ISO 9001:2015: the requirements of a quality management "
        "system, one of the bases of the capability evaluation.",
    },
    {
        "kind": DocumentKind.STANDARD,
        "number": "GB/T 19001-2008",
        "title_zh": "质量管理体系 要求（2008版）",
        "title_en": "Quality management systems — Requirements (2008 edition)",
        "issuer_zh": SAC_ZH,
        "issuer_en": SAC_EN,
        "issued_on": date(2008, 10, 29),
        "status": DocumentStatus.SUPERSEDED,
        "topic": Topic.STANDARDS,
        "dimensions": ["D1"],
        "industries": [],
        "supersede_with": "GB/T 19001-2016",
        "summary_zh": "（演示）已被GB/T 19001-2016代替，仅供查阅历史版本。",
        "summary_en": "(demo) Superseded by GB/T 19001-2016; kept for reference to the earlier edition.",
    },
    {
        "kind": DocumentKind.INTERPRETATION,
        "number": "QP-JD-2025-01",
        "title_zh": "质量管理能力五个等级解读",
        "title_en": "The five levels of quality management capability explained",
        "issuer_zh": "QualityPath平台（演示）",
        "issuer_en": "QualityPath (demo)",
        "issued_on": date(2025, 6, 1),
        "status": DocumentStatus.IN_FORCE,
        "topic": Topic.TRAINING,
        "dimensions": ["D1", "D2", "D3", "D4"],
        "industries": [],
        "summary_zh": "（演示）解释评价结果的五个等级——经验级、检验级、保证级、预防级、卓越级——及各级的典型特征。",
        "summary_en": "(demo) Explains the five levels of the result — experience, inspection, assurance, "
        "prevention, excellence — and what typically marks each.",
    },
]


def seed_knowledge(*, by: User) -> dict:
    if PolicyDocument.objects.exists():
        return {"documents": PolicyDocument.objects.count()}
    made = {}
    for entry in DOCUMENTS:
        values = {k: v for k, v in entry.items() if k not in ("industries", "supersede_with")}
        document = PolicyDocument.objects.create(created_by=by, **values)
        document.industries.set(Industry.objects.filter(code__in=entry["industries"]))
        made[document.number] = document
    for entry in DOCUMENTS:
        if "supersede_with" in entry:
            old = made[entry["number"]]
            old.superseded_by = made[entry["supersede_with"]]
            old.save(update_fields=["superseded_by"])
    return {"documents": len(made)}
