from rest_framework import serializers

from enterprises import credit_code
from enterprises.models import Authority, Enterprise, Industry, Region


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent_id", allow_null=True, read_only=True)

    class Meta:
        model = Region
        fields = ["code", "level", "parent", "name_zh", "name_en"]


class IndustrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Industry
        fields = ["code", "section", "name_zh", "name_en"]


class AuthoritySerializer(serializers.ModelSerializer):
    regions = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    excluded_regions = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")

    class Meta:
        model = Authority
        fields = ["code", "kind", "name_zh", "name_en", "regions", "excluded_regions"]


class EnterpriseSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    province = serializers.CharField(source="region.parent_id", read_only=True, allow_null=True)
    industry = serializers.CharField(source="industry_id", read_only=True)
    industry_name = serializers.CharField(source="industry.name", read_only=True)

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "credit_code",
            "name_zh",
            "name_en",
            "region",
            "region_name",
            "province",
            "industry",
            "industry_name",
            "size_class",
            "is_listed",
            "parent",
            "address",
            "status",
            "verified_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CreditCodeSerializerField(serializers.CharField):
    """Normalises what people type (spaces, lower case); the model field's validator then checks it."""

    def to_internal_value(self, data):
        return credit_code.normalize(super().to_internal_value(data))


class EnterpriseCreateInputSerializer(serializers.ModelSerializer):
    credit_code = CreditCodeSerializerField()
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all())
    industry = serializers.PrimaryKeyRelatedField(queryset=Industry.objects.all())

    class Meta:
        model = Enterprise
        fields = ["credit_code", "name_zh", "name_en", "region", "industry", "size_class", "is_listed", "address"]

    def get_fields(self):
        fields = super().get_fields()
        # The model field carries the credit-code and uniqueness validators; keep them on the normalising field.
        model_field = Enterprise._meta.get_field("credit_code")
        fields["credit_code"].validators = [*model_field.validators]
        return fields
