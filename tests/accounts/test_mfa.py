"""The second factor: enrolment, codes after the password, recovery codes, lockout, and the pages it keeps shut.

Codes are computed here from the secret, as an authenticator app would (RFC 6238 through django_otp.oath.totp);
time-machine moves the clock across 30-second time steps.
"""

import html
import re
from base64 import b32decode
from binascii import unhexlify
from datetime import timedelta
from urllib.parse import unquote

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import mfa
from accounts.choices import AuditAction, Role
from accounts.models import AuditLog
from tests.factories import PASSWORD, UserFactory, grant

KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test secret, hex
NOON = "2026-03-02 12:00:00 +0800"


@pytest.fixture(autouse=True)
def _second_factor_on(settings):
    settings.MFA_REQUIRED_ROLES = frozenset({Role.AUTHORITY, Role.NATIONAL, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})


def code_for(key: str = KEY) -> str:
    return f"{totp(unhexlify(key)):06d}"


def enrol(user, key: str = KEY) -> list[str]:
    """``user`` with an authenticator app holding ``key`` and ten recovery codes, as enrolment leaves them."""
    TOTPDevice.objects.create(user=user, key=key, confirmed=True, name="app")
    return mfa._new_recovery_codes(user)


def log_in(client, username: str):
    return client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})


def enter(client, code: str, next_url: str = "/"):
    return client.post(reverse("accounts:mfa_verify"), {"code": code, "next": next_url})


def wrong(code: str) -> str:
    return f"{(int(code) + 500_000) % 1_000_000:06d}"


@pytest.mark.django_db
def test_users_without_a_required_role_are_not_asked(client, alice):
    response = log_in(client, "alice")
    assert response.url == reverse("home")
    assert client.get(reverse("enterprises:enterprise_list")).status_code == 200
    assert not AuditLog.objects.filter(action__startswith="mfa").exists()


@pytest.mark.django_db
def test_an_authority_enrols_with_a_code_from_the_secret_on_the_page_and_sees_ten_recovery_codes_once(
    client, guangdong_officer
):
    log_in(client, "gd_officer")
    page = client.get(reverse("enterprises:enterprise_list"), follow=True)
    assert page.redirect_chain[-1][0].startswith(reverse("accounts:mfa_enrol"))
    assert "<svg" in page.text  # the QR code, drawn by segno on the server
    secret = re.search(r'data-secret="([A-Z2-7]+)"', page.text).group(1)
    key = b32decode(secret).hex()

    response = client.post(page.redirect_chain[-1][0], {"code": code_for(key), "next": "/enterprises/"})
    assert response.status_code == 302
    codes_page = client.get(response.url)
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", codes_page.text)
    assert len(codes) == mfa.RECOVERY_CODE_COUNT
    download = html.unescape(re.search(r'href="data:text/plain;charset=utf-8,([^"]+)"', codes_page.text).group(1))
    assert all(code in unquote(download) for code in codes)
    assert 'href="/enterprises/"' in codes_page.text  # "continue" goes where the user was going
    assert not re.findall(r"<li>([a-z2-7]{8})</li>", client.get(reverse("accounts:mfa_settings")).text)  # once
    assert client.get(reverse("enterprises:enterprise_list")).status_code == 200
    assert TOTPDevice.objects.get(user=guangdong_officer).confirmed
    for action in (AuditAction.MFA_ENROLLED, AuditAction.RECOVERY_CODES):
        assert AuditLog.objects.filter(action=action, actor=guangdong_officer).exists()


@pytest.mark.django_db
def test_a_wrong_code_at_enrolment_is_refused_and_audited(client, guangdong_officer):
    log_in(client, "gd_officer")
    client.get(reverse("accounts:mfa_enrol"))
    key = client.session[mfa.ENROL_KEY_SESSION_KEY]
    response = client.post(reverse("accounts:mfa_enrol"), {"code": wrong(code_for(key))})
    assert response.status_code == 200
    assert "does not match" in response.text
    assert not TOTPDevice.objects.filter(user=guangdong_officer).exists()
    assert AuditLog.objects.get(action=AuditAction.MFA_FAILED, actor=guangdong_officer).details == {"step": "enrol"}


@pytest.mark.django_db
def test_with_an_app_the_code_page_follows_the_password_and_leads_on(client, guangdong_officer):
    enrol(guangdong_officer)
    log_in(client, "gd_officer")
    asked = client.get(reverse("enterprises:enterprise_list"))
    assert asked.url == f"{reverse('accounts:mfa_verify')}?next=%2Fenterprises%2F"
    response = enter(client, code_for(), "/enterprises/")
    assert response.url == "/enterprises/"
    assert client.get(reverse("enterprises:enterprise_list")).status_code == 200
    entry = AuditLog.objects.get(action=AuditAction.MFA_VERIFIED, actor=guangdong_officer)
    assert entry.details == {"method": "totp", "step": "login"}


@pytest.mark.django_db
def test_a_used_code_is_refused_and_the_next_time_step_works(guangdong_officer):
    enrol(guangdong_officer)
    with time_machine.travel(NOON, tick=False) as traveller:
        first, second = Client(), Client()
        log_in(first, "gd_officer")
        code = code_for()
        assert enter(first, code).status_code == 302
        log_in(second, "gd_officer")
        replayed = enter(second, code)
        assert replayed.status_code == 200
        assert "already used" in replayed.text
        traveller.shift(timedelta(seconds=30))
        assert enter(second, code_for()).status_code == 302
    assert AuditLog.objects.filter(action=AuditAction.MFA_FAILED, actor_username="gd_officer").count() == 1


@pytest.mark.django_db
def test_a_recovery_code_works_once(guangdong_officer):
    codes = enrol(guangdong_officer)
    first, second = Client(), Client()
    log_in(first, "gd_officer")
    assert enter(first, codes[0].upper()).status_code == 302  # typed in capitals: still the code
    entry = AuditLog.objects.get(action=AuditAction.MFA_VERIFIED)
    assert entry.details == {"method": "recovery_code", "step": "login", "recovery_codes_left": 9}
    log_in(second, "gd_officer")
    assert enter(second, codes[0]).status_code == 200
    assert StaticToken.objects.filter(device__user=guangdong_officer).count() == 9


@pytest.mark.django_db
def test_repeated_wrong_codes_lock_the_account_and_end_the_session(client, guangdong_officer):
    enrol(guangdong_officer)
    log_in(client, "gd_officer")
    bad = wrong(code_for())
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert enter(client, bad).status_code == 200
    locked = enter(client, bad)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditLog.objects.filter(action=AuditAction.MFA_FAILED).count() == settings.AXES_FAILURE_LIMIT
    assert AuditLog.objects.filter(action=AuditAction.LOCKED_OUT, actor_username="gd_officer").exists()
    assert log_in(client, "gd_officer").status_code == 429  # the right password no longer helps
    with time_machine.travel(settings.AXES_COOLOFF_TIME + timedelta(minutes=1)):
        assert log_in(client, "gd_officer").status_code == 302


@pytest.mark.django_db
def test_logging_in_again_does_not_buy_more_guesses_at_the_code(client, guangdong_officer):
    enrol(guangdong_officer)
    bad = wrong(code_for())
    log_in(client, "gd_officer")
    for _ in range(settings.AXES_FAILURE_LIMIT - 2):
        enter(client, bad)
    log_in(Client(), "gd_officer")  # the password is right, but the whole login is not done
    log_in(client, "gd_officer")
    enter(client, bad)
    assert enter(client, bad).status_code == 429


@pytest.mark.django_db
def test_a_right_code_forgets_the_earlier_failures(client, guangdong_officer):
    enrol(guangdong_officer)
    with time_machine.travel(NOON, tick=False) as traveller:
        log_in(client, "gd_officer")
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            enter(client, wrong(code_for()))
        assert enter(client, code_for()).status_code == 302
        client.post(reverse("accounts:logout"))
        traveller.shift(timedelta(seconds=30))
        log_in(client, "gd_officer")
        assert enter(client, wrong(code_for())).status_code == 200  # one failure, not the limit


@pytest.mark.django_db
def test_an_unverified_session_reaches_no_page_and_no_api(client, guangdong_officer):
    enrol(guangdong_officer)
    log_in(client, "gd_officer")
    for name in ("home", "enterprises:enterprise_list", "accounts:password_change", "accounts:mfa_settings"):
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("accounts:mfa_verify")), name
    assert client.post(reverse("enterprises:enterprise_register"), {}).url == reverse("accounts:mfa_verify")
    api = client.get(reverse("api:enterprise-list"))
    assert api.status_code == 403
    assert api.json()["code"] == "second_factor_required"
    assert client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"}).status_code == 302
    assert client.get(reverse("healthz")).status_code in (200, 503)
    client.post(reverse("accounts:logout"))
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated


@pytest.mark.django_db
def test_an_expired_password_is_changed_after_the_second_factor(client, guangdong_officer):
    from django.utils import timezone

    enrol(guangdong_officer)
    guangdong_officer.password_changed_at = timezone.now() - timedelta(days=400)
    guangdong_officer.save(update_fields=["password_changed_at"])
    log_in(client, "gd_officer")
    page = client.get(reverse("home"), follow=True)
    assert page.redirect_chain[-1][0].startswith(reverse("accounts:mfa_verify"))
    response = enter(client, code_for())
    assert client.get(response.url, follow=True).redirect_chain[-1][0] == reverse("accounts:password_change")


@pytest.mark.django_db
def test_force_login_alone_is_not_enough_either(client, miit_officer):
    client.force_login(miit_officer)
    assert client.get(reverse("home")).url.startswith(reverse("accounts:mfa_enrol"))


@pytest.mark.django_db
def test_new_recovery_codes_need_a_fresh_code_from_the_app(client, guangdong_officer):
    old = enrol(guangdong_officer)
    with time_machine.travel(NOON, tick=False) as traveller:
        log_in(client, "gd_officer")
        enter(client, code_for())
        refused = client.post(reverse("accounts:mfa_settings"), {"code": old[1]})  # a recovery code will not do
        assert "not right" in refused.text
        traveller.shift(timedelta(seconds=30))
        response = client.post(reverse("accounts:mfa_settings"), {"code": code_for()}, follow=True)
    fresh = re.findall(r"<li>([a-z2-7]{8})</li>", response.text)
    assert len(fresh) == mfa.RECOVERY_CODE_COUNT
    assert set(fresh).isdisjoint(old)
    assert not StaticToken.objects.filter(token__in=old).exists()
    assert AuditLog.objects.filter(action=AuditAction.RECOVERY_CODES, actor=guangdong_officer).count() == 1


@pytest.mark.django_db
def test_a_security_admin_resets_a_lost_second_factor_and_the_user_enrols_again(guangdong_officer):
    enrol(guangdong_officer)
    officer = Client()
    log_in(officer, "gd_officer")
    enter(officer, code_for())
    assert officer.get(reverse("home")).status_code == 200
    security = grant(UserFactory(username="sec", is_staff=True), Role.SECURITY_ADMIN)
    enrol(security, key="00" * 20)
    admin = Client()
    admin.force_login(security)
    admin_session = admin.session
    admin_session[mfa.DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=security).persistent_id
    admin_session.save()
    response = admin.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [guangdong_officer.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=guangdong_officer).exists()
    assert AuditLog.objects.get(action=AuditAction.MFA_RESET).actor == security
    assert officer.get(reverse("home")).url.startswith(reverse("accounts:mfa_enrol"))


@pytest.mark.django_db
def test_an_api_token_needs_the_code_too(client, guangdong_officer, alice):
    enrol(guangdong_officer)
    url = reverse("api:auth_token")
    without = client.post(url, {"username": "gd_officer", "password": PASSWORD})
    assert without.status_code == 400
    assert "code" in without.json()["fields"]
    assert (
        client.post(url, {"username": "gd_officer", "password": PASSWORD, "code": wrong(code_for())}).status_code == 400
    )
    assert AuditLog.objects.get(action=AuditAction.MFA_FAILED).details == {"step": "api_token"}
    token = client.post(url, {"username": "gd_officer", "password": PASSWORD, "code": code_for()})
    assert token.status_code == 200
    api = Client().get(reverse("api:enterprise-list"), HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    assert api.status_code == 200
    assert client.post(url, {"username": "alice", "password": PASSWORD}).status_code == 200  # no role that asks


def test_an_empty_mfa_setting_means_nobody_and_an_unknown_role_is_an_error(monkeypatch):
    from config.env import env_subset

    roles = {"authority", "national"}
    monkeypatch.delenv("MFA_TEST_ROLES", raising=False)
    assert env_subset("MFA_TEST_ROLES", choices=roles, default={"authority"}) == {"authority"}
    monkeypatch.setenv("MFA_TEST_ROLES", "")
    assert env_subset("MFA_TEST_ROLES", choices=roles, default={"authority"}) == frozenset()
    monkeypatch.setenv("MFA_TEST_ROLES", "national, authority")
    assert env_subset("MFA_TEST_ROLES", choices=roles, default=set()) == roles
    monkeypatch.setenv("MFA_TEST_ROLES", "authorty")
    with pytest.raises(ImproperlyConfigured, match="authorty"):
        env_subset("MFA_TEST_ROLES", choices=roles, default=set())


def test_check_deploy_warns_when_production_asks_nobody_for_a_second_factor(settings):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    from accounts.checks import second_factor_required_in_production

    settings.DEBUG = False
    settings.MFA_REQUIRED_ROLES = frozenset()
    assert [w.id for w in second_factor_required_in_production(None)] == ["accounts.W001"]
    with pytest.raises(SystemCheckError, match=r"accounts\.W001"):
        call_command("check", "--deploy", "--fail-level", "WARNING", "--tag", "security")
    settings.MFA_REQUIRED_ROLES = frozenset({Role.AUTHORITY})
    assert second_factor_required_in_production(None) == []
    settings.DEBUG, settings.MFA_REQUIRED_ROLES = True, frozenset()
    assert second_factor_required_in_production(None) == []
