"""Training (issue 9, part 4): search in both languages, an authority runs only its area's sessions, enrolment
refused with a clear message when full (and under a concurrent race exactly one last place is taken), files
checked by content, the attendance sheet issuing certificates and hours, the certificate PDF and who may read it,
an enterprise seeing only its people, and bounded list pages."""

import datetime
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from accounts.choices import Role
from accounts.models import AuditLog
from core.exceptions import NotPermitted
from enterprises.models import Region
from knowledge.models import Method
from tests.factories import EnterpriseFactory, UserFactory, grant
from tests.pdf import pdf_text
from tests.training.conftest import make_session
from training import selectors, services
from training.certificate_pdf import verify_url
from training.demo import seed_training
from training.models import (
    Course,
    CourseAttachment,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
    Session,
    SessionStatus,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def course_titles(client, **params) -> set[str]:
    response = client.get(reverse("training:course_list"), params)
    assert response.status_code == 200
    return {course.title_zh for course in response.context["courses"]}


def test_search_finds_courses_in_chinese_and_in_english(client, miit_officer, demo_rng):
    seed_training(rng=demo_rng, by=miit_officer)
    assert course_titles(client, q="内审员") == {"质量管理体系内审员实务（演示）"}
    assert course_titles(client, q="QUALITY LEADERSHIP") == {"企业高管质量领导力研修班（演示）"}
    assert course_titles(client, q="statistical process control") == {"数字化质量管理工具入门（演示）"}  # a summary
    assert course_titles(client, q="no such course") == set()
    assert course_titles(client, audience="assessors") == {"质量管理能力评价员培训：评价准则与现场评价（演示）"}
    assert "数字化质量管理工具入门（演示）" not in course_titles(client, mode="offline")


def test_the_page_shows_the_readers_language_and_the_demo_is_marked(client, miit_officer, demo_rng):
    seed_training(rng=demo_rng, by=miit_officer)
    english = client.get(reverse("training:course_list")).content.decode()
    assert "Quality leadership for executives (demo)" in english
    assert "Upcoming sessions" in english
    with translation.override("zh-hans"):
        chinese = client.get(reverse("training:course_list"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "企业高管质量领导力研修班（演示）" in chinese


def session_values(session: Session, **changes) -> dict:
    values = {field: getattr(session, field) for field in services.SESSION_FIELDS}
    return {**values, **changes}


def session_form(session: Session, **changes) -> dict:
    data = {
        "course": session.course_id,
        "mode": session.mode,
        "starts_at": timezone.localtime(session.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime(session.ends_at).strftime("%Y-%m-%dT%H:%M"),
        "region": session.region_id or "",
        "place_zh": session.place_zh,
        "place_en": session.place_en,
        "capacity": session.capacity,
        "status": session.status,
    }
    return {**data, **changes}


def test_guangdong_edits_only_sessions_in_its_area(client, sessions, guangdong_officer, shenzhen_officer):
    # Guangdong runs Guangzhou's session and Shenzhen's (Shenzhen lies inside Guangdong's area).
    client.force_login(guangdong_officer)
    for name in ("guangzhou", "shenzhen"):
        session = sessions[name]
        response = client.post(reverse("training:session_edit", args=[session.pk]), session_form(session, capacity=25))
        assert response.status_code == 302, name
        session.refresh_from_db()
        assert session.capacity == 25
    # Beijing's session and the national online one: not found for Guangdong; the service refuses; nothing changes.
    audits = AuditLog.objects.filter(action="update").count()
    for name in ("beijing", "online"):
        session = sessions[name]
        assert client.get(reverse("training:session_edit", args=[session.pk])).status_code == 404
        response = client.post(reverse("training:session_edit", args=[session.pk]), session_form(session, capacity=99))
        assert response.status_code == 404
        assert client.get(reverse("training:attendance", args=[session.pk])).status_code == 404
        with pytest.raises(NotPermitted):
            services.session_save(values=session_values(session, capacity=99), by=guangdong_officer, session=session)
        session.refresh_from_db()
        assert session.capacity == 20
    # Nor may Guangdong move its own session to Beijing, or create one there.
    guangzhou = sessions["guangzhou"]
    with pytest.raises(NotPermitted):
        services.session_save(
            values=session_values(guangzhou, region=Region.objects.get(code="110100")),
            by=guangdong_officer,
            session=guangzhou,
        )
    guangzhou.refresh_from_db()
    assert guangzhou.region_id == "440100"
    before = Session.objects.count()
    response = client.post(reverse("training:session_create"), session_form(guangzhou, region="110100"))
    assert response.status_code == 200
    assert "region" in response.context["form"].errors  # Beijing is not among Guangdong's regions
    assert Session.objects.count() == before
    assert AuditLog.objects.filter(action="update").count() == audits
    # Shenzhen's authority runs Shenzhen's session, not Guangzhou's.
    client.force_login(shenzhen_officer)
    assert client.get(reverse("training:session_edit", args=[sessions["shenzhen"].pk])).status_code == 200
    assert client.get(reverse("training:session_edit", args=[guangzhou.pk])).status_code == 404
    with pytest.raises(NotPermitted):
        services.session_save(values=session_values(guangzhou, capacity=5), by=shenzhen_officer, session=guangzhou)
    guangzhou.refresh_from_db()
    assert guangzhou.capacity == 25


def test_an_authority_edits_only_its_own_courses(client, course, guangdong_officer, miit_officer):
    with pytest.raises(NotPermitted):
        services.course_save(values={"hours": 2}, by=guangdong_officer, course=course)
    own = services.course_save(
        values={"title_zh": "广东课程", "hours": 3, "audience": "everyone", "status": "draft"}, by=guangdong_officer
    )
    assert own.authority_id == "GD"
    client.force_login(guangdong_officer)
    assert client.get(reverse("training:course_edit", args=[course.pk])).status_code == 403
    assert client.get(reverse("training:course_edit", args=[own.pk])).status_code == 200
    client.logout()
    assert client.get(reverse("training:course_detail", args=[own.pk])).status_code == 404  # a draft
    course.refresh_from_db()
    assert course.hours == 16


def test_over_capacity_enrolment_is_refused_with_the_message_and_no_row(client, course, miit_officer, alice, bob):
    session = make_session(course, miit_officer, capacity=1)
    services.enrol(session=session, person=alice, by=alice)
    client.force_login(bob)
    audits = AuditLog.objects.count()
    response = client.post(reverse("training:session_enrol", args=[session.pk]), {"person": bob.pk}, follow=True)
    assert response.status_code == 200
    assert "The session is full (capacity 1)." in response.content.decode()
    assert not Enrolment.objects.filter(person=bob).exists()
    assert AuditLog.objects.count() == audits


def test_enrolment_is_refused_when_cancelled_closed_started_or_already_enrolled(course, miit_officer, alice):
    cancelled = make_session(course, miit_officer, status=SessionStatus.CANCELLED)
    closed = make_session(course, miit_officer, status=SessionStatus.CLOSED)
    started = make_session(course, miit_officer, days=-1)
    open_ = make_session(course, miit_officer)
    services.enrol(session=open_, person=alice, by=alice)
    for session, message in [
        (cancelled, "This session is cancelled."),
        (closed, "Enrolment for this session is closed."),
        (started, "This session has started: enrolment is closed."),
        (open_, "alice is already enrolled in this session."),
    ]:
        with pytest.raises(services.TrainingError) as refused:
            services.enrol(session=session, person=alice, by=alice)
        assert refused.value.message == message
    assert Enrolment.objects.filter(person=alice).count() == 1


def test_an_enterprise_admin_enrols_its_people_only(course, miit_officer, alice, bob, shenzhen_enterprise):
    session = make_session(course, miit_officer)
    amy = grant(UserFactory(username="amy"), Role.ENTERPRISE_MEMBER, enterprise=shenzhen_enterprise)
    enrolment = services.enrol(session=session, person=amy, by=alice)
    assert (enrolment.enterprise_id, enrolment.enrolled_by_id) == (shenzhen_enterprise.pk, alice.pk)
    with pytest.raises(NotPermitted):
        services.enrol(session=session, person=amy, by=bob)
    with pytest.raises(NotPermitted):
        services.enrol(session=session, person=alice, by=amy)  # a member enrols only themselves
    # A cancelled place frees the person to enrol again (one live enrolment per person).
    services.enrolment_cancel(enrolment=enrolment, by=amy)
    again = services.enrol(session=session, person=amy, by=amy)
    assert again.pk != enrolment.pk
    assert Enrolment.objects.filter(session=session, person=amy).count() == 2


def test_a_file_of_the_wrong_type_is_refused_and_nothing_changes(client, course, miit_officer, tmp_path):
    client.force_login(miit_officer)
    audits = AuditLog.objects.count()
    data = {
        "title_zh": "改名",
        "title_en": "Renamed",
        "summary_zh": "",
        "summary_en": "",
        "material_zh": "",
        "material_en": "",
        "audience": "quality",
        "hours": 20,
        "status": "published",
    }
    upload = SimpleUploadedFile("slides.pdf", b"MZ\x90\x00" + b"\x00" * 200)  # a Windows program named .pdf
    response = client.post(reverse("training:course_edit", args=[course.pk]), {**data, "attachment": upload})
    assert response.status_code == 200
    message = response.context["form"].errors["attachment"][0]
    assert message in response.content.decode()
    course.refresh_from_db()
    assert (course.title_zh, course.hours) == ("内审员实务", 16)
    assert not CourseAttachment.objects.exists()
    assert not any(path.is_file() for path in tmp_path.rglob("*"))
    assert AuditLog.objects.count() == audits
    # A good file is kept and served through the view.
    good = SimpleUploadedFile("slides.pdf", PDF)
    response = client.post(reverse("training:course_edit", args=[course.pk]), {**data, "attachment": good})
    assert response.status_code == 302
    item = CourseAttachment.objects.get()
    client.logout()
    download = client.get(reverse("training:course_attachment", args=[course.pk, item.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_the_attendance_sheet_issues_certificates_and_credits_hours(
    client, course, guangdong_officer, alice, bob, shenzhen_enterprise
):
    session = make_session(course, guangdong_officer, region="440300", organiser="GD")
    amy = grant(UserFactory(username="amy"), Role.ENTERPRISE_MEMBER, enterprise=shenzhen_enterprise)
    first = services.enrol(session=session, person=alice, by=alice)
    second = services.enrol(session=session, person=bob, by=bob)
    third = services.enrol(session=session, person=amy, by=amy)
    url = reverse("training:attendance", args=[session.pk])
    with time_machine.travel(session.ends_at + timedelta(hours=1)):
        client.force_login(guangdong_officer)
        # Completion without attendance is refused, and nothing of the sheet is saved.
        response = client.post(
            url,
            {
                f"attended_{first.pk}": "yes",
                f"completed_{first.pk}": "on",
                f"attended_{second.pk}": "no",
                f"completed_{second.pk}": "on",
            },
        )
        assert response.status_code == 200
        assert "bob: completion needs attendance." in response.content.decode()
        assert not Enrolment.objects.filter(completed_on__isnull=False).exists()
        assert Enrolment.objects.get(pk=first.pk).attended is None
        # One form for the whole list.
        response = client.post(
            url,
            {
                f"attended_{first.pk}": "yes",
                f"completed_{first.pk}": "on",
                f"attended_{second.pk}": "no",
                f"attended_{third.pk}": "yes",
                f"completed_{third.pk}": "on",
            },
        )
        assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    third.refresh_from_db()
    assert first.attended is True
    assert first.completed_on is not None
    assert first.hours_credited == 16
    assert first.certificate_number.startswith(f"QP-T-{first.completed_on.year}-")
    assert (second.attended, second.completed_on, second.certificate_number) == (False, None, None)
    assert third.certificate_number is not None
    assert AuditLog.objects.filter(object_type="training.enrolment", action="state_change").count() == 3

    # The certificate: the person, their enterprise's administrator (alice is hers), the organiser and MIIT.
    certificate = reverse("training:certificate", args=[first.pk])
    client.force_login(guangdong_officer)
    response = client.get(certificate)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "培训结业证书" in text
    assert "Certificate of Completion" in text
    assert "内审员实务" in text
    assert "Internal auditing" in text
    assert first.certificate_number in text
    assert "16" in text
    for user, status in [(alice, 200), (bob, 404), (amy, 404)]:
        client.force_login(user)
        assert client.get(certificate).status_code == status, user
    # Amy's certificate: hers, and her enterprise's administrator's (alice), not bob's.
    for user, status in [(amy, 200), (alice, 200), (bob, 404)]:
        client.force_login(user)
        assert client.get(reverse("training:certificate", args=[third.pk])).status_code == status, user
    beijing = grant(UserFactory(username="bj"), Role.AUTHORITY, authority="BJ")
    client.force_login(beijing)
    assert client.get(certificate).status_code == 404
    assert client.get(reverse("training:certificate", args=[second.pk])).status_code == 404  # not completed


def test_assessors_platform_hours_are_derived_and_shown_on_the_institution_page(client, course, miit_officer):
    from enterprises.models import Industry
    from evaluations.models import Qualification
    from tests.factories import default_institution

    institution = default_institution()
    assessor = grant(UserFactory(username="wang"), Role.ASSESSOR, institution=institution)
    admin = grant(UserFactory(username="inst_admin"), Role.INSTITUTION_ADMIN, institution=institution)
    Qualification.objects.create(
        assessor=assessor,
        industry=Industry.objects.get(code="39"),
        grade="assessor",
        valid_until=datetime.date(2030, 1, 1),
        training_hours=40,
    )
    counted = Course.objects.create(
        title_zh="评价员课程", hours=8, counts_for_qualification=True, status="published", created_by=miit_officer
    )
    for c in (counted, course):  # the other course does not count toward qualification
        session = make_session(c, miit_officer, region=None)
        enrolment = services.enrol(session=session, person=assessor, by=assessor)
        with time_machine.travel(session.ends_at):
            services.attendance_record(session=session, marks={enrolment.pk: (True, True)}, by=miit_officer)
    assert selectors.platform_hours([assessor.pk]) == {assessor.pk: 8}
    client.force_login(admin)
    page = client.get(reverse("evaluations:institution_detail", kwargs={"pk": institution.pk})).content.decode()
    assert "48 h training (40 recorded + 8 on the platform)" in page
    assert Qualification.objects.get(assessor=assessor).training_hours == 40  # the recorded hours stay as they are


def test_an_enterprise_sees_only_its_peoples_training(client, course, miit_officer, alice, bob, shenzhen_enterprise):
    session = make_session(course, miit_officer)
    amy = grant(UserFactory(username="amy"), Role.ENTERPRISE_MEMBER, enterprise=shenzhen_enterprise)
    services.enrol(session=session, person=amy, by=alice)
    services.enrol(session=session, person=bob, by=bob)
    for user in (alice, amy):
        client.force_login(user)
        response = client.get(reverse("training:enterprise_training"))
        assert response.status_code == 200
        assert {e.person.username for e in response.context["enrolments"]} == {"amy"}
    client.force_login(bob)
    assert {e.person.username for e in client.get(reverse("training:enterprise_training")).context["enrolments"]} == {
        "bob"
    }
    client.force_login(miit_officer)
    assert client.get(reverse("training:enterprise_training")).status_code == 403
    client.force_login(amy)
    mine = client.get(reverse("training:my_training"))
    assert [e.person_id for e in mine.context["enrolments"]] == [amy.pk]


def _complete(session, people, by):
    enrolments = [services.enrol(session=session, person=p, by=p) for p in people]
    with time_machine.travel(session.ends_at):
        services.attendance_record(session=session, marks={e.pk: (True, True) for e in enrolments}, by=by)


def test_figures_and_kpis_count_by_the_sessions_region(client, course, miit_officer, guangdong_officer, alice, bob):
    from enterprises.models import Authority
    from summaries.kpis import kpis_compute
    from tests.summaries.independent import _training_figures, area_test

    year = timezone.localdate().year + 1
    with time_machine.travel(datetime.datetime(year, 1, 5, 12, tzinfo=datetime.UTC)):
        in_guangzhou = make_session(course, miit_officer, region="440100", days=30)
        in_shenzhen = make_session(course, miit_officer, region="440300", days=60)
        in_beijing = make_session(course, miit_officer, region="110100", days=60)
        cancelled = make_session(course, miit_officer, region="440100", days=40)
        carol = grant(UserFactory(username="carol"), Role.ENTERPRISE_MEMBER, enterprise=EnterpriseFactory())
        _complete(in_guangzhou, [alice, bob], miit_officer)
        _complete(in_shenzhen, [alice, carol], miit_officer)
        _complete(in_beijing, [bob], miit_officer)
        services.enrol(session=cancelled, person=carol, by=carol)
    Session.objects.filter(pk=cancelled.pk).update(status=SessionStatus.CANCELLED)

    gd = selectors.figures(Authority.objects.get(code="GD"), year)
    assert gd == {"sessions": 2, "enrolments": 4, "completions": 4, "people": 3, "enterprises": 3, "hours": 64}
    sz = selectors.figures(Authority.objects.get(code="SZ"), year)
    assert sz == {"sessions": 1, "enrolments": 2, "completions": 2, "people": 2, "enterprises": 2, "hours": 32}
    country = selectors.figures(None, year)
    assert (country["sessions"], country["completions"], country["hours"]) == (3, 5, 80)
    for code in ("GD", "SZ", "BJ"):
        authority = Authority.objects.get(code=code)
        computed = kpis_compute(authority=authority, year=year)
        expected = _training_figures(area_test(authority), year)
        assert {k: computed[k] for k in expected} == expected
    assert kpis_compute(authority=Authority.objects.get(code="BJ"), year=year)["training_hours"] == 16

    client.force_login(guangdong_officer)
    page = client.get(reverse("training:figures"), {"year": year})
    assert page.context["figures"] == gd
    assert page.context["provinces"] is None
    client.force_login(miit_officer)
    page = client.get(reverse("training:figures"), {"year": year})
    rows = {row["province"].code: row for row in page.context["provinces"]}
    assert (rows["440000"]["sessions"], rows["440000"]["hours"]) == (2, 64)
    assert (rows["110000"]["sessions"], rows["110000"]["people"]) == (1, 1)
    for bogus in ("100000", "-5", "x"):  # a year out of the list (100000 was a server error) shows this year
        assert client.get(reverse("training:figures"), {"year": bogus}).context["year"] == timezone.localdate().year
    client.force_login(alice)
    assert client.get(reverse("training:figures")).status_code == 403


def test_list_pages_query_counts_do_not_grow(
    client, course, miit_officer, guangdong_officer, alice, shenzhen_enterprise, django_assert_max_num_queries
):
    for n in range(12):
        extra = Course.objects.create(title_zh=f"课程{n}", hours=2, status="published", created_by=miit_officer)
        session = make_session(extra, miit_officer, region="440300")
        for k in range(3):
            person = grant(UserFactory(username=f"p{n}_{k}"), Role.ENTERPRISE_MEMBER, enterprise=shenzhen_enterprise)
            services.enrol(session=session, person=person, by=person)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("training:course_list"), {"q": "课程"}).status_code == 200
    client.force_login(guangdong_officer)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("training:organiser")).status_code == 200
    client.force_login(alice)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("training:enterprise_training")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("training:course_detail", args=[course.pk])).status_code == 200


def test_demo_training_is_marked_deterministic_and_one_place_from_full(miit_officer, demo_rng):
    counts = seed_training(rng=demo_rng, by=miit_officer)
    assert counts["courses"] == 5
    assert all("（演示）" in c.title_zh and "(demo)" in c.title_en for c in Course.objects.all())
    assert all(c.summary_zh.startswith("（演示）") and c.summary_en.startswith("(demo)") for c in Course.objects.all())
    upcoming = selectors.upcoming_sessions().get(course__title_zh="质量管理体系内审员实务（演示）")
    assert upcoming.places_left == 1
    assert seed_training(rng=demo_rng, by=miit_officer) == {"courses": 5}  # idempotent
    assert Enrolment.objects.filter(status=EnrolmentStatus.ENROLLED).count() == counts["enrolments"]
    # Each course names the toolbox's methods it teaches (all but the assessors').
    taught = {c.title_en: {m.code for m in c.methods.all()} for c in Course.objects.all()}
    assert taught["FMEA and design for reliability in practice (demo)"] == {"fmea", "reliability"}
    assert sum(1 for codes in taught.values() if codes) == 4


def test_a_bad_session_form_is_refused_with_clear_errors_and_changes_nothing(client, course, guangdong_officer):
    client.force_login(guangdong_officer)
    starts = timezone.localtime(timezone.now() + timedelta(days=5))
    data = {
        "course": course.pk,
        "mode": "offline",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"),
        "region": "440100",
        "place_zh": "",
        "place_en": "",
        "capacity": 0,
        "status": "open",
    }
    response = client.post(reverse("training:session_create"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "capacity" in errors
    data["capacity"] = 10
    response = client.post(reverse("training:session_create"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "An offline session needs its place" in page
    data["ends_at"] = (starts - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    data["place_zh"] = "广州"
    response = client.post(reverse("training:session_create"), data)
    assert "The session must end after it starts." in response.content.decode()
    assert not Session.objects.exists()
    data["ends_at"] = (starts + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("training:session_create"), data)
    assert response.status_code == 302
    session = Session.objects.get()
    assert (session.organiser_id, session.region_id, session.created_by) == ("GD", "440100", guangdong_officer)


def test_miit_edits_any_session_and_the_organiser_stays(sessions, miit_officer):
    guangzhou = sessions["guangzhou"]
    services.session_save(values=session_values(guangzhou, capacity=40), by=miit_officer, session=guangzhou)
    guangzhou.refresh_from_db()
    assert (guangzhou.capacity, guangzhou.organiser_id) == (40, "GD")
    # Moved to Beijing by MIIT: Guangdong no longer organises it.
    beijing = Region.objects.get(code="110100")
    services.session_save(values=session_values(guangzhou, region=beijing), by=miit_officer, session=guangzhou)
    guangzhou.refresh_from_db()
    assert (guangzhou.region_id, guangzhou.organiser_id) == ("110100", None)


def test_a_method_page_lists_the_published_courses_teaching_it_with_their_next_session(
    client, course, miit_officer, django_assert_max_num_queries
):
    fmea = Method.objects.get(code="fmea")
    course.methods.set([fmea])
    make_session(course, miit_officer, days=30, capacity=20)
    soon = make_session(course, miit_officer, days=5, capacity=12)
    services.enrol(session=soon, person=miit_officer, by=miit_officer)
    make_session(course, miit_officer, days=3, status=SessionStatus.CANCELLED)
    draft = Course.objects.create(title_zh="草稿课程", hours=2, status=CourseStatus.DRAFT, created_by=miit_officer)
    draft.methods.set([fmea])
    url = reverse("knowledge:method_detail", kwargs={"code": "fmea"})
    with django_assert_max_num_queries(8):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert [c.title_zh for c in response.context["courses"]] == ["内审员实务"]
    [listed] = response.context["courses"]
    assert [(s.pk, s.places_left) for s in listed.upcoming][:1] == [(soon.pk, 11)]
    assert reverse("training:course_detail", args=[course.pk]) in response.text
    assert "(places left: 11)" in response.text
    # ... and the course names the method it teaches, linking back.
    page = client.get(reverse("training:course_detail", args=[course.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert url in page.text


def test_a_course_saved_through_the_form_keeps_its_methods_and_the_audit_names_them(client, miit_officer):
    client.force_login(miit_officer)
    methods = list(Method.objects.filter(code__in=["spc", "msa"]))
    response = client.post(
        reverse("training:course_create"),
        {
            "title_zh": "测量与SPC",
            "audience": "technical",
            "hours": 4,
            "status": "published",
            "methods": [m.pk for m in methods],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    course = Course.objects.get(title_zh="测量与SPC")
    assert {m.code for m in course.methods.all()} == {"spc", "msa"}
    assert AuditLog.objects.filter(object_id=str(course.pk)).latest("pk").details["methods"] == ["msa", "spc"]


def test_anyone_verifies_a_certificate_by_its_number_and_its_holders_name_and_the_pdf_points_there(
    client, course, miit_officer, alice, settings, django_assert_max_num_queries
):
    settings.SITE_URL = "https://quality.example.cn"
    session = make_session(course, miit_officer, region=None, days=2)
    enrolment = services.enrol(session=session, person=alice, by=alice)
    Session.objects.filter(pk=session.pk).update(starts_at=timezone.now() - timedelta(hours=3))
    services.attendance_record(session=session, marks={enrolment.pk: (True, True)}, by=miit_officer)
    enrolment.refresh_from_db()
    number, holder = enrolment.certificate_number, str(alice)
    url = reverse("training:certificate_verify")
    with django_assert_max_num_queries(3):
        found = client.get(url, {"number": number.lower(), "name": f"  {holder.upper()} "}, HTTP_ACCEPT_LANGUAGE="en")
    assert found.context["enrolment"] == enrolment  # case and spacing aside
    assert "Genuine" in found.text
    assert course.title_en in found.text
    # A wrong name, or a number alone, confirms nothing and names no one.
    wrong = [{"number": number, "name": "Somebody Else"}, {"number": number}, {"number": "QP-T-1", "name": holder}]
    for params in wrong:
        response = client.get(url, params, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        assert response.context["enrolment"] is None
        assert course.title_en not in response.text
        if params.get("name") != holder:  # the page echoes only what the visitor typed
            assert holder not in response.text
    assert "No certificate of completion has this number" in client.get(url, {"number": number, "name": "x"}).text
    # The PDF says where to verify it; its QR code holds the page's address with the number filled in.
    assert verify_url(enrolment) == f"https://quality.example.cn{url}?number={number}"
    client.force_login(alice)
    assert "Scan to verify" in pdf_text(client.get(reverse("training:certificate", args=[enrolment.pk])).content)


def test_the_enrol_list_offers_an_administrator_only_the_people_without_a_place(
    client, course, miit_officer, alice, shenzhen_enterprise
):
    session = make_session(course, miit_officer)
    amy = grant(UserFactory(username="amy"), Role.ENTERPRISE_MEMBER, enterprise=shenzhen_enterprise)
    services.enrol(session=session, person=amy, by=alice)
    client.force_login(alice)
    response = client.get(reverse("training:course_detail", args=[course.pk]))
    [shown] = [s for s in response.context["sessions"] if s.pk == session.pk]
    assert shown.people_free == [alice]
    services.enrol(session=session, person=alice, by=alice)
    response = client.get(reverse("training:course_detail", args=[course.pk]))
    [shown] = [s for s in response.context["sessions"] if s.pk == session.pk]
    assert (shown.people_free, shown.may_enrol, shown.enrolled) == ([], False, True)
