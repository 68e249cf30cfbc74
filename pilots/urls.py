from django.urls import path

from pilots import views

app_name = "pilots"

urlpatterns = [
    path("", views.PlatformListView.as_view(), name="platform_list"),
    path("download/<str:kind>/", views.PlatformDownloadView.as_view(), name="platform_download"),
    path("requests/", views.RequestListView.as_view(), name="request_list"),
    path("<int:pk>/", views.PlatformDetailView.as_view(), name="platform_detail"),
]
