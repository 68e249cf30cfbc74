from django.urls import path

from core import job_views

app_name = "core"

urlpatterns = [
    path("<int:pk>/", job_views.job_status, name="job_status"),
    path("<int:pk>/download/", job_views.job_download, name="job_download"),
    path("exports/", job_views.export_list, name="export_list"),
    path("exports/start/", job_views.export_start, name="export_start"),
    path("exports/<int:pk>/", job_views.export_detail, name="export_detail"),
]
