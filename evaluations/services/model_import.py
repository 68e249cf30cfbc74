"""Importing evaluation-model versions."""

import json
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.choices import AuditAction
from accounts.models import User
from accounts.services import audit_record
from evaluations import model_file
from evaluations.model_file import ModelFileError
from evaluations.models import (
    Dimension,
    EligibilityCondition,
    EvaluationModel,
    Indicator,
    Requirement,
)


@transaction.atomic
def evaluation_model_import(*, data: dict, by: User | None = None) -> EvaluationModel:
    """Import a model version from checked file data. Importing the same version again is a no-op."""
    model_file.check(data)
    data = json.loads(json.dumps(data))  # as it will be stored (JSON keys are text), so re-imports compare equal
    code, version = str(data["code"]).strip(), str(data["version"]).strip()
    existing = EvaluationModel.objects.filter(code=code, version=version).first()
    if existing is not None:
        if existing.source == data:
            return existing
        raise ModelFileError(
            [
                _("Version {version} of {code} exists with different content; give the new file a new version.").format(
                    version=version, code=code
                )
            ]
        )
    model = EvaluationModel.objects.create(
        code=code,
        version=version,
        name_zh=data["name"]["zh"],
        name_en=data["name"]["en"],
        description_zh=(data.get("description") or {}).get("zh", ""),
        description_en=(data.get("description") or {}).get("en", ""),
        threshold=Decimal(str(data.get("threshold", 0.8))),
        levels=data["levels"],
        rating_scale=data.get("rating_scale") or model_file.DEFAULT_RATING_SCALE,
        source=data,
        imported_by=by,
    )
    requirements, position = [], 0
    for d_position, d in enumerate(data["dimensions"]):
        dimension = Dimension.objects.create(
            model=model,
            code=d["code"],
            name_zh=d["name"]["zh"],
            name_en=d["name"]["en"],
            weight=Decimal(str(d["weight"])),
            position=d_position,
        )
        for i in d["indicators"]:
            position += 1
            diagnosis = {str(level): text for level, text in (i.get("diagnosis") or {}).items()}
            indicator = Indicator.objects.create(
                model=model,
                dimension=dimension,
                code=model_file.indicator_code(code, d["code"], i["code"]),
                short_code=i["code"],
                name_zh=i["name"]["zh"],
                name_en=i["name"]["en"],
                weight=Decimal(str(i["weight"])),
                advice_zh=(i.get("advice") or {}).get("zh", ""),
                advice_en=(i.get("advice") or {}).get("en", ""),
                diagnosis=diagnosis,
                position=position,
            )
            for r in sorted(i["requirements"], key=lambda r: r["level"]):
                requirements.append(
                    Requirement(
                        model=model,
                        indicator=indicator,
                        code=model_file.requirement_code(code, d["code"], i["code"], r["level"]),
                        level=r["level"],
                        text_zh=r["text"]["zh"],
                        text_en=r["text"]["en"],
                        evidence_zh=(r.get("evidence") or {}).get("zh", ""),
                        evidence_en=(r.get("evidence") or {}).get("en", ""),
                        mandatory=bool(r.get("mandatory")),
                        na_allowed=bool(r.get("na_allowed")),
                        position=len(requirements),
                    )
                )
    Requirement.objects.bulk_create(requirements)
    EligibilityCondition.objects.bulk_create(
        EligibilityCondition(
            model=model,
            code=model_file.condition_code(code, c["code"]),
            text_zh=c["text"]["zh"],
            text_en=c["text"]["en"],
            blocks_from_level=c["blocks_from_level"],
            position=n,
        )
        for n, c in enumerate(data.get("eligibility_conditions") or [])
    )
    audit_record(action=AuditAction.CREATE, actor=by, target=model, details={"version": version})
    return model
