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
    questions = seed_questions(by=by)
    if PolicyDocument.objects.exists():
        return {"documents": PolicyDocument.objects.count(), **questions}
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
    return {"documents": len(made), **questions}


# The "100 Questions" Q&A: a few questions written by the team, every answer marked "（演示）" / "(demo)".
CATEGORIES = [
    ("basics", "基本概念", "The basics", 1),
    ("levels", "等级与结果", "Levels and results", 2),
    ("process", "评价流程", "The evaluation process", 3),
    ("tools", "工具与材料", "Tools and documents", 4),
]

QUESTIONS = [
    (
        "basics",
        "",
        "什么是质量管理能力评价？",
        "What is the quality management capability evaluation?",
        "（演示）对企业质量管理能力的分级评价，从体系、过程、结果等维度衡量企业所处的等级。",
        "(demo) A graded evaluation of an enterprise's quality management capability, measuring the level it has "
        "reached across dimensions such as system, process and results.",
    ),
    (
        "basics",
        "",
        "哪些企业可以参加评价？",
        "Which enterprises can take part?",
        "（演示）在中国境内依法登记的工业企业均可自愿参加，先完成自评，再申请现场评价。",
        "(demo) Any industrial enterprise registered in China may take part voluntarily: first a self-assessment, "
        "then an on-site evaluation on request.",
    ),
    (
        "basics",
        "",
        "评价收费吗？",
        "Does the evaluation cost anything?",
        "（演示）在线自评免费；现场评价由评价机构按公开标准收费。",
        "(demo) The online self-assessment is free; on-site evaluations are charged by the institution at its "
        "published rates.",
    ),
    (
        "levels",
        "levels",
        "五个等级分别是什么意思？",
        "What do the five levels mean?",
        "（演示）经验级、检验级、保证级、预防级、卓越级，由低到高：从依靠个人经验，到依靠检验把关，再到体系保证、"
        "风险预防和持续卓越。",
        "(demo) Experience, inspection, assurance, prevention and excellence, from lowest to highest: from relying "
        "on people's experience, through catching defects by inspection, to a system that assures quality, "
        "prevents risks and keeps improving.",
    ),
    (
        "levels",
        "",
        "为什么没有达到下一等级？",
        "Why is the next level not reached?",
        "（演示）结果页列出未达到下一等级规则的要求，按先后顺序改进即可；有否决条件时，先满足否决条件。",
        "(demo) The result page lists the requirements that keep the next level out of reach; improve them in that "
        "order, and meet any blocking condition first.",
    ),
    (
        "levels",
        "",
        "自评等级和现场评价等级有什么不同？",
        "How does the self-assessed level differ from the on-site result?",
        "（演示）自评等级由企业自己打分得出；现场评价等级由评价组核实证据后给出，是正式结果。",
        "(demo) The self-assessed level comes from the enterprise's own ratings; the on-site result is given by the "
        "assessment team after checking the evidence, and is the official one.",
    ),
    (
        "process",
        "",
        "评价需要多长时间？",
        "How long does an evaluation take?",
        "（演示）自评通常一两周；现场评价一般两到三天，结果在公示期满后发布。",
        "(demo) A self-assessment usually takes a week or two; an on-site evaluation two to three days, with the "
        "result published after the public notice period.",
    ),
    (
        "process",
        "",
        "对评价结果有异议怎么办？",
        "What if we disagree with the result?",
        "（演示）在公示期内通过平台提出异议，主管部门会组织复核并答复。",
        "(demo) Raise an objection on the platform during the public notice period; the authority reviews it and "
        "replies.",
    ),
    (
        "process",
        "",
        "证书有效期多长？",
        "How long is a certificate valid?",
        "（演示）证书有效期三年，期间可通过证书编号在线核验。",
        "(demo) Three years; anyone can verify it online by its number during that time.",
    ),
    (
        "tools",
        "workbook",
        "评分工作簿怎么用？",
        "How do rating workbooks work?",
        "（演示）评价员下载模板，在离线状态下填写“评分”和“意见”两列后上传；平台先检查整个文件，显示将要改变的内容，"
        "确认后才写入。",
        "(demo) Assessors download a template, fill in the Rating and Comment columns off-line and upload it; the "
        "platform checks the whole file first and shows what would change before anything is written.",
    ),
    (
        "tools",
        "",
        "证据材料支持哪些文件格式？",
        "Which file types can evidence be?",
        "（演示）PDF、图片和Office文档；文件类型按内容检查，大小有上限。",
        "(demo) PDF, images and Office documents; the type is checked by content and the size is limited.",
    ),
    (
        "tools",
        "",
        "在哪里查找相关标准？",
        "Where can we find the relevant standards?",
        "（演示）在平台的政策与标准库中，可按编号、标题或摘要检索。",
        "(demo) In the platform's policy and standards library, searchable by number, title or summary.",
    ),
]

SUBMITTED = "（演示）中小企业可以只评价部分维度吗？"


def seed_questions(*, by: User) -> dict:
    """The demo Q&A; idempotent (nothing is added once a category exists)."""
    from knowledge.models import Question, QuestionCategory, QuestionStatus

    if QuestionCategory.objects.exists():
        return {"questions": Question.objects.count()}
    categories = {
        code: QuestionCategory.objects.create(code=code, name_zh=zh, name_en=en, order=order)
        for code, zh, en, order in CATEGORIES
    }
    for order, (code, anchor, q_zh, q_en, a_zh, a_en) in enumerate(QUESTIONS, start=1):
        Question.objects.create(
            category=categories[code],
            order=order,
            anchor=anchor,
            question_zh=q_zh,
            question_en=q_en,
            answer_zh=a_zh,
            answer_en=a_en,
            status=QuestionStatus.PUBLISHED,
            answered_by=by,
        )
    Question.objects.create(question_zh=SUBMITTED, status=QuestionStatus.SUBMITTED)
    return {"questions": Question.objects.count()}
