"""The library, the Q&A and the methods toolbox, read-only and public (drafts only for those who may edit them,
as on the pages): the same selectors as the pages."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, serializers, viewsets

from knowledge import selectors
from knowledge.models import Method, PolicyDocument, Question

SEARCH_MAX = 100


def _search(request) -> str:
    return request.query_params.get("q", "").strip()[:SEARCH_MAX]


class PolicyDocumentSerializer(serializers.ModelSerializer):
    authority = serializers.CharField(source="authority_id", allow_null=True)
    industries = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = PolicyDocument
        fields = [
            "id",
            "kind",
            "number",
            "title_zh",
            "title_en",
            "issuer_zh",
            "issuer_en",
            "issued_on",
            "status",
            "superseded_by",
            "summary_zh",
            "summary_en",
            "dimensions",
            "industries",
            "topic",
            "authority",
        ]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Searches numbers, titles, summaries and issuers (both languages)."),
            OpenApiParameter("kind", str, description="notice, standard or interpretation."),
            OpenApiParameter("status", str, description="in_force, superseded or draft."),
            OpenApiParameter("topic", str, description="A topic code."),
        ]
    )
)
class PolicyDocumentViewSet(viewsets.ReadOnlyModelViewSet):
    """The policy and standards library (public; a draft only for those who may edit it)."""

    permission_classes = [permissions.AllowAny]
    serializer_class = PolicyDocumentSerializer

    def get_queryset(self):
        params = self.request.query_params
        return (
            selectors.document_list(
                self.request.user,
                search=_search(self.request),
                kind=params.get("kind", ""),
                status=params.get("status", ""),
                topic=params.get("topic", ""),
            )
            .prefetch_related("industries")
            .order_by("pk")
        )


class QuestionSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    anchor = serializers.CharField(
        source="html_id", read_only=True, help_text="The question's HTML id on the Q&A page (/knowledge/questions/#…)."
    )

    class Meta:
        model = Question
        fields = ["id", "category", "order", "anchor", "question_zh", "question_en", "answer_zh", "answer_en"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Searches questions and answers in both languages."),
            OpenApiParameter("category", str, description="A category code."),
        ]
    )
)
class QuestionViewSet(viewsets.ReadOnlyModelViewSet):
    """The published questions and answers, in their order."""

    permission_classes = [permissions.AllowAny]
    serializer_class = QuestionSerializer

    def get_queryset(self):
        category = self.request.query_params.get("category", "")[:40]
        return selectors.question_list(search=_search(self.request), category=category)


class MethodSerializer(serializers.ModelSerializer):
    links = serializers.SlugRelatedField(
        slug_field="target", many=True, read_only=True, help_text="Indicator or requirement codes it helps to meet."
    )

    class Meta:
        model = Method
        fields = [
            "code",
            "kind",
            "name_zh",
            "name_en",
            "purpose_zh",
            "purpose_en",
            "when_zh",
            "when_en",
            "steps_zh",
            "steps_en",
            "example_zh",
            "example_en",
            "keywords",
            "links",
        ]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Searches names, purposes and keywords in both languages."),
            OpenApiParameter("kind", str, description="method, tool or digital."),
        ]
    )
)
class MethodViewSet(viewsets.ReadOnlyModelViewSet):
    """The quality methods toolbox, with the evaluation-model codes each method helps to meet."""

    permission_classes = [permissions.AllowAny]
    serializer_class = MethodSerializer
    lookup_field = "code"

    def get_queryset(self):
        kind = self.request.query_params.get("kind", "")
        return selectors.method_list(search=_search(self.request), kind=kind).prefetch_related("links")
