"""Scoped API of evaluations: the evaluations a user works with, their on-site ratings (blind-rating rule) and
the engine's scores. Published levels of other enterprises are in the public ``/results/`` endpoint."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import path_id
from evaluations import onsite_selectors as selectors
from evaluations.models import Evaluation, TeamMember


class EvaluationEnterpriseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    credit_code = serializers.CharField()
    name_zh = serializers.CharField()
    name_en = serializers.CharField()
    region = serializers.CharField(source="region_id")
    industry = serializers.CharField(source="industry_id")


class EvaluationSerializer(serializers.ModelSerializer):
    enterprise = EvaluationEnterpriseSerializer()
    model = serializers.CharField(source="model.code")
    model_version = serializers.CharField(source="model.version")
    institution = serializers.IntegerField(source="institution_id", allow_null=True)

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "enterprise",
            "cycle",
            "status",
            "model",
            "model_version",
            "institution",
            "self_level",
            "self_score",
            "official_level",
            "official_score",
            "submitted_at",
            "result_submitted_at",
            "published_at",
        ]
        read_only_fields = fields


class OnSiteRatingSerializer(serializers.Serializer):
    assessor = serializers.IntegerField(source="assessor_id")
    assessor_name = serializers.SerializerMethodField()
    kind = serializers.SerializerMethodField()
    code = serializers.SerializerMethodField()
    value = serializers.CharField()
    comment = serializers.CharField()
    updated_at = serializers.DateTimeField()

    def get_assessor_name(self, rating) -> str:
        return self.context["names"].get(rating.assessor_id, "")

    def get_kind(self, rating) -> str:
        return "requirement" if rating.requirement_id else "condition"

    def get_code(self, rating) -> str:
        return (rating.requirement or rating.condition).code


class EvaluationViewSet(viewsets.ReadOnlyModelViewSet):
    """Evaluations in the caller's own scope (an enterprise's own, an assessor's assignments, an institution's,
    an authority's region, the country for MIIT). Filter by `cycle` and `status`."""

    serializer_class = EvaluationSerializer
    filterset_fields = ["cycle", "status"]

    def get_queryset(self):
        return selectors.evaluation_list_own(user=self.request.user)

    def get_object(self):
        return selectors.evaluation_get_own(user=self.request.user, pk=path_id(self.kwargs["pk"]), request=self.request)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "assessor", OpenApiTypes.INT, description=_("Only this team member's ratings (404 while hidden).")
            )
        ],
        responses={200: OnSiteRatingSerializer(many=True)},
    )
    @action(detail=True, pagination_class=None, filter_backends=[])
    def ratings(self, request, pk=None):
        """On-site ratings under the blind-rating rule: an assessor sees only their own until they submit them;
        others in scope see them once the evaluation has left the on-site stage."""
        evaluation = self.get_object()
        assessor = request.query_params.get("assessor")
        if assessor is not None and not assessor.isdigit():
            raise serializers.ValidationError({"assessor": [_("Give an assessor's id (a whole number).")]})
        visible = selectors.ratings_for(
            user=request.user,
            evaluation=evaluation,
            assessor_pk=int(assessor) if assessor is not None else None,
            request=request._request,
        )
        names = {
            m.assessor_id: str(m.assessor)
            for m in TeamMember.objects.filter(evaluation=evaluation).select_related("assessor")
        }
        return Response(OnSiteRatingSerializer(visible, many=True, context={"names": names}).data)

    @extend_schema(responses={200: OpenApiResponse(description="Self, per-assessor and consensus scores.")})
    @action(detail=True, pagination_class=None, filter_backends=[])
    def result(self, request, pk=None):
        """The engine's scores of the self-assessment, of each assessor whose ratings the caller may read, and of
        the consensus. Only the consensus decides the official level."""
        return Response(selectors.evaluation_scores(user=request.user, evaluation=self.get_object()))
