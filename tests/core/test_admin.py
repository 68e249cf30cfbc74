import pytest
from django.urls import reverse

from accounts.choices import AuditAction, Role
from accounts.models import AuditLog
from tests.factories import UserFactory, grant


@pytest.fixture
def operator(db):
    return grant(UserFactory(username="operator", is_staff=True, is_superuser=True), Role.PLATFORM_ADMIN)


@pytest.mark.django_db
def test_admin_edit_of_an_enterprise_leaves_an_audit_row(client, operator, shenzhen_enterprise):
    client.force_login(operator)
    url = reverse("admin:enterprises_enterprise_change", args=[shenzhen_enterprise.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(
        {
            "address": "福田区深南大道1号",
            "is_listed": "",
            "supplier_links-TOTAL_FORMS": "0",
            "supplier_links-INITIAL_FORMS": "0",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    entry = AuditLog.objects.get(action=AuditAction.UPDATE, object_id=str(shenzhen_enterprise.pk), actor=operator)
    assert "address" in entry.details["fields"]


@pytest.mark.django_db
def test_audit_log_is_read_only_in_the_admin_and_only_for_the_audit_admin(client, operator):
    client.force_login(operator)  # a superuser platform administrator: separation of duties keeps the log shut
    assert client.get(reverse("admin:accounts_auditlog_changelist")).status_code == 403
    client.force_login(grant(UserFactory(username="auditor", is_staff=True), Role.AUDIT_ADMIN))
    assert client.get(reverse("admin:accounts_auditlog_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_auditlog_add")).status_code == 403


def test_every_admin_that_can_change_anything_is_audited(rf):
    """A model anyone may add, change or delete in the admin (ours or a third-party app's) goes through
    ``AuditedModelAdmin``, so every admin action is a row of the chained audit log; the rest are read only."""
    from django.contrib import admin

    from core.admin import AuditedModelAdmin

    request = rf.get("/admin/")
    request.user = UserFactory.build(is_superuser=True, is_staff=True, is_active=True)
    unaudited = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, AuditedModelAdmin)
        and (
            model_admin.has_add_permission(request)
            or model_admin.has_change_permission(request)
            or model_admin.has_delete_permission(request)
        )
    ]
    assert unaudited == []


@pytest.mark.django_db
def test_deleting_a_second_factor_device_in_the_admin_is_audited(client, operator):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=operator, name="phone", confirmed=True)
    client.force_login(operator)
    response = client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    entry = AuditLog.objects.get(object_type="otp_totp.totpdevice", object_id=str(device.pk))
    assert (entry.actor, entry.details["deleted"], entry.ip_address) == (operator, True, "127.0.0.1")
