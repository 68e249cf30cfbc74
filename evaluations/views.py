import json

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from accounts.choices import ENTERPRISE_ROLES, Role
from accounts.models import User
from core.exceptions import DomainError
from core.forms import add_errors, report_errors
from enterprises.selectors import enterprise_by_code, enterprise_of
from evaluations import selectors, services
from evaluations.choices import RATING_CHOICES, EvaluationStatus
from evaluations.diagnosis import diagnose, read_diagnosis_token
from evaluations.forms import AssessorForm, ConflictCheckForm, DeclarationForm, EvidenceForm, QualificationForm
from evaluations.models import Institution
from evaluations.workflow import AUTHORITIES


class ModelDetailView(TemplateView):
    """Public: the structure of an evaluation model, level by level."""

    template_name = "evaluations/model_detail.html"

    def get_context_data(self, **kwargs):
        model = selectors.model_latest(code=kwargs["code"])
        if model is None:
            raise Http404
        return super().get_context_data(model=selectors.model_structure(model=model), **kwargs)


class EvaluationListView(LoginRequiredMixin, TemplateView):
    template_name = "evaluations/evaluation_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        token = self.request.GET.get("diagnosis", "")
        return super().get_context_data(
            evaluations=selectors.evaluation_list(user=user)[:100],
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
        requirements = {r.code: r for r in model.requirements.select_related("indicator")}
        dimensions = {d.code: d for d in model.dimensions.all()}
        conditions = {c.code: c for c in model.conditions.all()}
        radar = {
            "labels": [dimensions[code].name for code in result.dimension_values],
            "values": [round(value, 2) for value in result.dimension_values.values()],
            "name": _("Dimension maturity"),
        }
        return render(
            request,
            "evaluations/evaluation_result.html",
            {
                "evaluation": evaluation,
                "model": model,
                "result": result,
                "level_name": model.level_name(result.level),
                "next_level_name": model.level_name(result.level + 1) if result.level < 5 else "",
                "level_rows": [
                    {
                        "number": n,
                        "name": model.level_name(n),
                        "score": result.level_scores[n],
                        "percent": round(result.level_scores[n] * 100),
                        "reached": n <= result.level,
                    }
                    for n in range(1, 6)
                ],
                "threshold_percent": round(float(model.threshold) * 100),
                "reasons": [
                    {
                        "reason": reason,
                        "requirement": requirements.get(reason.requirement),
                        "condition": conditions.get(reason.condition),
                    }
                    for reason in result.not_reached
                ],
                "gap_plan": [{"step": step, "requirement": requirements[step.requirement]} for step in result.gap_plan],
                "radar_json": json.dumps(radar, ensure_ascii=False),
                "dimensions": [
                    {
                        "dimension": dimensions[code],
                        "level": level,
                        "value": result.dimension_values[code],
                        "level_name": model.level_name(level),
                    }
                    for code, level in result.dimension_levels.items()
                ],
            },
        )


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


class SelfDiagnosisView(TemplateView):
    """Public quick test: one question per indicator; the estimate is computed and shown, nothing is stored."""

    template_name = "evaluations/self_diagnosis.html"

    def get_context_data(self, **kwargs):
        model = selectors.model_latest(code=self.request.GET.get("model") or "QMC-2024")
        if model is None:
            raise Http404
        return super().get_context_data(model=selectors.model_structure(model=model), **kwargs)

    def post(self, request):
        context = self.get_context_data()
        model = context["model"]
        choices = {key.removeprefix("q-"): value for key, value in request.POST.items() if key.startswith("q-")}
        outcome = diagnose(model=model, spec=selectors.model_spec(model=model), choices=choices)
        if outcome["missing"]:
            context["missing"] = outcome["missing"]
            context["chosen"] = choices
            return self.render_to_response(context, status=400)
        context.update(outcome=outcome, chosen=choices)
        return self.render_to_response(context)


class InstitutionListView(LoginRequiredMixin, TemplateView):
    template_name = "evaluations/institution_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(institutions=selectors.institution_list(user=self.request.user), **kwargs)


CONFLICT_TEXT = {
    "employment": gettext_lazy("worked for the enterprise or its group in the last three years"),
    "consulting": gettext_lazy("consulted for the enterprise or its group in the last three years"),
    "shareholding": gettext_lazy("held shares in the enterprise or its group in the last three years"),
    "previous_cycle": gettext_lazy("assessed the enterprise's previous cycle"),
    "not_qualified": gettext_lazy("has no qualification for the enterprise's industry"),
    "qualification_expired": gettext_lazy("the qualification for the enterprise's industry has expired"),
}


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
        return {
            "institution": institution,
            "people": selectors.institution_people(institution=institution),
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
        conflicts = [CONFLICT_TEXT[conflict.code] for conflict in found]
        return {"check": {"assessor": data["assessor"], "enterprise": enterprise, "conflicts": conflicts}}
