"""Evaluation institutions: the list in scope and the institution page with its administrator's forms."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.choices import Role
from accounts.models import User
from core.exceptions import DomainError
from core.forms import add_errors
from enterprises.selectors import enterprise_by_code
from evaluations import selectors, services
from evaluations.choices import CONFLICT_LABELS
from evaluations.forms import AssessorForm, ConflictCheckForm, DeclarationForm, QualificationForm
from training import selectors as training_selectors


class InstitutionListView(LoginRequiredMixin, TemplateView):
    template_name = "evaluations/institution_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(institutions=selectors.institution_list(user=self.request.user), **kwargs)


class InstitutionDetailView(LoginRequiredMixin, View):
    """An institution's accreditation and people; its administrator adds assessors, qualifications,
    declarations, and checks an assessor against an enterprise for conflicts of interest."""

    template_name = "evaluations/institution_detail.html"
    FORMS = {
        "assessor": AssessorForm,
        "qualification": QualificationForm,
        "declaration": DeclarationForm,
        "check": ConflictCheckForm,
    }

    def _context(self, request, institution, bound=None):
        assessors = User.objects.filter(memberships__institution=institution, memberships__is_active=True).distinct()
        is_admin = any(
            m.role == Role.INSTITUTION_ADMIN and m.institution_id == institution.pk
            for m in request.user.active_memberships
        )
        forms_ = {}
        for name, form_class in self.FORMS.items():
            kwargs = {} if name == "assessor" else {"assessors": assessors}
            forms_[name] = bound if bound is not None and bound.prefix == name else form_class(prefix=name, **kwargs)
        people = selectors.institution_people(institution=institution)
        # Training hours: those the institution records on each qualification plus the hours of platform courses
        # that count toward qualification, derived from the completed enrolments.
        hours = training_selectors.platform_hours(m.user_id for m in people)
        for membership in people:
            membership.user.platform_hours = hours.get(membership.user_id, 0)
        return {
            "institution": institution,
            "people": people,
            "is_admin": is_admin,
            "forms": forms_,
            "today": timezone.localdate(),
        }

    def get(self, request, pk):
        institution = selectors.institution_get(user=request.user, pk=pk)
        return render(request, self.template_name, self._context(request, institution))

    def post(self, request, pk):
        institution = selectors.institution_get(user=request.user, pk=pk)
        action = request.POST.get("action", "")
        if action not in self.FORMS:
            raise Http404
        assessors = User.objects.filter(memberships__institution=institution, memberships__is_active=True).distinct()
        kwargs = {} if action == "assessor" else {"assessors": assessors}
        form = self.FORMS[action](request.POST, prefix=action, **kwargs)
        extra = {}
        if form.is_valid():
            try:
                extra = getattr(self, f"_{action}")(institution, form.cleaned_data, request)
            except (ValidationError, DomainError) as exc:
                add_errors(form, exc)
            else:
                if action != "check":
                    messages.success(request, _("Saved."))
                    return redirect("evaluations:institution_detail", pk=pk)
        context = {**self._context(request, institution, bound=form), **extra}
        return render(request, self.template_name, context, status=400 if form.errors else 200)

    # One small handler per form: each calls one service (or selector) and returns extra context.

    def _assessor(self, institution, data, request) -> dict:
        services.assessor_add(
            institution=institution,
            username=data["username"],
            display_name=data["display_name"],
            email=data["email"],
            password=data["password1"],
            by=request.user,
            request=request,
        )
        return {}

    def _qualification(self, institution, data, request) -> dict:
        services.qualification_save(
            assessor=data["assessor"],
            industry=data["industry"],
            grade=data["grade"],
            valid_until=data["valid_until"],
            training_hours=data["training_hours"],
            by=request.user,
            request=request,
        )
        return {}

    def _declaration(self, institution, data, request) -> dict:
        services.declaration_add(
            assessor=data["assessor"],
            enterprise_credit_code=data["credit_code"],
            kind=data["kind"],
            started=data["started"],
            ended=data["ended"],
            note=data["note"],
            by=request.user,
            request=request,
        )
        return {}

    def _check(self, institution, data, request) -> dict:
        enterprise = enterprise_by_code(data["credit_code"])
        if enterprise is None:
            raise ValidationError({"credit_code": _("No enterprise with this code is registered.")})
        found = services.conflict_check(assessor=data["assessor"], enterprise=enterprise)
        conflicts = [CONFLICT_LABELS[conflict.code] for conflict in found]
        return {"check": {"assessor": data["assessor"], "enterprise": enterprise, "conflicts": conflicts}}
