from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from accounts.choices import AuditAction
from accounts.models import AuditLog
from core.exceptions import DomainError
from tests.factories import PASSWORD

LOGIN = "accounts:login"


def _login(client, username, password):
    return client.post(reverse(LOGIN), {"username": username, "password": password})


@pytest.mark.django_db
def test_login_lands_on_home_and_is_audited(client, alice):
    response = _login(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")
    entry = AuditLog.objects.get(action=AuditAction.LOGIN)
    assert entry.actor == alice
    assert entry.ip_address == "127.0.0.1"


@pytest.mark.django_db
def test_failed_login_is_audited_and_explained(client, alice):
    response = _login(client, "alice", "wrong-password")
    assert response.status_code == 200
    assert "5" in response.text  # the form says after how many failures the account locks
    entry = AuditLog.objects.get(action=AuditAction.LOGIN_FAILED)
    assert (entry.actor_username, entry.success) == ("alice", False)


@pytest.mark.django_db
def test_account_locks_after_repeated_failures_even_for_the_right_password(client, alice):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "alice", "wrong-password")
    response = _login(client, "alice", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditLog.objects.filter(action=AuditAction.LOCKED_OUT, actor_username="alice").exists()


@pytest.mark.django_db
def test_lockout_lifts_after_the_cool_off(client, alice):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "alice", "wrong-password")
    with time_machine.travel(settings.AXES_COOLOFF_TIME + timedelta(minutes=1)):
        assert _login(client, "alice", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_idle_session_ends_and_user_is_told(client, alice):
    with time_machine.travel("2026-03-02 09:00 +0800", tick=False) as traveller:
        _login(client, "alice", PASSWORD)
        assert client.get(reverse("enterprises:enterprise_list")).status_code == 200
        traveller.shift(settings.SESSION_IDLE_TIMEOUT - timedelta(minutes=1))
        assert client.get(reverse("enterprises:enterprise_list")).status_code == 200
        traveller.shift(settings.SESSION_IDLE_TIMEOUT + timedelta(minutes=1))
        response = client.get(reverse("enterprises:enterprise_list"))
        assert response.status_code == 302
        assert response.url.startswith(reverse(LOGIN))
        page = client.get(response.url)
        assert "without activity" in page.text
    assert AuditLog.objects.filter(action=AuditAction.SESSION_EXPIRED, actor=alice).exists()


@pytest.mark.django_db
def test_session_ends_at_the_absolute_timeout_despite_activity(client, alice):
    with time_machine.travel("2026-03-02 09:00 +0800", tick=False) as traveller:
        _login(client, "alice", PASSWORD)
        step = settings.SESSION_IDLE_TIMEOUT - timedelta(minutes=5)
        elapsed = timedelta()
        while elapsed + step < settings.SESSION_ABSOLUTE_TIMEOUT:
            traveller.shift(step)
            elapsed += step
            assert client.get(reverse("home")).wsgi_request.user.is_authenticated
        traveller.shift(step)
        assert not client.get(reverse("home")).wsgi_request.user.is_authenticated


def test_login_renews_the_session_key(client, db, alice):
    client.get(reverse(LOGIN))
    client.cookies["sessionid"] = "attacker-chosen-session-key"
    _login(client, "alice", PASSWORD)
    assert client.cookies["sessionid"].value != "attacker-chosen-session-key"


@pytest.mark.django_db
def test_logout_is_audited_and_ends_the_session(client, alice):
    client.force_login(alice)
    client.post(reverse("accounts:logout"))
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated
    assert AuditLog.objects.filter(action=AuditAction.LOGOUT, actor=alice).exists()


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Short-1a", "password_too_short"),
        ("alllowercaseletters", "password_too_simple"),
        ("ALLUPPER-and-lower", None),
        ("123456789012", "password_entirely_numeric"),
    ],
)
def test_password_policy(password, code):
    if code is None:
        validate_password(password)
        return
    with pytest.raises(ValidationError) as excinfo:
        validate_password(password)
    assert code in [error.code for error in excinfo.value.error_list]


@pytest.mark.django_db
def test_audit_rows_cannot_be_changed_or_deleted(alice):
    from accounts.services import audit_record

    entry = audit_record(action=AuditAction.LOGIN, actor=alice)
    entry.success = False
    with pytest.raises(DomainError):
        entry.save()
    with pytest.raises(DomainError):
        entry.delete()
    with pytest.raises(DomainError):
        AuditLog.objects.filter(pk=entry.pk).update(success=False)


@pytest.mark.django_db
def test_database_refuses_to_rewrite_audit_rows(alice):
    from accounts.services import audit_record

    entry = audit_record(action=AuditAction.LOGIN, actor=alice)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_auditlog SET success = %s WHERE id = %s", [False, entry.pk])
    AuditLog.objects.get(pk=entry.pk, success=True)


@pytest.mark.django_db
def test_audit_log_page_is_for_audit_admins_only(client, alice, miit_officer):
    from accounts.choices import Role
    from tests.factories import UserFactory, grant

    client.force_login(alice)
    assert client.get(reverse("accounts:audit_log")).status_code == 403
    assert AuditLog.objects.filter(action=AuditAction.ACCESS_DENIED, actor=alice).exists()
    client.force_login(grant(UserFactory(username="operator"), Role.PLATFORM_ADMIN))
    assert client.get(reverse("accounts:audit_log")).status_code == 403
    admin = grant(UserFactory(username="root"), Role.AUDIT_ADMIN)
    client.force_login(admin)
    response = client.get(reverse("accounts:audit_log"), {"action": AuditAction.ACCESS_DENIED})
    assert response.status_code == 200
    assert "alice" in response.text


def test_demo_accounts_share_one_hash_of_the_published_password_and_real_accounts_do_not(db):
    from accounts.services import user_create

    demo = [user_create(username=f"demo{n}", password="QualityPath-2026", shared_hash=True) for n in range(2)]
    real = [user_create(username=f"real{n}", password="QualityPath-2026") for n in range(2)]
    assert demo[0].password == demo[1].password
    assert real[0].password != real[1].password  # each its own salt
    assert all(user.check_password("QualityPath-2026") for user in demo + real)


def test_an_administrator_ends_a_users_sessions_everywhere(client, db, alice):
    from django.test import Client

    from accounts.choices import Role
    from tests.factories import UserFactory, grant

    laptop, phone = client, Client()
    _login(laptop, "alice", PASSWORD)
    _login(phone, "alice", PASSWORD)
    admin = grant(UserFactory(username="security", is_staff=True), Role.SECURITY_ADMIN)
    admin_client = Client()
    admin_client.force_login(admin)
    response = admin_client.post(
        reverse("admin:accounts_user_changelist"), {"action": "end_sessions", "_selected_action": [alice.pk]}
    )
    assert response.status_code == 302
    for device in (laptop, phone):
        page = device.get(reverse("home"), follow=True)
        assert not page.wsgi_request.user.is_authenticated
        assert "An administrator ended your session." in page.text
    assert AuditLog.objects.filter(action=AuditAction.SESSION_EXPIRED, actor=alice).count() == 2
    assert AuditLog.objects.filter(action=AuditAction.STATE_CHANGE, actor=admin, object_id=str(alice.pk)).exists()
    _login(laptop, "alice", PASSWORD)  # logging in again works as usual
    assert laptop.get(reverse("home")).wsgi_request.user.is_authenticated
