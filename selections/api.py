"""The selection API: calls (public once announced, with their criteria and published list) and the
applications a user takes part in (through the scoping layer)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, serializers, viewsets

from accounts.scoping import scope
from selections import selectors
from selections.models import Application, Call, Case, Criterion


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["code", "name_zh", "name_en", "weight", "max_score"]


class CallSerializer(serializers.ModelSerializer):
    authority = serializers.CharField(source="authority_id", allow_null=True)
    criteria = CriterionSerializer(many=True)

    class Meta:
        model = Call
        fields = [
            "id",
            "kind",
            "year",
            "scope",
            "authority",
            "title_zh",
            "title_en",
            "description_zh",
            "description_en",
            "form",
            "opens_on",
            "closes_on",
            "recommend_by",
            "default_quota",
            "announced_at",
            "criteria",
        ]
        read_only_fields = fields


class PublishedEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    enterprise = serializers.CharField(source="enterprise.name_zh")
    enterprise_en = serializers.CharField(source="enterprise.name_en")


class CallDetailSerializer(CallSerializer):
    published = serializers.SerializerMethodField()

    class Meta(CallSerializer.Meta):
        fields = [*CallSerializer.Meta.fields, "published"]
        read_only_fields = fields

    def get_published(self, call) -> list[dict]:
        return PublishedEntrySerializer(selectors.published_of(call), many=True).data


class CallViewSet(viewsets.ReadOnlyModelViewSet):
    """Calls for applications (public once announced; an organiser also sees its own drafts). Filter by `kind`,
    `year`, `scope`. A call's page lists its published entries."""

    permission_classes = [permissions.AllowAny]
    filterset_fields = ["kind", "year", "scope"]

    def get_queryset(self):
        return selectors.calls_visible(self.request.user).prefetch_related("criteria")

    def get_serializer_class(self):
        return CallDetailSerializer if self.action == "retrieve" else CallSerializer


class ApplicantSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    credit_code = serializers.CharField()
    name_zh = serializers.CharField()
    name_en = serializers.CharField()


class ApplicationSerializer(serializers.ModelSerializer):
    enterprise = ApplicantSerializer()
    call = serializers.IntegerField(source="call_id")
    authority = serializers.CharField(source="authority_id", allow_null=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "call",
            "enterprise",
            "title",
            "status",
            "data",
            "authority",
            "rank",
            "submitted_at",
            "panel_score",
            "disagreement",
            "notice_until",
            "feedback",
        ]
        read_only_fields = fields


class ApplicationViewSet(viewsets.ReadOnlyModelViewSet):
    """The applications the caller takes part in: an enterprise's own, an authority's area, an expert's
    assignments, all of them for MIIT. Filter by `call` and `status`."""

    serializer_class = ApplicationSerializer
    filterset_fields = ["call", "status"]

    def get_queryset(self):
        queryset = Application.objects.select_related("enterprise").order_by("pk")
        return scope(self.request.user, queryset, published=False)


class CaseSerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.name_zh")
    industry = serializers.CharField(source="industry_id", allow_null=True)
    city = serializers.CharField(source="region_id")

    class Meta:
        model = Case
        fields = ["id", "title", "theme", "enterprise", "industry", "city", "year", "summary", "methods", "results"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Searches titles, methods and results (at most 100 characters).")
        ]
    )
)
class CaseViewSet(viewsets.ReadOnlyModelViewSet):
    """The typical-case library (public). Filter by `theme`, `year`; `q` searches titles, methods and results."""

    permission_classes = [permissions.AllowAny]
    serializer_class = CaseSerializer
    filterset_fields = ["theme", "year"]

    def get_queryset(self):
        return selectors.case_list(search=self.request.query_params.get("q", "").strip()[:100]).order_by("pk")
