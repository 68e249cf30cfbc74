import random

import factory

from accounts.choices import INSTITUTION_ROLES
from accounts.models import Membership, User
from core.demo import demo_credit_code
from enterprises.models import Authority, Enterprise

PASSWORD = "Correct-Horse-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password(PASSWORD)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    credit_code = factory.LazyAttributeSequence(lambda e, n: demo_credit_code(random.Random(n), e.region_id))
    name_zh = factory.Sequence(lambda n: f"测试制造{n}有限公司")
    name_en = factory.Sequence(lambda n: f"Test Manufacturing {n} Co., Ltd.")
    region_id = "440300"
    industry_id = "39"
    size_class = "medium"
    status = "verified"


def default_institution():
    """An institution accredited for Guangdong's electronics, for tests that need an assessor somewhere."""
    import datetime

    from enterprises.credit_code import with_check_character
    from evaluations.models import Institution

    institution, created = Institution.objects.get_or_create(
        credit_code=with_check_character("12440000MA0000001"),
        defaults={
            "name_zh": "测试评价机构",
            "name_en": "Test Evaluation Institute",
            "accredited_from": datetime.date(2025, 1, 1),
            "accredited_until": datetime.date(2028, 1, 1),
        },
    )
    if created:
        institution.accredited_regions.set(["440000"])
        institution.accredited_industries.set(["39"])
    return institution


def grant(
    user: User, role: str, *, enterprise: Enterprise | None = None, authority: str | None = None, institution=None
) -> User:
    """Give ``user`` a role directly (tests set up state; the service is tested on its own)."""
    if role in INSTITUTION_ROLES and institution is None:
        institution = default_institution()
    Membership.objects.create(
        institution=institution,
        user=user,
        role=role,
        enterprise=enterprise,
        authority=Authority.objects.get(code=authority) if authority else None,
    )
    user.__dict__.pop("active_memberships", None)
    return user
