"""The public pilot-platform directory as an API."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, serializers, viewsets

from pilots import selectors
from pilots.choices import Tier
from pilots.models import Platform
from selections.choices import KeyField, Service


class PlatformSerializer(serializers.ModelSerializer):
    host = serializers.CharField(source="host.name_zh")
    city = serializers.CharField(source="region_id")
    rating = serializers.FloatField(allow_null=True)
    rated = serializers.IntegerField()

    class Meta:
        model = Platform
        fields = [
            "id",
            "name_zh",
            "name_en",
            "host",
            "city",
            "key_field",
            "industry_direction",
            "construction_mode",
            "services",
            "tier",
            "tier_since",
            "rating",
            "rated",
        ]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Searches names and industry directions (at most 100 characters)."),
            OpenApiParameter("service", str, enum=Service.values, description="Platforms offering this service."),
            OpenApiParameter("field", str, enum=KeyField.values, description="The platform's key field."),
            OpenApiParameter("province", str, description="A province code, e.g. 440000 (other values: no filter)."),
            OpenApiParameter("tier", str, enum=Tier.values),
        ]
    )
)
class PlatformViewSet(viewsets.ReadOnlyModelViewSet):
    """Pilot-scale platforms. Filter with `service`, `field`, `province` (a province code), `tier`; `q` searches
    names and industry directions."""

    permission_classes = [permissions.AllowAny]
    serializer_class = PlatformSerializer

    def get_queryset(self):
        params = self.request.query_params
        return selectors.platform_list(
            search=params.get("q", "").strip()[:100],
            service=params.get("service", ""),
            key_field=params.get("field", ""),
            province=params.get("province", "") if params.get("province", "").isdigit() else "",
            tier=params.get("tier", ""),
        ).order_by("pk")
