"""Three-way separation of duties (MLPS level 3): the platform (system), security and audit administrators.

The platform administrator runs data, users and business roles; the security administrator grants and revokes every
role and acts on accounts (sessions, second factors, lockouts) but changes no business data; the audit administrator
reads and exports the audit log and nothing else. Nobody holds two of the three, and nobody grants themselves a role.
"""

import pytest
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from accounts.choices import AuditAction, Role
from accounts.models import AuditLog, Membership
from accounts.services import membership_grant, membership_revoke
from core.exceptions import NotPermitted
from tests.factories import PASSWORD, UserFactory, grant


@pytest.fixture
def operator(db):
    """The platform administrator, with the rights the role gives (not a superuser)."""
    return grant(UserFactory(username="operator", is_staff=True), Role.PLATFORM_ADMIN)


@pytest.fixture
def guard(db):
    return grant(UserFactory(username="guard", is_staff=True), Role.SECURITY_ADMIN)


@pytest.fixture
def auditor(db):
    return grant(UserFactory(username="auditor", is_staff=True), Role.AUDIT_ADMIN)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _field_data(form, prefix: str = "") -> dict:
    """What the browser would post back for ``form`` unchanged."""
    data = {}
    for name, field in form.fields.items():
        key = f"{prefix}{name}"
        value = form[name].value()
        if field.disabled:
            continue
        if isinstance(field.widget, forms.MultiWidget):
            parts = field.widget.decompress(value)
            for index, part in enumerate(parts):
                data[f"{key}_{index}"] = "" if part is None else str(part)
        elif isinstance(field.widget, forms.CheckboxInput):
            if value:
                data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(item) for item in value]
        else:
            data[key] = "" if value is None else str(value.pk if hasattr(value, "pk") else value)
    return data


def user_form_data(page) -> dict:
    """The user change page's form and its memberships inline, as posted back unchanged."""
    data = _field_data(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update({f"{formset.prefix}-{name}": management[name].value() for name in management.fields})
        for form in formset.forms:
            data.update(_field_data(form, prefix=f"{form.prefix}-"))
            data[f"{form.prefix}-id"] = str(form.instance.pk)
            data[f"{form.prefix}-user"] = str(form.instance.user_id)
    return data


def add_membership_row(data: dict, role: str, **fields) -> dict:
    total = int(data["memberships-TOTAL_FORMS"])
    data.update({f"memberships-{total}-role": role, f"memberships-{total}-is_active": "on"})
    data.update({f"memberships-{total}-{name}": value for name, value in fields.items()})
    data["memberships-TOTAL_FORMS"] = str(total + 1)
    return data


def change_url(user) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


# --- nobody holds two duties; nobody grants themselves a role ---------------------------------------------------


@pytest.mark.django_db
def test_the_database_refuses_a_second_administrator_duty(operator):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=operator, role=Role.AUDIT_ADMIN)
    Membership.objects.create(user=operator, role=Role.NATIONAL)  # a business role beside a duty is another matter


@pytest.mark.django_db
def test_a_revoked_duty_leaves_room_for_another(operator, guard):
    membership_revoke(membership=operator.memberships.get(), by=guard)
    membership_grant(user=operator, role=Role.AUDIT_ADMIN, by=guard)
    assert operator.roles == {Role.AUDIT_ADMIN}
    assert AuditLog.objects.filter(action=AuditAction.ROLE_REVOKED, actor=guard).exists()


@pytest.mark.django_db
def test_granting_a_second_duty_is_refused_with_a_reason(operator, guard):
    with pytest.raises(ValidationError, match="separate duties"):
        membership_grant(user=operator, role=Role.SECURITY_ADMIN, by=guard)
    assert operator.memberships.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.AUDIT_ADMIN, Role.NATIONAL])
def test_nobody_grants_themselves_a_role(guard, role):
    with pytest.raises(NotPermitted, match="their own roles"):
        membership_grant(user=guard, role=role, by=guard)
    assert guard.roles == {Role.SECURITY_ADMIN}


@pytest.mark.django_db
def test_only_a_security_administrator_grants_the_administrator_roles(operator, guard, miit_officer):
    newcomer = UserFactory(username="newcomer")
    for by in (operator, miit_officer):
        with pytest.raises(NotPermitted):
            membership_grant(user=newcomer, role=Role.AUDIT_ADMIN, by=by)
    membership_grant(user=newcomer, role=Role.AUDIT_ADMIN, by=guard)
    newcomer.refresh_from_db()
    assert newcomer.is_staff  # the Django admin opens with the duty...
    membership_revoke(membership=newcomer.memberships.get(), by=guard)
    newcomer.refresh_from_db()
    assert not newcomer.is_staff  # ...and closes without it


# --- in the Django admin --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_platform_administrator_grants_a_business_role_in_the_admin(operator):
    wang = UserFactory(username="wang")
    client = client_for(operator)
    data = add_membership_row(user_form_data(client.get(change_url(wang))), Role.AUTHORITY, authority="GD")
    response = client.post(change_url(wang), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert wang.memberships.get().authority_id == "GD"
    assert AuditLog.objects.get(action=AuditAction.CREATE, object_type="accounts.membership").actor == operator


@pytest.mark.django_db
def test_the_platform_administrator_cannot_grant_an_administrator_role_in_the_admin(operator):
    wang = UserFactory(username="wang")
    client = client_for(operator)
    data = add_membership_row(user_form_data(client.get(change_url(wang))), Role.SECURITY_ADMIN)
    response = client.post(change_url(wang), data)
    assert response.status_code == 200
    assert "Only a security administrator" in response.text
    assert not wang.memberships.exists()


@pytest.mark.django_db
def test_the_security_administrator_grants_and_revokes_a_duty_in_the_admin(guard):
    wang = UserFactory(username="wang")
    client = client_for(guard)
    data = add_membership_row(user_form_data(client.get(change_url(wang))), Role.AUDIT_ADMIN)
    assert client.post(change_url(wang), data).status_code == 302
    wang.refresh_from_db()
    assert wang.is_staff
    data = user_form_data(client.get(change_url(wang)))
    data["memberships-0-DELETE"] = "on"
    assert client.post(change_url(wang), data).status_code == 302
    membership = wang.memberships.get()
    assert not membership.is_active  # revoked, kept for the record
    wang.refresh_from_db()
    assert not wang.is_staff
    assert AuditLog.objects.filter(action=AuditAction.ROLE_REVOKED, actor=guard, object_id=str(membership.pk)).exists()


@pytest.mark.django_db
def test_nobody_edits_their_own_roles_in_the_admin(guard):
    client = client_for(guard)
    page = client.get(change_url(guard))
    data = add_membership_row(user_form_data(page), Role.NATIONAL)
    client.post(change_url(guard), data)
    assert guard.roles == {Role.SECURITY_ADMIN}


@pytest.mark.django_db
def test_the_security_administrator_changes_no_business_data(guard, shenzhen_enterprise):
    client = client_for(guard)
    url = reverse("admin:enterprises_enterprise_change", args=[shenzhen_enterprise.pk])
    assert client.get(url).status_code == 200  # to pick the enterprise a role is held in
    assert client.post(url, {"name_zh": "改名"}).status_code == 403
    assert client.get(reverse("admin:evaluations_evaluationmodel_import")).status_code == 403
    shenzhen_enterprise.refresh_from_db()
    assert shenzhen_enterprise.name_zh != "改名"


@pytest.mark.django_db
def test_the_security_administrator_sets_nobodys_password_nor_names(guard, alice):
    client = client_for(guard)
    assert client.get(reverse("admin:auth_user_password_change", args=[alice.pk])).status_code == 403
    page = client.get(change_url(alice))
    assert set(page.context["adminform"].form.fields) == {"is_active"}  # the rest is shown, not editable
    data = user_form_data(page)
    data["email"] = "changed@example.com"
    client.post(change_url(alice), data)
    alice.refresh_from_db()
    assert alice.email != "changed@example.com"


@pytest.mark.django_db
def test_the_platform_administrator_runs_the_platform_without_being_a_superuser(operator, shenzhen_enterprise):
    client = client_for(operator)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:evaluations_evaluationmodel_import")).status_code == 200
    url = reverse("admin:enterprises_enterprise_change", args=[shenzhen_enterprise.pk])
    assert client.get(url).status_code == 200
    assert client.get(reverse("admin:accounts_auditlog_changelist")).status_code == 403
    assert client.get(reverse("accounts:audit_log")).status_code == 403


@pytest.mark.django_db
def test_the_platform_administrator_neither_edits_the_other_administrators_nor_acts_on_accounts(operator, guard):
    client = client_for(operator)
    page = client.get(change_url(guard))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    client.post(reverse("admin:accounts_user_changelist"), {"action": "end_sessions", "_selected_action": [guard.pk]})
    guard.refresh_from_db()
    assert guard.sessions_ended_at is None
    assert client.get(reverse("admin:accounts_user_changelist")).context["action_form"] is None
    security_actions = client_for(guard).get(reverse("admin:accounts_user_changelist")).context["action_form"]
    assert {name for name, _label in security_actions.fields["action"].choices} == {
        "",
        "end_sessions",
        "reset_second_factor",
        "unlock",
    }


@pytest.mark.django_db
def test_the_audit_administrator_reads_the_log_and_nothing_else(auditor, alice, shenzhen_enterprise):
    client = client_for(auditor)
    assert client.get(reverse("accounts:audit_log")).status_code == 200
    assert client.get(reverse("admin:accounts_auditlog_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403
    url = reverse("admin:enterprises_enterprise_change", args=[shenzhen_enterprise.pk])
    assert client.get(url).status_code == 403
    index = client.get(reverse("admin:index"))
    assert [model["object_name"] for app in index.context["app_list"] for model in app["models"]] == ["AuditLog"]
    assert client.get(reverse("api:enterprise-list")).json()["count"] == 0


@pytest.mark.django_db
def test_the_security_administrator_unlocks_a_locked_account(guard, alice):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post(reverse("accounts:login"), {"username": "alice", "password": "wrong"})
    assert Client().post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD}).status_code == 429
    home = client_for(guard).get(reverse("home"))
    assert "alice" in home.text  # the security home lists locked accounts
    response = client_for(guard).post(
        reverse("admin:accounts_user_changelist"), {"action": "unlock", "_selected_action": [alice.pk]}
    )
    assert response.status_code == 302
    assert Client().post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD}).status_code == 302
    assert AuditLog.objects.get(action=AuditAction.UNLOCKED).actor == guard


@pytest.mark.django_db
def test_the_security_home_names_who_still_has_to_set_up_a_second_factor(settings, guard, guangdong_officer):
    settings.MFA_REQUIRED_ROLES = frozenset({Role.AUTHORITY})
    page = client_for(guard).get(reverse("home"))
    assert "gd_officer" in page.text
    assert "Security administration" in page.text


@pytest.mark.django_db
def test_the_audit_home_counts_the_last_days_failures(auditor):
    Client().post(reverse("accounts:login"), {"username": "nobody", "password": "wrong"})
    page = client_for(auditor).get(reverse("home"))
    assert page.context["last_day"][0][1] == 1
    assert "nobody" in page.text


def test_the_demo_has_one_user_per_duty_and_no_superuser(db):
    from core.demo import DEMO_USERS, seed_demo

    seed_demo(enterprises=40, seed=1)
    from accounts.models import User

    for username, role in (("admin", Role.PLATFORM_ADMIN), ("security_admin", Role.SECURITY_ADMIN)):
        user = User.objects.get(username=username)
        assert user.roles == {role}
        assert user.is_staff
        assert not user.is_superuser
    assert User.objects.get(username="audit_admin").roles == {Role.AUDIT_ADMIN}
    assert {demo.role for demo in DEMO_USERS} >= {Role.PLATFORM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN}


@pytest.mark.django_db
def test_the_audit_administrator_searches_by_date_object_and_address(auditor, alice, django_assert_max_num_queries):
    import time_machine

    from accounts.services import audit_record

    with time_machine.travel("2026-03-01 10:00 +0800"):
        audit_record(action=AuditAction.UPDATE, actor=alice, target=alice.memberships.get().enterprise)
    with time_machine.travel("2026-03-05 10:00 +0800"):
        audit_record(action=AuditAction.ACCESS_DENIED, actor=alice, details={"path": "/evaluations/99/"})
        Client(REMOTE_ADDR="10.1.2.3").post(reverse("accounts:login"), {"username": "alice", "password": "wrong"})
    client = client_for(auditor)

    def found(**query) -> list[str]:
        with django_assert_max_num_queries(12):
            page = client.get(reverse("accounts:audit_log"), query)
        return [entry.action for entry in page.context["entries"]]

    assert found(since="2026-03-01", until="2026-03-01") == [AuditAction.UPDATE]
    assert found(target="enterprises.enterprise") == [AuditAction.UPDATE]
    assert found(target="/evaluations/99/") == [AuditAction.ACCESS_DENIED]
    assert found(ip_address="10.1.2.3") == [AuditAction.LOGIN_FAILED]
    assert found(ip_address="not an address", username="alice") != []  # a bad filter is ignored, not a 500
