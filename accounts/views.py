from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.views.generic import ListView

from accounts.choices import Role
from accounts.forms import AuditLogFilterForm, LoginForm
from accounts.selectors import audit_log_list


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class AuditLogListView(LoginRequiredMixin, ListView):
    """The audit log, for platform administrators."""

    template_name = "accounts/audit_log.html"
    context_object_name = "entries"
    paginate_by = 50

    def get_queryset(self):
        if not self.request.user.has_role(Role.PLATFORM_ADMIN):
            raise PermissionDenied
        self.filter_form = AuditLogFilterForm(self.request.GET or None)
        filters = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        return audit_log_list(filters=filters)

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(filter_form=self.filter_form, query=query.urlencode(), **kwargs)
