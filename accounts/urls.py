from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("mfa/enrol/", views.SecondFactorEnrolView.as_view(), name="mfa_enrol"),
    path("mfa/verify/", views.SecondFactorVerifyView.as_view(), name="mfa_verify"),
    path("mfa/", views.SecondFactorSettingsView.as_view(), name="mfa_settings"),
    path("audit/", views.AuditLogListView.as_view(), name="audit_log"),
]
