"""Pilot-scale platforms and the service network (issue 6 item 3): a published pilot-platform application enters
the registry at the reserve tier; MIIT promotes it one tier at a time; enterprises find platforms by service,
field and region and send requests; the host accepts, declines or completes; the requester rates once."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.choices import Role
from core.exceptions import NotPermitted
from pilots import selectors, services
from pilots.models import Platform, ServiceRequest
from tests.factories import EnterpriseFactory, UserFactory, grant
from tests.labs.conftest import make_call, publish
from tests.selections.data import ANSWERS, TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform(miit_officer, alice, shenzhen_enterprise, shenzhen_officer):
    from selections.choices import CallKind

    call = make_call(miit_officer, kind=CallKind.PILOT_PLATFORM)
    publish(
        call,
        enterprise=shenzhen_enterprise,
        member=alice,
        officer=shenzhen_officer,
        miit=miit_officer,
        title="深圳功率电子中试平台",
        data=ANSWERS,
    )
    return Platform.objects.get()


def test_a_published_application_enters_the_registry_at_the_reserve_tier(platform, shenzhen_enterprise):
    assert (platform.name_zh, platform.host, platform.key_field, platform.construction_mode) == (
        "深圳功率电子中试平台",
        shenzhen_enterprise,
        "electronics",
        "alliance",
    )
    assert (platform.services, platform.tier, platform.tier_since) == (["design", "process"], "reserve", TODAY)
    assert list(platform.tier_changes.values_list("to_tier", flat=True)) == ["reserve"]


def test_miit_promotes_one_tier_at_a_time_up_to_national(platform, miit_officer, shenzhen_officer):
    with pytest.raises(NotPermitted):
        services.platform_promote(platform=platform, by=shenzhen_officer)
    services.platform_promote(platform=platform, by=miit_officer)
    services.platform_promote(platform=platform, by=miit_officer)
    with pytest.raises(services.PilotError, match="already at the national tier"):
        services.platform_promote(platform=platform, by=miit_officer)
    platform.refresh_from_db()
    assert platform.tier == "national"
    assert list(platform.tier_changes.values_list("from_tier", "to_tier")) == [
        ("", "reserve"),
        ("reserve", "key_cultivation"),
        ("key_cultivation", "national"),
    ]


def test_the_directory_finds_platforms_by_service_field_and_region(platform):
    assert list(selectors.platform_list(service="process")) == [platform]
    assert list(selectors.platform_list(service="production")) == []
    assert list(selectors.platform_list(key_field="electronics", province="440000")) == [platform]
    assert list(selectors.platform_list(province="110000")) == []


def test_a_request_is_answered_completed_and_rated_once(platform, bob, alice):
    with pytest.raises(ValidationError) as refused:
        services.request_send(
            platform=platform,
            enterprise=bob.active_memberships[0].enterprise,
            service="production",
            description=" ",
            by=bob,
        )
    assert set(refused.value.message_dict) == {"service", "description"}
    assert not ServiceRequest.objects.exists()
    sent = services.request_send(
        platform=platform,
        enterprise=bob.active_memberships[0].enterprise,
        service="process",
        description="A new casing.",
        by=bob,
    )
    with pytest.raises(NotPermitted):
        services.request_answer(service_request=sent, action="accept", reply="", by=bob)
    with pytest.raises(services.PilotError, match="the request is Sent"):
        services.request_answer(service_request=sent, action="complete", reply="", by=alice)
    with pytest.raises(services.PilotError, match="once it is completed"):
        services.request_rate(service_request=sent, rating=5, comment="", by=bob)
    services.request_answer(service_request=sent, action="accept", reply="Next week.", by=alice)
    services.request_answer(service_request=sent, action="complete", reply="Done.", by=alice)
    with pytest.raises(ValidationError):
        services.request_rate(service_request=sent, rating=9, comment="", by=bob)
    with pytest.raises(NotPermitted):
        services.request_rate(service_request=sent, rating=4, comment="", by=alice)
    services.request_rate(service_request=sent, rating=4, comment="Useful.", by=bob)
    with pytest.raises(services.PilotError, match="already rated"):
        services.request_rate(service_request=sent, rating=5, comment="", by=bob)
    rated = selectors.platform_list().get()
    assert (rated.rating, rated.rated) == (4.0, 1)


def test_declining_needs_a_reason_and_a_platform_cannot_request_itself(platform, alice, bob):
    with pytest.raises(services.PilotError, match="does not send requests to itself"):
        services.request_send(
            platform=platform,
            enterprise=alice.active_memberships[0].enterprise,
            service="design",
            description="x",
            by=alice,
        )
    sent = services.request_send(
        platform=platform, enterprise=bob.active_memberships[0].enterprise, service="design", description="x", by=bob
    )
    with pytest.raises(ValidationError):
        services.request_answer(service_request=sent, action="decline", reply=" ", by=alice)
    services.request_answer(service_request=sent, action="decline", reply="Fully booked.", by=alice)
    assert ServiceRequest.objects.get().status == "declined"


def test_requests_are_seen_by_their_two_parties_only(platform, alice, bob):
    sent = services.request_send(
        platform=platform, enterprise=bob.active_memberships[0].enterprise, service="design", description="x", by=bob
    )
    stranger = grant(
        UserFactory(username="stranger"), Role.ENTERPRISE_ADMIN, enterprise=EnterpriseFactory(region_id="110100")
    )
    assert list(selectors.requests_of(alice)) == [sent]
    assert list(selectors.requests_of(bob)) == [sent]
    assert list(selectors.requests_of(stranger)) == []


def test_the_host_files_service_figures_and_a_bad_figure_changes_nothing(platform, alice, bob):
    with pytest.raises(NotPermitted):
        services.service_year_record(
            platform=platform, year=TODAY.year - 1, enterprises_served=3, validations=4, income=Decimal("10"), by=bob
        )
    with pytest.raises(ValidationError):
        services.service_year_record(
            platform=platform, year=TODAY.year - 1, enterprises_served=-3, validations=4, income=Decimal("10"), by=alice
        )
    services.service_year_record(
        platform=platform,
        year=TODAY.year - 1,
        enterprises_served=30,
        validations=41,
        income=Decimal("1200.50"),
        by=alice,
    )
    assert list(platform.service_years.values_list("year", "enterprises_served")) == [(TODAY.year - 1, 30)]


def test_the_journey_on_the_pages(client, platform, alice, bob):
    page = client.get(reverse("pilots:platform_list"), {"service": "design"}, headers={"accept-language": "en"})
    assert "深圳功率电子中试平台" in page.text
    assert client.get(reverse("pilots:platform_detail", args=[platform.pk])).status_code == 200  # anyone reads it
    client.force_login(bob)
    response = client.post(
        reverse("pilots:platform_detail", args=[platform.pk]),
        {"action": "request", "service": "design", "description": "Casing."},
    )
    assert response.url == reverse("pilots:request_list")
    sent = ServiceRequest.objects.get()
    client.force_login(alice)
    client.post(reverse("pilots:request_list"), {"request": sent.pk, "action": "accept", "reply": "OK"})
    client.post(reverse("pilots:request_list"), {"request": sent.pk, "action": "complete", "reply": "Done"})
    client.force_login(bob)
    client.post(
        reverse("pilots:request_list"), {"request": sent.pk, "action": "rate", "rating": "5", "comment": "Great"}
    )
    sent.refresh_from_db()
    assert (sent.status, sent.rating) == ("completed", 5)
    stranger = grant(
        UserFactory(username="nosy"), Role.ENTERPRISE_ADMIN, enterprise=EnterpriseFactory(region_id="110100")
    )
    client.force_login(stranger)
    assert (
        client.post(reverse("pilots:request_list"), {"request": sent.pk, "action": "rate", "rating": "1"}).status_code
        == 404
    )
    api = client.get(reverse("api:pilot-platform-list"), {"service": "design"}).json()["results"]
    assert (api[0]["name_zh"], api[0]["rating"]) == ("深圳功率电子中试平台", 5.0)
