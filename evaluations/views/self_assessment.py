"""The enterprise's self-assessment: list, form with autosave, evidence, review and submit, result."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.choices import ENTERPRISE_ROLES
from core.exceptions import DomainError
from core.forms import report_errors
from enterprises.selectors import enterprise_of
from evaluations import selectors, services
from evaluations.choices import RATING_CHOICES, EvaluationStatus
from evaluations.diagnosis import read_diagnosis_token
from evaluations.filters import EvaluationFilterSet
from evaluations.forms import EvidenceForm


class EvaluationListView(LoginRequiredMixin, TemplateView):
    """The evaluations the user works with, filtered (the same filters as its export, ``evaluations.exports``)."""

    template_name = "evaluations/evaluation_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        token = self.request.GET.get("diagnosis", "")
        filterset = EvaluationFilterSet(self.request.GET, queryset=selectors.evaluation_list(user=user))
        return super().get_context_data(
            evaluations=filterset.qs[:100],
            filterset=filterset,
            can_start=user.has_role(*ENTERPRISE_ROLES),
            diagnosis_token=token if token and read_diagnosis_token(token) else "",
            **kwargs,
        )

    def post(self, request):
        enterprise = enterprise_of(request.user)
        if enterprise is None:
            raise Http404
        diagnosis = read_diagnosis_token(request.POST.get("diagnosis", "")) if request.POST.get("diagnosis") else None
        try:
            if diagnosis is not None:
                evaluation = services.evaluation_start_from_diagnosis(
                    enterprise=enterprise, by=request.user, choices=diagnosis["choices"], request=request
                )
            else:
                evaluation = services.evaluation_start(enterprise=enterprise, by=request.user, request=request)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("evaluations:evaluation_list")
        return redirect(evaluation)


def _form_context(request, evaluation, dimension_code: str | None) -> dict:
    model = selectors.model_structure(model=evaluation.model)
    dimensions = list(model.dimensions.all())
    current = next((d for d in dimensions if d.code == dimension_code), dimensions[0])
    answers = {a.requirement_id: a for a in evaluation.answers.all()}
    evidence: dict[int, list] = {}
    for item in selectors.evidence_for(evaluation=evaluation):
        evidence.setdefault(item.indicator_id, []).append(item)
    eligibility = {a.condition_id: a.holds for a in evaluation.eligibility_answers.all()}
    estimate = selectors.evaluation_estimate(evaluation=evaluation)
    return {
        "evaluation": evaluation,
        "model": model,
        "dimensions": dimensions,
        "dimension": current,
        "answers": answers,
        "evidence": evidence,
        "conditions": [(c, eligibility.get(c.pk)) for c in model.conditions.all()],
        "progress": selectors.evaluation_progress(evaluation=evaluation),
        "estimate": estimate,
        "estimate_name": model.level_name(estimate.level),
        "evidence_form": EvidenceForm(),
        "rating_choices": RATING_CHOICES,
        "returned": evaluation.history.filter(to_status=EvaluationStatus.DRAFT).exclude(from_status="").last(),
    }


class EvaluationDetailView(LoginRequiredMixin, View):
    """The self-assessment form, one dimension at a time; every answer saves as it changes (see form.js)."""

    def get(self, request, pk):
        evaluation = selectors.evaluation_get(user=request.user, pk=pk, request=request)
        if not evaluation.is_editable:
            return redirect("evaluations:evaluation_result", pk=evaluation.pk)
        return render(
            request,
            "evaluations/evaluation_form.html",
            _form_context(request, evaluation, request.GET.get("dimension")),
        )


class EvidenceUploadView(LoginRequiredMixin, View):
    def post(self, request, pk):
        evaluation = selectors.evaluation_get(user=request.user, pk=pk, request=request)
        form = EvidenceForm(request.POST, request.FILES)
        dimension = request.POST.get("dimension", "")
        if form.is_valid():
            try:
                item = services.evidence_upload(
                    evaluation=evaluation,
                    indicator_code=form.cleaned_data["indicator"],
                    upload=form.cleaned_data["file"],
                    by=request.user,
                    request=request,
                )
            except ValidationError as exc:
                report_errors(request, exc)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("{name} was kept as evidence.").format(name=item.original_name))
        else:
            report_errors(request, form.errors)
        url = evaluation.get_absolute_url() + (f"?dimension={dimension}" if dimension else "")
        return redirect(url + f"#ind-{form.data.get('indicator', '')}".replace("/", "-"))


class EvidenceDownloadView(LoginRequiredMixin, View):
    """Evidence is served only through this scoped view, never from a public media URL."""

    def get(self, request, pk, evidence_pk):
        evaluation = selectors.evaluation_get(user=request.user, pk=pk, request=request)
        item = selectors.evidence_get(user=request.user, evaluation=evaluation, pk=evidence_pk, request=request)
        return FileResponse(
            item.file.open("rb"), as_attachment=True, filename=item.original_name, content_type=item.content_type
        )


class EvaluationReviewView(LoginRequiredMixin, View):
    def get(self, request, pk):
        evaluation = selectors.evaluation_get(user=request.user, pk=pk, request=request)
        context = _form_context(request, evaluation, None)
        requirements = list(context["model"].requirements.select_related("indicator"))
        answers = context["answers"]
        with_evidence = set(context["evidence"])
        context["unanswered"] = [r for r in requirements if not getattr(answers.get(r.pk), "rating", "")]
        context["unsupported"] = [
            r
            for r in requirements
            if getattr(answers.get(r.pk), "rating", "") == "1" and r.indicator_id not in with_evidence
        ]
        return render(request, "evaluations/evaluation_review.html", context)

    def post(self, request, pk):
        evaluation = selectors.evaluation_get(user=request.user, pk=pk, request=request)
        try:
            services.evaluation_submit(evaluation=evaluation, by=request.user, request=request)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("evaluations:evaluation_review", pk=pk)
        messages.success(request, _("Your self-assessment was submitted. It is frozen now."))
        return redirect("evaluations:evaluation_result", pk=pk)


class EvaluationResultView(LoginRequiredMixin, View):
    """Level, score, level bars, radar, why the next level is not reached, the gap plan; printable."""

    def get(self, request, pk):
        evaluation = selectors.evaluation_get(user=request.user, pk=pk, request=request)
        model = selectors.model_structure(model=evaluation.model)
        result = selectors.evaluation_estimate(evaluation=evaluation)
        return render(
            request,
            "evaluations/evaluation_result.html",
            {"evaluation": evaluation, "model": model, **selectors.result_report(model=model, result=result)},
        )
