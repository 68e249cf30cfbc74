"""The index API under ``/api/v1/indices/``: the digital map's cells, the industry ranking, the trend and the KPI
cards, for anyone (the public map) - every figure through ``indices.selectors.cell_rows``, so small cells outside
the caller's scope come back with ``suppressed: true`` and their figures null."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from enterprises.choices import SizeClass
from evaluations.api.publication import BilingualSerializer
from indices import dashboard_selectors, selectors
from indices.models import ALL, COUNTRY

# --- Output ---------------------------------------------------------------------------------------------------


class IndexCellSerializer(serializers.Serializer):
    """One cell as the caller may see it; a suppressed cell has every figure null."""

    year = serializers.IntegerField()
    region_level = serializers.CharField(help_text="country, province or city")
    region_code = serializers.CharField()
    region_name = serializers.SerializerMethodField()
    industry_code = serializers.CharField(help_text="Empty: all industries.")
    industry_name = serializers.SerializerMethodField()
    size_class = serializers.CharField(help_text="Empty: all sizes.")
    registered = serializers.IntegerField(help_text="Registered enterprises.")
    suppressed = serializers.BooleanField(help_text="Fewer than 5 enterprises, outside the caller's scope.")
    n = serializers.IntegerField(allow_null=True, help_text="Enterprises with a valid official level.")
    coverage = serializers.FloatField(allow_null=True)
    index = serializers.FloatField(allow_null=True, help_text="I = 20 x mean S (0-100).")
    index_change = serializers.FloatField(allow_null=True)
    coverage_change = serializers.FloatField(allow_null=True)
    levels = serializers.DictField(child=serializers.IntegerField(), allow_null=True)
    new_levels = serializers.DictField(child=serializers.IntegerField(), allow_null=True)
    self_n = serializers.IntegerField(allow_null=True)
    self_index = serializers.FloatField(allow_null=True)
    calibration_gap = serializers.FloatField(allow_null=True, help_text="Self-assessed index minus the index.")
    computed_at = serializers.DateTimeField()

    @extend_schema_field(BilingualSerializer(allow_null=True))
    def get_region_name(self, row) -> dict | None:
        return self.context["regions"].get(row["region_code"])

    @extend_schema_field(BilingualSerializer(allow_null=True))
    def get_industry_name(self, row) -> dict | None:
        return self.context["industries"].get(row["industry_code"])


class IndexMapSerializer(serializers.Serializer):
    year = serializers.IntegerField(allow_null=True)
    region = serializers.CharField()
    total = IndexCellSerializer(allow_null=True, help_text="The region's own cell.")
    cells = IndexCellSerializer(many=True, help_text="The provinces (region 000000) or the province's cities.")


class IndexTrendSerializer(serializers.Serializer):
    region = IndexCellSerializer(many=True)
    country = IndexCellSerializer(many=True)


class KpiTargetSerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text="The year of the national target.")
    level = serializers.IntegerField()
    goal = serializers.IntegerField()
    reached = serializers.IntegerField(help_text="Enterprises at or above the level.")
    new = serializers.IntegerField(help_text="Enterprises newly reaching the level this year.")
    share = serializers.FloatField()


class IndexKpiSerializer(serializers.Serializer):
    year = serializers.IntegerField(allow_null=True)
    region_code = serializers.CharField()
    cell = IndexCellSerializer(allow_null=True)
    targets = KpiTargetSerializer(many=True)


# --- Input ----------------------------------------------------------------------------------------------------


class IndexQueryInputSerializer(serializers.Serializer):
    """The dashboard's state: year (default the latest), region (000000 the country, or a province), industry
    and size (empty: all)."""

    year = serializers.IntegerField(required=False, min_value=1900, max_value=2999, help_text="Default: the latest.")
    region = serializers.RegexField(
        r"^\d{6}$", required=False, default=COUNTRY, help_text="000000: the whole country; else a region code."
    )
    industry = serializers.CharField(
        required=False, allow_blank=True, default=ALL, max_length=4, help_text="A GB/T 4754 division; empty: all."
    )
    size = serializers.CharField(
        required=False, allow_blank=True, default=ALL, max_length=10, help_text="Size class; empty: all sizes."
    )

    def validate_region(self, value: str) -> str:
        if value != COUNTRY and value not in self.context["regions"]:
            raise serializers.ValidationError(_("No region has this code."))
        return value

    def validate_industry(self, value: str) -> str:
        if value and value not in self.context["industries"]:
            raise serializers.ValidationError(_("No industry has this code."))
        return value

    def validate_size(self, value: str) -> str:
        if value and value not in SizeClass.values:
            raise serializers.ValidationError(_("Not a size class."))
        return value


class IndexMapInputSerializer(IndexQueryInputSerializer):
    def validate_region(self, value: str) -> str:
        value = super().validate_region(value)
        if value != COUNTRY and not value.endswith("0000"):
            raise serializers.ValidationError(_("The map shows the country or one province."))
        return value


def names() -> dict:
    """Region and industry names for the serializers' context (two queries)."""
    return {"regions": selectors.region_names(), "industries": selectors.industry_names()}


def latest_year(requested: int | None) -> int | None:
    if requested is not None:
        return requested
    years = selectors.years()
    return years[-1] if years else None


def map_data(*, user, state: dict, context: dict) -> dict:
    rows = dashboard_selectors.map_rows(
        user=user, year=state["year"], region=state["region"], industry=state["industry"], size=state["size"]
    )
    return IndexMapSerializer({"year": state["year"], "region": state["region"], **rows}, context=context).data


def industry_data(*, user, state: dict, context: dict) -> list:
    rows = dashboard_selectors.industry_rows(user=user, year=state["year"], region=state["region"], size=state["size"])
    return IndexCellSerializer(rows, many=True, context=context).data


def trend_data(*, user, state: dict, context: dict) -> dict:
    rows = dashboard_selectors.trend_rows(
        user=user, region=state["region"], industry=state["industry"], size=state["size"]
    )
    return IndexTrendSerializer(rows, context=context).data


def kpi_data(*, user, state: dict, context: dict) -> dict:
    if state["year"] is None:
        data = {"year": None, "region_code": state["region"], "cell": None, "targets": []}
    else:
        data = selectors.kpis(user=user, year=state["year"], region_code=state["region"])
    return IndexKpiSerializer(data, context=context).data


def dashboard_data(*, user, state: dict, context: dict) -> dict:
    """Everything one state of the dashboard shows, as the four endpoints return it (the page's first state)."""
    return {
        "map": map_data(user=user, state=state, context=context),
        "industries": industry_data(user=user, state=state, context=context),
        "trend": trend_data(user=user, state=state, context=context),
        "kpis": kpi_data(user=user, state=state, context=context),
    }


class _IndexView(APIView):
    permission_classes = [permissions.AllowAny]
    input_serializer = IndexQueryInputSerializer
    build = None

    def get(self, request):
        context = names()
        query = self.input_serializer(data=request.query_params, context=context)
        query.is_valid(raise_exception=True)
        state = {**query.validated_data}
        state["year"] = latest_year(state.get("year"))
        return Response(type(self).build(user=request.user, state=state, context=context))


@extend_schema(parameters=[IndexMapInputSerializer], responses=IndexMapSerializer)
class IndexMapView(_IndexView):
    """The digital map's cells for one year: the provinces, or a province's cities (`region`), with the region's
    own total; filter by `industry` and `size`."""

    input_serializer = IndexMapInputSerializer
    build = staticmethod(map_data)


@extend_schema(parameters=[IndexQueryInputSerializer], responses=IndexCellSerializer(many=True))
class IndexIndustryView(_IndexView):
    """Every industry's cell of a region in one year (the ranking); `industry` is ignored."""

    build = staticmethod(industry_data)


@extend_schema(parameters=[IndexQueryInputSerializer], responses=IndexTrendSerializer)
class IndexTrendView(_IndexView):
    """Every year's cell of a region and of the whole country (the trend lines); `year` is ignored."""

    build = staticmethod(trend_data)


@extend_schema(parameters=[IndexQueryInputSerializer], responses=IndexKpiSerializer)
class IndexKpiView(_IndexView):
    """The KPI cards of a region and year: enterprises by level, the index and coverage and their change; for
    the whole country also progress towards the national targets of 2025 and 2027."""

    build = staticmethod(kpi_data)
