"""The authority's decision and publication pages: results to approve or return, objections to resolve, results
to publish, certificates to revoke. One page per evaluation with one small handler per form."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from core.exceptions import DomainError, NotPermitted
from core.forms import report_errors
from evaluations import publication_selectors as selectors
from evaluations import services
from evaluations.choices import ObjectionStatus
from evaluations.models import Certificate, Objection
from evaluations.workflow import AUTHORITIES, allowed_actions


def _require_authority(user) -> None:
    if not user.has_role(*AUTHORITIES):
        raise NotPermitted(_("Only the authority decides on results."))


class DecisionListView(LoginRequiredMixin, TemplateView):
    """The authority's queue: results to decide, results in notice (with open objections), published results."""

    template_name = "evaluations/decision_list.html"

    def get_context_data(self, **kwargs):
        _require_authority(self.request.user)
        return super().get_context_data(**selectors.decision_queue(user=self.request.user), **kwargs)


class EvaluationDecisionView(LoginRequiredMixin, TemplateView):
    """One evaluation's decision page for the authority of its area."""

    template_name = "evaluations/decision.html"
    HANDLERS = frozenset({"approve", "return", "resolve", "publish", "revoke"})

    def get_context_data(self, **kwargs):
        _require_authority(self.request.user)
        evaluation = selectors.decision_get(user=self.request.user, pk=kwargs["pk"], request=self.request)
        objections = selectors.objections_of(evaluation=evaluation)
        certificate = Certificate.objects.filter(evaluation=evaluation).first()
        return super().get_context_data(
            evaluation=evaluation,
            level=selectors.level_names(evaluation.model, evaluation.official_level),
            objections=objections,
            open_objections=[o for o in objections if o.status == ObjectionStatus.OPEN],
            certificate=certificate,
            actions=allowed_actions(status=evaluation.status, roles=self.request.user.roles),
            notice_ended=evaluation.notice_until is not None and timezone.localdate() > evaluation.notice_until,
            history=evaluation.history.select_related("by"),
            **kwargs,
        )

    def post(self, request, pk):
        _require_authority(request.user)
        evaluation = selectors.decision_get(user=request.user, pk=pk, request=request)
        action = request.POST.get("action", "")
        if action not in self.HANDLERS:
            messages.error(request, _("Unknown action."))
            return redirect("evaluations:evaluation_decision", pk=pk)
        try:
            message = getattr(self, f"_{action}")(request, evaluation)
        except ValidationError as exc:
            report_errors(request, exc)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, message)
        return redirect("evaluations:evaluation_decision", pk=pk)

    def _approve(self, request, evaluation) -> str:
        evaluation = services.result_approve(evaluation=evaluation, by=request.user, request=request)
        return _("Approved. The public notice runs until {date}.").format(date=evaluation.notice_until)

    def _return(self, request, evaluation) -> str:
        services.result_return(
            evaluation=evaluation, reason=request.POST.get("reason", ""), by=request.user, request=request
        )
        return _("The result went back to the team with your reason.")

    def _resolve(self, request, evaluation) -> str:
        objection = get_object_or_404(Objection, evaluation=evaluation, pk=request.POST.get("objection") or 0)
        uphold = request.POST.get("decision") == "uphold"
        services.objection_resolve(
            objection=objection,
            uphold=uphold,
            resolution=request.POST.get("resolution", ""),
            by=request.user,
            request=request,
        )
        if uphold:
            return _("Objection upheld: the result went back to the team.")
        return _("Objection dismissed; the notice goes on.")

    def _publish(self, request, evaluation) -> str:
        evaluation = services.result_publish(evaluation=evaluation, by=request.user, request=request)
        certificate = Certificate.objects.filter(evaluation=evaluation).first()
        if certificate is None:
            return _("Published (no certificate below the first level).")
        return _("Published with certificate {number}.").format(number=certificate.number)

    def _revoke(self, request, evaluation) -> str:
        certificate = get_object_or_404(Certificate, evaluation=evaluation)
        services.certificate_revoke(
            certificate=certificate, reason=request.POST.get("reason", ""), by=request.user, request=request
        )
        return _("Certificate {number} was revoked.").format(number=certificate.number)
