"""Evaluation views, one module per audience; the URL configuration imports them from here."""

from evaluations.views.authority import EvaluationAssignView, EvaluationDecideView, EvaluationQueueView
from evaluations.views.calibration import CalibrationView
from evaluations.views.decision import DecisionListView, EvaluationDecisionView
from evaluations.views.institutions import InstitutionDetailView, InstitutionListView
from evaluations.views.onsite import AssessorRatingsView, ConsensusView, OnSiteView, RatingSheetView
from evaluations.views.public import ModelDetailView, SelfDiagnosisView
from evaluations.views.public_results import (
    CertificatePdfView,
    CertificateSearchView,
    CertificateVerifyView,
    NoticeListView,
    ObjectionCreateView,
    ResultInquiryView,
)
from evaluations.views.self_assessment import (
    EvaluationDetailView,
    EvaluationListView,
    EvaluationResultView,
    EvaluationReviewView,
    EvidenceDownloadView,
    EvidenceUploadView,
)

__all__ = [
    "AssessorRatingsView",
    "CalibrationView",
    "CertificatePdfView",
    "CertificateSearchView",
    "CertificateVerifyView",
    "ConsensusView",
    "DecisionListView",
    "EvaluationAssignView",
    "EvaluationDecideView",
    "EvaluationDecisionView",
    "EvaluationDetailView",
    "EvaluationListView",
    "EvaluationQueueView",
    "EvaluationResultView",
    "EvaluationReviewView",
    "EvidenceDownloadView",
    "EvidenceUploadView",
    "InstitutionDetailView",
    "InstitutionListView",
    "ModelDetailView",
    "NoticeListView",
    "ObjectionCreateView",
    "OnSiteView",
    "RatingSheetView",
    "ResultInquiryView",
    "SelfDiagnosisView",
]
