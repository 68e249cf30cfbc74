"""A leading enterprise's supplier network: managed by its administrator, seen within scope."""

import pytest
from django.urls import reverse

from accounts.choices import AuditAction, Role
from accounts.models import AuditLog
from enterprises.models import SupplierLink
from tests.factories import UserFactory, grant


def _add(client, enterprise, **data):
    return client.post(reverse("enterprises:supplierlink_create", kwargs={"pk": enterprise.pk}), data)


@pytest.mark.django_db
def test_admin_adds_a_supplier_by_credit_code_and_sees_its_name_not_its_page(
    client, alice, shenzhen_enterprise, beijing_enterprise
):
    client.force_login(alice)
    response = _add(client, shenzhen_enterprise, credit_code=beijing_enterprise.credit_code.lower(), products="传感器")
    assert response.status_code == 302
    link = SupplierLink.objects.get(leading=shenzhen_enterprise)
    assert (link.supplier, link.products, link.status) == (beijing_enterprise, "传感器", "pending")
    assert AuditLog.objects.filter(action=AuditAction.CREATE, object_id=str(link.pk)).exists()

    page = client.get(shenzhen_enterprise.get_absolute_url()).text
    assert beijing_enterprise.name_en in page
    assert "Awaiting the supplier" in page  # until the supplier accepts (tests/enterprises/test_supply_chain.py)
    assert beijing_enterprise.get_absolute_url() not in page  # named, but its page stays out of scope
    assert client.get(beijing_enterprise.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_supplier_sees_its_customer_and_authority_sees_links_in_its_region(
    client, alice, shenzhen_enterprise, beijing_enterprise
):
    SupplierLink.objects.create(leading=shenzhen_enterprise, supplier=beijing_enterprise)
    supplier_user = grant(UserFactory(), Role.ENTERPRISE_ADMIN, enterprise=beijing_enterprise)
    client.force_login(supplier_user)
    assert shenzhen_enterprise.name_en in client.get(beijing_enterprise.get_absolute_url()).text
    beijing_authority = grant(UserFactory(), Role.AUTHORITY, authority="BJ")
    client.force_login(beijing_authority)
    assert shenzhen_enterprise.name_en in client.get(beijing_enterprise.get_absolute_url()).text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91440300708461136X", "'T'"),
        ("91110000600037341L", "No enterprise with this code"),
    ],
)
def test_bad_supplier_codes_are_explained_on_the_form_and_nothing_is_saved(
    client, alice, shenzhen_enterprise, code, message
):
    client.force_login(alice)
    response = _add(client, shenzhen_enterprise, credit_code=code, products="x")
    assert response.status_code == 400
    assert message in " ".join(response.context["supplier_form"].errors["credit_code"])
    assert not SupplierLink.objects.exists()


@pytest.mark.django_db
def test_self_and_duplicate_suppliers_are_refused(client, alice, shenzhen_enterprise, beijing_enterprise):
    client.force_login(alice)
    assert _add(client, shenzhen_enterprise, credit_code=shenzhen_enterprise.credit_code).status_code == 400
    assert _add(client, shenzhen_enterprise, credit_code=beijing_enterprise.credit_code).status_code == 302
    response = _add(client, shenzhen_enterprise, credit_code=beijing_enterprise.credit_code)
    assert response.status_code == 400
    assert "already" in response.context["supplier_form"].errors["credit_code"][0]
    assert SupplierLink.objects.count() == 1


@pytest.mark.django_db
def test_members_and_authorities_cannot_change_the_network(
    client, shenzhen_enterprise, beijing_enterprise, shenzhen_officer
):
    member = grant(UserFactory(), Role.ENTERPRISE_MEMBER, enterprise=shenzhen_enterprise)
    for user in (member, shenzhen_officer):
        client.force_login(user)
        assert _add(client, shenzhen_enterprise, credit_code=beijing_enterprise.credit_code).status_code == 403
    assert not SupplierLink.objects.exists()


@pytest.mark.django_db
def test_admin_removes_a_supplier_and_the_removal_is_audited(client, alice, shenzhen_enterprise, beijing_enterprise):
    link = SupplierLink.objects.create(leading=shenzhen_enterprise, supplier=beijing_enterprise)
    client.force_login(alice)
    url = reverse("enterprises:supplierlink_delete", kwargs={"pk": shenzhen_enterprise.pk, "link_pk": link.pk})
    assert client.post(url).status_code == 302
    assert not SupplierLink.objects.exists()
    assert AuditLog.objects.filter(object_id=str(link.pk), details__deleted=True).exists()


@pytest.mark.django_db
def test_detail_page_query_count_does_not_grow_with_the_network(
    client, django_assert_max_num_queries, alice, shenzhen_enterprise
):
    from tests.factories import EnterpriseFactory

    for supplier in EnterpriseFactory.create_batch(15):
        SupplierLink.objects.create(leading=shenzhen_enterprise, supplier=supplier)
    client.force_login(alice)
    with django_assert_max_num_queries(15):
        assert client.get(shenzhen_enterprise.get_absolute_url()).status_code == 200
