"""Rating workbooks: templates per evaluation or per batch, and the upload → check (dry run) → apply path.

The rules are the on-site ones: ``onsite.require_rater`` says who may write, ``evaluations.ratings`` what a
value may be; ``evaluations.workbooks`` reads and checks the file. A file is checked whole before anything is
written; applying is one transaction (all or nothing) and checks again under lock, since the evaluations may
have moved on since the dry run. A ``RatingUpload`` is unique per uploader and SHA-256, so the same file
uploaded again is recognised and applies nothing twice. Large files are applied by a background job.
"""

import hashlib
from collections import defaultdict
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.choices import AuditAction, Role
from accounts.models import User
from accounts.scoping import scope
from accounts.services import audit_record
from core import jobs
from core.exceptions import NotPermitted
from core.models import Job
from evaluations import workbook_reader, workbooks
from evaluations.choices import EvaluationStatus
from evaluations.file_types import safe_name
from evaluations.models import EligibilityCondition, Evaluation, Rating, RatingUpload, Requirement, TeamMember
from evaluations.services.common import EvaluationError
from evaluations.services.onsite import require_rater

APPLY_JOB = "evaluations.workbook_apply"
STORED_ERRORS = 500  # problems kept on the upload for the page; the count says how many there were
STORED_CHANGES = 50  # changed items listed per evaluation on the dry-run page
WRITE_BATCH = 2000


def limits() -> workbook_reader.Limits:
    return workbook_reader.Limits(
        max_bytes=settings.WORKBOOK_MAX_BYTES,
        max_entries=settings.WORKBOOK_MAX_ZIP_ENTRIES,
        max_unpacked_bytes=settings.WORKBOOK_MAX_UNPACKED_BYTES,
        max_ratio=settings.WORKBOOK_MAX_COMPRESSION_RATIO,
        max_rows=settings.WORKBOOK_MAX_ROWS,
    )


def _model_items(model_id: int) -> dict[str, workbooks.Item]:
    items = {
        r.code: workbooks.Item(r.pk, r.code, r.text_zh, r.text_en, r.level, r.na_allowed)
        for r in Requirement.objects.filter(model=model_id).order_by("indicator__dimension__position", "position")
    }
    items.update(
        (c.code, workbooks.Item(c.pk, c.code, c.text_zh, c.text_en, None))
        for c in EligibilityCondition.objects.filter(model=model_id).order_by("position")
    )
    return items


def _own_ratings(user: User, evaluation_ids) -> dict[int, dict[str, tuple[str, str]]]:
    own: dict[int, dict[str, tuple[str, str]]] = defaultdict(dict)
    for evaluation_id, requirement, condition, value, comment in Rating.objects.filter(
        assessor=user, evaluation_id__in=evaluation_ids
    ).values_list("evaluation_id", "requirement__code", "condition__code", "value", "comment"):
        own[evaluation_id][requirement or condition] = (value, comment)
    return own


def _enterprise_name(evaluation: Evaluation) -> str:
    enterprise = evaluation.enterprise
    return f"{enterprise.name_zh} / {enterprise.name_en}" if enterprise.name_en else enterprise.name_zh


def require_assessor(user: User) -> None:
    if not user.has_role(Role.ASSESSOR):
        raise NotPermitted(_("Rating workbooks are for assessors."))


def workbook_evaluations(*, user: User):
    """The evaluations the user still rates on site (on the team, on site, own ratings not yet submitted)."""
    return (
        scope(user, Evaluation.objects.filter(status=EvaluationStatus.ON_SITE), published=False)
        .filter(team__assessor=user, team__ratings_submitted_at__isnull=True)
        .select_related("enterprise")
        .order_by("pk")
    )


def workbook_uploads(*, user: User):
    return RatingUpload.objects.filter(uploaded_by=user)


# --- templates ------------------------------------------------------------------------------------------------


def workbook_template(*, user: User, evaluation: Evaluation | None = None) -> tuple[str, bytes]:
    """The template for one evaluation the user rates, or (without one) for every evaluation they still rate:
    returns a safe file name and the .xlsx bytes."""
    if evaluation is not None:
        require_rater(user, evaluation)
        evaluations = [evaluation]
        name = f"ratings-{evaluation.pk}-{evaluation.enterprise.credit_code}.xlsx"
    else:
        evaluations = list(workbook_evaluations(user=user))
        if not evaluations:
            raise EvaluationError(_("You have no evaluations to rate on site at the moment."), code="nothing_to_rate")
        name = f"ratings-batch-{timezone.localdate():%Y%m%d}.xlsx"
    own = _own_ratings(user, [e.pk for e in evaluations])
    items_by_model: dict[int, list[workbooks.Item]] = {}
    blocks = [
        workbooks.Block(
            evaluation_id=e.pk,
            credit_code=e.enterprise.credit_code,
            enterprise_name=_enterprise_name(e),
            items=items_by_model.setdefault(e.model_id, list(_model_items(e.model_id).values())),
            existing=own.get(e.pk, {}),
        )
        for e in evaluations
    ]
    return name, workbooks.write_template(blocks)


# --- checking -------------------------------------------------------------------------------------------------


def _targets(user: User, evaluation_ids: set[int]) -> dict[int, workbooks.Target]:
    """What the file's evaluations are to this user: only those in their scope appear at all; each says why the
    user may not write to it, through the one guard (require_rater)."""
    found = scope(user, Evaluation.objects.filter(pk__in=evaluation_ids), published=False).select_related("enterprise")
    own = _own_ratings(user, evaluation_ids)
    team = {m.evaluation_id: m for m in TeamMember.objects.filter(assessor=user, evaluation_id__in=evaluation_ids)}
    items_by_model: dict[int, dict[str, workbooks.Item]] = {}
    targets = {}
    for evaluation in found:
        refusal, kind = None, ""
        try:
            require_rater(user, evaluation, member=team.get(evaluation.pk))
        except NotPermitted as exc:
            refusal, kind = exc.message, "not_yours"
        except EvaluationError as exc:
            refusal, kind = exc.message, exc.code
        if evaluation.model_id not in items_by_model:
            items_by_model[evaluation.model_id] = _model_items(evaluation.model_id)
        targets[evaluation.pk] = workbooks.Target(
            evaluation_id=evaluation.pk,
            credit_code=evaluation.enterprise.credit_code,
            enterprise_name=_enterprise_name(evaluation),
            items=items_by_model[evaluation.model_id],
            existing=own.get(evaluation.pk, {}),
            refusal=_("Evaluation {id}: {reason}").format(id=evaluation.pk, reason=refusal) if refusal else None,
            refusal_kind=kind,
        )
    return targets


def _summary(rows, plans, problems) -> dict:
    evaluations = []
    for plan in plans.values():
        changes = [
            {"code": item.code, "value": value, "comment": comment, "new": True} for item, value, comment in plan.create
        ] + [
            {"code": item.code, "value": value, "comment": comment, "new": False}
            for item, value, comment in plan.change
        ]
        evaluations.append(
            {
                "id": plan.evaluation_id,
                "enterprise": plan.enterprise_name,
                "create": len(plan.create),
                "change": len(plan.change),
                "unchanged": plan.unchanged,
                "changes": changes[:STORED_CHANGES],
            }
        )
    return {
        "checked_at": timezone.now().isoformat(),
        "rows": len(rows),
        "error_count": len(problems),
        "errors": [p.as_dict() for p in problems[:STORED_ERRORS]],
        "evaluations": evaluations,
        "totals": {key: sum(e[key] for e in evaluations) for key in ("create", "change", "unchanged")},
    }


def _read(upload: RatingUpload, progress: Callable[[int], None] | None = None):
    with upload.file.open("rb") as handle:
        data = handle.read()
    return workbook_reader.read_rows(data, limits=limits(), progress=progress)


def workbook_check(*, upload: RatingUpload) -> dict:
    """The dry run: read and check the whole file and say per evaluation what applying would create, change or
    leave alone. No rating is written; the outcome is kept on the upload for its page."""
    try:
        rows, problems = _read(upload)
    except workbook_reader.WorkbookRefused as exc:
        summary = _summary([], {}, [exc.problem])
    else:
        plans, more = workbooks.check(rows, _targets(upload.uploaded_by, workbooks.evaluation_ids(rows)))
        summary = _summary(rows, plans, problems + more)
    upload.summary = {**summary, "job_id": upload.summary.get("job_id")}
    upload.save(update_fields=["summary"])
    return upload.summary


def workbook_upload(*, file: UploadedFile, by: User) -> tuple[RatingUpload, bool]:
    """Keep an uploaded workbook and check it (dry run). Returns the upload and whether it is new: the same file
    from the same person is the same upload, and once applied it is never applied again."""
    require_assessor(by)
    if file.size > settings.WORKBOOK_MAX_BYTES:
        raise ValidationError(
            {
                "file": _("The file is {size} MB; the limit is {limit} MB.").format(
                    size=round(file.size / 1_048_576, 1), limit=round(settings.WORKBOOK_MAX_BYTES / 1_048_576)
                )
            }
        )
    file.seek(0)
    data = file.read()
    try:
        workbook_reader.check_container(data, limits())
    except workbook_reader.WorkbookRefused as exc:
        raise ValidationError({"file": exc.problem.message}) from exc
    digest = hashlib.sha256(data).hexdigest()
    upload = RatingUpload.objects.filter(uploaded_by=by, sha256=digest).first()
    created = upload is None
    if created:
        upload = RatingUpload(uploaded_by=by, sha256=digest, original_name=safe_name(file.name), size=len(data))
        upload.file.save(upload.sha256, ContentFile(data), save=False)
        try:
            with transaction.atomic():
                upload.save()
        except IntegrityError:  # the same file, uploaded twice at once
            upload, created = RatingUpload.objects.get(uploaded_by=by, sha256=digest), False
    if upload.applied_at is None:
        workbook_check(upload=upload)
    return upload, created


def already_applied_message(upload: RatingUpload) -> str:
    return _("This file was already applied on {date}; nothing was changed.").format(
        date=formats.date_format(timezone.localtime(upload.applied_at), "DATETIME_FORMAT")
    )


# --- applying -------------------------------------------------------------------------------------------------


def _write(user: User, plans, progress: Callable[[int], None]) -> None:
    """Upsert the planned ratings: on PostgreSQL through COPY into a temporary table and one INSERT … ON CONFLICT
    per item kind (74,000 rows in about a second); elsewhere through bulk_create with the same conflict rule."""
    pending: dict[str, list[tuple]] = {"requirement": [], "condition": []}
    for plan in plans.values():
        for item, value, comment in [*plan.create, *plan.change]:
            field = "condition" if item.is_condition else "requirement"
            pending[field].append((plan.evaluation_id, item.pk, value, comment.strip()))
    if connection.vendor == "postgresql":
        _write_postgresql(user, pending, progress)
        return
    written = 0
    for field, rows in pending.items():
        for start in range(0, len(rows), WRITE_BATCH):
            batch = [
                Rating(evaluation_id=e, assessor=user, value=v, comment=c, **{f"{field}_id": pk})
                for e, pk, v, c in rows[start : start + WRITE_BATCH]
            ]
            Rating.objects.bulk_create(
                batch,
                update_conflicts=True,
                unique_fields=["evaluation", "assessor", field],
                update_fields=["value", "comment", "updated_at"],
            )
            written += len(batch)
            progress(written)


def _write_postgresql(user: User, pending: dict[str, list[tuple]], progress: Callable[[int], None]) -> None:
    """COPY into a temporary table, then one INSERT … SELECT … ON CONFLICT per item kind. Measured against
    ``unnest`` of four arrays (slower: the arrays are parsed as text) and COPY straight into the table (barely
    faster, and a row written meanwhile by the browser form would be a unique violation instead of an update).
    Most of the time is the table's own work: seven indexes and three foreign-key checks per row (at commit)."""
    table = Rating._meta.db_table
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:  # the temporary table lives until the commit
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS workbook_rating "
            "(evaluation_id bigint, item_id bigint, value varchar(4), comment text) ON COMMIT DROP"
        )
        for field, rows in pending.items():
            if not rows:
                continue
            cursor.execute("TRUNCATE workbook_rating")
            with cursor.cursor.copy("COPY workbook_rating FROM STDIN") as copy:
                for number, row in enumerate(rows, start=1):
                    copy.write_row(row)
                    if number % WRITE_BATCH == 0:
                        progress(written + number)
            cursor.execute(
                f"INSERT INTO {table} (evaluation_id, assessor_id, {field}_id, value, comment, updated_at) "  # noqa: S608 - names are ours
                f"SELECT evaluation_id, %s, item_id, value, comment, now() FROM workbook_rating "
                f"ON CONFLICT (evaluation_id, assessor_id, {field}_id) DO UPDATE "
                f"SET value = EXCLUDED.value, comment = EXCLUDED.comment, updated_at = EXCLUDED.updated_at",
                [user.pk],
            )
            written += len(rows)
            progress(written)


def workbook_apply(*, upload: RatingUpload, progress: Callable[[int, int], None] | None = None) -> dict:
    """Write the file's ratings, all or nothing, after checking it again under lock; returns what changed.

    The same upload applied again changes nothing and says so (``already_applied``).
    """
    report = progress or (lambda done, total: None)
    if upload.applied_at is not None:
        return {"already_applied": True, "message": already_applied_message(upload)}
    expected = max(upload.summary.get("rows", 0), 1)
    try:
        rows, cell_problems = _read(upload, progress=lambda n: report(n, 2 * expected))
    except workbook_reader.WorkbookRefused as exc:
        raise EvaluationError(exc.problem.message, code="invalid_workbook") from exc
    total = 2 * max(len(rows), 1)
    report(len(rows), total)
    user = upload.uploaded_by
    with transaction.atomic():
        locked = RatingUpload.objects.select_for_update().get(pk=upload.pk)
        if locked.applied_at is not None:
            return {"already_applied": True, "message": already_applied_message(locked)}
        ids = workbooks.evaluation_ids(rows)
        list(Evaluation.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
        plans, problems = workbooks.check(rows, _targets(user, ids))
        problems = cell_problems + problems
        if not problems:
            summary = _summary(rows, plans, [])
            _write(user, plans, lambda written: report(len(rows) + written, total))
            locked.applied_at = timezone.now()
            locked.summary = {
                **summary,
                "job_id": upload.summary.get("job_id"),
                "applied_at": locked.applied_at.isoformat(),
            }
            locked.save(update_fields=["applied_at", "summary"])
            audit_record(
                action=AuditAction.UPDATE,
                actor=user,
                target=locked,
                details={"ratings_workbook": upload.sha256, "evaluations": sorted(plans), **summary["totals"]},
            )
    if problems:
        upload.summary = {**_summary(rows, plans, problems), "job_id": upload.summary.get("job_id")}
        upload.save(update_fields=["summary"])
        raise EvaluationError(
            _("The workbook has {count} problems now; nothing was written. See the list below.").format(
                count=len(problems)
            ),
            code="invalid_workbook",
        )
    report(total, total)
    upload.refresh_from_db()
    return {"already_applied": False, **upload.summary["totals"]}


def workbook_apply_start(*, upload: RatingUpload, by: User) -> Job | dict:
    """Apply now (small files) or in a background job (more rows than WORKBOOK_BACKGROUND_ROWS); a job already
    under way for this upload is returned rather than started twice."""
    if upload.uploaded_by_id != by.pk:
        raise NotPermitted(_("Only the person who uploaded the workbook applies it."))
    if upload.applied_at is not None:
        return {"already_applied": True, "message": already_applied_message(upload)}
    if upload.summary.get("error_count"):
        raise EvaluationError(_("Correct the problems listed and upload the file again."), code="invalid_workbook")
    if upload.summary.get("rows", 0) <= settings.WORKBOOK_BACKGROUND_ROWS:
        return workbook_apply(upload=upload)
    with transaction.atomic():
        upload = RatingUpload.objects.select_for_update().get(pk=upload.pk)
        running = Job.objects.filter(pk=upload.summary.get("job_id") or 0).first()
        if running is not None and not running.is_finished:
            return running
        job = jobs.job_create(kind=APPLY_JOB, data={"upload": upload.pk}, by=by, total=2 * upload.summary["rows"])
        upload.summary = {**upload.summary, "job_id": job.pk}
        upload.save(update_fields=["summary"])
    return job
