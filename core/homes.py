"""What each role's home page shows: the next step and the numbers that matter to that role."""

from accounts import selectors as account_selectors
from accounts.choices import Role
from enterprises import selectors as enterprise_selectors
from evaluations import selectors as evaluation_selectors
from indices import dashboard_selectors as index_selectors
from indices import warning_selectors
from summaries import selectors as summary_selectors


def home_context(*, user, role: str | None) -> dict:
    if role is None:
        context = {"counts": enterprise_selectors.public_counts()}
        if user.is_authenticated:
            context["claims"] = enterprise_selectors.claims_of_user(user=user)
        return context
    if role in (Role.ENTERPRISE_ADMIN, Role.ENTERPRISE_MEMBER):
        enterprise = enterprise_selectors.enterprise_of(user)
        return {
            "enterprise": enterprise,
            "assessment": evaluation_selectors.enterprise_status(enterprise=enterprise),
            "benchmark": index_selectors.benchmark_panel(enterprise=enterprise),
            "is_admin": role == Role.ENTERPRISE_ADMIN,
            "member_count": enterprise.memberships.filter(is_active=True).count(),
            "supplier_count": enterprise.supplier_links.count(),
            "pending_claims": enterprise_selectors.claim_list(user=user).count()
            if role == Role.ENTERPRISE_ADMIN
            else 0,
        }
    if role == Role.AUTHORITY:
        return {
            "authority": enterprise_selectors.authority_of(user),
            "counts": enterprise_selectors.enterprise_counts(user=user),
            "assessments": evaluation_selectors.evaluation_counts(user=user),
            "pending_claims": enterprise_selectors.claim_list(user=user)[:10],
            "pending_claim_count": enterprise_selectors.claim_list(user=user).count(),
            "warnings": warning_selectors.warning_summary(user=user),
            "annual_summary": summary_selectors.home_panel(user),
        }
    if role in (Role.NATIONAL, Role.PLATFORM_ADMIN):
        return {
            "counts": enterprise_selectors.enterprise_counts(user=user),
            "assessments": evaluation_selectors.evaluation_counts(user=user),
            "by_province": enterprise_selectors.enterprises_by_province(user=user)[:10],
            "pending_claim_count": enterprise_selectors.claim_list(user=user).count(),
            "warnings": warning_selectors.warning_summary(user=user),
            "annual_summary": summary_selectors.home_panel(user),
        }
    if role == Role.SECURITY_ADMIN:
        return account_selectors.security_overview()
    if role == Role.AUDIT_ADMIN:
        return account_selectors.audit_overview()
    if role in (Role.ASSESSOR, Role.INSTITUTION_ADMIN):
        membership = next(m for m in user.active_memberships if m.institution_id)
        return {
            "institution": membership.institution,
            "is_institution_admin": role == Role.INSTITUTION_ADMIN,
            "assignments": evaluation_selectors.assignments(user=user)[:50],
        }
    return {}
