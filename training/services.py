"""Changes to training: MIIT staff publish and run anything; an authority publishes its own courses and runs the
sessions held inside its area. People enrol themselves (or their enterprise's administrator enrols them) while
places are left; the organiser records attendance and completion, which issues a certificate number and credits
the course's hours. Every change writes an audit row; a refused change (or file) changes nothing."""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import AuditAction
from accounts.models import User
from accounts.services import audit_record
from core.exceptions import DomainError, NotPermitted
from enterprises.selectors import enterprise_of
from selections.services import stored_file_create
from training.models import (
    Course,
    CourseAttachment,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
    Session,
    SessionMode,
    SessionStatus,
)
from training.selectors import (
    admin_enterprise_id,
    in_area,
    is_national,
    publisher_authority_ids,
)


class TrainingError(DomainError):
    default_code = "training"


COURSE_FIELDS = (
    "title_zh",
    "title_en",
    "summary_zh",
    "summary_en",
    "material_zh",
    "material_en",
    "audience",
    "hours",
    "counts_for_qualification",
    "status",
)
SESSION_FIELDS = ("course", "mode", "starts_at", "ends_at", "region", "place_zh", "place_en", "capacity", "status")


# --- permissions ------------------------------------------------------------------------------------------------


def may_organise(user: User) -> bool:
    """MIIT staff and the authorities publish courses and run sessions."""
    return user.is_authenticated and (is_national(user) or bool(publisher_authority_ids(user)))


def require_may_organise(user: User) -> None:
    if not may_organise(user):
        raise NotPermitted(_("Only MIIT staff and the authorities publish courses and run sessions."))


def may_edit_course(user: User, course: Course) -> bool:
    if not user.is_authenticated:
        return False
    if is_national(user):
        return True
    return course.authority_id is not None and course.authority_id in publisher_authority_ids(user)


def require_may_edit_course(user: User, course: Course) -> None:
    if not may_edit_course(user, course):
        raise NotPermitted(_("Only MIIT staff and the publishing authority change this course."))


def may_run_session(user: User, session: Session) -> bool:
    """MIIT staff run every session; an authority's staff those held inside its area."""
    return user.is_authenticated and in_area(user, session.region)


def require_may_run_session(user: User, session: Session) -> None:
    if not may_run_session(user, session):
        raise NotPermitted(_("Only MIIT staff and the authority of the session's region run this session."))


# --- courses ----------------------------------------------------------------------------------------------------


@transaction.atomic
def course_save(
    *,
    values: dict,
    by: User,
    course: Course | None = None,
    methods=None,
    upload: UploadedFile | None = None,
    request: HttpRequest | None = None,
) -> Course:
    """Create (``course`` None) or change a course, optionally with one more file. MIIT staff publish national
    courses; an authority's staff publish and change only their authority's. A refused file (wrong type by
    content, too large) raises a ValidationError and nothing is saved."""
    created = course is None
    if created:
        require_may_organise(by)
        authorities = [] if is_national(by) else publisher_authority_ids(by)
        course = Course(created_by=by, authority_id=authorities[0] if authorities else None)
    else:
        course = Course.objects.select_for_update().get(pk=course.pk)
        require_may_edit_course(by, course)
    for field in COURSE_FIELDS:
        if field in values:
            setattr(course, field, values[field])
    if not (course.title_zh.strip() or course.title_en.strip()):
        raise ValidationError({"title_zh": [_("Give the title in at least one language.")]})
    course.full_clean(exclude=["created_by", "authority"])
    course.save()
    if methods is not None:
        course.methods.set(methods)
    audit_record(
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        actor=by,
        request=request,
        target=course,
        details={
            "status": course.status,
            "hours": course.hours,
            "methods": sorted(m.code for m in course.methods.all()),
        },
    )
    if upload is not None:
        try:
            stored_file_create(model=CourseAttachment, upload=upload, by=by, request=request, course=course)
        except ValidationError as exc:  # shown on the form's file field; the transaction undoes the changes above
            raise ValidationError({"attachment": exc.messages}) from exc
    return course


# --- sessions ---------------------------------------------------------------------------------------------------


def _organiser_for(by: User, session: Session):
    """The authority that organises a session ``by`` saves: MIIT (None) or ``by``'s authority covering it."""
    if is_national(by):
        return None
    return next(a for a in by.authorities if session.region is not None and a.covers(session.region.code))


@transaction.atomic
def session_save(
    *, values: dict, by: User, session: Session | None = None, request: HttpRequest | None = None
) -> Session:
    """Create or change a session. MIIT staff run any; an authority's staff only sessions held inside its area
    (before and after the change), of a course they may read (a published one, or their own draft)."""
    created = session is None
    require_may_organise(by)
    if created:
        session = Session(created_by=by)
    else:
        session = Session.objects.select_for_update(of=("self",)).select_related("region").get(pk=session.pk)
        require_may_run_session(by, session)
    for field in SESSION_FIELDS:
        if field in values:
            setattr(session, field, values[field])
    if not in_area(by, session.region):
        raise NotPermitted(_("An authority runs only sessions held inside its own area."))
    course = session.course
    if course.status != CourseStatus.PUBLISHED and not may_edit_course(by, course):
        raise NotPermitted(_("Only MIIT staff and the publishing authority change this course."))
    errors = {}
    if session.mode == SessionMode.OFFLINE:
        if not session.place_zh.strip():
            errors["place_zh"] = [_("An offline session needs its place.")]
        if session.region_id is None:
            errors["region"] = [_("An offline session needs the region where it is held.")]
    if session.starts_at and session.ends_at and session.ends_at <= session.starts_at:
        errors["ends_at"] = [_("The session must end after it starts.")]
    if errors:
        raise ValidationError(errors)
    if not created:
        taken = session.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()
        if session.capacity is not None and session.capacity < taken:
            raise ValidationError(
                {"capacity": [_("{n} people are enrolled: the capacity cannot be less.").format(n=taken)]}
            )
    # The organiser is set when the session is created; it changes only if the session moves out of its area.
    moved_out = session.organiser is not None and not (
        session.region is not None and session.organiser.covers(session.region.code)
    )
    if created or moved_out:
        session.organiser = _organiser_for(by, session)
    session.full_clean(exclude=["created_by", "course", "region", "organiser"])
    session.save()
    audit_record(
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        actor=by,
        request=request,
        target=session,
        details={"status": session.status, "capacity": session.capacity, "region": session.region_id or ""},
    )
    return session


# --- enrolment --------------------------------------------------------------------------------------------------


def may_enrol_for(by: User, person: User) -> bool:
    """Oneself, or a member of the enterprise ``by`` administers."""
    if not by.is_authenticated:
        return False
    if by.pk == person.pk:
        return True
    enterprise_id = admin_enterprise_id(by)
    return enterprise_id is not None and person.is_member_of(enterprise_id)


@transaction.atomic
def enrol(*, session: Session, person: User, by: User, request: HttpRequest | None = None) -> Enrolment:
    """Give ``person`` a place in ``session``. The session row is locked, so of two requests for the last place
    exactly one succeeds. Refused, with a message that says why, when the session is full, cancelled, closed
    or started, or the person is already enrolled."""
    if not may_enrol_for(by, person):
        raise NotPermitted(_("You enrol yourself, or as an enterprise administrator the people of your enterprise."))
    session = Session.objects.select_for_update(of=("self",)).select_related("course").get(pk=session.pk)
    if session.course.status != CourseStatus.PUBLISHED:
        raise TrainingError(_("This course is not published."), code="unpublished")
    if session.status == SessionStatus.CANCELLED:
        raise TrainingError(_("This session is cancelled."), code="cancelled")
    if session.status == SessionStatus.CLOSED:
        raise TrainingError(_("Enrolment for this session is closed."), code="closed")
    if session.starts_at <= timezone.now():
        raise TrainingError(_("This session has started: enrolment is closed."), code="started")
    live = session.enrolments.filter(status=EnrolmentStatus.ENROLLED)
    if live.filter(person=person).exists():
        raise TrainingError(
            _("{person} is already enrolled in this session.").format(person=person), code="already_enrolled"
        )
    if live.count() >= session.capacity:
        raise TrainingError(_("The session is full (capacity {n}).").format(n=session.capacity), code="full")
    enterprise = enterprise_of(person)
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(session=session, person=person, enterprise=enterprise, enrolled_by=by)
    except IntegrityError as exc:  # the partial unique index: a concurrent enrolment of the same person
        raise TrainingError(
            _("{person} is already enrolled in this session.").format(person=person), code="already_enrolled"
        ) from exc
    audit_record(
        action=AuditAction.CREATE,
        actor=by,
        request=request,
        target=enrolment,
        details={"session": session.pk, "person": person.pk},
    )
    return enrolment


@transaction.atomic
def enrolment_cancel(*, enrolment: Enrolment, by: User, request: HttpRequest | None = None) -> Enrolment:
    """Give up a place before the session starts: the person, whoever enrolled them, their enterprise's
    administrator, or the organiser."""
    enrolment = Enrolment.objects.select_for_update(of=("self",)).select_related("session__region").get(pk=enrolment.pk)
    allowed = (
        by.pk in (enrolment.person_id, enrolment.enrolled_by_id)
        or (enrolment.enterprise_id is not None and enrolment.enterprise_id == admin_enterprise_id(by))
        or may_run_session(by, enrolment.session)
    )
    if not allowed:
        raise NotPermitted(_("Only the person, their enterprise's administrator or the organiser cancel this place."))
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise TrainingError(_("This enrolment is already cancelled."), code="cancelled")
    if enrolment.completed_on is not None or enrolment.attended is not None:
        raise TrainingError(_("Attendance is recorded: the enrolment stays."), code="recorded")
    enrolment.status = EnrolmentStatus.CANCELLED
    enrolment.save(update_fields=["status", "updated_at"])
    audit_record(
        action=AuditAction.STATE_CHANGE, actor=by, request=request, target=enrolment, details={"status": "cancelled"}
    )
    return enrolment


def certificate_number(enrolment: Enrolment, on: date) -> str:
    """``QP-T-<year>-<session>-<enrolment>`` (T for training, beside the level certificates' QP-<year>-...):
    unique by construction and readable on the certificate."""
    return f"QP-T-{on.year}-{enrolment.session_id:05d}-{enrolment.pk:06d}"


@transaction.atomic
def attendance_record(
    *,
    session: Session,
    marks: dict[int, tuple[bool | None, bool]],
    by: User,
    on: date | None = None,
    request: HttpRequest | None = None,
) -> dict[str, int]:
    """The organiser's attendance sheet: ``marks`` maps each live enrolment's id to (attended, completed). A
    completion needs attendance and issues the certificate number and credits the course's hours; a completion
    already recorded stays (its certificate is issued). Returns how many changed and were completed."""
    session = Session.objects.select_for_update(of=("self",)).select_related("course", "region").get(pk=session.pk)
    require_may_run_session(by, session)
    if session.status == SessionStatus.CANCELLED:
        raise TrainingError(_("This session is cancelled."), code="cancelled")
    if session.starts_at > timezone.now():
        raise TrainingError(_("Attendance is recorded once the session has started."), code="not_started")
    on = on or timezone.localdate()
    enrolments = {e.pk: e for e in session.enrolments.select_for_update().filter(status=EnrolmentStatus.ENROLLED)}
    unknown = set(marks) - set(enrolments)
    if unknown:
        raise ValidationError(_("The sheet names enrolments that are not in this session."))
    errors = [
        _("{person}: completion needs attendance.").format(person=enrolments[pk].person)
        for pk, (attended, completed) in marks.items()
        if completed and attended is not True and enrolments[pk].completed_on is None
    ]
    if errors:
        raise ValidationError(errors)
    changed = completed_now = 0
    for pk, (attended, completed) in marks.items():
        enrolment = enrolments[pk]
        if enrolment.completed_on is not None:
            continue  # a certificate is issued: the record stands
        fields = []
        if enrolment.attended != attended:
            enrolment.attended = attended
            fields.append("attended")
        if completed:
            enrolment.completed_on = on
            enrolment.certificate_number = certificate_number(enrolment, on)
            enrolment.hours_credited = session.course.hours
            fields += ["completed_on", "certificate_number", "hours_credited"]
            completed_now += 1
        if fields:
            enrolment.save(update_fields=[*fields, "updated_at"])
            changed += 1
            audit_record(
                action=AuditAction.STATE_CHANGE,
                actor=by,
                request=request,
                target=enrolment,
                details={
                    "attended": enrolment.attended,
                    "certificate": enrolment.certificate_number or "",
                    "hours": enrolment.hours_credited,
                },
            )
    return {"changed": changed, "completed": completed_now}
