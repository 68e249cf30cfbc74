"""Public pages of publication: the quality inquiry, certificate verification and PDF, the public notice and its
objection form. Open to anyone; what they show comes from ``evaluations.publication_selectors``."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView, TemplateView

from core.exceptions import DomainError
from core.forms import add_errors
from evaluations import publication_selectors as selectors
from evaluations import services
from evaluations.certificate_pdf import render_certificate_pdf
from evaluations.filters import PublishedResultFilterSet
from evaluations.models import Evaluation
from evaluations.services.publication import OBJECTION_TEXT_MAX, OBJECTION_TEXT_MIN


class ResultInquiryView(ListView):
    """Public quality inquiry: published results by enterprise name, credit code, region, industry and level."""

    template_name = "evaluations/inquiry.html"
    paginate_by = 25
    context_object_name = "results"

    def get_queryset(self):
        self.filterset = PublishedResultFilterSet(
            self.request.GET, queryset=selectors.results_published(user=self.request.user)
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        context = super().get_context_data(filterset=self.filterset, query=query.urlencode(), **kwargs)
        for result in context["results"]:
            result.level_label = result.model.level_name(result.official_level or 0)  # in the reader's language
        return context


class ObjectionForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Your name"), max_length=100)
    contact = forms.CharField(
        label=gettext_lazy("How to reach you"),
        max_length=200,
        help_text=gettext_lazy("A telephone number or e-mail address, for the authority's questions and answer."),
    )
    text = forms.CharField(
        label=gettext_lazy("Objection"),
        min_length=OBJECTION_TEXT_MIN,
        max_length=OBJECTION_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("What is wrong with this result, and what supports it."),
    )


class NoticeListView(TemplateView):
    """Public: the results in public notice now, each with its objection form (anyone may object, no account)."""

    template_name = "evaluations/inquiry_notices.html"

    def get_context_data(self, **kwargs):
        failed_pk, failed_form = kwargs.pop("failed", (None, None))
        notices = [
            (notice, failed_form if notice.pk == failed_pk else ObjectionForm(prefix=f"n{notice.pk}"))
            for notice in selectors.notices_open()
        ]
        return super().get_context_data(notices=notices, failed_pk=failed_pk, **kwargs)


class ObjectionCreateView(NoticeListView):
    """Public: the objection form's target; closed once the notice has ended. A GET goes to the notice list."""

    def get(self, request, *args, **kwargs):
        return redirect("evaluations:notice_list")

    def post(self, request, pk):
        form = ObjectionForm(request.POST, prefix=f"n{pk}")
        if form.is_valid():
            try:
                services.objection_raise(evaluation=Evaluation(pk=pk), request=request, **form.cleaned_data)
            except (ValidationError, DomainError) as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request, _("Your objection was received. The authority will examine it before publication.")
                )
                return redirect("evaluations:notice_list")
        context = self.get_context_data(failed=(pk, form))
        if not any(notice.pk == pk for notice, _form in context["notices"]):
            messages.error(request, _("This result is not in public notice; objections are closed."))
            return redirect("evaluations:notice_list")
        return self.render_to_response(context, status=400)


class CertificateSearchView(TemplateView):
    """Public: verify a certificate by its number (the form sends the visitor to the certificate's page)."""

    template_name = "evaluations/certificate_search.html"

    def get(self, request, *args, **kwargs):
        number = request.GET.get("number", "").strip().upper()
        if number:
            return redirect("evaluations:certificate_verify", number=number)
        return super().get(request, *args, **kwargs)


class CertificateVerifyView(TemplateView):
    """Public (the QR code's target): whether a certificate is valid, expired or revoked, and for whom."""

    template_name = "evaluations/certificate_verify.html"

    def get(self, request, number):
        try:
            certificate = selectors.certificate_get(user=request.user, number=number, request=request)
        except Http404:
            return self.render_to_response(self.get_context_data(number=number, certificate=None), status=404)
        model = certificate.evaluation.model
        return self.render_to_response(
            self.get_context_data(
                number=number,
                certificate=certificate,
                level=selectors.level_names(model, certificate.level),
                verify_url=selectors.certificate_verify_url(certificate),
            )
        )


class CertificatePdfView(View):
    """The certificate PDF: anyone for a valid certificate; the enterprise and authorities in scope for any."""

    def get(self, request, number):
        certificate = selectors.certificate_for_download(user=request.user, number=number, request=request)
        pdf = render_certificate_pdf(certificate, verify_url=selectors.certificate_verify_url(certificate))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{certificate.number}.pdf"'
        return response
