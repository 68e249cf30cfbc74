"""Two people ask for the last place of a session at the same moment, on two database connections: the session
row is locked, so exactly one is enrolled and the other is told the session is full."""

import threading

import pytest
from django.db import connection

from accounts.choices import Role
from enterprises.models import Region
from tests.factories import EnterpriseFactory, UserFactory, grant
from tests.training.conftest import make_session
from training import services
from training.models import Course, Enrolment

race = pytest.mark.django_db(transaction=True)


@race
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_requests_for_the_last_place_exactly_one_wins():
    from enterprises.services import reference_data_load

    if not Region.objects.exists():
        reference_data_load()
    miit = grant(UserFactory(username="miit_race"), Role.NATIONAL)
    course = Course.objects.create(title_zh="竞争课程", hours=2, status="published", created_by=miit)
    session = make_session(course, miit, capacity=1)
    people = [
        grant(UserFactory(username=f"racer{n}"), Role.ENTERPRISE_MEMBER, enterprise=EnterpriseFactory())
        for n in range(2)
    ]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(person):
        try:
            barrier.wait(timeout=10)
            services.enrol(session=session, person=person, by=person)
            outcomes.append("enrolled")
        except services.TrainingError as exc:
            outcomes.append(exc.message)
        finally:
            connection.close()  # each thread's own connection

    threads = [threading.Thread(target=attempt, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["The session is full (capacity 1).", "enrolled"]
    assert Enrolment.objects.filter(session=session).count() == 1
