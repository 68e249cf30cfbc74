"""Suppliers accept a customer's link; the customer then sees their published levels and a coarse assessment status."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse

from accounts.choices import AuditAction, Role
from accounts.models import AuditLog, User
from enterprises.choices import SupplierLinkStatus
from enterprises.models import SupplierLink
from evaluations.models import Certificate, Evaluation, EvaluationModel
from tests.factories import EnterpriseFactory, grant


@pytest.fixture
def supplier(beijing_enterprise):
    return beijing_enterprise


@pytest.fixture
def supplier_admin(supplier):
    return grant(User.objects.create(username="bj_admin"), Role.ENTERPRISE_ADMIN, enterprise=supplier)


@pytest.fixture
def link(shenzhen_enterprise, supplier):
    return SupplierLink.objects.create(leading=shenzhen_enterprise, supplier=supplier, products="传感器")


def _respond(client, link, decision):
    url = reverse("enterprises:supplierlink_respond", kwargs={"pk": link.supplier_id, "link_pk": link.pk})
    return client.post(url, {"decision": decision})


def _evaluation(enterprise, *, cycle, status, level=None, score=None):
    return Evaluation.objects.create(
        enterprise=enterprise,
        model=EvaluationModel.objects.get(code="QMC-2024"),
        cycle=cycle,
        status=status,
        started_by=User.objects.get_or_create(username="starter")[0],
        self_level=4,
        self_score=Decimal("4.3141"),
        official_level=level,
        official_score=score,
    )


def _certificate(evaluation, *, number, issued_on, status="valid"):
    return Certificate.objects.create(
        number=number,
        evaluation=evaluation,
        enterprise=evaluation.enterprise,
        level=evaluation.official_level,
        score=evaluation.official_score,
        issued_on=issued_on,
        valid_until=issued_on.replace(year=issued_on.year + 3),
        status=status,
    )


# --- Acceptance -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_new_link_is_pending_until_the_supplier_accepts(client, alice, link, supplier_admin):
    assert link.status == SupplierLinkStatus.PENDING
    client.force_login(supplier_admin)
    assert link.leading.name_en in client.get(link.supplier.get_absolute_url()).text
    assert _respond(client, link, "accept").status_code == 302
    link.refresh_from_db()
    assert (link.status, link.responded_by) == (SupplierLinkStatus.ACCEPTED, supplier_admin)
    audit = AuditLog.objects.get(action=AuditAction.STATE_CHANGE, object_id=str(link.pk))
    assert audit.details == {"from": "pending", "to": "accepted"}


@pytest.mark.django_db
def test_supplier_declines_or_later_stops_sharing(client, link, supplier_admin):
    client.force_login(supplier_admin)
    _respond(client, link, "accept")
    _respond(client, link, "decline")  # withdraws the accepted link
    link.refresh_from_db()
    assert link.status == SupplierLinkStatus.DECLINED
    response = _respond(client, link, "accept")  # a declined link needs the customer to ask again
    link.refresh_from_db()
    assert link.status == SupplierLinkStatus.DECLINED
    assert "already declined" in " ".join(m.message for m in response.wsgi_request._messages)


@pytest.mark.django_db
def test_only_the_suppliers_administrator_answers(client, alice, link, supplier):
    member = grant(User.objects.create(username="bj_member"), Role.ENTERPRISE_MEMBER, enterprise=supplier)
    client.force_login(member)
    assert _respond(client, link, "accept").status_code == 403
    client.force_login(alice)  # the customer cannot accept its own request: the supplier is outside its scope
    assert _respond(client, link, "accept").status_code == 404
    link.refresh_from_db()
    assert link.status == SupplierLinkStatus.PENDING


@pytest.mark.django_db
def test_an_unknown_decision_changes_nothing(client, link, supplier_admin):
    client.force_login(supplier_admin)
    response = _respond(client, link, "maybe")
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.status == SupplierLinkStatus.PENDING


@pytest.mark.django_db
def test_links_recorded_before_acceptance_existed_are_treated_as_accepted(link):
    migration = importlib.import_module("enterprises.migrations.0003_supplier_acceptance")
    migration.accept_existing_links(apps, None)
    link.refresh_from_db()
    assert link.status == SupplierLinkStatus.ACCEPTED


# --- The supply-chain table -------------------------------------------------------------------------------------


@pytest.fixture
def chain(shenzhen_enterprise, supplier, link):
    """An accepted supplier with an old and a new certificate and a new evaluation on site; a pending supplier
    with a published level of its own."""
    link.status = SupplierLinkStatus.ACCEPTED
    link.save(update_fields=["status"])
    old = _evaluation(supplier, cycle=2022, status="expired", level=2, score=Decimal("2.5"))
    _certificate(old, number="QP-2022-0001", issued_on=datetime.date(2022, 6, 1), status="expired")
    current = _evaluation(supplier, cycle=2024, status="published", level=3, score=Decimal("3.4567"))
    _certificate(current, number="QP-2024-0007", issued_on=datetime.date(2024, 6, 1))
    _evaluation(supplier, cycle=2026, status="on_site")
    pending = EnterpriseFactory(region_id="440100", name_en="Pending Parts Co.")
    SupplierLink.objects.create(leading=shenzhen_enterprise, supplier=pending)
    published = _evaluation(pending, cycle=2024, status="published", level=4, score=Decimal("4.1"))
    _certificate(published, number="QP-2024-0099", issued_on=datetime.date(2024, 7, 1))
    return {"accepted": supplier, "pending": pending}


def _table(client, user, enterprise):
    client.force_login(user)
    return client.get(reverse("enterprises:supply_chain", kwargs={"pk": enterprise.pk}))


@pytest.mark.django_db
def test_leading_enterprise_sees_latest_published_level_and_a_coarse_status(client, alice, shenzhen_enterprise, chain):
    response = _table(client, alice, shenzhen_enterprise)
    assert response.status_code == 200
    rows = {row["supplier"]: row for row in response.context["rows"]}
    accepted = rows[chain["accepted"]]
    assert accepted["certificate"].number == "QP-2024-0007"  # the latest, not the expired one
    assert str(accepted["assessment"]) == "On-site evaluation in progress"
    page = response.text
    assert "QP-2024-0007" in page
    assert "Assurance" in page
    for secret in ("3.45", "4.31", "on_site"):  # no score, no self-assessment, no raw status
        assert secret not in page


@pytest.mark.django_db
def test_a_pending_supplier_shows_as_pending_and_shares_nothing(client, alice, shenzhen_enterprise, chain):
    response = _table(client, alice, shenzhen_enterprise)
    row = next(row for row in response.context["rows"] if row["supplier"] == chain["pending"])
    assert (row["accepted"], row["certificate"], row["assessment"]) == (False, None, None)
    assert row["link"].assessment_status is None  # not even read from the database
    assert "Awaiting the supplier" in response.text
    assert "QP-2024-0099" not in response.text


@pytest.mark.django_db
def test_a_supplier_without_evaluation_says_so(client, alice, shenzhen_enterprise, link):
    SupplierLink.objects.filter(pk=link.pk).update(status=SupplierLinkStatus.ACCEPTED)
    row = _table(client, alice, shenzhen_enterprise).context["rows"][0]
    assert (row["certificate"], str(row["assessment"])) == (None, "No evaluation yet")


@pytest.mark.django_db
def test_the_table_is_the_leading_enterprises_own(client, shenzhen_enterprise, supplier_admin, shenzhen_officer, chain):
    assert _table(client, supplier_admin, shenzhen_enterprise).status_code == 404  # out of the supplier's scope
    assert _table(client, shenzhen_officer, shenzhen_enterprise).status_code == 403  # in scope, not a member
    member = grant(User.objects.create(username="sz_member"), Role.ENTERPRISE_MEMBER, enterprise=shenzhen_enterprise)
    assert _table(client, member, shenzhen_enterprise).status_code == 200


@pytest.mark.django_db
def test_supply_chain_query_count_does_not_grow_with_suppliers(
    client, django_assert_max_num_queries, alice, shenzhen_enterprise, chain
):
    for enterprise in EnterpriseFactory.create_batch(8):
        SupplierLink.objects.create(leading=shenzhen_enterprise, supplier=enterprise, status="accepted")
        evaluation = _evaluation(enterprise, cycle=2024, status="published", level=2, score=Decimal("2.2"))
        _certificate(evaluation, number=f"QP-2024-1{enterprise.pk:04d}", issued_on=datetime.date(2024, 3, 1))
    client.force_login(alice)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("enterprises:supply_chain", kwargs={"pk": shenzhen_enterprise.pk}))
    assert len(response.context["rows"]) == 10
