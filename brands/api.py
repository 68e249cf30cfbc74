"""The public brand lists as an API: one row per entry."""

from rest_framework import permissions, serializers, viewsets

from brands import selectors
from brands.models import BrandEntry


class BrandEntrySerializer(serializers.ModelSerializer):
    list = serializers.CharField(source="brand_list.name_zh")
    year = serializers.IntegerField(source="brand_list.year")
    owner = serializers.CharField(source="owner.name_zh")
    city = serializers.CharField(source="region_id")

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
