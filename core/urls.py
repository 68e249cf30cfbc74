from django.urls import path

from core import job_views

app_name = "core"

urlpatterns = [
    path("<int:pk>/", job_views.job_status, name="job_status"),
]
