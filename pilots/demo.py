"""Demo service network, clearly synthetic: the pilot platforms published by last year's demo call (the
engine's own registry entries) get service figures, one climbs to MIIT key cultivation, and the demo enterprise
has one completed and rated request and one waiting for the platform's answer. Idempotent."""

import random
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from pilots import services
from pilots.models import Platform, ServiceRequest
from selections.demo import member


def seed_pilots(*, rng: random.Random, home_member: User, password: str) -> dict:
    platforms = list(Platform.objects.order_by("pk"))
    if not platforms or ServiceRequest.objects.exists():
        return {"platforms": len(platforms), "requests": ServiceRequest.objects.count()}
    miit = User.objects.get(username="miit")
    year = timezone.localdate().year
    for platform in platforms:
        host = member(platform.host, password=password)
        services.service_year_record(
            platform=platform,
            year=year - 1,
            enterprises_served=rng.randint(8, 90),
            validations=rng.randint(10, 200),
            income=Decimal(rng.randint(200, 6000)),
            by=host,
        )
    services.platform_promote(platform=platforms[0], by=miit)
    home = home_member.active_memberships[0].enterprise
    first, second = platforms[0], platforms[-1]
    done = services.request_send(
        platform=first,
        enterprise=home,
        service=first.services[0],
        description="小批量试制验证（演示）。Demo: a small-batch trial run.",
        by=home_member,
    )
    host = member(first.host, password=password)
    services.request_answer(service_request=done, action="accept", reply="可在下月安排。Next month.", by=host)
    services.request_answer(service_request=done, action="complete", reply="已完成，报告已发送。Report sent.", by=host)
    services.request_rate(service_request=done, rating=5, comment="响应及时。Prompt.", by=home_member)
    services.request_send(
        platform=second,
        enterprise=home,
        service=second.services[-1],
        description="新品工艺验证（演示）。Demo: process validation of a new product.",
        by=home_member,
    )
    return {"platforms": len(platforms), "requests": ServiceRequest.objects.count()}
