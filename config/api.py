"""The /api/v1/ router: one place that lists every endpoint."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny
from rest_framework.routers import DefaultRouter

from accounts.api import TokenObtainView
from brands.api import BrandEntryViewSet
from enterprises.api.views import AuthorityViewSet, EnterpriseViewSet, IndustryViewSet, RegionViewSet
from evaluations.api.publication import CertificateViewSet, PublishedResultViewSet
from evaluations.api.scoped import EvaluationViewSet
from evaluations.api.views import AnswerView, EligibilityView, EvaluationModelViewSet, ScoringPreviewView
from indices.api import IndexIndustryView, IndexKpiView, IndexMapView, IndexTrendView
from knowledge.api import MethodViewSet, PolicyDocumentViewSet, QuestionViewSet
from labs.api import LabViewSet
from pilots.api import PlatformViewSet
from products.api import InspectionResultViewSet
from selections.api import ApplicationViewSet, CallViewSet, CaseViewSet


class PublicRootRouter(DefaultRouter):
    """The API root lists the endpoints to anyone; each endpoint keeps its own permissions."""

    class APIRootView(DefaultRouter.APIRootView):
        permission_classes = [AllowAny]


router = PublicRootRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("industries", IndustryViewSet, basename="industry")
router.register("authorities", AuthorityViewSet, basename="authority")
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("evaluation-models", EvaluationModelViewSet, basename="evaluation-model")
router.register("certificates", CertificateViewSet, basename="certificate")
router.register("results", PublishedResultViewSet, basename="result")
router.register("evaluations", EvaluationViewSet, basename="evaluation")
router.register("calls", CallViewSet, basename="call")
router.register("applications", ApplicationViewSet, basename="application")
router.register("labs", LabViewSet, basename="lab")
router.register("pilot-platforms", PlatformViewSet, basename="pilot-platform")
router.register("cases", CaseViewSet, basename="case")
router.register("brands", BrandEntryViewSet, basename="brand")
router.register("inspections", InspectionResultViewSet, basename="inspection")
router.register("policy-documents", PolicyDocumentViewSet, basename="policy-document")
router.register("questions", QuestionViewSet, basename="question")
router.register("methods", MethodViewSet, basename="method")

urlpatterns = [
    path("", include(router.urls)),
    path("auth/token/", TokenObtainView.as_view(), name="auth_token"),
    path("scoring/preview", ScoringPreviewView.as_view(), name="scoring_preview"),
    path("evaluations/<int:pk>/answers/", AnswerView.as_view(), name="evaluation_answer"),
    path("evaluations/<int:pk>/eligibility/", EligibilityView.as_view(), name="evaluation_eligibility"),
    path("indices/cells/", IndexMapView.as_view(), name="index_cells"),
    path("indices/industries/", IndexIndustryView.as_view(), name="index_industries"),
    path("indices/trend/", IndexTrendView.as_view(), name="index_trend"),
    path("indices/kpis/", IndexKpiView.as_view(), name="index_kpis"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
