"""Training (issue 9): courses (online material, or offline sessions with a date, place and capacity), enrolment,
attendance and completion with a certificate number, and the hours a completion credits.

MIIT staff publish national courses (``authority`` empty), an authority its own; a session is held in a region
(its scope: an authority runs the sessions inside its area) and organised by an authority (empty: MIIT). Hours
are derived from completed enrolments, never kept as a running total.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import TimeStampedModel, pick_language
from selections.models import StoredFile


class Audience(models.TextChoices):
    EXECUTIVES = "executives", _("Executives")
    TECHNICAL = "technical", _("Technical staff")
    QUALITY = "quality", _("Quality staff")
    ASSESSORS = "assessors", _("Assessors")
    EVERYONE = "everyone", _("Everyone")


class CourseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Course(TimeStampedModel):
    """A course: its material in both languages, its audience and the hours a completion credits."""

    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    summary_zh = models.TextField(_("summary (Chinese)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    material_zh = models.TextField(_("online material (Chinese)"), blank=True)
    material_en = models.TextField(_("online material (English)"), blank=True)
    audience = models.CharField(_("audience"), max_length=12, choices=Audience.choices, default=Audience.EVERYONE)
    hours = models.PositiveSmallIntegerField(_("hours"), help_text=_("Credited to each person who completes it."))
    counts_for_qualification = models.BooleanField(
        _("counts toward assessors' qualification"),
        default=False,
        help_text=_("Completed hours are added to the assessor's training hours."),
    )
    authority = models.ForeignKey(
        "enterprises.Authority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
        help_text=_("Empty for a national course."),
    )
    status = models.CharField(_("status"), max_length=10, choices=CourseStatus.choices, default=CourseStatus.DRAFT)
    methods = models.ManyToManyField(
        "knowledge.Method",
        blank=True,
        related_name="courses",
        verbose_name=_("methods taught"),
        help_text=_("The toolbox's methods the course teaches: their pages list it."),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["title_zh", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0),
                name="course_hours_positive",
                violation_error_message=_("A course's hours are a positive number."),
            )
        ]

    def __str__(self) -> str:
        return self.title_zh

    @property
    def title(self) -> str:
        return pick_language(self.title_zh, self.title_en)

    @property
    def summary(self) -> str:
        return pick_language(self.summary_zh, self.summary_en)

    @property
    def material(self) -> str:
        return pick_language(self.material_zh, self.material_en)


def course_attachment_path(instance: "CourseAttachment", filename: str) -> str:
    return f"training/{instance.course_id}/{instance.sha256[:2]}/{instance.sha256}"


class CourseAttachment(StoredFile):
    """A course's file (slides, a handout): served with the course, through a view."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=course_attachment_path, max_length=200)

    class Meta:
        verbose_name = _("course file")
        verbose_name_plural = _("course files")
        ordering = ["course", "uploaded_at", "pk"]


class SessionMode(models.TextChoices):
    ONLINE = "online", _("Online")
    OFFLINE = "offline", _("Offline")


class SessionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("training session", "Open")  # 报名中; the warnings' "Open" is 待处理
    CLOSED = "closed", pgettext_lazy("training session", "Closed")
    CANCELLED = "cancelled", _("Cancelled")


class Session(TimeStampedModel):
    """One run of a course: online, or offline at a place; held in ``region`` (empty: national, online), which
    scopes it (an authority runs the sessions inside its area and the figures count it there)."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("course"))
    mode = models.CharField(_("mode"), max_length=8, choices=SessionMode.choices, default=SessionMode.OFFLINE)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place_zh = models.CharField(_("place (Chinese)"), max_length=200, blank=True)
    place_en = models.CharField(_("place (English)"), max_length=300, blank=True)
    region = models.ForeignKey(
        "enterprises.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
        help_text=_("Where it is held; empty for a national online session."),
    )
    organiser = models.ForeignKey(
        "enterprises.Authority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organiser"),
        help_text=_("Empty when MIIT organises it."),
    )
    capacity = models.PositiveIntegerField(_("capacity"))
    status = models.CharField(_("status"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gt=0),
                name="session_capacity_positive",
                violation_error_message=_("A session has at least one place."),
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
                violation_error_message=_("The session must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(mode=SessionMode.ONLINE) | (~Q(place_zh="") & Q(region__isnull=False)),
                name="session_offline_has_place_and_region",
                violation_error_message=_("An offline session needs its place and the region where it is held."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course.title_zh} · {self.starts_at:%Y-%m-%d}"

    @property
    def place(self) -> str:
        return pick_language(self.place_zh, self.place_en)


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    CANCELLED = "cancelled", _("Cancelled")


class Enrolment(TimeStampedModel):
    """A person's place in a session: attendance, completion, certificate number and hours credited, recorded by
    the organiser. ``enterprise`` is the person's enterprise when they enrolled (none for an assessor)."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("session"))
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("person")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enterprise"),
    )
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("enrolled by")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ENROLLED
    )
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    certificate_number = models.CharField(_("certificate number"), max_length=40, null=True, blank=True, unique=True)
    hours_credited = models.PositiveSmallIntegerField(_("hours credited"), default=0)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["session", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"],
                condition=Q(status=EnrolmentStatus.ENROLLED),
                name="enrolment_one_live_per_person",
                violation_error_message=_("This person is already enrolled in this session."),
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(attended=True, status=EnrolmentStatus.ENROLLED),
                name="enrolment_completed_only_if_attended",
                violation_error_message=_("Completion needs attendance."),
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True, certificate_number__isnull=True, hours_credited=0)
                | Q(completed_on__isnull=False, certificate_number__isnull=False),
                name="enrolment_certificate_with_completion",
                violation_error_message=_("A completion has its certificate number, and only a completion has one."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.session}"

    @property
    def is_completed(self) -> bool:
        return self.completed_on is not None
