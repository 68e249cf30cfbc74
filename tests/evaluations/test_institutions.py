"""Evaluation institutions, their assessors, and the conflict-of-interest rules."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.choices import Role
from accounts.models import Membership, User
from core.exceptions import NotPermitted
from evaluations import coi
from evaluations.demo import seed_institutions
from evaluations.models import ConflictDeclaration, Qualification
from evaluations.selectors import institution_list
from evaluations.services import conflict_check, declaration_add, qualification_save
from tests.factories import EnterpriseFactory, UserFactory, grant

TODAY = date(2026, 6, 1)


def _check(**overrides):
    arguments = {
        "enterprise_id": 1,
        "group_ids": frozenset({1, 2}),
        "industry": "39",
        "ties": [],
        "credentials": [coi.Credential(industry="39", grade="lead", valid_until=date(2027, 1, 1))],
        "assessed_previous_cycle": False,
        "on": TODAY,
    } | overrides
    return [conflict.code for conflict in coi.conflicts(**arguments)]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, []),
        ({"ties": [coi.Tie("employment", 1, date(2020, 1, 1), date(2024, 1, 1))]}, ["employment"]),
        ({"ties": [coi.Tie("consulting", 2, date(2022, 1, 1), None)]}, ["consulting"]),  # the group, still going
        ({"ties": [coi.Tie("shareholding", 1, date(2010, 1, 1), date(2023, 5, 31))]}, []),  # ended > 3 years ago
        ({"ties": [coi.Tie("shareholding", 1, date(2010, 1, 1), date(2023, 6, 1))]}, ["shareholding"]),  # 3 years
        ({"ties": [coi.Tie("consulting", 9, date(2025, 1, 1), None)]}, []),  # another enterprise
        ({"assessed_previous_cycle": True}, ["previous_cycle"]),
        ({"credentials": []}, ["not_qualified"]),
        ({"credentials": [coi.Credential("38", "lead", date(2027, 1, 1))]}, ["not_qualified"]),
        ({"credentials": [coi.Credential("39", "assessor", date(2026, 5, 31))]}, ["qualification_expired"]),
    ],
)
def test_conflict_rules(overrides, expected):
    assert _check(**overrides) == expected


@pytest.fixture
def institutions(db):
    import random

    return seed_institutions(rng=random.Random(1))


@pytest.fixture
def gd_admin(institutions):
    return grant_institution(UserFactory(username="gd_admin"), Role.INSTITUTION_ADMIN, institutions[0])


@pytest.fixture
def gd_assessor(institutions):
    return grant_institution(UserFactory(username="gd_assessor"), Role.ASSESSOR, institutions[0])


def grant_institution(user, role, institution):
    return grant(user, role, institution=institution)


@pytest.mark.django_db
def test_an_assessor_role_needs_an_institution():
    membership = Membership(user=UserFactory(), role=Role.ASSESSOR)
    with pytest.raises(ValidationError):
        membership.full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("authority", "visible"),
    [("GD", {0, 1}), ("SZ", {0, 1}), ("BJ", {1, 2}), ("XPCC", {1})],
)
def test_authorities_see_the_institutions_that_may_evaluate_in_their_area(institutions, authority, visible):
    officer = grant(UserFactory(), Role.AUTHORITY, authority=authority)
    assert set(institution_list(user=officer)) == {institutions[i] for i in visible}


@pytest.mark.django_db
def test_institution_staff_see_their_own_and_enterprises_none(institutions, gd_admin, alice):
    assert list(institution_list(user=gd_admin)) == [institutions[0]]
    assert list(institution_list(user=alice)) == []


@pytest.mark.django_db
def test_admin_adds_an_assessor_and_a_weak_password_changes_nothing(client, gd_admin, institutions):
    client.force_login(gd_admin)
    url = reverse("evaluations:institution_detail", kwargs={"pk": institutions[0].pk})
    data = {
        "action": "assessor",
        "assessor-username": "li",
        "assessor-display_name": "李评价",
        "assessor-email": "li@example.com",
        "assessor-password1": "short",
        "assessor-password2": "short",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "password1" in response.context["forms"]["assessor"].errors
    assert not User.objects.filter(username="li").exists()
    data["assessor-password1"] = data["assessor-password2"] = "Assess-Quality-2026"
    assert client.post(url, data).status_code == 302
    assert Membership.objects.get(user__username="li").institution == institutions[0]


@pytest.mark.django_db
def test_qualifications_and_declarations_feed_the_conflict_check(
    client, gd_admin, gd_assessor, institutions, shenzhen_enterprise
):
    from enterprises.models import Industry

    qualification_save(
        assessor=gd_assessor,
        industry=Industry.objects.get(code="39"),
        grade="lead",
        valid_until=date(2030, 1, 1),
        training_hours=40,
        by=gd_admin,
    )
    assert conflict_check(assessor=gd_assessor, enterprise=shenzhen_enterprise) == []
    sister = EnterpriseFactory(region_id="440100")
    shenzhen_enterprise.parent = sister
    shenzhen_enterprise.save(update_fields=["parent"])
    declaration_add(
        assessor=gd_assessor,
        enterprise_credit_code=sister.credit_code,
        kind="employment",
        started=date(2019, 1, 1),
        ended=None,
        by=gd_assessor,
    )
    assert [c.code for c in conflict_check(assessor=gd_assessor, enterprise=shenzhen_enterprise)] == ["employment"]

    client.force_login(gd_admin)
    response = client.post(
        reverse("evaluations:institution_detail", kwargs={"pk": institutions[0].pk}),
        {"action": "check", "check-assessor": gd_assessor.pk, "check-credit_code": shenzhen_enterprise.credit_code},
    )
    assert response.status_code == 200
    assert "worked for the enterprise or its group" in response.text


@pytest.mark.django_db
def test_bad_declarations_are_refused_on_the_form(client, gd_admin, gd_assessor, institutions):
    client.force_login(gd_admin)
    url = reverse("evaluations:institution_detail", kwargs={"pk": institutions[0].pk})
    response = client.post(
        url,
        {
            "action": "declaration",
            "declaration-assessor": gd_assessor.pk,
            "declaration-credit_code": "91440300708461136X",
            "declaration-kind": "consulting",
            "declaration-started": "2025-01-01",
        },
    )
    assert response.status_code == 400
    assert "'T'" in response.context["forms"]["declaration"].errors["credit_code"][0]
    assert not ConflictDeclaration.objects.exists()


@pytest.mark.django_db
def test_other_institutions_cannot_manage_these_assessors(gd_assessor, institutions):
    from enterprises.models import Industry

    other_admin = grant_institution(UserFactory(), Role.INSTITUTION_ADMIN, institutions[2])
    with pytest.raises(NotPermitted):
        qualification_save(
            assessor=gd_assessor,
            industry=Industry.objects.get(code="39"),
            grade="lead",
            valid_until=date(2030, 1, 1),
            training_hours=0,
            by=other_admin,
        )
    assert not Qualification.objects.exists()


@pytest.mark.django_db
def test_authorities_read_the_page_without_forms_and_others_get_404(client, institutions, shenzhen_officer, alice):
    url = reverse("evaluations:institution_detail", kwargs={"pk": institutions[0].pk})
    client.force_login(shenzhen_officer)
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["is_admin"] is False
    client.force_login(alice)
    assert client.get(url).status_code == 404
