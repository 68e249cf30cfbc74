"""The public lab registry as an API."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, serializers, viewsets

from labs import selectors
from labs.models import Lab


class LabSerializer(serializers.ModelSerializer):
    host = serializers.CharField(source="host.name_zh")
    host_credit_code = serializers.CharField(source="host.credit_code")
    city = serializers.CharField(source="region_id")

    class Meta:
        model = Lab
        fields = [
            "id",
            "name_zh",
            "name_en",
            "host",
            "host_credit_code",
            "product_field",
            "city",
            "batch",
            "accredited_on",
            "reassessment_due",
            "status",
            "revoked_on",
        ]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Searches names, fields and hosts (at most 100 characters).")
        ]
    )
)
class LabViewSet(viewsets.ReadOnlyModelViewSet):
    """Accredited (and revoked) quality-control and technical-evaluation laboratories. Filter by `status` and
    `batch`; `q` searches names, fields and hosts."""

    permission_classes = [permissions.AllowAny]
    serializer_class = LabSerializer
    filterset_fields = ["status", "batch"]

    def get_queryset(self):
        return selectors.lab_list(search=self.request.query_params.get("q", "").strip()[:100]).order_by("pk")
