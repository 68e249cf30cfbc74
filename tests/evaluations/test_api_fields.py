"""Field-level protection on the API: no role sets through it a field it does not own. The only writes are
registering an enterprise (authorities and MIIT) and saving a self-assessment answer (the enterprise); every
other resource is read-only, whatever fields or methods a caller tries."""

import pytest
from django.urls import reverse

from accounts.choices import Role
from enterprises.models import Enterprise
from tests.factories import UserFactory, grant


def _answer_payload(draft, **extra):
    code = draft.model.requirements.order_by("pk").first().code
    return {"requirement": code, "rating": "1", "comment": "", **extra}


def test_an_enterprise_cannot_set_its_level_or_status_while_saving_an_answer(client, draft, alice):
    client.force_login(alice)
    payload = _answer_payload(
        draft, status="published", official_level=5, official_score="5.0", self_level=5, enterprise=999
    )
    response = client.post(reverse("api:evaluation_answer", kwargs={"pk": draft.pk}), payload, "application/json")
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert draft.official_level is None
    assert draft.official_score is None
    assert draft.enterprise_id != 999


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_evaluations_and_enterprises_are_read_only_through_the_api(client, draft, alice, method):
    client.force_login(alice)
    call = getattr(client, method)
    evaluation = call(
        reverse("api:evaluation-detail", kwargs={"pk": draft.pk}), {"official_level": 5}, "application/json"
    )
    assert evaluation.status_code == 405
    enterprise = call(
        reverse("api:enterprise-detail", kwargs={"pk": draft.enterprise_id}),
        {"credit_code": "91440300MA5FXXXX0X", "status": "verified"},
        "application/json",
    )
    assert enterprise.status_code == 405
    draft.refresh_from_db()
    assert draft.official_level is None


def test_an_assessor_cannot_change_an_enterprises_credit_code(client, draft):
    assessor = grant(UserFactory(username="assessor_x"), Role.ASSESSOR)
    client.force_login(assessor)
    before = Enterprise.objects.get(pk=draft.enterprise_id).credit_code
    for method in ("put", "patch"):
        response = getattr(client, method)(
            reverse("api:enterprise-detail", kwargs={"pk": draft.enterprise_id}),
            {"credit_code": "91440300MA5FXXXX0X"},
            "application/json",
        )
        assert response.status_code in (404, 405)  # out of scope, and read-only anyway
    assert Enterprise.objects.get(pk=draft.enterprise_id).credit_code == before


def test_registering_an_enterprise_ignores_fields_the_caller_does_not_own(client, shenzhen_officer, db):
    import random

    from core.demo import demo_credit_code

    client.force_login(shenzhen_officer)
    code = demo_credit_code(random.Random(99), "440300")
    payload = {
        "credit_code": code,
        "name_zh": "深圳字段测试有限公司",
        "name_en": "Field Test Co.",
        "region": "440300",
        "industry": "39",
        "size_class": "small",
        "is_listed": False,
        "address": "",
        # not the caller's to set:
        "id": 424242,
        "status": "rejected",
        "verified_by": shenzhen_officer.pk + 1000,
        "parent": 1,
    }
    response = client.post(reverse("api:enterprise-list"), payload, "application/json")
    assert response.status_code == 201, response.content
    enterprise = Enterprise.objects.get(credit_code=code)
    assert enterprise.pk != 424242
    assert enterprise.status != "rejected"
    assert enterprise.parent_id is None
