from django.urls import path

from evaluations import views
from evaluations.views import workbooks as workbook_views

app_name = "evaluations"

urlpatterns = [
    path("", views.EvaluationListView.as_view(), name="evaluation_list"),
    path("self-diagnosis/", views.SelfDiagnosisView.as_view(), name="self_diagnosis"),
    path("queue/", views.EvaluationQueueView.as_view(), name="evaluation_queue"),
    path("calibration/", views.CalibrationView.as_view(), name="calibration"),
    path("institutions/", views.InstitutionListView.as_view(), name="institution_list"),
    path("institutions/<int:pk>/", views.InstitutionDetailView.as_view(), name="institution_detail"),
    path("<int:pk>/decide/", views.EvaluationDecideView.as_view(), name="evaluation_decide"),
    path("<int:pk>/assign/", views.EvaluationAssignView.as_view(), name="evaluation_assign"),
    path("models/<str:code>/", views.ModelDetailView.as_view(), name="model_detail"),
    path("results/", views.ResultInquiryView.as_view(), name="results_inquiry"),
    path("notices/", views.NoticeListView.as_view(), name="notice_list"),
    path("notices/<int:pk>/object/", views.ObjectionCreateView.as_view(), name="objection_create"),
    path("certificates/", views.CertificateSearchView.as_view(), name="certificate_search"),
    path("certificates/<str:number>/", views.CertificateVerifyView.as_view(), name="certificate_verify"),
    path("certificates/<str:number>/pdf/", views.CertificatePdfView.as_view(), name="certificate_pdf"),
    path("decisions/", views.DecisionListView.as_view(), name="decision_list"),
    path("<int:pk>/decision/", views.EvaluationDecisionView.as_view(), name="evaluation_decision"),
    path("<int:pk>/", views.EvaluationDetailView.as_view(), name="evaluation_detail"),
    path("<int:pk>/evidence/", views.EvidenceUploadView.as_view(), name="evidence_upload"),
    path("<int:pk>/evidence/<int:evidence_pk>/", views.EvidenceDownloadView.as_view(), name="evidence_download"),
    path("<int:pk>/review/", views.EvaluationReviewView.as_view(), name="evaluation_review"),
    path("<int:pk>/result/", views.EvaluationResultView.as_view(), name="evaluation_result"),
    path("<int:pk>/onsite/", views.OnSiteView.as_view(), name="onsite"),
    path("<int:pk>/onsite/ratings/", views.RatingSheetView.as_view(), name="rating_sheet"),
    path("<int:pk>/onsite/ratings/<int:assessor_pk>/", views.AssessorRatingsView.as_view(), name="assessor_ratings"),
    path("<int:pk>/onsite/consensus/", views.ConsensusView.as_view(), name="consensus"),
    path("<int:pk>/workbook/", workbook_views.WorkbookTemplateView.as_view(), name="workbook_template"),
    path("workbooks/", workbook_views.WorkbookUploadView.as_view(), name="workbook_upload"),
    path("workbooks/template/", workbook_views.WorkbookBatchTemplateView.as_view(), name="workbook_batch_template"),
    path("workbooks/<int:pk>/", workbook_views.WorkbookDetailView.as_view(), name="workbook_detail"),
]
