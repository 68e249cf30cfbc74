"""The scoping matrix: every role against enterprises inside and outside its scope, on pages and the API."""

import pytest
from django.urls import reverse

from accounts.choices import AuditAction, Role
from accounts.models import AuditLog
from tests.factories import PASSWORD, UserFactory, grant

ENTERPRISES = ["shenzhen", "guangzhou", "beijing", "shihezi", "urumqi"]

# role → (how to make the user, which enterprises it sees)
MATRIX = {
    "anonymous": (None, set()),
    "no_role": (lambda e: UserFactory(), set()),
    "enterprise_admin": (lambda e: grant(UserFactory(), Role.ENTERPRISE_ADMIN, enterprise=e["shenzhen"]), {"shenzhen"}),
    "enterprise_member": (lambda e: grant(UserFactory(), Role.ENTERPRISE_MEMBER, enterprise=e["beijing"]), {"beijing"}),
    "assessor": (lambda e: grant(UserFactory(), Role.ASSESSOR), set()),
    "institution_admin": (lambda e: grant(UserFactory(), Role.INSTITUTION_ADMIN), set()),
    "expert": (lambda e: grant(UserFactory(), Role.EXPERT), set()),
    "authority_guangdong": (lambda e: grant(UserFactory(), Role.AUTHORITY, authority="GD"), {"shenzhen", "guangzhou"}),
    "authority_shenzhen": (lambda e: grant(UserFactory(), Role.AUTHORITY, authority="SZ"), {"shenzhen"}),
    "authority_xinjiang": (lambda e: grant(UserFactory(), Role.AUTHORITY, authority="XJ"), {"urumqi"}),
    "authority_xpcc": (lambda e: grant(UserFactory(), Role.AUTHORITY, authority="XPCC"), {"shihezi"}),
    "national": (lambda e: grant(UserFactory(), Role.NATIONAL), set(ENTERPRISES)),
    "platform_admin": (lambda e: grant(UserFactory(), Role.PLATFORM_ADMIN), set(ENTERPRISES)),
    # the security and audit administrators see no business data (separation of duties)
    "security_admin": (lambda e: grant(UserFactory(), Role.SECURITY_ADMIN), set()),
    "audit_admin": (lambda e: grant(UserFactory(), Role.AUDIT_ADMIN), set()),
}


@pytest.fixture
def enterprises(shenzhen_enterprise, guangzhou_enterprise, beijing_enterprise, shihezi_enterprise, urumqi_enterprise):
    return {
        "shenzhen": shenzhen_enterprise,
        "guangzhou": guangzhou_enterprise,
        "beijing": beijing_enterprise,
        "shihezi": shihezi_enterprise,
        "urumqi": urumqi_enterprise,
    }


def _client_for(client, role, enterprises):
    make, visible = MATRIX[role]
    if make is not None:
        client.force_login(make(enterprises))
    return client, visible


@pytest.mark.django_db
@pytest.mark.parametrize("role", MATRIX)
def test_api_list_shows_exactly_the_enterprises_in_scope(client, enterprises, role):
    client, visible = _client_for(client, role, enterprises)
    response = client.get(reverse("api:enterprise-list"))
    if role == "anonymous":
        assert response.status_code == 403
        assert response.json()["code"] == "not_authenticated"
        return
    assert response.status_code == 200
    seen = {row["credit_code"] for row in response.json()["results"]}
    assert seen == {enterprises[name].credit_code for name in visible}


@pytest.mark.django_db
@pytest.mark.parametrize("role", MATRIX)
def test_detail_page_and_api_are_404_outside_scope(client, enterprises, role):
    client, visible = _client_for(client, role, enterprises)
    for name, enterprise in enterprises.items():
        page = client.get(reverse("enterprises:enterprise_detail", kwargs={"pk": enterprise.pk}))
        api = client.get(reverse("api:enterprise-detail", kwargs={"pk": enterprise.pk}))
        if role == "anonymous":
            assert page.status_code == 302
            assert api.status_code == 403
        elif name in visible:
            assert (page.status_code, api.status_code) == (200, 200), name
            assert enterprise.credit_code in page.text
        else:
            assert (page.status_code, api.status_code) == (404, 404), name


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["authority_shenzhen", "enterprise_admin", "national"])
def test_html_list_shows_exactly_the_enterprises_in_scope(client, enterprises, role):
    client, visible = _client_for(client, role, enterprises)
    response = client.get(reverse("enterprises:enterprise_list"))
    assert response.status_code == 200
    for name, enterprise in enterprises.items():
        assert (enterprise.credit_code in response.text) == (name in visible), name


@pytest.mark.django_db
def test_out_of_scope_request_is_audited_as_denied(client, alice, beijing_enterprise):
    client.force_login(alice)
    client.get(reverse("enterprises:enterprise_detail", kwargs={"pk": beijing_enterprise.pk}))
    entry = AuditLog.objects.get(action=AuditAction.ACCESS_DENIED)
    assert entry.actor == alice
    assert entry.success is False
    assert entry.object_id == str(beijing_enterprise.pk)


@pytest.mark.django_db
def test_a_missing_enterprise_is_404_without_a_denied_row(client, alice):
    client.force_login(alice)
    assert client.get(reverse("enterprises:enterprise_detail", kwargs={"pk": 999999})).status_code == 404
    assert not AuditLog.objects.filter(action=AuditAction.ACCESS_DENIED).exists()


@pytest.mark.django_db
def test_enterprise_list_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries, miit_officer):
    from tests.factories import EnterpriseFactory

    EnterpriseFactory.create_batch(30)
    client.force_login(miit_officer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("enterprises:enterprise_list"))
    assert response.status_code == 200


@pytest.mark.django_db
def test_token_authentication_uses_the_same_scope(client, alice, beijing_enterprise, shenzhen_enterprise):
    response = client.post(reverse("api:auth_token"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    response = client.get(reverse("api:enterprise-list"), headers={"Authorization": f"Token {token}"})
    assert [row["credit_code"] for row in response.json()["results"]] == [shenzhen_enterprise.credit_code]


def test_a_registry_that_is_wholly_public_is_wholly_in_everyones_scope(alice, guangzhou_enterprise, beijing_enterprise):
    """A model whose ``published_q`` is ``Q()`` (every row public) is read whole by anyone, a visitor included;
    ``Q() | condition`` alone would have narrowed it to the reader's own rows."""
    from django.contrib.auth.models import AnonymousUser

    from accounts.scoping import scope
    from pilots.models import Platform

    platforms = [
        Platform.objects.create(
            name_zh=f"平台{n}", host=host, region_id=host.region_id, key_field="equipment", tier_since="2026-01-01"
        )
        for n, host in enumerate((guangzhou_enterprise, beijing_enterprise))
    ]
    for user in (AnonymousUser(), alice):
        assert set(scope(user, Platform.objects.all())) == set(platforms)
    assert list(scope(alice, Platform.objects.all(), published=False)) == []  # none is alice's own to change
