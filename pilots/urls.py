from django.urls import path

from pilots import views

app_name = "pilots"

urlpatterns = [
    path("", views.PlatformListView.as_view(), name="platform_list"),
    path("download/<str:kind>/", views.PlatformDownloadView.as_view(), name="platform_download"),
    path("scenarios/", views.ScenarioListView.as_view(), name="scenario_list"),
    path("scenarios/download/<str:kind>/", views.ScenarioDownloadView.as_view(), name="scenario_download"),
    path("scenarios/<int:pk>/", views.ScenarioDetailView.as_view(), name="scenario_detail"),
    path("requests/", views.RequestListView.as_view(), name="request_list"),
    path("<int:pk>/", views.PlatformDetailView.as_view(), name="platform_detail"),
]
