from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.choices import ADMIN_DUTY_ROLES, ENTERPRISE_ROLES, INSTITUTION_ROLES, Role
from accounts.mfa import mfa_required
from core.models import DataLoad

_CLAIM_ROLES = (Role.AUTHORITY, Role.NATIONAL, Role.ENTERPRISE_ADMIN)
_SCOPED_ROLES = (Role.AUTHORITY, Role.NATIONAL, Role.PLATFORM_ADMIN, Role.ENTERPRISE_ADMIN, Role.ENTERPRISE_MEMBER)


def _navigation(user) -> list[tuple[str, str]]:
    items = [(_("Home"), reverse("home"))]
    if user.is_authenticated and user.has_role(*ENTERPRISE_ROLES):
        items.append((_("Self-assessment"), reverse("evaluations:evaluation_list")))
        items.append((_("Brand self-evaluation"), reverse("brands:assessment_list")))
    items.append((_("Self-diagnosis"), reverse("evaluations:self_diagnosis")))
    items.append((_("Evaluation model"), reverse("evaluations:model_detail", kwargs={"code": "QMC-2024"})))
    items.append((_("Quality inquiry"), reverse("evaluations:results_inquiry")))
    items.append((_("Public notice"), reverse("evaluations:notice_list")))
    items.append((_("Quality map"), reverse("indices:public_map")))
    items.append((_("Calls"), reverse("selections:call_list")))
    items.append((_("Laboratories"), reverse("labs:lab_list")))
    items.append((_("Pilot platforms"), reverse("pilots:platform_list")))
    items.append((_("Brands"), reverse("brands:entry_list")))
    items.append((_("Product quality"), reverse("products:entry_list")))
    items.append((_("Typical cases"), reverse("selections:case_list")))
    items.append((_("Policies and standards"), reverse("knowledge:document_list")))
    items.append((_("Training"), reverse("training:course_list")))
    if not user.is_authenticated:
        return items
    if user.has_role(*_SCOPED_ROLES):
        items.append((_("Enterprises"), reverse("enterprises:enterprise_list")))
    if user.has_role(Role.AUTHORITY, Role.NATIONAL):
        items.append((_("Submitted self-assessments"), reverse("evaluations:evaluation_queue")))
        items.append((_("Results and publication"), reverse("evaluations:decision_list")))
        items.append((_("Brand self-evaluation"), reverse("brands:assessment_list")))
    if user.has_role(Role.AUTHORITY, Role.NATIONAL, Role.PLATFORM_ADMIN, *INSTITUTION_ROLES):
        items.append((_("Institutions"), reverse("evaluations:institution_list")))
    if user.has_role(Role.AUTHORITY, Role.NATIONAL, Role.PLATFORM_ADMIN):
        items.append((_("Dashboard"), reverse("indices:dashboard")))
    if user.has_role(Role.AUTHORITY, Role.NATIONAL, Role.INSTITUTION_ADMIN):
        items.append((_("Calibration"), reverse("evaluations:calibration")))
    if user.has_role(Role.AUTHORITY, Role.NATIONAL, Role.PLATFORM_ADMIN):
        items.append((_("Early warnings"), reverse("indices:warning_list")))
    if user.has_role(Role.AUTHORITY, Role.NATIONAL):
        items.append((_("Inspection imports"), reverse("products:inspection_import")))
    if user.has_role(Role.AUTHORITY, Role.NATIONAL, Role.PLATFORM_ADMIN):
        items.append((_("Annual summaries"), reverse("summaries:index")))
    items.append((_("My exports"), reverse("core:export_list")))
    if user.has_role(*_CLAIM_ROLES):
        items.append((_("Claims to verify"), reverse("enterprises:claim_list")))
    if user.has_role(Role.AUDIT_ADMIN):
        items.append((_("Audit log"), reverse("accounts:audit_log")))
    if user.has_role(*ADMIN_DUTY_ROLES):
        items.append((_("Administration"), reverse("admin:index")))
    return items


def platform(request) -> dict:
    """What every page's frame needs: navigation for the user's roles and the demo-data banner."""
    user = request.user
    role = user.primary_role if user.is_authenticated else None
    second_factor = mfa_required(user) if user.is_authenticated else False
    # Until the second factor is passed, every page but enrolment, the code page and logging out is shut: no menu.
    pending = second_factor and not (hasattr(user, "is_verified") and user.is_verified())
    return {
        "nav_items": [] if pending else _navigation(user),
        "second_factor": second_factor,
        "second_factor_pending": pending,
        "current_role": Role(role).label if role else None,
        "demo_data_loaded": DataLoad.objects.filter(kind=DataLoad.Kind.DEMO).exists(),
    }
