from django.urls import path

from labs import views

app_name = "labs"

urlpatterns = [
    path("", views.LabListView.as_view(), name="lab_list"),
    path("download/<str:kind>/", views.LabDownloadView.as_view(), name="lab_download"),
    path("<int:pk>/", views.LabDetailView.as_view(), name="lab_detail"),
]
