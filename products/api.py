"""Published quality inspection results as an API: one row per inspected sample."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, serializers, viewsets

from products import selectors
from products.choices import ProductCategory
from products.models import InspectionResult


class InspectionResultSerializer(serializers.ModelSerializer):
    batch_title_zh = serializers.CharField(source="batch.title_zh")
    batch_title_en = serializers.CharField(source="batch.title_en")
    category = serializers.CharField(source="batch.category")
    year = serializers.IntegerField(source="batch.year")
    enterprise = serializers.CharField(source="enterprise.name_zh")
    credit_code = serializers.CharField(source="enterprise.credit_code")
    region = serializers.CharField(source="enterprise.region_id")

    class Meta:
        model = InspectionResult
        fields = [
            "id",
            "batch",
            "batch_title_zh",
            "batch_title_en",
            "category",
            "year",
            "enterprise",
            "credit_code",
            "region",
            "product",
            "model_spec",
            "sample_number",
            "passed",
            "defects",
        ]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "q", str, description="Searches enterprises, products, models and defects (at most 100 characters)."
            ),
            OpenApiParameter("category", str, enum=ProductCategory.values, description="The product category."),
            OpenApiParameter("year", int, description="The batch's year."),
            OpenApiParameter("province", str, description="A province code, e.g. 440000 (other values: no filter)."),
            OpenApiParameter("result", str, enum=["passed", "failed"]),
            OpenApiParameter("batch", int, description="One batch's id."),
        ]
    )
)
class InspectionResultViewSet(viewsets.ReadOnlyModelViewSet):
    """Results of published quality inspection batches (public). Filter with `category` (lithium_battery,
    pv_module), `year`, `province` (a province code), `result` (passed or failed) and `batch`; `q` searches
    enterprises, products, models and defects."""

    permission_classes = [permissions.AllowAny]
    serializer_class = InspectionResultSerializer

    def get_queryset(self):
        params = self.request.query_params
        province, year, batch = params.get("province", ""), params.get("year", ""), params.get("batch", "")
        return selectors.result_list(
            user=self.request.user,
            search=params.get("q", "").strip()[:100],
            category=params.get("category", ""),
            year=int(year) if year.isdigit() and len(year) <= 4 else None,
            province=province if province.isdigit() else "",
            passed={"passed": True, "failed": False}.get(params.get("result", "")),
            batch_id=int(batch) if batch.isdigit() and len(batch) <= 9 else None,
        ).order_by("pk")
