"""API fuzzing: schemathesis generates requests from the OpenAPI schema for every operation, and each request is
sent as every role (anonymous, the enterprise's administrator and member, an assessor and the institution's
administrator, the Guangdong authority, MIIT, an expert reviewer, the platform administrator) through the WSGI
application in this process. Every response must be no server error, have a status code the schema documents,
and a body that matches the schema for that code.

The data is a small platform in the roles' scope (module-scoped, rolled back at the end): three enterprises,
evaluations from draft to published with a certificate, on-site ratings, a call with an application and its expert
review, a lab, a pilot platform, a brand entry, a typical case and a published inspection batch. Generated path
parameters are mixed with the ids of these objects, so responses are not all 404.
"""

import datetime
import random
from decimal import Decimal

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from accounts.choices import Role
from brands.models import BrandEntry, BrandList
from core.demo import demo_credit_code
from enterprises.models import Authority, Enterprise, Industry, Region
from evaluations.choices import CertificateStatus, EvaluationStatus
from evaluations.models import (
    Answer,
    Certificate,
    EligibilityCondition,
    Evaluation,
    EvaluationModel,
    Rating,
    Requirement,
    TeamMember,
)
from knowledge.demo import seed_knowledge
from knowledge.models import PolicyDocument, Question
from labs.models import Lab
from pilots.models import Platform
from products.models import InspectionBatch, InspectionResult
from selections import services as selection_services
from selections.choices import ApplicationStatus, CallKind, CallScope
from selections.models import Application, Case, Review
from tests.factories import PASSWORD, EnterpriseFactory, UserFactory, default_institution, grant

# Per operation, this many generated cases (each sent as all nine roles): the whole file stays well under two
# minutes on CI's two CPUs. Derandomized, so a run is repeatable and a failure reproduces.
MAX_EXAMPLES = 6
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]

# The schema as the application serves it (drf-spectacular builds it without the database), loaded through the
# WSGI handler: schemathesis then sends its requests to the same handler, in this process.
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/schema/?format=json",
    WSGIHandler(),
    # Each role's own credentials are sent with its requests; no generated ones.
    config=SchemathesisConfig.from_dict({"generation": {"with-security-parameters": False}}),
)
KNOWN: dict[str, dict[str, list]] = {}  # path prefix -> path parameter -> ids of the world's objects
REAL_REQUESTS: dict[str, list[dict]] = {}  # operation -> writes that succeed for some roles (path, body)
OPERATIONS = [result.ok() for result in schema.get_all_operations()]


def _known_path_parameters(operation) -> list[dict]:
    names = [parameter.name for parameter in operation.path_parameters]
    for prefix, values in KNOWN.items():
        if len(names) == 1 and operation.path.startswith(f"/api/v1{prefix}") and names[0] in values:
            return [{names[0]: value} for value in values[names[0]]]
    return []


def _cases(operation):
    """Valid and invalid requests, and valid ones that name an object of the world (so not every answer is 404)."""
    strategies = [operation.as_strategy(GenerationMode.POSITIVE)]
    if operation.path_parameters or operation.query or operation.body:
        strategies.append(operation.as_strategy(GenerationMode.NEGATIVE))
    known = _known_path_parameters(operation)
    if known:
        strategies.append(
            st.sampled_from(known).flatmap(
                lambda parameters: operation.as_strategy(GenerationMode.POSITIVE, path_parameters=parameters)
            )
        )
    return st.one_of(strategies)


def _user(username: str, role: str, **where):
    return grant(UserFactory(username=username), role, **where)


def _evaluation(enterprise, *, cycle: int, status: str, by, requirements, **fields) -> Evaluation:
    evaluation = Evaluation.objects.create(
        enterprise=enterprise,
        model=requirements[0].model,
        cycle=cycle,
        status=status,
        started_by=by,
        **fields,
    )
    ratings = ["1", "0.8", "0.5", "0"]
    Answer.objects.bulk_create(
        Answer(evaluation=evaluation, requirement=r, rating=ratings[n % 4], updated_by=by)
        for n, r in enumerate(requirements)
    )
    return evaluation


def _world() -> dict:
    """The platform the roles work in; returns the roles' API tokens and the ids to try in paths."""
    qmc = EvaluationModel.objects.get(code="QMC-2024")
    requirements = list(Requirement.objects.filter(model=qmc).order_by("position"))
    shenzhen = EnterpriseFactory(region_id="440300", name_zh="深圳精工电子有限公司")
    guangzhou = EnterpriseFactory(region_id="440100", name_zh="广州恒通机械有限公司")
    beijing = EnterpriseFactory(region_id="110100", name_zh="北京中科仪器有限公司", industry_id="40")
    institution = default_institution()
    people = {
        "enterprise_admin": _user("fuzz_admin", Role.ENTERPRISE_ADMIN, enterprise=shenzhen),
        "enterprise_member": _user("fuzz_member", Role.ENTERPRISE_MEMBER, enterprise=shenzhen),
        "assessor": _user("fuzz_assessor", Role.ASSESSOR, institution=institution),
        "institution_admin": _user("fuzz_institution", Role.INSTITUTION_ADMIN, institution=institution),
        "authority": _user("fuzz_gd", Role.AUTHORITY, authority="GD"),
        "national": _user("fuzz_miit", Role.NATIONAL),
        "expert": _user("fuzz_expert", Role.EXPERT),
        "platform_admin": _user("fuzz_platform", Role.PLATFORM_ADMIN),
    }
    admin, assessor, miit = people["enterprise_admin"], people["assessor"], people["national"]

    draft = _evaluation(shenzhen, cycle=2026, status=EvaluationStatus.DRAFT, by=admin, requirements=requirements[:20])
    published = _evaluation(
        shenzhen,
        cycle=2025,
        status=EvaluationStatus.PUBLISHED,
        by=admin,
        requirements=requirements,
        institution=institution,
        submitted_at=timezone.now(),
        official_level=3,
        official_score=Decimal("3.4500"),
        official_result={"level": 3, "score": 3.45},
        result_submitted_at=timezone.now(),
        published_at=timezone.now(),
    )
    certificate = Certificate.objects.create(
        number="QP-2025-440300-0001",
        evaluation=published,
        enterprise=shenzhen,
        level=3,
        score=Decimal("3.4500"),
        issued_on=datetime.date(2025, 12, 1),
        valid_until=datetime.date(2028, 12, 1),
        status=CertificateStatus.VALID,
    )
    on_site = _evaluation(
        guangzhou,
        cycle=2026,
        status=EvaluationStatus.ON_SITE,
        by=admin,
        requirements=requirements,
        institution=institution,
        submitted_at=timezone.now(),
    )
    TeamMember.objects.create(evaluation=on_site, assessor=assessor, role="lead", assigned_by=admin)
    Rating.objects.bulk_create(
        Rating(evaluation=on_site, assessor=assessor, requirement=r, value="0.8") for r in requirements[:30]
    )
    submitted = _evaluation(
        guangzhou, cycle=2025, status=EvaluationStatus.SUBMITTED, by=admin, requirements=requirements
    )
    elsewhere = _evaluation(
        beijing, cycle=2026, status=EvaluationStatus.ACCEPTED, by=admin, requirements=requirements[:5]
    )

    today = timezone.localdate()
    call = selection_services.call_create(
        by=miit,
        kind=CallKind.PILOT_PLATFORM,
        year=today.year,
        scope=CallScope.NATIONAL,
        title_zh="中试平台遴选",
        title_en="Pilot-scale platform selection",
        opens_on=today - datetime.timedelta(days=10),
        closes_on=today + datetime.timedelta(days=10),
        recommend_by=today + datetime.timedelta(days=20),
        default_quota=2,
    )
    call = selection_services.call_announce(call=call, by=miit)
    application = Application.objects.create(
        call=call,
        enterprise=shenzhen,
        title="功率半导体中试平台",
        data={"summary": "A pilot line for power electronics modules."},
        status=ApplicationStatus.IN_REVIEW,
        authority=Authority.objects.get(code="SZ"),
        submitted_at=timezone.now(),
        rank=1,
        created_by=admin,
    )
    Review.objects.create(application=application, expert=people["expert"], assigned_by=miit)
    case = Case.objects.create(
        application=application,
        enterprise=shenzhen,
        title="零缺陷生产线",
        theme=Case._meta.get_field("theme").choices[0][0],
        industry=Industry.objects.get(code="39"),
        region=Region.objects.get(code="440300"),
        year=2025,
        methods="SPC",
        results="Defects down 40%",
    )
    lab = Lab.objects.create(
        name_zh="锂电池安全实验室",
        host=guangzhou,
        product_field="Lithium-ion batteries",
        region_id="440100",
        batch=2024,
        accredited_on=datetime.date(2024, 6, 1),
        reassessment_due=datetime.date(2027, 6, 1),
    )
    platform = Platform.objects.create(
        name_zh="功率器件中试平台",
        host=shenzhen,
        region_id="440300",
        key_field=Platform._meta.get_field("key_field").choices[0][0],
        industry_direction="Power semiconductors",
        services=["design", "process"],
        tier_since=datetime.date(2025, 1, 1),
    )
    brand_list = BrandList.objects.create(name_zh="中国制造品牌名单", year=2025, issuer="MIIT")
    brand = BrandEntry.objects.create(
        brand_list=brand_list,
        brand="精工",
        owner=shenzhen,
        brand_type=BrandEntry._meta.get_field("brand_type").choices[0][0],
        region_id="440300",
    )
    batch = InspectionBatch.objects.create(
        category=InspectionBatch._meta.get_field("category").choices[0][0],
        title_zh="锂电池质量抽查",
        year=2026,
        source_sha256="0" * 64,
        source_name="batteries.xlsx",
        sample_count=2,
        failed_count=1,
        imported_by=miit,
        published_at=timezone.now(),
        published_by=miit,
    )
    inspection = InspectionResult.objects.create(
        batch=batch, enterprise=shenzhen, product="Battery", sample_number="S001", passed=False, row=2, defects="过充"
    )
    InspectionResult.objects.create(batch=batch, enterprise=guangzhou, product="Battery", passed=True, row=3)

    tokens = {"anonymous": None} | {role: Token.objects.create(user=user).key for role, user in people.items()}
    evaluations = [draft.pk, published.pk, on_site.pk, submitted.pk, elsewhere.pk]
    seed_knowledge(by=miit)
    known = {
        "/policy-documents/": {"id": list(PolicyDocument.objects.values_list("pk", flat=True))},
        "/questions/": {"id": list(Question.objects.values_list("pk", flat=True))},
        "/methods/": {"code": ["fmea", "spc", "qc-circle"]},
        "/evaluations/": {"id": evaluations},
        "/enterprises/": {"id": [shenzhen.pk, guangzhou.pk, beijing.pk]},
        "/applications/": {"id": [application.pk]},
        "/calls/": {"id": [call.pk]},
        "/cases/": {"id": [case.pk]},
        "/labs/": {"id": [lab.pk]},
        "/pilot-platforms/": {"id": [platform.pk]},
        "/brands/": {"id": [brand.pk]},
        "/inspections/": {"id": [inspection.pk]},
        "/certificates/": {"number": [certificate.number]},
        "/regions/": {"code": ["440000", "440300", "110100"]},
        "/industries/": {"code": ["39", "40"]},
        "/authorities/": {"code": ["GD", "SZ", "XPCC"]},
        "/evaluation-models/": {"code": ["QMC-2024", "BCM-2025"]},
    }
    condition = EligibilityCondition.objects.filter(model=qmc).order_by("pk").first()
    real_requests = {
        "POST /api/v1/evaluations/{id}/answers/": [
            {
                "path_parameters": {"id": draft.pk},
                "body": {"requirement": r.code, "rating": rating, "comment": "已核实"},
            }
            for r, rating in zip(requirements[:4], ["1", "0.8", "0.5", ""], strict=True)
        ],
        "POST /api/v1/evaluations/{id}/eligibility/": [
            {"path_parameters": {"id": draft.pk}, "body": {"condition": condition.code, "holds": holds}}
            for holds in (True, False)
        ],
        "POST /api/v1/scoring/preview": [
            {"body": {"model": "QMC-2024", "ratings": {r.code: rating for r in requirements}}}
            for rating in (1, 0.5, "na")
        ],
        "POST /api/v1/enterprises/": [
            {
                "body": {
                    "credit_code": demo_credit_code(random.Random(seed), "440300"),
                    "name_zh": f"深圳新注册{seed}有限公司",
                    "region": "440300",
                    "industry": "39",
                    "size_class": "small",
                }
            }
            for seed in range(3)
        ],
        "POST /api/v1/auth/token/": [{"body": {"username": "fuzz_member", "password": PASSWORD}}],
    }
    return {
        "tokens": tokens,
        "known": known,
        "real_requests": real_requests,
        "enterprises": Enterprise.objects.count(),
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The world, built once for the module inside a transaction that is rolled back at its end (each test's own
    transaction nests in it as a savepoint). Requests go through the WSGI handler, which closes the database
    connection after each request unless told not to (Django's test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    hashers = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])  # as conftest's
    with django_db_blocker.unblock(), hashers:
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = _world()
            KNOWN.update(world["known"])
            REAL_REQUESTS.update(world["real_requests"])
            yield world
        finally:
            KNOWN.clear()
            REAL_REQUESTS.clear()
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


def _as_every_role(case, tokens: dict, statuses: list) -> None:
    for role, token in tokens.items():
        headers = {"Authorization": f"Token {token}"} if token else {}
        response = case.call(headers=headers)
        statuses.append(response.status_code)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except Exception as failure:
            failure.add_note(f"as {role}")
            raise


@pytest.mark.django_db
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_every_role_gets_documented_answers_and_never_a_server_error(operation, world):
    statuses: list[int] = []

    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=_cases(operation))
    def generated(case):
        _as_every_role(case, world["tokens"], statuses)

    generated()
    # The writes that succeed for some roles, which random input almost never hits.
    for request in REAL_REQUESTS.get(operation.label, []):
        _as_every_role(operation.Case(media_type="application/json", **request), world["tokens"], statuses)
    # The world holds data for every operation: some role got a success, whose body the schema checked.
    assert any(200 <= status < 300 for status in statuses), sorted(set(statuses))
