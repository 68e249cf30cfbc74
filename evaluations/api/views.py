from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from evaluations import scoring, selectors, services
from evaluations.api.serializers import (
    AnswerInputSerializer,
    EligibilityInputSerializer,
    EvaluationModelSummarySerializer,
    ScoringPreviewInputSerializer,
    SelfAssessmentProgressSerializer,
    model_structure_data,
)

PROBLEMS = {
    "unknown_requirement": gettext_lazy("Not a requirement of this model."),
    "unknown_condition": gettext_lazy("Not an eligibility condition of this model."),
    "off_scale": gettext_lazy("Not on the rating scale (1, 0.8, 0.5, 0 or N/A)."),
    "na_not_allowed": gettext_lazy("N/A is not allowed for this requirement."),
    "not_boolean": gettext_lazy("Must be true or false."),
}


class EvaluationModelViewSet(viewsets.ReadOnlyModelViewSet):
    """Evaluation models (public): the newest active version of each code, with its whole structure."""

    permission_classes = [permissions.AllowAny]
    serializer_class = EvaluationModelSummarySerializer
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    pagination_class = None

    def get_queryset(self):
        return selectors.model_list()

    def list(self, request, *args, **kwargs):
        latest = {}
        for model in self.get_queryset():
            latest.setdefault(model.code, model)
        return Response(self.get_serializer(list(latest.values()), many=True).data)

    @extend_schema(responses={200: OpenApiResponse(description="The model's whole structure.")})
    def retrieve(self, request, code=None):
        model = selectors.model_latest(code=code)
        if model is None:
            raise Http404
        return Response(model_structure_data(selectors.model_structure(model=model)))


def engine_errors(exc: scoring.ScoringInputError) -> dict:
    fields = {}
    for key, code in exc.rating_errors.items():
        fields[f"ratings.{key}"] = [str(PROBLEMS[code])]
    for key, code in exc.eligibility_errors.items():
        fields[f"eligibility.{key}"] = [str(PROBLEMS[code])]
    return fields


class ScoringPreviewView(APIView):
    """Score posted ratings with the engine and return the result; nothing is stored (public, rate-limited)."""

    permission_classes = [permissions.AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "scoring_preview"

    @extend_schema(request=ScoringPreviewInputSerializer, responses={200: OpenApiResponse(description="Result")})
    def post(self, request):
        data = ScoringPreviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        model = selectors.model_latest(code=data.validated_data["model"])
        if model is None:
            raise serializers.ValidationError({"model": [_("No evaluation model has this code.")]})
        try:
            result = scoring.score(
                selectors.model_spec(model=model), data.validated_data["ratings"], data.validated_data["eligibility"]
            )
        except scoring.ScoringInputError as exc:
            return Response(
                {
                    "detail": _("Some ratings or conditions are not valid; see the fields."),
                    "code": "invalid",
                    "fields": engine_errors(exc),
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        body = selectors.result_as_dict(result, model=model)
        body["not_reached_reasons"] = body.pop("not_reached")
        return Response(body)


class AnswerView(APIView):
    """Autosave of one self-assessment answer; returns progress and the live estimate."""

    @extend_schema(request=AnswerInputSerializer, responses={200: SelfAssessmentProgressSerializer})
    def post(self, request, pk):
        evaluation = selectors.evaluation_get(user=request.user, pk=pk, request=request._request)
        data = AnswerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.answer_save(
            evaluation=evaluation,
            requirement_code=data.validated_data["requirement"],
            rating=data.validated_data["rating"],
            na_reason=data.validated_data["na_reason"],
            comment=data.validated_data["comment"],
            by=request.user,
            request=request._request,
        )
        return Response(progress_payload(evaluation))


class EligibilityView(APIView):
    @extend_schema(request=EligibilityInputSerializer, responses={200: SelfAssessmentProgressSerializer})
    def post(self, request, pk):
        evaluation = selectors.evaluation_get(user=request.user, pk=pk, request=request._request)
        data = EligibilityInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.eligibility_save(
            evaluation=evaluation,
            condition_code=data.validated_data["condition"],
            holds=data.validated_data["holds"],
            by=request.user,
            request=request._request,
        )
        return Response(progress_payload(evaluation))


def progress_payload(evaluation) -> dict:
    estimate = selectors.evaluation_estimate(evaluation=evaluation)
    return {
        "progress": selectors.evaluation_progress(evaluation=evaluation),
        "estimate": {
            "level": estimate.level,
            "level_name": evaluation.model.level_name(estimate.level),
            "score": round(estimate.score, 2),
        },
    }
