from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.choices import AuditAction, Role
from accounts.services import audit_record
from core import health
from core.homes import home_context


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database, cache and broker all answer; 503 naming the ones that failed."""
    checks = {}
    failed = []
    for name, check in (
        ("database", health.check_database),
        ("cache", health.check_cache),
        ("broker", lambda: health.check_broker(settings.CELERY_BROKER_URL)),
    ):
        try:
            checks[name] = check() or "ok"
        except Exception as exc:
            checks[name] = f"error: {type(exc).__name__}"
            failed.append(name)
    return JsonResponse(
        {"status": "fail" if failed else "ok", "checks": checks, "failed": failed}, status=503 if failed else 200
    )


HOME_TEMPLATES = {
    None: "home/public.html",
    Role.ENTERPRISE_ADMIN: "home/enterprise.html",
    Role.ENTERPRISE_MEMBER: "home/enterprise.html",
    Role.ASSESSOR: "home/assessor.html",
    Role.INSTITUTION_ADMIN: "home/assessor.html",
    Role.EXPERT: "home/expert.html",
    Role.AUTHORITY: "home/authority.html",
    Role.NATIONAL: "home/national.html",
    Role.PLATFORM_ADMIN: "home/national.html",
    Role.SECURITY_ADMIN: "home/security.html",
    Role.AUDIT_ADMIN: "home/audit.html",
}


def home(request: HttpRequest) -> HttpResponse:
    """One home per role that says what to do next; visitors see what the platform is."""
    role = request.user.primary_role if request.user.is_authenticated else None
    template = HOME_TEMPLATES[role]
    if request.user.is_authenticated and role is None:
        template = "home/newcomer.html"
    return render(request, template, home_context(user=request.user, role=role))


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    """403 page; the refusal is written to the audit log."""
    audit_record(
        action=AuditAction.ACCESS_DENIED, request=request, success=False, details={"path": request.path, "status": 403}
    )
    return render(request, "403.html", status=403)
