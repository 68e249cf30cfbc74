from rest_framework import serializers

from evaluations.models import EvaluationModel


def _bilingual(zh: str, en: str) -> dict:
    return {"zh": zh, "en": en}


def model_structure_data(model: EvaluationModel) -> dict:
    """The whole structure of a model version (from a prefetched instance: no query per row)."""
    return {
        "code": model.code,
        "version": model.version,
        "name": _bilingual(model.name_zh, model.name_en),
        "description": _bilingual(model.description_zh, model.description_en),
        "threshold": float(model.threshold),
        "levels": [{"number": level["number"], "code": level["code"], "name": level["name"]} for level in model.levels],
        "rating_scale": model.rating_scale,
        "dimensions": [
            {
                "code": dimension.code,
                "name": _bilingual(dimension.name_zh, dimension.name_en),
                "weight": float(dimension.weight),
                "indicators": [
                    {
                        "code": indicator.code,
                        "name": _bilingual(indicator.name_zh, indicator.name_en),
                        "weight": float(indicator.weight),
                        "requirements": [
                            {
                                "code": requirement.code,
                                "level": requirement.level,
                                "text": _bilingual(requirement.text_zh, requirement.text_en),
                                "evidence": _bilingual(requirement.evidence_zh, requirement.evidence_en),
                                "mandatory": requirement.mandatory,
                                "na_allowed": requirement.na_allowed,
                            }
                            for requirement in indicator.requirements.all()
                        ],
                    }
                    for indicator in dimension.indicators.all()
                ],
            }
            for dimension in model.dimensions.all()
        ],
        "eligibility_conditions": [
            {
                "code": condition.code,
                "text": _bilingual(condition.text_zh, condition.text_en),
                "blocks_from_level": condition.blocks_from_level,
            }
            for condition in model.conditions.all()
        ],
    }


class EvaluationModelSummarySerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = EvaluationModel
        fields = ["code", "version", "name", "threshold", "imported_at"]

    def get_name(self, obj) -> dict:
        return _bilingual(obj.name_zh, obj.name_en)


RATING_FIELD = serializers.JSONField(help_text='1, 0.8, 0.5, 0 or "na"')


class ScoringPreviewInputSerializer(serializers.Serializer):
    model = serializers.CharField(help_text="Model code, e.g. QMC-2024 (its newest active version is used).")
    ratings = serializers.DictField(child=serializers.JSONField(), help_text='requirement code → 1|0.8|0.5|0|"na"')
    eligibility = serializers.DictField(
        child=serializers.JSONField(), required=False, default=dict, help_text="condition code → true|false"
    )


class AnswerInputSerializer(serializers.Serializer):
    requirement = serializers.CharField()
    rating = serializers.CharField(allow_blank=True)
    na_reason = serializers.CharField(allow_blank=True, required=False, default="")
    comment = serializers.CharField(allow_blank=True, required=False, default="")


class EligibilityInputSerializer(serializers.Serializer):
    condition = serializers.CharField()
    holds = serializers.BooleanField()


class ProgressSerializer(serializers.Serializer):
    answered = serializers.IntegerField(help_text="Requirements answered so far.")
    total = serializers.IntegerField(help_text="Requirements of the model.")


class EstimateSerializer(serializers.Serializer):
    level = serializers.IntegerField(help_text="0 (below the first level) to 5.")
    level_name = serializers.CharField()
    score = serializers.FloatField(help_text="S, rounded to 2 decimals.")


class SelfAssessmentProgressSerializer(serializers.Serializer):
    """What the self-assessment form shows after each saved answer: how far it is and the live estimate."""

    progress = ProgressSerializer()
    estimate = EstimateSerializer()
