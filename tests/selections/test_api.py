"""The selection API: calls are public once announced; applications are read through the scoping layer."""

import pytest
from django.urls import reverse

from accounts.choices import Role
from selections import services
from selections.choices import CallKind, CallScope
from tests.factories import UserFactory, grant
from tests.selections.data import ANSWERS, TODAY

pytestmark = pytest.mark.django_db


def test_anyone_reads_announced_calls_with_their_criteria(client, call, miit_officer):
    services.call_create(
        by=miit_officer,
        kind=CallKind.BRAND,
        year=TODAY.year,
        scope=CallScope.NATIONAL,
        title_zh="未发布",
        title_en="Not announced",
        opens_on=TODAY,
        closes_on=TODAY,
        recommend_by=TODAY,
    )
    listed = client.get(reverse("api:call-list")).json()["results"]
    assert [row["id"] for row in listed] == [call.pk]
    assert [c["code"] for c in listed[0]["criteria"]] == ["C1", "C2", "C3"]
    detail = client.get(reverse("api:call-detail", args=[call.pk])).json()
    assert detail["published"] == []
    assert detail["form"][0]["key"] == "summary"


def test_applications_are_read_in_scope(client, call, alice, shenzhen_enterprise, bob, guangzhou_enterprise):
    mine = services.application_save(call=call, enterprise=shenzhen_enterprise, title="Mine", data=ANSWERS, by=alice)
    services.application_save(call=call, enterprise=guangzhou_enterprise, title="Theirs", data=ANSWERS, by=bob)
    assert client.get(reverse("api:application-list")).status_code == 403
    client.force_login(alice)
    rows = client.get(reverse("api:application-list")).json()["results"]
    assert [(row["id"], row["data"]["contact_name"]) for row in rows] == [(mine.pk, "Zhang San")]
    client.force_login(grant(UserFactory(username="idle-expert"), Role.EXPERT))
    assert client.get(reverse("api:application-list")).json()["results"] == []
    assert client.get(reverse("api:application-detail", args=[mine.pk])).status_code == 404
