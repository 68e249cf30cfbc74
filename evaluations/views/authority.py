"""The authority's queue: accept or return submitted self-assessments, assign an institution."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.exceptions import DomainError
from core.forms import report_errors
from evaluations import selectors, services
from evaluations.choices import EvaluationStatus
from evaluations.models import Institution
from evaluations.workflow import AUTHORITIES


class EvaluationQueueView(LoginRequiredMixin, TemplateView):
    """The authority's queue: submitted self-assessments to accept or return; accepted ones to assign."""

    template_name = "evaluations/evaluation_queue.html"

    def get_context_data(self, **kwargs):
        if not self.request.user.has_role(*AUTHORITIES):
            raise PermissionDenied
        in_scope = selectors.evaluation_list(user=self.request.user).select_related(
            "enterprise__industry", "enterprise__region__parent"
        )
        accepted = list(in_scope.filter(status=EvaluationStatus.ACCEPTED).order_by("updated_at")[:200])
        today = timezone.localdate()

        def accredited(institution, enterprise) -> bool:
            return selectors.institution_accredited_for(institution, enterprise=enterprise, on=today)

        institutions = list(
            Institution.objects.prefetch_related("accredited_regions", "accredited_industries").order_by("name_zh")
        )
        return super().get_context_data(
            evaluations=in_scope.filter(status=EvaluationStatus.SUBMITTED).order_by("submitted_at"),
            to_assign=[(e, [i for i in institutions if accredited(i, e.enterprise)]) for e in accepted],
            **kwargs,
        )


class EvaluationAssignView(LoginRequiredMixin, View):
    """The authority assigns an accredited institution to an accepted self-assessment."""

    def post(self, request, pk):
        evaluation = selectors.evaluation_get(user=request.user, pk=pk, request=request)
        institution = Institution.objects.filter(pk=request.POST.get("institution") or 0).first()
        if institution is None:
            messages.error(request, _("Choose an institution."))
            return redirect("evaluations:evaluation_queue")
        try:
            services.evaluation_assign_institution(
                evaluation=evaluation, institution=institution, by=request.user, request=request
            )
        except ValidationError as exc:
            report_errors(request, exc)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("{institution} will evaluate {enterprise} on site.").format(
                    institution=institution.name, enterprise=evaluation.enterprise.name
                ),
            )
        return redirect("evaluations:evaluation_queue")


class EvaluationDecideView(LoginRequiredMixin, View):
    def post(self, request, pk):
        evaluation = selectors.evaluation_get(user=request.user, pk=pk, request=request)
        accept = request.POST.get("decision") == "accept"
        try:
            services.evaluation_review(
                evaluation=evaluation,
                accept=accept,
                reason=request.POST.get("reason", ""),
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            report_errors(request, exc)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            message = (
                _("The self-assessment of {enterprise} was accepted.")
                if accept
                else _("The self-assessment of {enterprise} was returned with your reason.")
            )
            messages.success(request, message.format(enterprise=evaluation.enterprise.name))
        return redirect("evaluations:evaluation_queue")
