import copy

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from accounts.choices import Role
from core.exceptions import DomainError, NotPermitted
from core.forms import add_errors, report_errors
from enterprises import selectors, services
from enterprises.filters import EnterpriseFilterSet
from enterprises.forms import ClaimDecisionForm, EnterpriseProfileForm, EnterpriseRegistrationForm, SupplierLinkForm
from enterprises.supply_chain import may_see_supply_chain, supply_chain


class EnterpriseListView(LoginRequiredMixin, ListView):
    template_name = "enterprises/enterprise_list.html"
    paginate_by = 25
    context_object_name = "enterprises"

    def get_queryset(self):
        self.filterset = EnterpriseFilterSet(
            self.request.GET, queryset=selectors.enterprise_list(user=self.request.user)
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(filterset=self.filterset, query=query.urlencode(), **kwargs)


class EnterpriseDetailView(LoginRequiredMixin, TemplateView):
    template_name = "enterprises/enterprise_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        enterprise = selectors.enterprise_get(user=user, pk=kwargs["pk"], request=self.request)
        return super().get_context_data(
            enterprise=enterprise,
            network=selectors.enterprise_supplier_links(user=user, enterprise=enterprise),
            members=enterprise.memberships.filter(is_active=True).select_related("user"),
            can_edit=_is_enterprise_admin(user, enterprise.pk),
            can_see_supply_chain=may_see_supply_chain(user, enterprise),
            supplier_form=kwargs.pop("supplier_form", None) or SupplierLinkForm(),
            **kwargs,
        )


class SupplierLinkCreateView(LoginRequiredMixin, View):
    """The leading enterprise's administrator adds a supplier; errors show on the form on the detail page."""

    def post(self, request, pk):
        enterprise = selectors.enterprise_get(user=request.user, pk=pk, request=request)
        form = SupplierLinkForm(request.POST)
        if form.is_valid():
            try:
                link = services.supplier_link_create(
                    leading=enterprise,
                    supplier_credit_code=form.cleaned_data["credit_code"],
                    products=form.cleaned_data["products"],
                    since=form.cleaned_data["since"],
                    by=request.user,
                    request=request,
                )
            except (ValidationError, DomainError) as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("{name} was added to your suppliers; the link is pending until the supplier accepts it.").format(
                        name=link.supplier.name
                    ),
                )
                return redirect(f"{enterprise.get_absolute_url()}#suppliers")
        view = EnterpriseDetailView(request=request, kwargs={"pk": pk})
        context = view.get_context_data(pk=pk, supplier_form=form)
        return render(request, EnterpriseDetailView.template_name, context, status=400)


class SupplierLinkDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk, link_pk):
        enterprise = selectors.enterprise_get(user=request.user, pk=pk, request=request)
        link = selectors.supplier_link_get(user=request.user, enterprise=enterprise, pk=link_pk, request=request)
        services.supplier_link_delete(link=link, by=request.user, request=request)
        messages.success(request, _("{name} was removed from your suppliers.").format(name=link.supplier.name))
        return redirect(f"{enterprise.get_absolute_url()}#suppliers")


class SupplierLinkRespondView(LoginRequiredMixin, View):
    """The supplier's administrator accepts or declines a customer's link (or withdraws an accepted one)."""

    def post(self, request, pk, link_pk):
        enterprise = selectors.enterprise_get(user=request.user, pk=pk, request=request)
        link = selectors.customer_link_get(user=request.user, enterprise=enterprise, pk=link_pk, request=request)
        decision = request.POST.get("decision")
        if decision not in ("accept", "decline"):
            messages.error(request, _("Choose to accept or to decline the link."))
            return redirect(f"{enterprise.get_absolute_url()}#suppliers")
        try:
            services.supplier_link_respond(link=link, accept=decision == "accept", by=request.user, request=request)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            message = (
                _("{name} now sees your published level and assessment status.")
                if decision == "accept"
                else _("You declined the link from {name}; it sees nothing beyond your name.")
            )
            messages.success(request, message.format(name=link.leading.name))
        return redirect(f"{enterprise.get_absolute_url()}#suppliers")


class SupplyChainView(LoginRequiredMixin, TemplateView):
    """The leading enterprise's suppliers in one table: published level, certificate, coarse assessment status."""

    template_name = "enterprises/supply_chain.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        enterprise = selectors.enterprise_get(user=user, pk=kwargs["pk"], request=self.request)
        if not may_see_supply_chain(user, enterprise):
            raise NotPermitted(_("The supply-chain table is for the enterprise's own members."))
        return super().get_context_data(
            enterprise=enterprise, rows=supply_chain(user=user, enterprise=enterprise), **kwargs
        )


def _is_enterprise_admin(user, enterprise_pk: int) -> bool:
    return any(m.role == Role.ENTERPRISE_ADMIN and m.enterprise_id == enterprise_pk for m in user.active_memberships)


class EnterpriseEditView(LoginRequiredMixin, View):
    template_name = "enterprises/enterprise_form.html"

    def _enterprise(self, request, pk):
        enterprise = selectors.enterprise_get(user=request.user, pk=pk, request=request)
        if not _is_enterprise_admin(request.user, enterprise.pk):
            raise PermissionDenied
        return enterprise

    def get(self, request, pk):
        enterprise = self._enterprise(request, pk)
        return render(
            request, self.template_name, {"form": EnterpriseProfileForm(instance=enterprise), "enterprise": enterprise}
        )

    def post(self, request, pk):
        enterprise = self._enterprise(request, pk)
        # The form validates its own copy; the service applies the changes to the stored record and audits them.
        form = EnterpriseProfileForm(request.POST, instance=copy.copy(enterprise))
        if form.is_valid():
            try:
                services.enterprise_update(
                    enterprise=enterprise, by=request.user, data=form.cleaned_data, request=request
                )
            except (ValidationError, DomainError) as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The enterprise profile was saved."))
                return redirect(enterprise)
        return render(request, self.template_name, {"form": form, "enterprise": enterprise}, status=400)


class EnterpriseRegisterView(View):
    """Public: a person registers and claims their enterprise; they are logged in and see their claim."""

    template_name = "enterprises/register.html"

    def get(self, request):
        return render(request, self.template_name, {"form": EnterpriseRegistrationForm()})

    def post(self, request):
        form = EnterpriseRegistrationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                claim = services.enterprise_register(
                    username=data["username"],
                    password=data["password1"],
                    email=data["email"],
                    display_name=data["display_name"],
                    position=data["position"],
                    credit_code=data["credit_code"],
                    name_zh=data["name_zh"],
                    name_en=data["name_en"],
                    region=data["region"],
                    industry=data["industry"],
                    size_class=data["size_class"],
                    request=request,
                )
            except (ValidationError, DomainError) as exc:
                add_errors(form, exc)
            else:
                login(request, claim.user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(
                    request,
                    _("Your account was created. Your claim on {enterprise} now awaits verification.").format(
                        enterprise=claim.enterprise.name
                    ),
                )
                return redirect("home")
        return render(request, self.template_name, {"form": form}, status=400)


class ClaimListView(LoginRequiredMixin, ListView):
    template_name = "enterprises/claim_list.html"
    context_object_name = "claims"
    paginate_by = 50

    def get_queryset(self):
        if not self.request.user.has_role(Role.AUTHORITY, Role.NATIONAL, Role.ENTERPRISE_ADMIN):
            raise PermissionDenied
        return selectors.claim_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(form=ClaimDecisionForm(), **kwargs)


class ClaimDecideView(LoginRequiredMixin, View):
    def post(self, request, pk):
        claim = selectors.claim_get(user=request.user, pk=pk, request=request)
        form = ClaimDecisionForm(request.POST)
        if not form.is_valid():
            report_errors(request, form.errors)
            return redirect("enterprises:claim_list")
        try:
            services.claim_decide(
                claim=claim,
                approve=form.cleaned_data["approve"],
                reason=form.cleaned_data["reason"],
                by=request.user,
                request=request,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            if form.cleaned_data["approve"]:
                message = _("The claim of {user} on {enterprise} was approved.")
            else:
                message = _("The claim of {user} on {enterprise} was rejected.")
            messages.success(request, message.format(user=claim.user, enterprise=claim.enterprise.name))
        return redirect("enterprises:claim_list")
