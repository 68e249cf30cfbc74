import pytest
from django.urls import reverse

from enterprises.models import Enterprise

VALID = {
    "credit_code": "91440300708461136T",
    "name_zh": "深圳安泰电气有限公司",
    "region": "440300",
    "industry": "38",
    "size_class": "small",
}


@pytest.mark.django_db
def test_reference_endpoints_are_public_and_filterable(client):
    provinces = client.get(reverse("api:region-list"), {"level": "province"}).json()
    assert len(provinces) == 34
    cities = client.get(reverse("api:region-list"), {"parent": "440000"}).json()
    assert "440300" in {row["code"] for row in cities}
    assert all(row["parent"] == "440000" for row in cities)
    assert len(client.get(reverse("api:industry-list")).json()) == 31
    authorities = client.get(reverse("api:authority-list")).json()
    assert len(authorities) == 37
    xinjiang = next(a for a in authorities if a["code"] == "XJ")
    assert "659001" in xinjiang["excluded_regions"]


@pytest.mark.django_db
def test_authority_creates_an_enterprise_in_its_region(client, shenzhen_officer):
    client.force_login(shenzhen_officer)
    response = client.post(
        reverse("api:enterprise-list"),
        {**VALID, "credit_code": "9144 0300 7084 6113 6t"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["credit_code"] == VALID["credit_code"]
    assert response.json()["status"] == "verified"


@pytest.mark.django_db
def test_wrong_credit_code_gets_the_error_shape_naming_the_expected_character(client, shenzhen_officer):
    client.force_login(shenzhen_officer)
    response = client.post(
        reverse("api:enterprise-list"),
        {**VALID, "credit_code": "91440300708461136X"},
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "code", "fields"}
    assert body["code"] == "invalid"
    assert "'T'" in body["fields"]["credit_code"][0]
    assert not Enterprise.objects.filter(name_zh=VALID["name_zh"]).exists()


@pytest.mark.django_db
def test_chinese_error_messages_for_chinese_clients(client, shenzhen_officer):
    client.force_login(shenzhen_officer)
    response = client.post(
        reverse("api:enterprise-list"),
        {**VALID, "credit_code": "91440300708461136X"},
        content_type="application/json",
        headers={"Accept-Language": "zh-CN"},
    )
    assert "校验码" in response.json()["fields"]["credit_code"][0]


@pytest.mark.django_db
def test_authority_cannot_create_outside_its_region(client, shenzhen_officer):
    client.force_login(shenzhen_officer)
    response = client.post(
        reverse("api:enterprise-list"),
        {**VALID, "region": "440100", "credit_code": "91440100708461136" + "0"},
        content_type="application/json",
    )
    assert response.status_code == 400


@pytest.mark.django_db
def test_outside_region_is_a_domain_error_with_a_field(client, shenzhen_officer):
    from enterprises.credit_code import with_check_character

    client.force_login(shenzhen_officer)
    code = with_check_character("91440100708461136")
    response = client.post(
        reverse("api:enterprise-list"),
        {**VALID, "region": "440100", "credit_code": code},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "outside_region"
    assert "region" in body["fields"]
    assert not Enterprise.objects.filter(credit_code=code).exists()


@pytest.mark.django_db
def test_enterprise_users_cannot_create_enterprises(client, alice):
    client.force_login(alice)
    response = client.post(reverse("api:enterprise-list"), VALID, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


@pytest.mark.django_db
def test_duplicate_credit_code_is_rejected_on_the_field(client, shenzhen_officer, shenzhen_enterprise):
    client.force_login(shenzhen_officer)
    response = client.post(
        reverse("api:enterprise-list"),
        {**VALID, "credit_code": shenzhen_enterprise.credit_code},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "credit_code" in response.json()["fields"]


@pytest.mark.django_db
def test_enterprise_list_filters_by_province_and_industry(
    client, miit_officer, shenzhen_enterprise, beijing_enterprise
):
    client.force_login(miit_officer)
    rows = client.get(reverse("api:enterprise-list"), {"region": "440000", "industry": "39"}).json()["results"]
    assert [row["credit_code"] for row in rows] == [shenzhen_enterprise.credit_code]


@pytest.mark.django_db
def test_schema_documents_every_router_endpoint(client):
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    for path in [
        "/api/v1/regions/",
        "/api/v1/industries/",
        "/api/v1/authorities/",
        "/api/v1/enterprises/",
        "/api/v1/enterprises/{id}/",
        "/api/v1/evaluation-models/",
        "/api/v1/evaluation-models/{code}/",
        "/api/v1/scoring/preview",
        "/api/v1/evaluations/{id}/answers/",
        "/api/v1/evaluations/{id}/eligibility/",
        "/api/v1/evaluations/",
        "/api/v1/evaluations/{id}/",
        "/api/v1/evaluations/{id}/ratings/",
        "/api/v1/evaluations/{id}/result/",
        "/api/v1/certificates/{number}/",
        "/api/v1/results/",
    ]:
        assert path in schema["paths"], path


def test_schema_generates_without_warnings(tmp_path):
    """Enum name collisions and unguessable filter types fail here, not only in the deploy check on CI."""
    from django.core.management import call_command

    call_command("spectacular", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))


@pytest.mark.django_db
def test_enterprise_api_list_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries, miit_officer):
    from tests.factories import EnterpriseFactory

    EnterpriseFactory.create_batch(40)
    client.force_login(miit_officer)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("api:enterprise-list"))
    assert response.json()["count"] == 40


@pytest.mark.django_db
def test_refused_api_calls_are_audited(client, alice):
    from accounts.choices import AuditAction
    from accounts.models import AuditLog

    client.force_login(alice)
    client.post(reverse("api:enterprise-list"), VALID, content_type="application/json")
    entry = AuditLog.objects.get(action=AuditAction.ACCESS_DENIED)
    assert (entry.actor, entry.success, entry.details["path"]) == (alice, False, "/api/v1/enterprises/")


@pytest.mark.django_db
def test_unknown_region_filter_is_a_400_naming_the_parameter(client, miit_officer):
    client.force_login(miit_officer)
    response = client.get(reverse("api:enterprise-list"), {"region": "999999"})
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"region"}


def test_every_api_route_is_in_the_schema(client):
    """Found from the URL conf itself, so a new endpoint missing from the OpenAPI schema fails here."""
    import re

    from django.urls import URLPattern, URLResolver, get_resolver

    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    templates = [re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$") for path in schema["paths"]]

    def routes(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern

    api = next(p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and p.namespace == "api")
    missing, checked = [], 0
    for route, pattern in routes(api.url_patterns, "/api/v1/"):
        groups = pattern.pattern.regex.groupindex
        if "format" in groups or pattern.name in ("api-root", "schema", "docs"):
            continue  # format suffixes, the root list and the schema's own pages
        path = reverse(f"api:{pattern.name}", kwargs=dict.fromkeys(groups, "1"))
        checked += 1
        if not any(template.match(path) for template in templates):
            missing.append((pattern.name, route))
    assert checked >= 30
    assert missing == []
