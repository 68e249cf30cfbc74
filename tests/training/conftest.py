import random
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.choices import Role
from tests.factories import UserFactory, grant
from training.models import Audience, Course, CourseStatus, Session, SessionMode


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def beijing_officer(db):
    return grant(UserFactory(username="bj_officer"), Role.AUTHORITY, authority="BJ")


@pytest.fixture
def course(miit_officer):
    return Course.objects.create(
        title_zh="内审员实务",
        title_en="Internal auditing",
        summary_zh="质量管理体系内审。",
        summary_en="Auditing the quality management system.",
        audience=Audience.QUALITY,
        hours=16,
        status=CourseStatus.PUBLISHED,
        created_by=miit_officer,
    )


def make_session(course, by, *, region="440100", days=10, capacity=20, organiser=None, **extra) -> Session:
    starts = timezone.now() + timedelta(days=days)
    offline = region is not None
    return Session.objects.create(
        course=course,
        mode=SessionMode.OFFLINE if offline else SessionMode.ONLINE,
        starts_at=starts,
        ends_at=starts + timedelta(hours=8),
        place_zh="培训中心" if offline else "",
        region_id=region,
        organiser_id=organiser,
        capacity=capacity,
        created_by=by,
        **extra,
    )


@pytest.fixture
def sessions(course, miit_officer) -> dict[str, Session]:
    """Upcoming sessions in Guangzhou, Shenzhen and Beijing, and a national online one."""
    return {
        "guangzhou": make_session(course, miit_officer, region="440100", organiser="GD"),
        "shenzhen": make_session(course, miit_officer, region="440300", organiser="SZ"),
        "beijing": make_session(course, miit_officer, region="110100", organiser="BJ"),
        "online": make_session(course, miit_officer, region=None),
    }


@pytest.fixture
def demo_rng():
    return random.Random(7)
