"""Public API of publication: certificate verification by number and the published-results search."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, permissions, serializers, viewsets

from evaluations import publication_selectors as selectors
from evaluations.filters import PublishedResultFilterSet
from evaluations.models import Certificate, Evaluation


class BilingualSerializer(serializers.Serializer):
    zh = serializers.CharField()
    en = serializers.CharField()


class PublicEnterpriseSerializer(serializers.Serializer):
    name_zh = serializers.CharField()
    name_en = serializers.CharField()
    credit_code = serializers.CharField()
    region = serializers.CharField(source="region_id")
    region_name = serializers.SerializerMethodField()
    industry = serializers.CharField(source="industry_id")
    industry_name = serializers.SerializerMethodField()

    @extend_schema_field(BilingualSerializer)
    def get_region_name(self, enterprise) -> dict:
        return {"zh": enterprise.region.name_zh, "en": enterprise.region.name_en}

    @extend_schema_field(BilingualSerializer)
    def get_industry_name(self, enterprise) -> dict:
        return {"zh": enterprise.industry.name_zh, "en": enterprise.industry.name_en}


class CertificateSerializer(serializers.ModelSerializer):
    enterprise = PublicEnterpriseSerializer()
    level_name = serializers.SerializerMethodField()
    verification_url = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "number",
            "status",
            "enterprise",
            "level",
            "level_name",
            "score",
            "issued_on",
            "valid_until",
            "revoked_at",
            "revoked_reason",
            "verification_url",
        ]

    @extend_schema_field(BilingualSerializer)
    def get_level_name(self, certificate) -> dict:
        return selectors.level_names(certificate.evaluation.model, certificate.level)

    def get_verification_url(self, certificate) -> str:
        return selectors.certificate_verify_url(certificate)


class ResultCertificateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Certificate
        fields = ["number", "status", "issued_on", "valid_until"]


class PublishedResultSerializer(serializers.ModelSerializer):
    enterprise = PublicEnterpriseSerializer()
    level = serializers.IntegerField(source="official_level")
    level_name = serializers.SerializerMethodField()
    score = serializers.DecimalField(source="official_score", max_digits=6, decimal_places=4)
    certificate = serializers.SerializerMethodField()

    class Meta:
        model = Evaluation
        fields = ["cycle", "status", "enterprise", "level", "level_name", "score", "published_at", "certificate"]

    @extend_schema_field(BilingualSerializer)
    def get_level_name(self, evaluation) -> dict:
        return selectors.level_names(evaluation.model, evaluation.official_level)

    @extend_schema_field(ResultCertificateSerializer(allow_null=True))
    def get_certificate(self, evaluation) -> dict | None:
        certificate = getattr(evaluation, "certificate", None)
        return ResultCertificateSerializer(certificate).data if certificate else None


class CertificateViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Verify a certificate by its number (public): valid, expired or revoked, for which enterprise and level."""

    permission_classes = [permissions.AllowAny]
    serializer_class = CertificateSerializer
    lookup_field = "number"
    lookup_value_regex = "[^/]+"
    queryset = Certificate.objects.none()  # for the schema; objects come from the selector

    def get_object(self):
        return selectors.certificate_get(user=self.request.user, number=self.kwargs["number"], request=self.request)


class PublishedResultViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Published evaluation results (public): filter by `q` (name or credit code), `region`, `industry`, `level`."""

    permission_classes = [permissions.AllowAny]
    serializer_class = PublishedResultSerializer
    filterset_class = PublishedResultFilterSet

    def get_queryset(self):
        return selectors.results_published(user=self.request.user)
