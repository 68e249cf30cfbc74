"""The public brand lists as an API: one row per entry."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, serializers, viewsets

from brands import selectors
from brands.models import BrandEntry, EntryStatus
from selections.choices import BrandCategory, BrandType


class BrandEntrySerializer(serializers.ModelSerializer):
    list = serializers.CharField(source="brand_list.name_zh")
    year = serializers.IntegerField(source="brand_list.year")
    owner = serializers.CharField(source="owner.name_zh")
    city = serializers.CharField(source="region_id")
    # Declared: a read-only field built from the model loses allow_blank, and the schema then refuses "" (no
    # sub-category), which most entries have.
    category = serializers.ChoiceField(choices=BrandCategory.choices, allow_blank=True, read_only=True)

    class Meta:
        model = BrandEntry
        fields = [
            "id",
            "list",
            "year",
            "brand",
            "owner",
            "brand_type",
            "category",
            "field",
            "city",
            "status",
            "revoked_on",
            "revoked_reason",
        ]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Searches brands, owners and fields (at most 100 characters)."),
            OpenApiParameter("type", str, enum=BrandType.values, description="The brand's type."),
            OpenApiParameter("category", str, enum=BrandCategory.values, description="The sub-category."),
            OpenApiParameter("province", str, description="A province code, e.g. 440000 (other values: no filter)."),
            OpenApiParameter("status", str, enum=EntryStatus.values),
        ]
    )
)
class BrandEntryViewSet(viewsets.ReadOnlyModelViewSet):
    """Brand list entries (public). Filter with `type`, `category`, `province`, `status`; `q` searches brands,
    owners and fields."""

    permission_classes = [permissions.AllowAny]
    serializer_class = BrandEntrySerializer

    def get_queryset(self):
        params = self.request.query_params
        return selectors.entry_list(
            search=params.get("q", "").strip()[:100],
            brand_type=params.get("type", ""),
            category=params.get("category", ""),
            province=params.get("province", "") if params.get("province", "").isdigit() else "",
            status=params.get("status", ""),
        ).order_by("pk")
