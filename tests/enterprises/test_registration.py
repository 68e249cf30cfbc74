"""Register-and-claim, and the authority's verification, through the pages people use."""

import pytest
from django.urls import reverse

from accounts.choices import AuditAction, Role
from accounts.models import AuditLog, Membership, User
from enterprises.choices import ClaimStatus, VerificationStatus
from enterprises.models import Enterprise, EnterpriseClaim

NEW_CODE = "91440300708461136T"


def _form(**overrides):
    data = {
        "username": "bob",
        "display_name": "Bob Li",
        "email": "bob@example.com",
        "password1": "Quality-Is-Free-79",
        "password2": "Quality-Is-Free-79",
        "position": "Quality manager",
        "credit_code": NEW_CODE,
        "name_zh": "深圳安泰电气有限公司",
        "name_en": "Shenzhen Antai Electric Co., Ltd.",
        "region": "440300",
        "industry": "38",
        "size_class": "small",
    }
    return {**data, **overrides}


@pytest.mark.django_db
def test_registration_creates_user_pending_enterprise_and_claim(client):
    response = client.post(reverse("enterprises:enterprise_register"), _form())
    assert response.status_code == 302
    enterprise = Enterprise.objects.get(credit_code=NEW_CODE)
    assert enterprise.status == VerificationStatus.PENDING
    claim = EnterpriseClaim.objects.get(enterprise=enterprise)
    assert (claim.user.username, claim.status) == ("bob", ClaimStatus.PENDING)
    home = client.get(reverse("home"), headers={"Accept-Language": "en"})
    assert "Awaiting verification" in home.text


@pytest.mark.django_db
def test_lowercase_and_spaced_credit_code_is_accepted_as_typed(client):
    client.post(reverse("enterprises:enterprise_register"), _form(credit_code=" 9144 0300 7084 6113 6t "))
    assert Enterprise.objects.filter(credit_code=NEW_CODE).exists()


@pytest.mark.django_db
def test_wrong_credit_code_is_shown_on_the_field_and_nothing_is_saved(client):
    response = client.post(
        reverse("enterprises:enterprise_register"),
        _form(credit_code="91440300708461136X"),
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "'T'" in errors["credit_code"][0]
    assert not User.objects.filter(username="bob").exists()
    assert not Enterprise.objects.filter(name_zh="深圳安泰电气有限公司").exists()


@pytest.mark.django_db
def test_weak_password_is_shown_on_the_field_and_nothing_is_saved(client):
    response = client.post(reverse("enterprises:enterprise_register"), _form(password1="abc", password2="abc"))
    assert response.status_code == 400
    assert "password1" in response.context["form"].errors
    assert not Enterprise.objects.filter(credit_code=NEW_CODE).exists()


@pytest.mark.django_db
def test_province_is_refused_where_a_city_is_needed(client):
    response = client.post(reverse("enterprises:enterprise_register"), _form(region="440000"))
    assert response.status_code == 400
    assert "region" in response.context["form"].errors
    assert not User.objects.filter(username="bob").exists()


@pytest.mark.django_db
def test_half_filled_form_keeps_what_was_typed(client):
    response = client.post(reverse("enterprises:enterprise_register"), _form(name_zh="", email=""))
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"name_zh", "email"}
    assert form["display_name"].value() == "Bob Li"
    assert 'value="Bob Li"' in response.text


@pytest.mark.django_db
def test_claim_on_an_existing_enterprise_joins_it(client, shenzhen_enterprise):
    client.post(reverse("enterprises:enterprise_register"), _form(credit_code=shenzhen_enterprise.credit_code))
    claim = EnterpriseClaim.objects.get(user__username="bob")
    assert claim.enterprise == shenzhen_enterprise
    assert Enterprise.objects.filter(name_zh="深圳安泰电气有限公司").count() == 0


def _register(client):
    client.post(reverse("enterprises:enterprise_register"), _form())
    client.logout()
    return EnterpriseClaim.objects.get(user__username="bob")


@pytest.mark.django_db
def test_shenzhen_authority_approves_and_the_claimant_becomes_admin(client, shenzhen_officer):
    claim = _register(client)
    client.force_login(shenzhen_officer)
    assert claim.enterprise.credit_code in client.get(reverse("enterprises:claim_list")).text
    response = client.post(reverse("enterprises:claim_decide", kwargs={"pk": claim.pk}), {"approve": "yes"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    assert claim.enterprise.status == VerificationStatus.VERIFIED
    assert Membership.objects.get(user=claim.user).role == Role.ENTERPRISE_ADMIN
    assert AuditLog.objects.filter(action=AuditAction.STATE_CHANGE, object_id=str(claim.pk)).exists()


@pytest.mark.django_db
def test_rejection_needs_a_reason_and_changes_nothing_without_one(client, guangdong_officer):
    claim = _register(client)
    client.force_login(guangdong_officer)
    client.post(reverse("enterprises:claim_decide", kwargs={"pk": claim.pk}), {"approve": "no", "reason": " "})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING
    client.post(
        reverse("enterprises:claim_decide", kwargs={"pk": claim.pk}), {"approve": "no", "reason": "No such licence"}
    )
    claim.refresh_from_db()
    assert (claim.status, claim.reason) == (ClaimStatus.REJECTED, "No such licence")
    assert claim.enterprise.status == VerificationStatus.REJECTED


@pytest.mark.django_db
def test_authority_of_another_region_cannot_see_or_decide_the_claim(client):
    from tests.factories import UserFactory, grant

    claim = _register(client)
    beijing = grant(UserFactory(), Role.AUTHORITY, authority="BJ")
    client.force_login(beijing)
    assert claim.enterprise.credit_code not in client.get(reverse("enterprises:claim_list")).text
    response = client.post(reverse("enterprises:claim_decide", kwargs={"pk": claim.pk}), {"approve": "yes"})
    assert response.status_code == 404
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING


@pytest.mark.django_db
def test_enterprise_admin_accepts_a_colleague_and_the_colleague_becomes_member(client, alice, shenzhen_enterprise):
    client.post(reverse("enterprises:enterprise_register"), _form(credit_code=shenzhen_enterprise.credit_code))
    claim = EnterpriseClaim.objects.get(user__username="bob")
    client.force_login(alice)
    client.post(reverse("enterprises:claim_decide", kwargs={"pk": claim.pk}), {"approve": "yes"})
    assert Membership.objects.get(user__username="bob").role == Role.ENTERPRISE_MEMBER


@pytest.mark.django_db
def test_enterprise_admin_edits_the_profile_and_the_change_is_audited(client, alice, shenzhen_enterprise):
    client.force_login(alice)
    url = reverse("enterprises:enterprise_edit", kwargs={"pk": shenzhen_enterprise.pk})
    response = client.post(url, {"name_en": "Shenzhen Jinggong", "address": "南山区1号", "size_class": "large"})
    assert response.status_code == 302
    shenzhen_enterprise.refresh_from_db()
    assert (shenzhen_enterprise.size_class, shenzhen_enterprise.address) == ("large", "南山区1号")
    entry = AuditLog.objects.get(action=AuditAction.UPDATE, object_id=str(shenzhen_enterprise.pk))
    assert entry.details["changes"]["size_class"] == ["medium", "large"]


@pytest.mark.django_db
def test_member_cannot_edit_the_profile(client, shenzhen_enterprise):
    from tests.factories import UserFactory, grant

    member = grant(UserFactory(), Role.ENTERPRISE_MEMBER, enterprise=shenzhen_enterprise)
    client.force_login(member)
    url = reverse("enterprises:enterprise_edit", kwargs={"pk": shenzhen_enterprise.pk})
    assert client.post(url, {"name_en": "X", "size_class": "large"}).status_code == 403
    shenzhen_enterprise.refresh_from_db()
    assert shenzhen_enterprise.size_class == "medium"


@pytest.mark.django_db
def test_invalid_profile_edit_is_shown_and_changes_nothing(client, alice, shenzhen_enterprise):
    client.force_login(alice)
    url = reverse("enterprises:enterprise_edit", kwargs={"pk": shenzhen_enterprise.pk})
    response = client.post(url, {"name_en": "Kept Name", "address": "x" * 400, "size_class": "gigantic"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"address", "size_class"}
    assert 'value="Kept Name"' in response.text
    shenzhen_enterprise.refresh_from_db()
    assert (shenzhen_enterprise.name_en, shenzhen_enterprise.size_class) != ("Kept Name", "gigantic")
    assert not AuditLog.objects.filter(action=AuditAction.UPDATE).exists()
