"""Writes of the product-quality registers: Three Products lists, grading records, inspection imports.

Inspection results come from a workbook (``products.workbook``), the way rating workbooks do: the file's type is
checked by its content (``evaluations.file_types.check_upload``) and its container by the rating workbooks'
guards before anything is parsed; the whole file is checked (the dry run) and every problem is listed with its
sheet, row and column; if there is any, nothing is stored. A clean file is staged under its SHA-256 and imported
by a background job (``core.jobs``; inline when there is no broker), which checks it again and writes the batch
and its results in one transaction. A batch is unique per file hash, so the same file imported twice is one batch.

Authorities import for their own authority, and every row must be an enterprise inside its area; MIIT staff
import for the whole country (or name an authority, whose area then applies). Publishing a batch makes its results
public and runs the early-warning rules (a province's failure rate above the threshold is a warning).
"""

import hashlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import AuditAction, Role
from accounts.models import User
from accounts.services import audit_record
from core import jobs
from core.exceptions import DomainError, NotPermitted
from core.models import Job
from enterprises.models import Authority, Enterprise
from evaluations.file_types import check_upload, safe_name
from evaluations.services.workbooks import limits
from evaluations.workbook_reader import WorkbookRefused, check_container
from evaluations.workbooks import Problem
from products import workbook
from products.models import GradingRecord, InspectionBatch, InspectionResult, ThreeProductsEntry, ThreeProductsList
from products.models import source_path as staged_path

IMPORT_JOB = "products.inspection_import"
STORED_PROBLEMS = 500  # problems listed on the page; the count says how many there were
WRITE_BATCH = 2000
BATCH_FIELDS = ("category", "title_zh", "title_en", "year", "batch_label")


class ProductsError(DomainError):
    default_code = "products_error"


class InspectionWorkbookError(ProductsError):
    """The workbook has problems; ``problems`` lists each with its sheet, row and column."""

    def __init__(self, problems: list[Problem]):
        super().__init__(
            _("The workbook has {count} problems; nothing was stored. See the list below.").format(count=len(problems)),
            code="invalid_workbook",
        )
        self.problems = problems


@dataclass(frozen=True)
class BatchMeta:
    """What the importer says about the batch (the file holds only its rows). ``authority`` is an authority code,
    empty for MIIT."""

    category: str
    title_zh: str
    year: int
    title_en: str = ""
    batch_label: str = ""
    authority: str = ""
    publish: bool = True

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class CheckOutcome:
    """The dry run: the file's hash, how many rows, what importing would store, and every problem. ``existing`` is
    the batch this very file already became (then nothing else was checked)."""

    sha256: str
    name: str
    rows: int = 0
    plan: workbook.Plan = field(default_factory=workbook.Plan)
    problems: list[Problem] = field(default_factory=list)
    existing: InspectionBatch | None = None
    authority: Authority | None = None

    def as_dict(self) -> dict:
        return {
            "rows": self.rows,
            "samples": len(self.plan.results),
            "failed": self.plan.failed,
            "enterprises": self.plan.enterprises,
            "by_province": self.plan.by_province(),
            "error_count": len(self.problems),
            "errors": [problem.as_dict() for problem in self.problems[:STORED_PROBLEMS]],
        }


# --- who may ------------------------------------------------------------------------------------------------------


def may_import(user) -> bool:
    return user is not None and user.is_authenticated and user.has_role(Role.AUTHORITY, Role.NATIONAL)


def require_importer(user: User) -> None:
    if not may_import(user):
        raise NotPermitted(_("Quality inspection results are imported by authorities and MIIT staff."))


def importer_authorities(user: User) -> list[Authority]:
    """The authorities ``user`` may import for: MIIT staff any (or none: MIIT itself), an authority its own."""
    if user.has_role(Role.NATIONAL):
        return list(Authority.objects.order_by("code"))
    return user.authorities


def may_manage(user, batch: InspectionBatch) -> bool:
    """MIIT staff, or the staff of the authority that published the batch."""
    if user is None or not user.is_authenticated:
        return False
    return user.has_role(Role.NATIONAL) or user.is_authority_staff(batch.authority_id)


def _authority_for(user: User, code: str) -> Authority | None:
    if user.has_role(Role.NATIONAL):
        if not code:
            return None
        authority = Authority.objects.filter(pk=code).first()
        if authority is None:
            raise ValidationError({"authority": _("There is no authority {code}.").format(code=code)})
        return authority
    own = importer_authorities(user)
    if not code and len(own) == 1:
        return own[0]
    authority = next((a for a in own if a.pk == code), None)
    if authority is None:
        raise ValidationError({"authority": _("You import for your own authority only.")})
    return authority


# --- checking -----------------------------------------------------------------------------------------------------


def _new_batch(meta: BatchMeta, authority: Authority | None, *, by: User, sha256: str, name: str) -> InspectionBatch:
    batch = InspectionBatch(
        **{name_: getattr(meta, name_) for name_ in BATCH_FIELDS},
        authority=authority,
        source_sha256=sha256,
        source_name=name[:200],
        imported_by=by,
    )
    batch.full_clean(exclude=["source_sha256", "source_file"], validate_unique=False, validate_constraints=False)
    return batch


def read_upload(file: UploadedFile) -> bytes:
    """The bytes of an uploaded workbook, after the checks made before anything is parsed: an .xlsx by name and by
    content (``check_upload``), within the size limit, not a zip bomb. A ValidationError on ``file`` otherwise."""
    if PurePosixPath(safe_name(file.name).lower()).suffix != ".xlsx":
        raise ValidationError(
            {"file": _("Only Excel workbooks (.xlsx) are accepted; download the template and fill that in.")}
        )
    check_upload(file, max_bytes=settings.WORKBOOK_MAX_BYTES)
    file.seek(0)
    data = file.read()
    try:
        check_container(data, limits())
    except WorkbookRefused as exc:
        raise ValidationError({"file": exc.problem.message}) from exc
    return data


def inspection_check(*, data: bytes, name: str, meta: BatchMeta, by: User) -> CheckOutcome:
    """The dry run: read and check the whole file against the registered enterprises and the importer's area. Writes
    nothing. Bad batch details are a ValidationError naming the field."""
    require_importer(by)
    authority = _authority_for(by, meta.authority)
    digest = hashlib.sha256(data).hexdigest()
    outcome = CheckOutcome(sha256=digest, name=name, authority=authority)
    _new_batch(meta, authority, by=by, sha256=digest, name=name)
    outcome.existing = InspectionBatch.objects.filter(source_sha256=digest).first()
    if outcome.existing is not None:
        return outcome
    try:
        rows, problems = workbook.read_rows(data, limits=limits())
    except WorkbookRefused as exc:
        outcome.problems = [exc.problem]
        return outcome
    codes = {workbook.normalised_code(row) for row in rows} - {""}
    known = {
        e.credit_code: workbook.EnterpriseRef(e.pk, e.credit_code, e.name, e.region_id, e.region.name)
        for e in Enterprise.objects.filter(credit_code__in=codes).select_related("region")
    }
    outcome.plan, more = workbook.check(
        rows, known, covers=authority.covers if authority else None, area=authority.name if authority else ""
    )
    outcome.rows, outcome.problems = len(rows), problems + more
    return outcome


def inspection_upload_check(*, file: UploadedFile, meta: BatchMeta, by: User) -> CheckOutcome:
    """The dry run of an uploaded file (refused before reading when it is not a safe .xlsx)."""
    require_importer(by)
    return inspection_check(data=read_upload(file), name=safe_name(file.name), meta=meta, by=by)


# --- importing ----------------------------------------------------------------------------------------------------


def inspection_import_start(*, file: UploadedFile, meta: BatchMeta, by: User) -> Job | InspectionBatch:
    """Check the upload and, if it is clean, stage it and start the import job; returns the job, or the batch this
    same file already became (nothing is imported twice). Problems raise ``InspectionWorkbookError``."""
    require_importer(by)
    data = read_upload(file)
    name = safe_name(file.name)
    outcome = inspection_check(data=data, name=name, meta=meta, by=by)
    if outcome.existing is not None:
        return outcome.existing
    if outcome.problems:
        raise InspectionWorkbookError(outcome.problems)
    path = staged_path(InspectionBatch(source_sha256=outcome.sha256), name)
    if not default_storage.exists(path):
        path = default_storage.save(path, ContentFile(data))
    with transaction.atomic():
        return jobs.job_create(
            kind=IMPORT_JOB,
            data={"path": path, "sha256": outcome.sha256, "name": name, "meta": meta.as_dict()},
            by=by,
            total=len(outcome.plan.results),
        )


def inspection_import(
    *,
    data: bytes,
    name: str,
    meta: BatchMeta,
    by: User,
    source: str = "",
    progress: Callable[..., None] | None = None,
) -> tuple[InspectionBatch, bool]:
    """Import a workbook as a batch, all or nothing, after checking it again; returns the batch and whether it is
    new (the same file again returns the batch it became). Publishes it when ``meta.publish``. ``source`` is where
    the file is kept (the staged upload), if anywhere."""
    outcome = inspection_check(data=data, name=name, meta=meta, by=by)
    if outcome.existing is not None:
        return outcome.existing, False
    if outcome.problems:
        raise InspectionWorkbookError(outcome.problems)
    report = progress or (lambda done, total=None: None)
    planned = outcome.plan.results
    try:
        with transaction.atomic():
            batch = _new_batch(meta, outcome.authority, by=by, sha256=outcome.sha256, name=name)
            batch.source_file.name = source
            batch.sample_count, batch.failed_count = len(planned), outcome.plan.failed
            batch.save()
            for start in range(0, len(planned), WRITE_BATCH):
                InspectionResult.objects.bulk_create(
                    InspectionResult(
                        batch=batch,
                        enterprise_id=p.enterprise_id,
                        product=p.product,
                        model_spec=p.model_spec,
                        sample_number=p.sample_number,
                        passed=p.passed,
                        defects=p.defects,
                        row=p.row,
                    )
                    for p in planned[start : start + WRITE_BATCH]
                )
                report(min(start + WRITE_BATCH, len(planned)), len(planned))
            audit_record(
                action=AuditAction.CREATE,
                actor=by,
                target=batch,
                details={
                    "sha256": batch.source_sha256,
                    "file": name,
                    "samples": len(planned),
                    "failed": batch.failed_count,
                },
            )
            if meta.publish:
                _publish(batch, by=by)
    except IntegrityError:  # the same file, imported twice at once
        existing = InspectionBatch.objects.filter(source_sha256=outcome.sha256).first()
        if existing is None:
            raise
        return existing, False
    return batch, True


def _publish(batch: InspectionBatch, *, by: User, request: HttpRequest | None = None) -> None:
    from indices.tasks import warnings_raise_task  # indices reads this app's tallies; imported here, not at the top

    batch.published_at, batch.published_by = timezone.now(), by
    batch.save(update_fields=["published_at", "published_by"])
    audit_record(action=AuditAction.STATE_CHANGE, actor=by, request=request, target=batch, details={"published": True})
    warnings_raise_task.delay_on_commit()


@transaction.atomic
def inspection_batch_publish(
    *, batch: InspectionBatch, by: User, request: HttpRequest | None = None
) -> InspectionBatch:
    """Make a batch's results public; the early-warning rules run once this commits."""
    if not may_manage(by, batch):
        raise NotPermitted(_("Only MIIT staff or the authority that imported a batch publish it."))
    batch = InspectionBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.is_published:
        raise ProductsError(_("This batch is already published."), code="published")
    _publish(batch, by=by, request=request)
    return batch


# --- Three Products lists and grading records -------------------------------------------------------------------


@transaction.atomic
def three_products_list_create(
    *, name_zh: str, name_en: str, year: int, issuer: str, published_on=None, entries: list[dict], by: User | None
) -> ThreeProductsList:
    """A list with its entries (each: enterprise, product_zh, product_en, field; the city is the enterprise's)."""
    products_list = ThreeProductsList(
        name_zh=name_zh, name_en=name_en, year=year, issuer=issuer, published_on=published_on
    )
    products_list.full_clean()
    products_list.save()
    for values in entries:
        entry = ThreeProductsEntry(products_list=products_list, region_id=values["enterprise"].region_id, **values)
        entry.full_clean()
        entry.save()
    audit_record(
        action=AuditAction.CREATE,
        actor=by,
        username="" if by else "platform",
        target=products_list,
        details={"entries": len(entries)},
    )
    return products_list


def grading_record_create(*, by: User | None, **values) -> GradingRecord:
    """Record a product's grade; the report number is unique per certifying body."""
    record = GradingRecord(**values)
    record.full_clean()
    record.save()
    audit_record(action=AuditAction.CREATE, actor=by, username="" if by else "platform", target=record)
    return record
