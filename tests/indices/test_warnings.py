"""Early warnings (ARCHITECTURE §7): the rules on hand-made cells and certificates, raising them once, handling them
(who and why), who sees them, who is e-mailed, and the pages.

"Today" is 2026-11-30: the rules read 2026 (the current year) and 2025 (the year before).
"""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.choices import AuditAction, Role
from accounts.models import AuditLog
from core.exceptions import NotPermitted
from evaluations.choices import CertificateStatus, EvaluationStatus
from indices import warning_selectors as selectors
from indices import warning_services as services
from indices import warnings as rules
from indices.choices import WarningKind, WarningState
from indices.method import METHOD_VERSION
from indices.models import ALL, COUNTRY, EarlyWarning, IndexCell
from indices.tasks import warnings_raise_task
from tests.evaluations.publication_helpers import at, make_certificate, make_evaluation
from tests.factories import EnterpriseFactory, UserFactory, grant

TODAY = datetime.date(2026, 11, 30)


def _level(region_code: str) -> str:
    if region_code == COUNTRY:
        return "country"
    return "province" if region_code.endswith("0000") else "city"


def make_cell(
    year,
    region_code,
    industry=ALL,
    size=ALL,
    *,
    n=10,
    registered=100,
    index=70.0,
    index_change=None,
    coverage=None,
    coverage_change=None,
    save=True,
) -> IndexCell:
    cell = IndexCell(
        method_version=METHOD_VERSION,
        year=year,
        region_level=_level(region_code),
        region_code=region_code,
        industry_code=industry,
        size_class=size,
        n=n,
        registered=registered,
        index=index,
        index_change=index_change,
        coverage=coverage if coverage is not None else n / registered,
        coverage_change=coverage_change,
        computed_at=timezone.now(),
    )
    if save:
        cell.save()
    return cell


def pair(region_code, industry=ALL, *, change=-4.0, n=10, n_before=10, coverage_change=None, save=True):
    """A cell in 2026 and the same cell in 2025 (whose n the rules read)."""
    before = make_cell(2025, region_code, industry, n=n_before, index=74.0, save=save)
    now = make_cell(
        2026,
        region_code,
        industry,
        n=n,
        index=74.0 + change,
        index_change=change,
        coverage_change=coverage_change,
        save=save,
    )
    return now, before


def previous(*cells) -> dict:
    return {rules.cell_key(cell): cell.n for cell in cells}


# --- The rules, on unsaved cells -------------------------------------------------------------------------------------


def test_an_index_three_points_down_is_a_warning_and_less_is_not():
    down3, before3 = pair("440000", change=-3.0, save=False)
    down2, before2 = pair("330000", change=-2.99, save=False)
    found = rules.index_drops([down3, down2], previous_n=previous(before3, before2))
    assert [f.key for f in found] == ["index_drop:2026:440000:"]
    assert found[0].details["change"] == -3.0
    assert found[0].details["index_before"] == 74.0
    assert found[0].region_code == "440000"


def test_an_index_drop_needs_five_enterprises_behind_the_index_in_both_years():
    few_now, many_before = pair("440000", change=-10.0, n=4, n_before=20, save=False)
    many_now, few_before = pair("330000", change=-10.0, n=20, n_before=4, save=False)
    enough_now, enough_before = pair("320000", change=-10.0, n=5, n_before=5, save=False)
    cells = [few_now, many_now, enough_now]
    found = rules.index_drops(cells, previous_n=previous(many_before, few_before, enough_before))
    assert [f.region_code for f in found] == ["320000"]


def test_an_index_drop_is_watched_in_provinces_cities_and_province_industries_only():
    cells, before = [], []
    for region, industry, size in [
        ("440000", ALL, ALL),  # province: watched
        ("440300", ALL, ALL),  # city: watched
        ("440000", "39", ALL),  # province x industry: watched
        ("440300", "39", ALL),  # city x industry: not
        ("440000", ALL, "medium"),  # a size: not
        (COUNTRY, ALL, ALL),  # the country: not
    ]:
        now = make_cell(2026, region, industry, size, index=60.0, index_change=-5.0, save=False)
        cells.append(now)
        before.append(make_cell(2025, region, industry, size, save=False))
    found = rules.index_drops(cells, previous_n=previous(*before))
    assert [f.key for f in found] == ["index_drop:2026:440000:", "index_drop:2026:440300:", "index_drop:2026:440000:39"]
    assert found[2].industry_code == "39"


def test_coverage_falling_means_any_negative_change_with_five_enterprises_in_either_year():
    fell, fell_before = pair("440000", coverage_change=-0.0001, n=3, n_before=6, save=False)
    tiny, tiny_before = pair("330000", coverage_change=-0.2, n=2, n_before=4, save=False)
    flat, flat_before = pair("320000", coverage_change=0.0, save=False)
    unknown, unknown_before = pair("310000", coverage_change=None, save=False)
    cells = [fell, tiny, flat, unknown]
    found = rules.coverage_falls(cells, previous_n=previous(fell_before, tiny_before, flat_before, unknown_before))
    assert [f.key for f in found] == ["coverage_fall:2026:440000:"]
    assert found[0].details["coverage_before"] == pytest.approx(fell.coverage + 0.0001)


def test_coverage_is_watched_only_over_all_industries_and_sizes():
    by_industry, before_industry = pair("440000", "39", coverage_change=-0.1, save=False)
    city, before_city = pair("440300", coverage_change=-0.1, save=False)
    found = rules.coverage_falls([by_industry, city], previous_n=previous(before_industry, before_city))
    assert [f.key for f in found] == ["coverage_fall:2026:440300:"]


def test_a_warning_reads_in_words_in_the_readers_language():
    drop = rules.describe(WarningKind.INDEX_DROP, {"change": -3.4, "index_before": 72.1, "index": 68.7, "n": 12})
    assert drop == "The index fell 3.4 points on the year before, from 72.1 to 68.7 (12 enterprises)."
    coverage = rules.describe(
        WarningKind.COVERAGE_FALL, {"coverage_before": 0.25, "coverage": 0.2, "n": 20, "registered": 100}
    )
    assert "from 25.0% to 20.0%" in coverage


# --- Certificates --------------------------------------------------------------------------------------------------


@pytest.fixture
def starter(db):
    return UserFactory(username="starter")


def certificate(enterprise, *, number, valid_until, by, cycle=2023, status=CertificateStatus.VALID):
    evaluation = make_evaluation(enterprise, by=by, status=EvaluationStatus.PUBLISHED, cycle=cycle)
    return make_certificate(
        evaluation,
        number=number,
        issued_on=valid_until - datetime.timedelta(days=1000),
        valid_until=valid_until,
        status=status,
    )


@pytest.mark.django_db
def test_certificates_ending_within_ninety_days_are_warnings(starter):
    day = datetime.timedelta(days=1)
    cases = {
        "QP-A-today": TODAY,
        "QP-B-day90": TODAY + 90 * day,
        "QP-C-day91": TODAY + 91 * day,
        "QP-D-lapsed": TODAY - day,
    }
    for number, valid_until in cases.items():
        certificate(EnterpriseFactory(region_id="440300"), number=number, valid_until=valid_until, by=starter)
    certificate(
        EnterpriseFactory(),
        number="QP-E-revoked",
        valid_until=TODAY + 10 * day,
        by=starter,
        status=CertificateStatus.REVOKED,
    )
    found = services.findings(years=[], today=TODAY)
    assert sorted(f.key for f in found) == ["certificate_expiring:QP-A-today", "certificate_expiring:QP-B-day90"]
    warning = next(f for f in found if f.key.endswith("day90"))
    assert (warning.region_code, warning.industry_code, warning.year) == ("440300", "39", 2027)
    assert warning.details["days_left"] == 90


@pytest.mark.django_db
def test_a_certificate_already_renewed_is_no_warning(starter):
    enterprise = EnterpriseFactory()
    certificate(enterprise, number="QP-old", valid_until=TODAY + datetime.timedelta(days=30), by=starter, cycle=2023)
    certificate(enterprise, number="QP-new", valid_until=TODAY + datetime.timedelta(days=1000), by=starter, cycle=2026)
    assert services.findings(years=[], today=TODAY) == []


# --- Raising: once, never reopened -----------------------------------------------------------------------------------


@pytest.fixture
def findings_in_three_provinces(starter):
    """An index drop in Guangdong, a coverage fall in Shenzhen, an index drop in Zhejiang, an expiring certificate
    in Jiangsu."""
    pair("440000", change=-4.0)
    pair("440300", change=1.0, coverage_change=-0.05)
    pair("330000", change=-6.0)
    jiangsu = EnterpriseFactory(region_id="320100", name_zh="南京秘密机械有限公司", name_en="Nanjing Secret Machinery")
    certificate(jiangsu, number="QP-JS-1", valid_until=TODAY + datetime.timedelta(days=20), by=starter)
    return jiangsu


KEYS = {
    "index_drop:2026:440000:",
    "coverage_fall:2026:440300:",
    "index_drop:2026:330000:",
    "certificate_expiring:QP-JS-1",
}


@pytest.mark.django_db
def test_raising_twice_creates_each_warning_once(findings_in_three_provinces):
    first = services.warnings_raise(today=TODAY)
    assert {w.key for w in first} == KEYS
    assert all(w.state == WarningState.OPEN for w in first)
    assert services.warnings_raise(today=TODAY) == []
    assert EarlyWarning.objects.count() == 4
    raised = AuditLog.objects.filter(action=AuditAction.CREATE, object_type="indices.earlywarning")
    assert raised.count() == 4
    assert {entry.actor_username for entry in raised} == {"platform"}


@pytest.mark.django_db
def test_raising_again_never_reopens_a_handled_warning(findings_in_three_provinces, miit_officer):
    services.warnings_raise(today=TODAY)
    acknowledged = EarlyWarning.objects.get(key="index_drop:2026:440000:")
    resolved = EarlyWarning.objects.get(key="index_drop:2026:330000:")
    services.warning_acknowledge(warning=acknowledged, by=miit_officer)
    services.warning_resolve(warning=resolved, by=miit_officer, reason="Two large plants closed; known.")

    assert services.warnings_raise(today=TODAY) == []
    acknowledged.refresh_from_db()
    resolved.refresh_from_db()
    assert acknowledged.state == WarningState.ACKNOWLEDGED
    assert resolved.state == WarningState.RESOLVED


@pytest.mark.django_db
def test_a_year_limits_the_index_rules_to_that_year(db):
    make_cell(2024, "440000", n=10)
    make_cell(2025, "440000", n=10, index=60.0, index_change=-8.0)
    pair("330000", change=-6.0)
    assert [w.key for w in services.warnings_raise(year=2025, today=TODAY)] == ["index_drop:2025:440000:"]


@pytest.mark.django_db
def test_the_task_raises_the_warnings_and_returns_their_keys(findings_in_three_provinces):
    with time_machine.travel(at(2026, 11, 30)):
        assert set(warnings_raise_task.delay().get()) == KEYS


# --- Handling: who may, which steps, who and why ---------------------------------------------------------------------


@pytest.fixture
def zhejiang_officer(db):
    return grant(UserFactory(username="zj_officer"), Role.AUTHORITY, authority="ZJ")


@pytest.fixture
def jiangsu_officer(db):
    return grant(UserFactory(username="js_officer"), Role.AUTHORITY, authority="JS")


@pytest.fixture
def raised(findings_in_three_provinces):
    services.warnings_raise(today=TODAY)
    return {w.key: w for w in EarlyWarning.objects.all()}


@pytest.mark.django_db
def test_an_open_warning_is_acknowledged_then_resolved_with_who_and_why(raised, zhejiang_officer):
    warning = raised["index_drop:2026:330000:"]
    services.warning_acknowledge(warning=warning, by=zhejiang_officer, reason="Asked the cities.")
    warning.refresh_from_db()
    assert (warning.state, warning.state_by, warning.state_reason) == (
        "acknowledged",
        zhejiang_officer,
        "Asked the cities.",
    )
    assert warning.state_at is not None

    services.warning_resolve(warning=warning, by=zhejiang_officer, reason="  A data error in Ningbo, fixed.  ")
    warning.refresh_from_db()
    assert (warning.state, warning.state_reason) == ("resolved", "A data error in Ningbo, fixed.")
    steps = AuditLog.objects.filter(action=AuditAction.STATE_CHANGE, object_id=str(warning.pk)).order_by("at", "id")
    assert [(s.details["from"], s.details["to"], s.actor) for s in steps] == [
        ("open", "acknowledged", zhejiang_officer),
        ("acknowledged", "resolved", zhejiang_officer),
    ]


@pytest.mark.django_db
def test_an_open_warning_may_be_resolved_directly(raised, miit_officer):
    warning = services.warning_resolve(
        warning=raised["certificate_expiring:QP-JS-1"], by=miit_officer, reason="Re-evaluation under way."
    )
    assert warning.state == WarningState.RESOLVED


@pytest.mark.django_db
def test_resolving_needs_a_reason(raised, miit_officer):
    warning = raised["index_drop:2026:330000:"]
    with pytest.raises(ValidationError):
        services.warning_resolve(warning=warning, by=miit_officer, reason="   ")
    warning.refresh_from_db()
    assert warning.state == WarningState.OPEN


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("first", "then"),
    [("resolve", "acknowledge"), ("resolve", "resolve"), ("acknowledge", "acknowledge")],
)
def test_steps_outside_the_workflow_are_refused(raised, miit_officer, first, then):
    warning = raised["index_drop:2026:330000:"]
    steps = {"acknowledge": services.warning_acknowledge, "resolve": services.warning_resolve}
    steps[first](warning=warning, by=miit_officer, reason="First step.")
    with pytest.raises(services.WarningError) as refused:
        steps[then](warning=warning, by=miit_officer, reason="Second step.")
    assert refused.value.code == "invalid_transition"
    warning.refresh_from_db()
    assert warning.state_reason == "First step."


@pytest.mark.django_db
def test_only_national_staff_and_the_authority_in_scope_handle_a_warning(
    raised, zhejiang_officer, guangdong_officer, shenzhen_officer
):
    platform_admin = grant(UserFactory(username="operator"), Role.PLATFORM_ADMIN)
    shenzhen = raised["coverage_fall:2026:440300:"]
    for outsider in (zhejiang_officer, platform_admin):
        with pytest.raises(NotPermitted):
            services.warning_acknowledge(warning=shenzhen, by=outsider)
    with pytest.raises(NotPermitted):
        services.warning_acknowledge(warning=raised["index_drop:2026:440000:"], by=shenzhen_officer)
    services.warning_acknowledge(warning=shenzhen, by=guangdong_officer)
    services.warning_resolve(warning=shenzhen, by=shenzhen_officer, reason="Two certificates renewed since.")
    shenzhen.refresh_from_db()
    assert shenzhen.state_by == shenzhen_officer


# --- Scope -----------------------------------------------------------------------------------------------------------


def keys(user, **filters) -> set[str]:
    return set(selectors.warning_list(user=user, **filters).values_list("key", flat=True))


@pytest.mark.django_db
def test_each_authority_sees_the_warnings_in_its_area_and_miit_all(
    raised, zhejiang_officer, jiangsu_officer, guangdong_officer, shenzhen_officer, miit_officer, alice
):
    assert keys(zhejiang_officer) == {"index_drop:2026:330000:"}
    assert keys(jiangsu_officer) == {"certificate_expiring:QP-JS-1"}
    assert keys(guangdong_officer) == {"index_drop:2026:440000:", "coverage_fall:2026:440300:"}
    assert keys(shenzhen_officer) == {"coverage_fall:2026:440300:"}
    assert keys(miit_officer) == KEYS
    assert keys(alice) == set()
    assert keys(miit_officer, kind=WarningKind.INDEX_DROP) == {"index_drop:2026:440000:", "index_drop:2026:330000:"}
    assert keys(miit_officer, state=WarningState.RESOLVED) == set()


@pytest.mark.django_db
def test_zhejiang_can_neither_list_nor_open_jiangsus_warning(client, raised, zhejiang_officer):
    jiangsu = raised["certificate_expiring:QP-JS-1"]
    client.force_login(zhejiang_officer)
    listing = client.get(reverse("indices:warning_list"))
    assert listing.status_code == 200
    assert "QP-JS-1" not in listing.text
    assert "Nanjing Secret Machinery" not in listing.text

    page = client.get(reverse("indices:warning_detail", kwargs={"pk": jiangsu.pk}))
    assert page.status_code == 404
    assert "Nanjing" not in page.text
    denied = AuditLog.objects.get(action=AuditAction.ACCESS_DENIED, object_id=str(jiangsu.pk))
    assert denied.actor == zhejiang_officer

    posted = client.post(
        reverse("indices:warning_detail", kwargs={"pk": jiangsu.pk}), {"action": "resolve", "reason": "Not mine."}
    )
    assert posted.status_code == 404
    jiangsu.refresh_from_db()
    assert jiangsu.state == WarningState.OPEN


@pytest.mark.django_db
def test_enterprise_members_are_refused_the_warning_pages(client, alice):
    client.force_login(alice)
    assert client.get(reverse("indices:warning_list")).status_code == 403


# --- E-mail ----------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_new_warnings_are_emailed_to_each_authority_in_scope_and_to_miit(
    findings_in_three_provinces,
    guangdong_officer,
    shenzhen_officer,
    zhejiang_officer,
    miit_officer,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    gone = grant(UserFactory(username="gd_former", is_active=False), Role.AUTHORITY, authority="GD")
    grant(UserFactory(username="gd_no_mail", email=""), Role.AUTHORITY, authority="GD")
    with django_capture_on_commit_callbacks(execute=True):
        services.warnings_raise(today=TODAY)

    to = {tuple(message.to): message for message in mailoutbox}
    assert set(to) == {
        ("gd_officer@example.com",),
        ("sz_officer@example.com",),
        ("zj_officer@example.com",),
        ("miit_officer@example.com",),
    }
    assert gone.email not in {address for message in mailoutbox for address in message.to}
    guangdong = to[("gd_officer@example.com",)].body
    assert "深圳市" in guangdong  # Chinese first
    assert "Shenzhen" in guangdong  # English below
    assert "Coverage fell" in guangdong
    assert "Zhejiang" not in guangdong
    assert "Nanjing Secret Machinery" not in guangdong
    assert "/indices/warnings/" in guangdong
    shenzhen = to[("sz_officer@example.com",)].body
    assert "Coverage fell" in shenzhen
    assert "Index dropped" not in shenzhen
    national = to[("miit_officer@example.com",)]
    assert "4" in national.subject
    assert "Nanjing Secret Machinery" in national.body
    # Jiangsu's warning went out in the digest; nobody at Jiangsu has an account yet.
    assert EarlyWarning.objects.filter(emailed_at__isnull=True).count() == 0

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.warnings_raise(today=TODAY)
    assert services.warnings_email() == 0
    assert mailoutbox == []


@pytest.mark.django_db
def test_a_warning_nobody_can_be_told_about_stays_unemailed(
    findings_in_three_provinces, zhejiang_officer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.warnings_raise(today=TODAY)
    assert [message.to for message in mailoutbox] == [["zj_officer@example.com"]]
    assert set(EarlyWarning.objects.filter(emailed_at__isnull=False).values_list("key", flat=True)) == {
        "index_drop:2026:330000:"
    }


@pytest.mark.django_db
def test_a_failed_send_is_retried_by_the_next_run(
    findings_in_three_provinces, zhejiang_officer, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.mail.backends.locmem import EmailBackend

    def refuse(self, messages):
        raise ConnectionError("SMTP down")

    with monkeypatch.context() as patched:
        patched.setattr(EmailBackend, "send_messages", refuse)
        with django_capture_on_commit_callbacks(execute=True):
            services.warnings_raise(today=TODAY)  # the raising stands; the e-mail error is logged
    assert EarlyWarning.objects.count() == 4
    assert not EarlyWarning.objects.filter(emailed_at__isnull=False).exists()
    assert services.warnings_email() == 1
    assert mailoutbox[0].to == ["zj_officer@example.com"]


# --- Pages -----------------------------------------------------------------------------------------------------------


def _many_warnings(count: int, start: int = 0) -> None:
    EarlyWarning.objects.bulk_create(
        EarlyWarning(
            kind=WarningKind.CERTIFICATE_EXPIRING if i % 2 else WarningKind.INDEX_DROP,
            key=f"test:{i}",
            region_code="440300" if i % 3 else "440000",
            industry_code="39" if i % 2 else "",
            year=2026,
            details={
                "number": f"QP-{i}",
                "level": 2,
                "valid_until": "2027-01-31",
                "enterprise_zh": "某公司",
                "enterprise_en": "Some Co.",
            }
            if i % 2
            else {"change": -4.0, "index_before": 70.0, "index": 66.0, "n": 9},
        )
        for i in range(start, start + count)
    )


@pytest.mark.django_db
def test_the_list_page_query_count_does_not_grow_with_warnings(
    client, guangdong_officer, miit_officer, django_assert_max_num_queries
):
    handled = grant(UserFactory(username="handler"), Role.NATIONAL)
    _many_warnings(3)
    EarlyWarning.objects.filter(key="test:0").update(
        state=WarningState.ACKNOWLEDGED, state_by=handled, state_at=timezone.now(), state_reason="Seen."
    )
    client.force_login(guangdong_officer)
    url = reverse("indices:warning_list")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _many_warnings(40, start=3)
    EarlyWarning.objects.filter(key__in=["test:5", "test:6"]).update(
        state=WarningState.RESOLVED, state_by=miit_officer, state_at=timezone.now(), state_reason="Done."
    )
    with django_assert_max_num_queries(len(few)):
        response = client.get(url)
    assert response.status_code == 200
    assert "Some Co." in response.text
    assert "The index fell 4.0 points" in response.text


@pytest.mark.django_db
def test_the_list_filters_by_state_and_kind(client, raised, miit_officer):
    services.warning_resolve(warning=raised["index_drop:2026:330000:"], by=miit_officer, reason="Explained.")
    client.force_login(miit_officer)
    response = client.get(reverse("indices:warning_list"), {"state": "resolved", "kind": "index_drop"})
    assert [w.key for w in response.context["warnings"]] == ["index_drop:2026:330000:"]
    assert "Explained." in response.text
    assert "miit_officer" in response.text


@pytest.mark.django_db
def test_an_authority_acknowledges_then_resolves_a_warning_on_its_page(client, raised, guangdong_officer):
    warning = raised["coverage_fall:2026:440300:"]
    url = reverse("indices:warning_detail", kwargs={"pk": warning.pk})
    client.force_login(guangdong_officer)
    page = client.get(url)
    assert page.status_code == 200
    assert "Coverage fell from" in page.text

    client.post(url, {"action": "acknowledge", "reason": ""})
    missing_reason = client.post(url, {"action": "resolve", "reason": ""}, follow=True)
    assert "Say why the warning is resolved." in missing_reason.text
    warning.refresh_from_db()
    assert warning.state == WarningState.ACKNOWLEDGED

    done = client.post(url, {"action": "resolve", "reason": "Renewals published."}, follow=True)
    assert "Warning resolved." in done.text
    assert "Renewals published." in done.text
    warning.refresh_from_db()
    assert (warning.state, warning.state_by) == (WarningState.RESOLVED, guangdong_officer)


@pytest.mark.django_db
def test_the_authority_and_national_homes_show_the_open_warnings(client, raised, shenzhen_officer, miit_officer):
    client.force_login(shenzhen_officer)
    home = client.get(reverse("home"), headers={"Accept-Language": "en"})
    assert "1 early warning is open." in home.text
    assert "Coverage fell from" in home.text

    client.force_login(miit_officer)
    home = client.get(reverse("home"), headers={"Accept-Language": "en"})
    assert "4 early warnings are open." in home.text
