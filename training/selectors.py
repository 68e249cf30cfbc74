"""Reads of training: published courses are public, a draft only for its publishers; sessions and enrolments are
scoped by the session's region (an authority's area) and the person's enterprise; hours are summed from completed
enrolments, never kept as a running total."""

from collections import defaultdict
from datetime import datetime

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from accounts.choices import Role
from enterprises.models import Authority, Region
from knowledge.selectors import publisher_authority_ids  # authority staff publish to training as to the library
from training.models import (
    Audience,
    Course,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
    Session,
    SessionMode,
    SessionStatus,
)

LIVE = Q(status=EnrolmentStatus.ENROLLED)


def is_national(user) -> bool:
    return user.is_authenticated and user.has_role(Role.NATIONAL)


def area_q(user, field: str = "region__code") -> Q | None:
    """The sessions ``user`` organises: None for MIIT (all), the union of their authorities' areas, or nothing."""
    if is_national(user):
        return None
    combined = Q(pk__in=[])
    for authority in user.authorities:
        combined |= authority.region_q(field=field)
    return combined


def in_area(user, region: Region | None) -> bool:
    """Whether a session held in ``region`` lies in ``user``'s area (a national session: MIIT only)."""
    if is_national(user):
        return True
    return region is not None and user.is_authenticated and any(a.covers(region.code) for a in user.authorities)


def admin_enterprise_id(user):
    """The enterprise ``user`` administers, or None."""
    if not user.is_authenticated:
        return None
    return next((m.enterprise_id for m in user.active_memberships if m.role == Role.ENTERPRISE_ADMIN), None)


def course_visible_q(user) -> Q:
    published = Q(status=CourseStatus.PUBLISHED)
    if is_national(user):
        return Q()
    ids = publisher_authority_ids(user)
    return published | Q(authority_id__in=ids) if ids else published


def places_left_annotation():
    return F("capacity") - Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED))


def upcoming_sessions(now: datetime | None = None) -> QuerySet:
    """Open sessions of published courses not started yet, with ``taken`` (live enrolments) and ``places_left``."""
    now = now or timezone.now()
    return (
        Session.objects.filter(status=SessionStatus.OPEN, starts_at__gt=now, course__status=CourseStatus.PUBLISHED)
        .select_related("region", "organiser")
        .annotate(taken=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED)))
        .annotate(places_left=F("capacity") - F("taken"))
        .order_by("starts_at", "pk")
    )


def courses_teaching(method) -> list[Course]:
    """The published courses that teach ``method`` (a ``knowledge.Method``), each with ``upcoming``: its open
    sessions not started yet, soonest first, with their places left. Two queries."""
    return list(
        method.courses.filter(status=CourseStatus.PUBLISHED)
        .prefetch_related(Prefetch("sessions", queryset=upcoming_sessions(), to_attr="upcoming"))
        .order_by("title_zh", "pk")
    )


def course_list(user, *, search: str = "", audience: str = "", mode: str = "") -> QuerySet:
    """Courses ``user`` may read; ``search`` matches both languages' titles and summaries, case-insensitive;
    ``mode`` keeps courses with a session of that mode."""
    courses = Course.objects.filter(course_visible_q(user)).select_related("authority")
    if search:
        courses = courses.filter(
            Q(title_zh__icontains=search)
            | Q(title_en__icontains=search)
            | Q(summary_zh__icontains=search)
            | Q(summary_en__icontains=search)
        )
    if audience in Audience.values:
        courses = courses.filter(audience=audience)
    if mode in SessionMode.values:
        courses = courses.filter(sessions__mode=mode).distinct()
    return courses


def course_get(user, pk: int) -> Course:
    """The course if ``user`` may read it; a draft outside their reach is not found."""
    course = Course.objects.filter(course_visible_q(user)).select_related("authority").filter(pk=pk).first()
    if course is None:
        raise Http404
    return course


def course_sessions(course: Course) -> QuerySet:
    return (
        course.sessions.select_related("region", "organiser")
        .annotate(taken=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED)))
        .annotate(places_left=F("capacity") - F("taken"))
        .order_by("-starts_at", "pk")
    )


def organiser_sessions(user) -> QuerySet:
    """The sessions ``user`` runs: MIIT all, an authority those held in its area."""
    condition = area_q(user)
    sessions = Session.objects.all() if condition is None else Session.objects.filter(condition)
    return (
        sessions.select_related("course", "region", "organiser")
        .annotate(taken=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED)))
        .annotate(completed=Count("enrolments", filter=Q(enrolments__completed_on__isnull=False)))
        .order_by("-starts_at", "pk")
    )


def organiser_session_get(user, pk: int) -> Session:
    """A session ``user`` runs; another area's session is not found."""
    session = organiser_sessions(user).filter(pk=pk).first()
    if session is None:
        raise Http404
    return session


def organiser_courses(user) -> QuerySet:
    """The courses ``user`` publishes: MIIT all, an authority its own."""
    courses = Course.objects.select_related("authority")
    if is_national(user):
        return courses
    return courses.filter(authority_id__in=publisher_authority_ids(user))


def my_enrolments(user) -> QuerySet:
    return (
        Enrolment.objects.filter(person=user)
        .select_related("session__course", "session__region", "enterprise")
        .order_by("-session__starts_at", "pk")
    )


def enterprise_enrolments(enterprise_id) -> QuerySet:
    """The training of the people of one enterprise (enrolled while they belonged to it)."""
    return (
        Enrolment.objects.filter(enterprise_id=enterprise_id)
        .select_related("person", "session__course", "session__region")
        .order_by("person__username", "-session__starts_at", "pk")
    )


def enrolment_for_certificate(user, pk: int) -> Enrolment:
    """A completed enrolment whose certificate ``user`` may download: the person, their enterprise's
    administrator, the organiser (the session's area) and MIIT; not found for anyone else."""
    enrolment = (
        Enrolment.objects.filter(pk=pk, completed_on__isnull=False, certificate_number__isnull=False)
        .select_related("session__course", "session__region", "session__organiser", "person", "enterprise")
        .first()
    )
    if enrolment is None or not user.is_authenticated:
        raise Http404
    allowed = (
        enrolment.person_id == user.pk
        or (enrolment.enterprise_id is not None and enrolment.enterprise_id == admin_enterprise_id(user))
        or in_area(user, enrolment.session.region)
    )
    if not allowed:
        raise Http404
    return enrolment


def platform_hours(user_ids) -> dict[int, int]:
    """Hours of completed courses that count toward qualification, per person: derived from the enrolments."""
    rows = (
        Enrolment.objects.filter(
            person_id__in=list(user_ids),
            completed_on__isnull=False,
            session__course__counts_for_qualification=True,
        )
        .values("person_id")
        .annotate(hours=Sum("hours_credited"))
    )
    return {row["person_id"]: row["hours"] or 0 for row in rows}


# --- figures ---------------------------------------------------------------------------------------------------


def _year_sessions(authority: Authority | None, year: int) -> QuerySet:
    """Sessions held in ``year`` (by their start, local time) inside ``authority``'s area (None: the country),
    not cancelled."""
    sessions = Session.objects.filter(starts_at__year=year).exclude(status=SessionStatus.CANCELLED)
    if authority is not None:
        sessions = sessions.filter(authority.region_q(field="region__code"))
    return sessions


def figures(authority: Authority | None, year: int) -> dict:
    """The year's training figures of an area (None: the whole country), counted by the session's region:
    sessions held, live enrolments, completions, people and enterprises completing, person-hours credited."""
    sessions = _year_sessions(authority, year)
    enrolments = Enrolment.objects.filter(session__in=sessions, status=EnrolmentStatus.ENROLLED)
    completed = enrolments.filter(completed_on__isnull=False)
    totals = completed.aggregate(
        n=Count("pk"),
        people=Count("person", distinct=True),
        enterprises=Count("enterprise", distinct=True),
        hours=Sum("hours_credited"),
    )
    return {
        "sessions": sessions.count(),
        "enrolments": enrolments.count(),
        "completions": totals["n"],
        "people": totals["people"],
        "enterprises": totals["enterprises"],
        "hours": totals["hours"] or 0,
    }


def figures_by_province(year: int) -> list[dict]:
    """The country's figures by province (the session's region's first two digits), for MIIT's table; national
    sessions with no region are a row of their own (``province`` None)."""
    sessions = Session.objects.filter(starts_at__year=year).exclude(status=SessionStatus.CANCELLED)
    held = defaultdict(int)
    for code in sessions.values_list("region_id", flat=True):
        held[code[:2] if code else None] += 1
    rows = defaultdict(lambda: {"enrolments": 0, "completions": 0, "people": set(), "enterprises": set(), "hours": 0})
    enrolments = Enrolment.objects.filter(session__in=sessions, status=EnrolmentStatus.ENROLLED).values_list(
        "session__region_id", "completed_on", "person_id", "enterprise_id", "hours_credited"
    )
    for region, completed_on, person, enterprise, hours in enrolments:
        row = rows[region[:2] if region else None]
        row["enrolments"] += 1
        if completed_on is not None:
            row["completions"] += 1
            row["people"].add(person)
            if enterprise is not None:
                row["enterprises"].add(enterprise)
            row["hours"] += hours
    names = {r.code[:2]: r for r in Region.objects.filter(level="province")}
    result = []
    for prefix in sorted(set(held) | set(rows), key=lambda p: (p is None, p or "")):
        row = rows[prefix]
        result.append(
            {
                "province": names.get(prefix) if prefix else None,
                "sessions": held.get(prefix, 0),
                "enrolments": row["enrolments"],
                "completions": row["completions"],
                "people": len(row["people"]),
                "enterprises": len(row["enterprises"]),
                "hours": row["hours"],
            }
        )
    return result


def figure_years(authority: Authority | None) -> list[int]:
    sessions = Session.objects.all() if authority is None else Session.objects.filter(authority.region_q())
    return sorted({d.year for d in sessions.datetimes("starts_at", "year")}, reverse=True)


def _normal(name: str) -> str:
    return " ".join(name.split()).casefold()


def certificate_check(*, number: str, name: str) -> Enrolment | None:
    """The completion whose certificate has ``number`` and was issued to ``name`` (as printed on it; case and
    spacing aside), or None. Asking for both means a number, which is easy to guess, confirms nothing on its own
    and reveals no one's name."""
    number, name = number.strip().upper(), _normal(name)
    if not number or not name:
        return None
    enrolment = (
        Enrolment.objects.filter(certificate_number=number, completed_on__isnull=False)
        .select_related("person", "enterprise", "session__course", "session__organiser")
        .first()
    )
    if enrolment is None or _normal(str(enrolment.person)) != name:
        return None
    return enrolment
