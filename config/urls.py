from django.contrib import admin
from django.urls import include, path

from core import views as core_views

handler403 = "core.views.permission_denied"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("enterprises/", include("enterprises.urls")),
    path("evaluations/", include("evaluations.urls")),
    path("jobs/", include("core.urls")),
    path("indices/geo/", include("indices.geo_urls")),
    path("indices/", include("indices.urls")),
    path("calls/", include("selections.urls")),
    path("labs/", include("labs.urls")),
    path("pilots/", include("pilots.urls")),
    path("brands/", include("brands.urls")),
    path("products/", include("products.urls")),
    path("summaries/", include("summaries.urls")),
    path("knowledge/", include("knowledge.urls")),
    path("training/", include("training.urls")),
    path("api/v1/", include((("config.api"), "api"), namespace="api")),
    path("admin/", admin.site.urls),
]
