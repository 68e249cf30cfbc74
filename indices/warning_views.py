"""Early-warning pages: the list in the reader's scope (filtered by state and kind), and one warning's page, where
national staff and the authority of its region acknowledge or resolve it. Views parse input and call one
selector or service (``indices.warning_selectors``, ``indices.warning_services``)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from core.exceptions import DomainError, NotPermitted
from core.forms import report_errors
from indices import warning_selectors as selectors
from indices import warning_services as services
from indices import warnings as rules
from indices.warning_forms import WarningActionForm, WarningFilterForm


def _require_reader(user) -> None:
    if not selectors.may_read_warnings(user):
        raise NotPermitted(_("Early warnings are for the authorities and national staff."))


class WarningListView(LoginRequiredMixin, ListView):
    """The warnings in the reader's scope, newest first."""

    template_name = "indices/warnings.html"
    paginate_by = 50
    context_object_name = "warnings"

    def get_queryset(self):
        _require_reader(self.request.user)
        self.filters = WarningFilterForm(self.request.GET)
        chosen = self.filters.cleaned_data if self.filters.is_valid() else {}
        return selectors.warning_list(user=self.request.user, state=chosen.get("state"), kind=chosen.get("kind"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filters=self.filters,
            query=query.urlencode(),
            warnings=selectors.with_names(context["object_list"]),
            drop_points=rules.INDEX_DROP_POINTS,
            expiry_days=rules.EXPIRY_DAYS,
            failure_rate=round(100 * settings.INSPECTION_FAILURE_RATE_WARNING, 1),
            min_samples=rules.INSPECTION_MIN_SAMPLES,
        )
        return context


class WarningDetailView(LoginRequiredMixin, TemplateView):
    """One warning: the finding in words, its history, and the form that acknowledges or resolves it."""

    template_name = "indices/warnings_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        _require_reader(user)
        warning = selectors.warning_get(user=user, pk=kwargs["pk"], request=self.request)
        return super().get_context_data(
            warning=selectors.with_names([warning])[0],
            history=selectors.warning_history(warning=warning),
            may_handle=selectors.may_handle(user, warning),
            form=WarningActionForm(),
            **kwargs,
        )

    def post(self, request, pk):
        _require_reader(request.user)
        warning = selectors.warning_get(user=request.user, pk=pk, request=request)
        form = WarningActionForm(request.POST)
        if not form.is_valid():
            report_errors(request, form.errors)
            return redirect("indices:warning_detail", pk=pk)
        action = form.cleaned_data["action"]
        handle = services.warning_acknowledge if action == "acknowledge" else services.warning_resolve
        try:
            handle(warning=warning, by=request.user, reason=form.cleaned_data["reason"], request=request)
        except ValidationError as exc:
            report_errors(request, exc)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Warning acknowledged.") if action == "acknowledge" else _("Warning resolved."))
        return redirect("indices:warning_detail", pk=pk)
