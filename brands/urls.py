from django.urls import path

from brands import views

app_name = "brands"

urlpatterns = [
    path("", views.EntryListView.as_view(), name="entry_list"),
    path("download/<str:kind>/", views.EntryDownloadView.as_view(), name="entry_download"),
    path("self-evaluation/", views.AssessmentListView.as_view(), name="assessment_list"),
    path("self-evaluation/<int:pk>/", views.AssessmentDetailView.as_view(), name="assessment_detail"),
    path("self-evaluation/<int:pk>/result/", views.AssessmentResultView.as_view(), name="assessment_result"),
]
