from django.urls import path

from evaluations import views

app_name = "evaluations"

urlpatterns = [
    path("", views.EvaluationListView.as_view(), name="evaluation_list"),
    path("self-diagnosis/", views.SelfDiagnosisView.as_view(), name="self_diagnosis"),
    path("queue/", views.EvaluationQueueView.as_view(), name="evaluation_queue"),
    path("institutions/", views.InstitutionListView.as_view(), name="institution_list"),
    path("institutions/<int:pk>/", views.InstitutionDetailView.as_view(), name="institution_detail"),
    path("<int:pk>/decide/", views.EvaluationDecideView.as_view(), name="evaluation_decide"),
    path("<int:pk>/assign/", views.EvaluationAssignView.as_view(), name="evaluation_assign"),
    path("models/<str:code>/", views.ModelDetailView.as_view(), name="model_detail"),
    path("<int:pk>/", views.EvaluationDetailView.as_view(), name="evaluation_detail"),
    path("<int:pk>/evidence/", views.EvidenceUploadView.as_view(), name="evidence_upload"),
    path("<int:pk>/evidence/<int:evidence_pk>/", views.EvidenceDownloadView.as_view(), name="evidence_download"),
    path("<int:pk>/review/", views.EvaluationReviewView.as_view(), name="evaluation_review"),
    path("<int:pk>/result/", views.EvaluationResultView.as_view(), name="evaluation_result"),
]
