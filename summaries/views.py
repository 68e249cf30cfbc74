"""Annual work summaries: the authority writes and submits its own, MIIT reviews them on the year's board and
exports the year. Views parse input and call one service or selector (summaries.services / .selectors)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View

from core.exceptions import DomainError, NotPermitted
from core.forms import add_errors, run_step
from summaries import kpis, selectors, services
from summaries.forms import (
    AttachmentForm,
    NarrativeForm,
    ReviewForm,
    SectionFormSet,
    TemplateCreateForm,
    TemplateEditForm,
)
from summaries.jobs import year_export_start


class SummaryIndexView(LoginRequiredMixin, View):
    """The years: for an authority, its summary of each; for MIIT, each year's board."""

    def get(self, request):
        national = selectors.reads_all(request.user)
        authority = selectors.own_authority(request.user)
        if not national and authority is None:
            raise NotPermitted(_("Annual summaries are for the authorities and MIIT."))
        years = []
        for template in selectors.template_list():
            summary = selectors.summary_find(template=template, authority=authority) if authority else None
            years.append({"template": template, "summary": summary})
        return render(
            request,
            "summaries/index.html",
            {
                "years": years,
                "authority": authority,
                "national": national,
                "may_add": services.is_national(request.user),
            },
        )


class _SummaryMixin(LoginRequiredMixin):
    def setup_summary(self, request, year: int, code: str):
        self.template = selectors.template_get(year)
        self.authority = selectors.authority_get(user=request.user, code=code, request=request)
        self.summary = selectors.summary_find(template=self.template, authority=self.authority)

    def page(self, request, *, form=None, review_form=None, attachment_form=None, status=200):
        summary, template = self.summary, self.template
        writer = services.writes_for(request.user, self.authority)
        editable = writer and (summary is None or summary.editable)
        frozen = summary is not None and summary.submitted_at is not None and not editable
        figures = summary.kpis if frozen else kpis.kpis_compute(authority=self.authority, year=template.year)
        narratives = summary.narratives if summary else {}
        sections = list(template.sections.all())
        context = {
            "template": template,
            "authority": self.authority,
            "summary": summary,
            "sections": [(section, narratives.get(section.code, "")) for section in sections],
            "kpi_rows": kpis.kpi_rows(figures, template.kpis),
            "kpis_frozen": frozen,
            "editable": editable,
            "form": form or (NarrativeForm(sections=sections, initial=narratives) if editable else None),
            "attachment_form": attachment_form or (AttachmentForm() if editable and summary else None),
            "review_form": review_form
            or (
                ReviewForm()
                if summary and summary.status == "submitted" and services.is_national(request.user)
                else None
            ),
            "days_left": template.days_left(),
        }
        return render(request, "summaries/detail.html", context, status=status)


class SummaryDetailView(_SummaryMixin, View):
    def get(self, request, year: int, code: str):
        self.setup_summary(request, year, code)
        return self.page(request)


class SummarySaveView(_SummaryMixin, View):
    """Save the narratives (a draft may be half-written); with "submit", then send it to MIIT. A refused
    submission keeps what was written and says which sections are missing."""

    def post(self, request, year: int, code: str):
        self.setup_summary(request, year, code)
        form = NarrativeForm(request.POST, sections=list(self.template.sections.all()))
        if not form.is_valid():
            return self.page(request, form=form, status=400)
        try:
            summary = self.summary or services.summary_start(
                template=self.template, authority=self.authority, by=request.user, request=request
            )
            self.summary = services.summary_save(summary=summary, narratives=form.cleaned_data, by=request.user)
        except (ValidationError, DomainError) as exc:
            add_errors(form, exc)
            return self.page(request, form=form, status=400)
        if "submit" not in request.POST:
            messages.success(request, _("Saved as a draft."))
            return redirect("summaries:detail", year=year, code=code)
        try:
            self.summary = services.summary_submit(summary=self.summary, by=request.user, request=request)
        except DomainError as exc:
            add_errors(form, exc)
            messages.error(request, _("Saved as a draft, but not submitted."))
            return self.page(request, form=form, status=400)
        if self.summary.is_late:
            messages.warning(
                request,
                _("Submitted to MIIT, {days} days after the deadline.").format(days=self.summary.days_late),
            )
        else:
            messages.success(request, _("Submitted to MIIT."))
        return redirect("summaries:detail", year=year, code=code)


class SummaryReviewView(_SummaryMixin, View):
    """MIIT returns a submitted summary with comments, or accepts it."""

    def post(self, request, year: int, code: str):
        self.setup_summary(request, year, code)
        if self.summary is None:
            raise Http404
        form = ReviewForm(request.POST)
        action = request.POST.get("action")
        if not form.is_valid() or action not in ("return", "accept"):
            return self.page(request, review_form=form, status=400)
        review = services.summary_return if action == "return" else services.summary_accept
        try:
            review(summary=self.summary, by=request.user, comment=form.cleaned_data["comment"], request=request)
        except (ValidationError, DomainError) as exc:
            add_errors(form, exc)
            return self.page(request, review_form=form, status=400)
        messages.success(request, _("Returned to the authority.") if action == "return" else _("Accepted."))
        return redirect("summaries:board", year=year)


class AttachmentAddView(_SummaryMixin, View):
    def post(self, request, year: int, code: str):
        self.setup_summary(request, year, code)
        form = AttachmentForm(request.POST, request.FILES)
        if not form.is_valid() or self.summary is None:
            return self.page(request, attachment_form=form, status=400)
        try:
            services.attachment_add(
                summary=self.summary, upload=form.cleaned_data["file"], by=request.user, request=request
            )
        except (ValidationError, DomainError) as exc:
            add_errors(form, exc)
            return self.page(request, attachment_form=form, status=400)
        messages.success(request, _("File attached."))
        return redirect("summaries:detail", year=year, code=code)


class AttachmentDownloadView(_SummaryMixin, View):
    """A summary's file, for the authority and MIIT only (never from a public media URL)."""

    def get(self, request, year: int, code: str, pk: int):
        self.setup_summary(request, year, code)
        if self.summary is None:
            raise Http404
        item = get_object_or_404(self.summary.attachments, pk=pk)
        return FileResponse(
            item.file.open("rb"), as_attachment=True, filename=item.original_name, content_type=item.content_type
        )


class AttachmentRemoveView(_SummaryMixin, View):
    def post(self, request, year: int, code: str, pk: int):
        self.setup_summary(request, year, code)
        if self.summary is None:
            raise Http404
        item = get_object_or_404(self.summary.attachments, pk=pk)
        run_step(
            request,
            lambda: services.attachment_remove(attachment=item, by=request.user, request=request) or _("File removed."),
        )
        return redirect("summaries:detail", year=year, code=code)


class BoardView(LoginRequiredMixin, View):
    """MIIT's board of a year: the 37 authorities, their summaries' states, lateness; the exports."""

    def get(self, request, year: int):
        if not selectors.reads_all(request.user):
            raise NotPermitted(_("The board is for MIIT's staff."))
        template = selectors.template_get(year)
        rows = selectors.board(template=template)
        return render(
            request,
            "summaries/board.html",
            {
                "template": template,
                "rows": rows,
                "counts": selectors.board_counts(rows),
                "days_left": template.days_left(),
                "may_edit": services.is_national(request.user),
            },
        )


class ExportStartView(LoginRequiredMixin, View):
    def post(self, request, year: int):
        template = selectors.template_get(year)
        job = year_export_start(
            user=request.user, year=template.year, fmt=request.POST.get("format", ""), language=get_language()
        )
        return redirect("core:export_detail", pk=job.pk)


class TemplateCreateView(LoginRequiredMixin, View):
    def _check(self, request):
        if not services.is_national(request.user):
            raise NotPermitted(_("Only national staff add summary templates."))

    def get(self, request):
        self._check(request)
        return render(request, "summaries/template_form.html", {"form": TemplateCreateForm(), "creating": True})

    def post(self, request):
        self._check(request)
        form = TemplateCreateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                template = services.template_create(
                    year=data["year"],
                    deadline=data["deadline"],
                    title_zh=data["title_zh"],
                    title_en=data["title_en"],
                    notice=data["notice"],
                    kpi_codes=data["kpis"],
                    copy_from=data["copy_from"],
                    by=request.user,
                    request=request,
                )
            except (ValidationError, DomainError) as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Template added; check its sections."))
                return redirect("summaries:template_edit", year=template.year)
        return render(request, "summaries/template_form.html", {"form": form, "creating": True}, status=400)


class TemplateEditView(LoginRequiredMixin, View):
    def _forms(self, request, template):
        data = request.POST if request.method == "POST" else None
        return TemplateEditForm(data, instance=template), SectionFormSet(data, instance=template, prefix="sections")

    def _render(self, request, template, form, formset, status=200):
        context = {"form": form, "formset": formset, "template": template, "creating": False}
        return render(request, "summaries/template_form.html", context, status=status)

    def get(self, request, year: int):
        if not services.is_national(request.user):
            raise NotPermitted(_("Only national staff edit summary templates."))
        template = selectors.template_get(year)
        return self._render(request, template, *self._forms(request, template))

    def post(self, request, year: int):
        if not services.is_national(request.user):
            raise NotPermitted(_("Only national staff edit summary templates."))
        template = selectors.template_get(year)
        form, formset = self._forms(request, template)
        if form.is_valid() and formset.is_valid():
            try:
                services.template_update(
                    template=template, form=form, formset=formset, by=request.user, request=request
                )
            except (ValidationError, DomainError) as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Template saved."))
                return redirect("summaries:board", year=template.year)
        return self._render(request, template, form, formset, status=400)
