"""Passwords expire by role (the strictest of a user's roles), and the user is sent to choose a new one."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from accounts.choices import AuditAction, Role
from accounts.models import AuditLog
from accounts.services import password_expired, password_max_age_days
from tests.factories import PASSWORD, UserFactory, grant

NEW_PASSWORD = "Another-Horse-Battery-77"


def test_the_role_list_of_the_settings_is_the_roles_of_the_platform():
    assert set(django_settings.ROLES) == set(Role.values)


@pytest.fixture
def ages(settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    settings.PASSWORD_MAX_AGE_DAYS_BY_ROLE = {"platform_admin": 60, "enterprise_member": 0}


def test_the_strictest_role_sets_the_age(db, ages, alice):
    assert password_max_age_days(alice) == 90  # enterprise administrator: the default
    grant(alice, Role.PLATFORM_ADMIN)
    assert password_max_age_days(alice) == 60
    member = grant(
        UserFactory(username="carol"), Role.ENTERPRISE_MEMBER, enterprise=alice.memberships.first().enterprise
    )
    assert password_max_age_days(member) == 0  # no expiry for this role
    member.password_changed_at = timezone.now() - timedelta(days=4000)
    assert not password_expired(member)


def test_an_expired_password_sends_the_user_to_change_it_and_a_new_one_lets_them_on(client, ages, alice):
    alice.password_changed_at = timezone.now() - timedelta(days=91)
    alice.save(update_fields=["password_changed_at"])
    client.force_login(alice)
    response = client.get(reverse("evaluations:evaluation_list"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:password_change")
    assert "more than 90 days old" in response.text

    refused = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert refused.status_code == 200
    assert 'class="error"' in refused.text  # the policy's reason, on the field
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)

    done = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert not password_expired(alice)
    assert client.get(reverse("evaluations:evaluation_list")).status_code == 200  # still logged in, and let through
    assert AuditLog.objects.filter(action=AuditAction.UPDATE, actor=alice, details__password="changed").exists()


def test_a_fresh_password_is_not_stopped_and_expires_with_time(client, ages, alice):
    alice.password_changed_at = timezone.now()
    alice.save(update_fields=["password_changed_at"])
    client.force_login(alice)
    assert client.get(reverse("evaluations:evaluation_list")).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=91)):
        client.force_login(alice)  # a new session (the old one ended with the absolute timeout)
        assert client.get(reverse("evaluations:evaluation_list")).url == reverse("accounts:password_change")
        assert client.get(reverse("accounts:password_change")).status_code == 200
