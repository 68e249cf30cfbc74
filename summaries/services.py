"""Writing annual work summaries: templates, the authority's draft and submission, MIIT's review, reminders.

Who may do what: an authority's own staff write and submit its summary; national (MIIT) staff add templates,
return a summary with comments or accept it. A summary is editable while a draft or returned; submitting it
freezes the KPI block (``summaries.kpis``) with its data vintage and records how many days late it is.
"""

import logging
from datetime import date, datetime
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import AuditAction, Role
from accounts.models import Membership, User
from accounts.services import audit_record
from core.exceptions import DomainError, NotPermitted
from core.links import site_url
from core.mail import bilingual_email
from enterprises.models import Authority
from selections.services import stored_file_create
from summaries import kpis
from summaries.choices import SummaryAction, SummaryStatus
from summaries.models import AnnualSummary, ReminderSent, SummaryAttachment, SummaryEvent, SummaryTemplate

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
NARRATIVE_MAX = 20_000
COMMENT_MAX = 5_000
REMINDER_DAYS = (14, 3)  # e-mailed this many days before the deadline


class SummaryError(DomainError):
    default_code = "summary_error"


def is_national(user: User) -> bool:
    return user.is_authenticated and user.has_role(Role.NATIONAL)


def writes_for(user: User, authority: Authority) -> bool:
    """Whether ``user`` is on the staff of ``authority`` (who write its summary)."""
    return user.is_authenticated and user.is_authority_staff(authority.pk)


# --- Templates -----------------------------------------------------------------------------------------------------


def _template_fields(data: dict) -> dict:
    kpi_codes = kpis.CODES if data.get("kpis", "all") == "all" else list(data["kpis"])
    unknown = sorted(set(kpi_codes) - set(kpis.CODES))
    if unknown:
        raise ValidationError({"kpis": [_("Unknown KPI codes: {codes}").format(codes=", ".join(unknown))]})
    deadline = data["deadline"]
    return {
        "title_zh": data["title_zh"],
        "title_en": data["title_en"],
        "notice": data.get("notice", ""),
        "deadline": deadline if isinstance(deadline, date) else date.fromisoformat(str(deadline)),
        "kpis": kpi_codes,
    }


@transaction.atomic
def template_load(*, data: dict) -> SummaryTemplate:
    """Create or update the template of ``data["year"]`` from a data file's content; sections are matched by code
    (new ones added, changed ones rewritten). A section that summaries have text for is never deleted."""
    template, _created = SummaryTemplate.objects.update_or_create(
        year=int(data["year"]), defaults=_template_fields(data)
    )
    codes = []
    for number, section in enumerate(data["sections"], start=1):
        codes.append(section["code"])
        template.sections.filter(number=number).exclude(code=section["code"]).update(number=1000 + number)
        template.sections.update_or_create(
            code=section["code"],
            defaults={
                "number": number,
                "title_zh": section["title_zh"],
                "title_en": section["title_en"],
                "guidance_zh": section.get("guidance_zh", ""),
                "guidance_en": section.get("guidance_en", ""),
            },
        )
    stale = template.sections.exclude(code__in=codes)
    in_use = {code for summary in template.summaries.all() for code, text in summary.narratives.items() if text}
    stale.exclude(code__in=in_use).delete()
    return template


def templates_load(*, paths: list[Path] | None = None) -> list[SummaryTemplate]:
    """Load the shipped templates (summaries/data/*.yaml), or the files given."""
    files = paths or sorted(DATA_DIR.glob("*.yaml"))
    return [template_load(data=yaml.safe_load(path.read_text(encoding="utf-8"))) for path in files]


@transaction.atomic
def template_create(
    *,
    year: int,
    deadline: date,
    title_zh: str,
    title_en: str,
    notice: str,
    kpi_codes: list[str],
    copy_from: SummaryTemplate | None,
    by: User,
    request: HttpRequest | None = None,
) -> SummaryTemplate:
    """MIIT adds a year's template, its sections copied from an earlier year's to be edited."""
    if not is_national(by):
        raise NotPermitted(_("Only national staff add summary templates."))
    if SummaryTemplate.objects.filter(year=year).exists():
        raise ValidationError({"year": [_("There is already a template for {year}.").format(year=year)]})
    if deadline.year not in (year, year + 1):
        raise ValidationError({"deadline": [_("The deadline falls in the year reported or early in the next.")]})
    template = SummaryTemplate(
        year=year,
        deadline=deadline,
        title_zh=title_zh,
        title_en=title_en,
        notice=notice,
        kpis=[code for code in kpis.CODES if code in set(kpi_codes)],
        created_by=by,
    )
    template.full_clean()
    template.save()
    if copy_from is not None:
        for section in copy_from.sections.all():
            section.pk, section.template = None, template
            section.save()
    audit_record(action=AuditAction.CREATE, actor=by, request=request, target=template, details={"year": year})
    return template


# --- The authority's summary ---------------------------------------------------------------------------------------


def _event(summary: AnnualSummary, *, action: str, previous: str, by: User, comment: str = "", request=None) -> None:
    SummaryEvent.objects.create(
        summary=summary, action=action, from_status=previous, to_status=summary.status, comment=comment, by=by
    )
    audit_record(
        action=AuditAction.STATE_CHANGE if previous else AuditAction.CREATE,
        actor=by,
        request=request,
        target=summary,
        details={"from": previous, "to": summary.status, "action": action},
    )


@transaction.atomic
def summary_start(
    *, template: SummaryTemplate, authority: Authority, by: User, request: HttpRequest | None = None
) -> AnnualSummary:
    """The authority's summary of the template's year, started as a draft the first time it is opened."""
    if not writes_for(by, authority):
        raise NotPermitted(_("Only the authority's own staff write its summary."))
    summary, created = AnnualSummary.objects.get_or_create(template=template, authority=authority)
    if created:
        _event(summary, action=SummaryAction.CREATE, previous="", by=by, request=request)
    return summary


def _locked(summary: AnnualSummary, by: User) -> AnnualSummary:
    if not writes_for(by, summary.authority):
        raise NotPermitted(_("Only the authority's own staff write its summary."))
    summary = AnnualSummary.objects.select_for_update().select_related("template").get(pk=summary.pk)
    if not summary.editable:
        raise SummaryError(
            _("A summary that is {status} cannot be changed.").format(status=summary.get_status_display().lower()),
            code="not_editable",
        )
    return summary


@transaction.atomic
def summary_save(*, summary: AnnualSummary, narratives: dict[str, str], by: User) -> AnnualSummary:
    """Keep the narrative of each section (a draft may be saved half-written)."""
    summary = _locked(summary, by)
    codes = set(summary.template.sections.values_list("code", flat=True))
    errors = {
        code: [_("Keep each section under {count} characters.").format(count=NARRATIVE_MAX)]
        for code, text in narratives.items()
        if len(text) > NARRATIVE_MAX
    }
    if errors:
        raise ValidationError(errors)
    summary.narratives = {**summary.narratives, **{c: t.strip() for c, t in narratives.items() if c in codes}}
    summary.save(update_fields=["narratives", "updated_at"])
    return summary


def days_late(deadline: date, at: datetime) -> int:
    """Whole days between the deadline and the (Beijing) day of ``at``; 0 when on time."""
    return max(0, (timezone.localdate(at) - deadline).days)


@transaction.atomic
def summary_submit(*, summary: AnnualSummary, by: User, request: HttpRequest | None = None) -> AnnualSummary:
    """Send the summary to MIIT: every section must be written; the KPI block is read from live data now and
    frozen with that moment as its data vintage; a submission after the deadline is flagged with its days late."""
    summary = _locked(summary, by)
    sections = list(summary.template.sections.all())
    missing = [section for section in sections if not summary.narratives.get(section.code, "").strip()]
    if missing:
        raise SummaryError(
            _("Write every section before submitting; still empty: {sections}.").format(
                sections="; ".join(section.title for section in missing)
            ),
            code="incomplete",
            fields={section.code: [_("This section is empty.")] for section in missing},
        )
    now = timezone.now()
    previous = summary.status
    summary.kpis = kpis.kpis_compute(authority=summary.authority, year=summary.template.year)
    summary.data_vintage = now
    summary.status, summary.submitted_at, summary.submitted_by = SummaryStatus.SUBMITTED, now, by
    summary.days_late = days_late(summary.template.deadline, now)
    summary.save(
        update_fields=["kpis", "data_vintage", "status", "submitted_at", "submitted_by", "days_late", "updated_at"]
    )
    _event(summary, action=SummaryAction.SUBMIT, previous=previous, by=by, request=request)
    return summary


def _reviewed(summary: AnnualSummary, by: User, *, action: str, to: str, comment: str, request) -> AnnualSummary:
    if not is_national(by):
        raise NotPermitted(_("Only national staff review annual summaries."))
    comment = comment.strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationError({"comment": [_("Keep comments under {count} characters.").format(count=COMMENT_MAX)]})
    summary = AnnualSummary.objects.select_for_update().get(pk=summary.pk)
    if summary.status != SummaryStatus.SUBMITTED:
        raise SummaryError(
            _("Only a submitted summary can be reviewed; this one is {status}.").format(
                status=summary.get_status_display().lower()
            ),
            code="not_submitted",
        )
    previous = summary.status
    summary.status, summary.review_comment = to, comment
    summary.reviewed_at, summary.reviewed_by = timezone.now(), by
    summary.save(update_fields=["status", "review_comment", "reviewed_at", "reviewed_by", "updated_at"])
    _event(summary, action=action, previous=previous, by=by, comment=comment, request=request)
    return summary


@transaction.atomic
def summary_return(
    *, summary: AnnualSummary, by: User, comment: str, request: HttpRequest | None = None
) -> AnnualSummary:
    """MIIT sends a submitted summary back to the authority, saying what to change (required)."""
    if not comment.strip():
        raise ValidationError({"comment": [_("Say what the authority should change.")]}, code="required")
    return _reviewed(
        summary, by, action=SummaryAction.RETURN, to=SummaryStatus.RETURNED, comment=comment, request=request
    )


@transaction.atomic
def summary_accept(
    *, summary: AnnualSummary, by: User, comment: str = "", request: HttpRequest | None = None
) -> AnnualSummary:
    """MIIT accepts a submitted summary (a comment is optional)."""
    return _reviewed(
        summary, by, action=SummaryAction.ACCEPT, to=SummaryStatus.ACCEPTED, comment=comment, request=request
    )


@transaction.atomic
def attachment_add(
    *, summary: AnnualSummary, upload: UploadedFile, by: User, request: HttpRequest | None = None
) -> SummaryAttachment:
    """Attach a file to an editable summary: type checked by content, size limited."""
    summary = _locked(summary, by)
    return stored_file_create(model=SummaryAttachment, upload=upload, by=by, request=request, summary=summary)


@transaction.atomic
def attachment_remove(*, attachment: SummaryAttachment, by: User, request: HttpRequest | None = None) -> None:
    _locked(attachment.summary, by)
    audit_record(
        action=AuditAction.STATE_CHANGE, actor=by, request=request, target=attachment, details={"deleted": True}
    )
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


# --- Reminders -----------------------------------------------------------------------------------------------------


def _reminder_due(days_left: int) -> int | None:
    """Which reminder is due with ``days_left`` days to go: 14 from 14 days before, 3 from 3 days before."""
    due = [days for days in REMINDER_DAYS if 0 <= days_left <= days]
    return min(due) if due else None


def _addresses() -> dict[str, list[str]]:
    memberships = (
        Membership.objects.filter(is_active=True, user__is_active=True, role=Role.AUTHORITY)
        .exclude(user__email="")
        .values_list("authority_id", "user__email")
        .order_by("authority_id", "user__email")
    )
    found: dict[str, list[str]] = {}
    for authority_id, email in memberships:
        found.setdefault(authority_id, []).append(email)
    return found


def _reminder(template: SummaryTemplate, authority: Authority, days_left: int, to: list[str]) -> EmailMessage:
    return bilingual_email(
        subject=lambda: _("QualityPath: the {year} annual work summary is due in {days} days").format(
            year=template.year, days=days_left
        ),
        template="summaries/reminder_email.txt",
        context={
            "template": template,
            "authority": authority,
            "days_left": days_left,
            "url": site_url(reverse("summaries:detail", args=[template.year, authority.pk])),
        },
        to=to,
    )


def reminders_send(*, today: date | None = None) -> int:
    """E-mail the authorities that have not submitted the year's summary, 14 and 3 days before its deadline (once
    each: a day missed is caught up the next day while the window lasts). Returns the messages sent."""
    today = today or timezone.localdate()
    sent = 0
    for template in SummaryTemplate.objects.filter(
        deadline__gte=today, deadline__lte=today.replace(year=today.year + 1)
    ):
        days_left = template.days_left(today)
        due = _reminder_due(days_left)
        if due is None:
            continue
        done = set(
            template.summaries.exclude(status__in=[SummaryStatus.DRAFT, SummaryStatus.RETURNED]).values_list(
                "authority_id", flat=True
            )
        ) | set(template.reminders.filter(days_before=due).values_list("authority_id", flat=True))
        addresses = _addresses()
        for authority in Authority.objects.exclude(pk__in=done).order_by("code"):
            to = addresses.get(authority.pk, [])
            with transaction.atomic():
                _reminder_row, created = ReminderSent.objects.get_or_create(
                    template=template, authority=authority, days_before=due, defaults={"recipients": len(to)}
                )
                if created and to:
                    mailers.default.send_messages([_reminder(template, authority, days_left, to)])
                    sent += 1
    logger.info("Summary deadline reminders e-mailed: %d", sent)
    return sent


@transaction.atomic
def template_update(*, template: SummaryTemplate, form, formset, by: User, request: HttpRequest | None = None):
    """Save MIIT's edits of a template (its fields and sections, validated forms); a section some summary already
    has text for cannot be deleted."""
    if not is_national(by):
        raise NotPermitted(_("Only national staff edit summary templates."))
    written = {code for summary in template.summaries.all() for code, text in summary.narratives.items() if text}
    for section_form in formset.deleted_forms:
        if section_form.instance.pk and section_form.instance.code in written:
            raise SummaryError(
                _("Section “{title}” has text in a summary and cannot be deleted.").format(
                    title=section_form.instance.title
                ),
                code="section_in_use",
            )
    form.save()
    formset.save()
    audit_record(action=AuditAction.UPDATE, actor=by, request=request, target=template, details={"year": template.year})
    return template
