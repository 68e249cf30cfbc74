"""Writes for evaluation models, self-assessments, the workflow and institutions (one module per topic)."""

from evaluations.services.common import RATING_VALUES, EvaluationError
from evaluations.services.institutions import (
    assessor_add,
    conflict_check,
    declaration_add,
    qualification_save,
)
from evaluations.services.model_import import evaluation_model_import
from evaluations.services.onsite import (
    conflict_override,
    consensus_save,
    consensus_save_many,
    finding_add,
    rating_save,
    ratings_save,
    ratings_submit,
    require_lead,
    require_rater,
    result_submit,
    team_assign,
)
from evaluations.services.publication import (
    certificate_revoke,
    certificates_expire,
    objection_raise,
    objection_resolve,
    result_approve,
    result_publish,
    result_return,
)
from evaluations.services.self_assessment import (
    answer_save,
    eligibility_save,
    evaluation_start,
    evaluation_start_from_diagnosis,
    evidence_upload,
)
from evaluations.services.workflow import evaluation_assign_institution, evaluation_review, evaluation_submit

__all__ = [
    "RATING_VALUES",
    "EvaluationError",
    "answer_save",
    "assessor_add",
    "certificate_revoke",
    "certificates_expire",
    "conflict_check",
    "conflict_override",
    "consensus_save",
    "consensus_save_many",
    "declaration_add",
    "eligibility_save",
    "evaluation_assign_institution",
    "evaluation_model_import",
    "evaluation_review",
    "evaluation_start",
    "evaluation_start_from_diagnosis",
    "evaluation_submit",
    "evidence_upload",
    "finding_add",
    "objection_raise",
    "objection_resolve",
    "qualification_save",
    "rating_save",
    "ratings_save",
    "ratings_submit",
    "require_lead",
    "require_rater",
    "result_approve",
    "result_publish",
    "result_return",
    "result_submit",
    "team_assign",
]
