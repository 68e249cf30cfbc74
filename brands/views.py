"""The public brand lists: search and filter the entries, download them; MIIT revokes an entry here. The
enterprise's brand cultivation self-evaluation: start, answer, submit, read the result."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.choices import ENTERPRISE_ROLES, Role
from brands import selectors, services
from brands.models import BRAND_MODEL_CODE, BrandEntry, BrandList, EntryStatus
from core.exceptions import DomainError
from core.exports import table_download
from core.forms import run_step
from enterprises.models import Region
from enterprises.selectors import enterprise_of
from evaluations import selectors as evaluation_selectors
from evaluations.choices import RATING_CHOICES
from indices.registry_map import Place, map_context
from selections.choices import BrandCategory, BrandType


def _filters(params) -> dict:
    province = params.get("province", "")
    list_id = params.get("list", "")
    return {
        "search": params.get("q", "").strip()[:100],
        "brand_type": params.get("type", ""),
        "category": params.get("category", ""),
        "province": province if province.isdigit() else "",
        "status": params.get("status", ""),
        "list_id": int(list_id) if list_id.isdigit() else None,
    }


class EntryListView(TemplateView):
    template_name = "brands/entry_list.html"

    def get_context_data(self, **kwargs):
        filters = _filters(self.request.GET)
        user = self.request.user
        entries = list(selectors.entry_list(**filters)[:500])
        places = (
            Place(e.region_id, e.region.name, e.brand, reverse("enterprises:public_profile", args=[e.owner_id]))
            for e in entries
        )
        return super().get_context_data(
            entries=entries,
            registry_map=map_context(places, title=_("Brands"), file_name="brands"),
            filters=filters,
            lists=BrandList.objects.all(),
            types=BrandType.choices,
            categories=BrandCategory.choices,
            statuses=EntryStatus.choices,
            provinces=Region.objects.filter(level="province").order_by("code"),
            may_revoke=user.is_authenticated and user.has_role(Role.NATIONAL),
            brand_model_code=BRAND_MODEL_CODE,
            **kwargs,
        )

    def post(self, request):
        if not request.user.is_authenticated:
            return redirect("accounts:login")
        entry = get_object_or_404(BrandEntry, pk=request.POST.get("entry") or 0)
        run_step(
            request,
            lambda: (
                services.entry_revoke(
                    entry=entry, reason=request.POST.get("reason", ""), by=request.user, request=request
                )
                and _("{brand} was taken off the list.").format(brand=entry.brand)
            ),
        )
        return redirect("brands:entry_list")


class EntryDownloadView(View):
    def get(self, request, kind: str):
        headers = [
            _("List"),
            _("Year"),
            _("Brand"),
            _("Owner"),
            _("Type"),
            _("Sub-category"),
            _("Field"),
            _("City"),
            _("Status"),
            _("Reason for revocation"),
        ]
        rows = (
            [
                e.brand_list.name_zh,
                e.brand_list.year,
                e.brand,
                e.owner.name_zh,
                e.get_brand_type_display(),
                e.get_category_display(),
                e.field,
                e.region.name,
                e.get_status_display(),
                e.revoked_reason,
            ]
            for e in selectors.entry_list(**_filters(request.GET))
        )
        return table_download(kind, name="brands", sheet=_("Brands"), headers=headers, rows=rows)


# --- Brand cultivation self-evaluation ------------------------------------------------------------------------


class AssessmentListView(LoginRequiredMixin, TemplateView):
    """The enterprise's brand self-evaluations (and a button to start this year's); an authority's list of the
    submitted ones in its region."""

    template_name = "brands/assessment_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        assessments = list(selectors.assessment_list(user=user)[:200])
        enterprise = enterprise_of(user) if user.has_role(*ENTERPRISE_ROLES) else None
        year = timezone.localdate().year
        current = next(
            (a for a in assessments if enterprise and a.enterprise_id == enterprise.pk and a.year == year), None
        )
        return super().get_context_data(
            assessments=assessments,
            enterprise=enterprise,
            current=current,
            year=year,
            model=evaluation_selectors.model_latest(code=BRAND_MODEL_CODE),
            **kwargs,
        )

    def post(self, request):
        enterprise = enterprise_of(request.user)
        if enterprise is None:
            raise Http404
        try:
            assessment = services.assessment_start(enterprise=enterprise, by=request.user, request=request)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("brands:assessment_list")
        return redirect(assessment)


def _posted(post) -> tuple[dict, dict]:
    """The form's answers by requirement code and eligibility answers by condition code, exactly as typed."""
    answers = {
        key.removeprefix("r-"): {"rating": value, "comment": post.get("c-" + key.removeprefix("r-"), "")}
        for key, value in post.items()
        if key.startswith("r-")
    }
    for key, value in post.items():  # a comment typed beside an unrated requirement is kept too
        if key.startswith("c-") and key.removeprefix("c-") not in answers:
            answers[key.removeprefix("c-")] = {"rating": "", "comment": value}
    eligibility = {key.removeprefix("e-"): value for key, value in post.items() if key.startswith("e-")}
    return answers, eligibility


class AssessmentDetailView(LoginRequiredMixin, View):
    """The whole (small) model on one plain form: save the draft, or save and submit it.

    A refused form is shown again as it was typed, with each offending or missing question named; nothing of a
    refused save is stored.
    """

    def get(self, request, pk):
        assessment = selectors.assessment_get(user=request.user, pk=pk, request=request)
        if not assessment.is_editable or not request.user.is_member_of(assessment.enterprise_id):
            return redirect("brands:assessment_result", pk=assessment.pk)
        stored = {code: {"rating": "yes" if holds else "no"} for code, holds in assessment.eligibility.items()}
        return self._render(request, assessment, answers=assessment.answers, eligibility=stored)

    def post(self, request, pk):
        assessment = selectors.assessment_get(user=request.user, pk=pk, request=request)
        answers, eligibility = _posted(request.POST)
        model = selectors.model_of(assessment=assessment)
        # Every question of the model is on the form: one left blank is cleared (radio buttons post nothing).
        for requirement in selectors.requirements_of(model):
            answers.setdefault(requirement.code, {"rating": "", "comment": ""})
        typed = {code: {"rating": value} for code, value in eligibility.items()}
        try:
            assessment = services.assessment_save(
                assessment=assessment, by=request.user, answers=answers, eligibility=eligibility, request=request
            )
            if request.POST.get("action") == "submit":
                services.assessment_submit(assessment=assessment, by=request.user, request=request)
        except ValidationError as exc:
            return self._render(request, assessment, answers, typed, errors=exc.message_dict, model=model, status=400)
        except DomainError as exc:
            errors = {code: list(problems) for code, problems in exc.fields.items()}
            return self._render(
                request, assessment, answers, typed, errors=errors, message=exc.message, model=model, status=400
            )
        if request.POST.get("action") == "submit":
            messages.success(request, _("Your brand self-evaluation was submitted. It is frozen now."))
            return redirect("brands:assessment_result", pk=assessment.pk)
        messages.success(request, _("Your answers were saved."))
        return redirect(assessment)

    def _render(self, request, assessment, answers, eligibility, *, errors=None, message="", model=None, status=200):
        model = model or selectors.model_of(assessment=assessment)
        errors = errors or {}
        estimate = selectors.assessment_estimate(assessment=assessment)
        named = {
            r.code: f"{r.indicator.short_code} {r.indicator.name} · L{r.level}"
            for r in selectors.requirements_of(model)
        }
        named.update({c.code: c.text for c in model.conditions.all()})
        context = {
            "assessment": assessment,
            "model": model,
            "answers": answers,
            "eligibility": eligibility,
            "errors": {code: " ".join(problems) for code, problems in errors.items()},
            "problems": [(named.get(code, code), " ".join(problems)) for code, problems in errors.items()],
            "message": message or (_("Nothing was saved; correct the answers named below.") if errors else ""),
            "rating_choices": RATING_CHOICES,
            "progress": selectors.assessment_progress(assessment=assessment),
            "estimate": estimate,
            "estimate_name": model.level_name(estimate.level),
        }
        return render(request, "brands/assessment_form.html", context, status=status)


class AssessmentResultView(LoginRequiredMixin, View):
    """The engine's result: level and S, level bars, the radar, why the next level is not reached, the gap plan."""

    def get(self, request, pk):
        assessment = selectors.assessment_get(user=request.user, pk=pk, request=request)
        model = selectors.model_of(assessment=assessment)
        result = selectors.assessment_estimate(assessment=assessment)
        context = {"assessment": assessment, "model": model}
        context.update(evaluation_selectors.result_report(model=model, result=result))
        return render(request, "brands/assessment_result.html", context)
