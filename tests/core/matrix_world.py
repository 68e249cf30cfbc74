"""The world the permission matrix runs in: the demo data set, plus the files and assignments the demo leaves out.

Every object the matrix names comes in two kinds where scope matters: one inside the demo users' scope (the
Shenzhen demo enterprise, Guangdong's institution and calls) and one outside it (an enterprise in another province,
another assessor's workbook, another user's export). ``build_world`` returns their ids by name.
"""

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import User
from brands.models import BrandAssessment, BrandEntry
from core.demo import seed_demo
from core.models import Job
from enterprises.models import Enterprise, EnterpriseClaim, SupplierLink
from evaluations.choices import EvaluationStatus, TeamRole
from evaluations.models import Certificate, Evaluation, Evidence, Indicator, Institution, RatingUpload, TeamMember
from indices.models import EarlyWarning
from knowledge.models import DocumentStatus, PolicyAttachment, PolicyDocument, Question, QuestionStatus
from labs.models import Lab
from pilots.models import Platform, Scenario
from products.models import InspectionBatch, InspectionResult
from selections.models import Application, ApplicationAttachment, Call, CallAttachment, Case, Review
from summaries.models import AnnualSummary, SummaryAttachment
from training.models import Course, CourseAttachment, CourseStatus, Enrolment, Session, SessionStatus

# The users of the matrix's columns (demo users; "anonymous" is nobody).
USERS = (
    "anonymous",
    "applicant",  # logged in, no role yet (a pending claim)
    "enterprise_admin",
    "enterprise_member",
    "assessor",
    "lead_assessor",
    "institution_admin",
    "authority_gd",
    "authority_sz",
    "miit",
    "expert",
    "admin",  # platform (system) administrator
    "security_admin",
    "audit_admin",
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _evidence(evaluation: Evaluation, by: User) -> Evidence:
    indicator = Indicator.objects.filter(dimension__model=evaluation.model).order_by("pk").first()
    return Evidence.objects.create(
        evaluation=evaluation,
        indicator=indicator,
        file=ContentFile(PDF, name="evidence.pdf"),
        original_name="evidence.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256="0" * 64,
        uploaded_by=by,
    )


def _upload(by: User, name: str) -> RatingUpload:
    return RatingUpload.objects.create(
        uploaded_by=by, sha256=name.ljust(64, "0")[:64], original_name=name, size=3, file=ContentFile(b"xls", name=name)
    )


def _job_with_output(by: User) -> Job:
    job = Job.objects.create(kind="core.table_export", input={}, created_by=by, status=Job.Status.DONE)
    job.output.save("export.csv", ContentFile(b"a,b\n1,2\n"), save=True)
    return job


def _stored(model, by: User, **owner):
    return model.objects.create(
        **owner,
        file=ContentFile(PDF, name="file.pdf"),
        original_name="file.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256="1" * 64,
        uploaded_by=by,
    )


def _training(users: dict) -> dict:
    """A national course with a file, a Guangdong draft course, the demo's upcoming Shenzhen session (the
    enterprise member holds a place) and a Beijing session, and two completions with certificates: the
    enterprise member's in Shenzhen, another person's in Beijing (outside every demo user's area but MIIT's)."""
    now = timezone.now()
    course = Course.objects.filter(status=CourseStatus.PUBLISHED, authority=None).order_by("pk").first()
    draft = Course.objects.create(
        title_zh="广东草稿课程（演示）", hours=2, authority_id="GD", created_by=users["authority_gd"]
    )
    upcoming = Session.objects.filter(region_id="440300", starts_at__gt=now).order_by("pk").first()
    shenzhen_past = (
        Session.objects.filter(region_id="440300", starts_at__lt=now)
        .exclude(status=SessionStatus.CANCELLED)
        .order_by("pk")
        .first()
    )
    beijing = Session.objects.filter(region_id="110100").order_by("pk").first()
    member = users["enterprise_member"]
    home = member.memberships.get().enterprise
    enrolment = Enrolment.objects.create(session=upcoming, person=member, enterprise=home, enrolled_by=member)
    today = timezone.localdate()
    completed = Enrolment.objects.create(
        session=shenzhen_past,
        person=member,
        enterprise=home,
        enrolled_by=member,
        attended=True,
        completed_on=today,
        certificate_number="PX-MATRIX-1",
        hours_credited=shenzhen_past.course.hours,
    )
    outside = Enrolment.objects.create(
        session=beijing,
        person=users["assessor_li"],
        enrolled_by=users["assessor_li"],
        attended=True,
        completed_on=today,
        certificate_number="PX-MATRIX-2",
        hours_credited=beijing.course.hours,
    )
    return {
        "training_course": course.pk,
        "training_course_attachment": _stored(CourseAttachment, users["miit"], course=course).pk,
        "training_course_draft": draft.pk,
        "training_session": upcoming.pk,
        "training_session_outside": beijing.pk,
        "training_enrolment": enrolment.pk,
        "training_certificate": completed.pk,
        "training_certificate_outside": outside.pk,
    }


def build_world() -> dict:
    seed_demo(enterprises=40, seed=2026)
    names = (*USERS[1:], "assessor_li")
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    home = users["enterprise_admin"].memberships.get().enterprise
    outside = (
        Enterprise.objects.exclude(region__parent_id="440000")
        .exclude(region__code__startswith="44")
        .order_by("pk")
        .first()
    )
    institution = Institution.objects.get(pk=users["lead_assessor"].memberships.get().institution_id)

    home_evaluation = Evaluation.objects.filter(enterprise=home).order_by("-cycle").first()
    outside_evaluation = Evaluation.objects.filter(
        enterprise=outside, status=EvaluationStatus.PUBLISHED
    ).first() or Evaluation.objects.create(
        enterprise=outside, model=home_evaluation.model, cycle=2026, started_by=users["admin"]
    )
    # An on-site evaluation in Guangdong led by the lead assessor, with a second assessor on the team.
    lead = TeamMember.objects.filter(assessor=users["lead_assessor"], role=TeamRole.LEAD).order_by("pk").first()
    onsite = lead.evaluation
    member = TeamMember.objects.filter(evaluation=onsite).exclude(assessor=users["lead_assessor"]).first()
    certificate_home = Certificate.objects.filter(enterprise__region__parent_id="440000").order_by("pk").first()
    warning_gd = EarlyWarning.objects.filter(region_code__startswith="44").order_by("pk").first()
    warning_out = EarlyWarning.objects.exclude(region_code__startswith="44").order_by("pk").first()
    link = SupplierLink.objects.filter(leading=home).order_by("pk").first() or SupplierLink.objects.create(
        leading=home, supplier=Enterprise.objects.filter(region_id="440300").exclude(pk=home.pk).first()
    )
    outside_link = SupplierLink.objects.exclude(leading=home).exclude(supplier=home).order_by("pk").first()
    gd_application = Application.objects.filter(enterprise__region__parent_id="440000").order_by("pk").first()
    summary_gd = AnnualSummary.objects.get(authority__code="GD", template__year=2025)
    call = Call.objects.order_by("pk").first()
    job = _job_with_output(users["enterprise_admin"])
    case = Case.objects.order_by("pk").first()
    policy = PolicyDocument.objects.filter(status=DocumentStatus.IN_FORCE, authority=None).order_by("pk").first()
    # A Guangdong draft: its authority and MIIT see it, nobody else (not even Shenzhen, inside Guangdong).
    policy_draft = PolicyDocument.objects.create(
        kind=policy.kind,
        number="粤工信质（演示）1号",
        title_zh="广东省草稿（演示）",
        title_en="Guangdong draft (demo)",
        issuer_zh="广东省工业和信息化厅",
        issued_on=policy.issued_on,
        status=DocumentStatus.DRAFT,
        authority_id="GD",
        created_by=users["authority_gd"],
    )
    training = _training(users)
    return {
        **training,
        "users": {name: user.pk for name, user in users.items()},
        "home": home.pk,
        "outside": outside.pk,
        "claim": EnterpriseClaim.objects.get(user=users["applicant"]).pk,
        "link": link.pk,
        "outside_link_leading": outside_link.leading_id,
        "outside_link": outside_link.pk,
        "institution": institution.pk,
        "home_evaluation": home_evaluation.pk,
        "outside_evaluation": outside_evaluation.pk,
        "onsite": onsite.pk,
        "lead_assessor": users["lead_assessor"].pk,
        "team_member": member.assessor_id,
        "evidence": _evidence(home_evaluation, users["enterprise_admin"]).pk,
        "outside_evidence": _evidence(outside_evaluation, users["admin"]).pk,
        "certificate": certificate_home.number,
        "upload": _upload(users["lead_assessor"], "lead.xlsx").pk,
        "outside_upload": _upload(users["assessor_li"], "li.xlsx").pk,
        "job": job.pk,
        "outside_job": _job_with_output(users["miit"]).pk,
        "warning": warning_gd.pk,
        "outside_warning": warning_out.pk,
        "call": call.pk,
        "call_attachment": _stored(CallAttachment, users["miit"], call=call).pk,
        "application": gd_application.pk,
        "application_call": gd_application.call_id,
        "application_attachment": _stored(ApplicationAttachment, users["admin"], application=gd_application).pk,
        "case": case.pk,
        "case_attachment": _stored(ApplicationAttachment, users["admin"], application=case.application, public=True).pk,
        "review": Review.objects.filter(expert=users["expert"]).order_by("pk").first().pk,
        "platform": Platform.objects.order_by("pk").first().pk,
        "scenario": Scenario.objects.order_by("pk").first().pk,
        "lab": Lab.objects.order_by("pk").first().pk,
        "policy": policy.pk,
        "policy_attachment": _stored(PolicyAttachment, users["miit"], document=policy).pk,
        "policy_draft": policy_draft.pk,
        "policy_draft_attachment": _stored(PolicyAttachment, users["authority_gd"], document=policy_draft).pk,
        "question_submitted": Question.objects.filter(status=QuestionStatus.SUBMITTED).order_by("pk").first().pk,
        "question_published": Question.objects.filter(status=QuestionStatus.PUBLISHED).order_by("pk").first().pk,
        "brand_assessment": BrandAssessment.objects.filter(enterprise=home).order_by("pk").first().pk,
        "brand_entry": (BrandEntry.objects.order_by("pk").values_list("pk", flat=True).first() or 0),
        "summary_attachment": _stored(SummaryAttachment, users["admin"], summary=summary_gd).pk,
        "inspection": InspectionBatch.objects.order_by("pk").first().pk,
        "inspection_result": InspectionResult.objects.order_by("pk").first().pk,
        "now": timezone.now(),
    }
