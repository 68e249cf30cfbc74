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
