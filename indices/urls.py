from django.urls import path

from indices.methodology_views import MethodologyView
from indices.views import DashboardDownloadView, DashboardView, PublicMapView
from indices.warning_views import WarningDetailView, WarningListView

app_name = "indices"

urlpatterns: list = [
    path("warnings/", WarningListView.as_view(), name="warning_list"),
    path("warnings/<int:pk>/", WarningDetailView.as_view(), name="warning_detail"),
    path("methodology/", MethodologyView.as_view(), name="methodology"),
    path("dashboard/", DashboardView.as_view(), name="dashboard"),
    path("dashboard/download.csv", DashboardDownloadView.as_view(kind="csv"), name="dashboard_csv"),
    path("dashboard/download.xlsx", DashboardDownloadView.as_view(kind="xlsx"), name="dashboard_xlsx"),
    path("map/", PublicMapView.as_view(), name="public_map"),
]
