"""Changes to the library: MIIT staff create and edit any document (a national one has no authority), an
authority's staff only their own authority's. Every change writes an audit row; a refused attachment changes
nothing."""

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import mailers
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import AuditAction, Role
from accounts.models import User
from accounts.services import audit_record
from core.exceptions import NotPermitted
from core.links import site_url
from core.mail import bilingual_email
from evaluations.models import Dimension, Indicator, Requirement
from knowledge.models import (
    DocumentStatus,
    Method,
    MethodKind,
    MethodLink,
    PolicyAttachment,
    PolicyDocument,
    Question,
    QuestionStatus,
)
from knowledge.selectors import publisher_authority_ids
from selections.services import stored_file_create

FIELDS = (
    "kind",
    "number",
    "title_zh",
    "title_en",
    "issuer_zh",
    "issuer_en",
    "issued_on",
    "status",
    "topic",
    "summary_zh",
    "summary_en",
    "superseded_by",
    "dimensions",
)


def may_publish(user: User) -> bool:
    return user.is_authenticated and (user.has_role(Role.NATIONAL) or bool(publisher_authority_ids(user)))


def may_edit(user: User, document: PolicyDocument) -> bool:
    if not user.is_authenticated:
        return False
    if user.has_role(Role.NATIONAL):
        return True
    return document.authority_id is not None and document.authority_id in publisher_authority_ids(user)


def require_may_publish(user: User) -> None:
    """NotPermitted unless ``user`` may publish to the library: the guard of the form page and of the save."""
    if not may_publish(user):
        raise NotPermitted(_("Only MIIT staff and the authorities publish to the library."))


def require_may_edit(user: User, document: PolicyDocument) -> None:
    if not may_edit(user, document):
        raise NotPermitted(_("Only MIIT staff and the publishing authority change this document."))


def dimension_codes() -> list[str]:
    return sorted(set(Dimension.objects.values_list("code", flat=True)))


def _check(document: PolicyDocument) -> None:
    unknown = sorted(set(document.dimensions) - set(dimension_codes()))
    if unknown:
        raise ValidationError({"dimensions": [_("Unknown dimensions: {codes}.").format(codes=", ".join(unknown))]})
    if document.superseded_by_id is not None and document.superseded_by_id == document.pk:
        raise ValidationError({"superseded_by": [_("A document cannot supersede itself.")]})
    if document.status == DocumentStatus.SUPERSEDED and document.superseded_by_id is None:
        raise ValidationError({"superseded_by": [_("Name the document that supersedes this one.")]})
    document.full_clean(exclude=["created_by", "authority", "superseded_by"])


@transaction.atomic
def document_save(
    *,
    values: dict,
    by: User,
    document: PolicyDocument | None = None,
    industries=None,
    upload: UploadedFile | None = None,
    request: HttpRequest | None = None,
) -> PolicyDocument:
    """Create (``document`` None) or change a document, with its industries and optionally one more file. MIIT
    staff publish national documents; an authority's staff publish and change only their authority's. A refused
    file (wrong type by content, too large) raises a ValidationError and nothing is saved."""
    created = document is None
    if created:
        require_may_publish(by)
        authorities = [] if by.has_role(Role.NATIONAL) else publisher_authority_ids(by)
        document = PolicyDocument(created_by=by, authority_id=authorities[0] if authorities else None)
    else:
        document = PolicyDocument.objects.select_for_update().get(pk=document.pk)
        require_may_edit(by, document)
    for field in FIELDS:
        if field in values:
            setattr(document, field, values[field])
    _check(document)
    document.save()
    if industries is not None:
        document.industries.set(industries)
    audit_record(
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        actor=by,
        request=request,
        target=document,
        details={"number": document.number, "status": document.status},
    )
    if upload is not None:
        try:
            stored_file_create(model=PolicyAttachment, upload=upload, by=by, request=request, document=document)
        except ValidationError as exc:  # shown on the form's file field; the transaction undoes the changes above
            raise ValidationError({"attachment": exc.messages}) from exc
    return document


QUESTION_MIN_LENGTH = 10


def may_answer(user: User) -> bool:
    return user.is_authenticated and user.has_role(Role.NATIONAL)


def require_may_answer(user: User) -> None:
    if not may_answer(user):
        raise NotPermitted(_("Only MIIT staff answer questions."))


@transaction.atomic
def question_submit(
    *, text: str, by: User | None = None, email: str = "", request: HttpRequest | None = None
) -> Question:
    """A visitor's question (anonymous too): kept as submitted, not public until MIIT staff answer it."""
    text = text.strip()
    if len(text) < QUESTION_MIN_LENGTH:
        raise ValidationError(
            {"text": [_("Write your question in at least {n} characters.").format(n=QUESTION_MIN_LENGTH)]}
        )
    user = by if by is not None and by.is_authenticated else None
    chinese = any("\u4e00" <= ch <= "\u9fff" for ch in text)
    question = Question.objects.create(
        question_zh=text if chinese else "",
        question_en="" if chinese else text,
        asked_by=user,
        asker_email=email,
        status=QuestionStatus.SUBMITTED,
    )
    audit_record(
        action=AuditAction.CREATE, actor=user, request=request, target=question, details={"status": "submitted"}
    )
    return question


ANSWER_FIELDS = ("category", "order", "question_zh", "question_en", "answer_zh", "answer_en", "anchor")


@transaction.atomic
def question_answer(
    *, question: Question, values: dict, by: User, publish: bool = True, request: HttpRequest | None = None
) -> Question:
    """MIIT staff answer a question and publish it (``publish``), or decline it (``publish`` False)."""
    require_may_answer(by)
    question = Question.objects.select_for_update().get(pk=question.pk)
    for field in ANSWER_FIELDS:
        if field in values:
            setattr(question, field, values[field])
    if publish:
        errors = {}
        if not (question.question_zh.strip() or question.question_en.strip()):
            errors["question_zh"] = [_("Give the question in at least one language.")]
        if not (question.answer_zh.strip() or question.answer_en.strip()):
            errors["answer_zh"] = [_("Give the answer in at least one language.")]
        if question.category_id is None:
            errors["category"] = [_("Choose a category.")]
        if errors:
            raise ValidationError(errors)
    question.status = QuestionStatus.PUBLISHED if publish else QuestionStatus.DECLINED
    question.answered_by = by
    question.answered_at = timezone.now()
    question.full_clean(exclude=["category", "asked_by", "answered_by"])
    question.save()
    audit_record(
        action=AuditAction.STATE_CHANGE, actor=by, request=request, target=question, details={"status": question.status}
    )
    if publish and question.asker_email:
        transaction.on_commit(lambda: _answer_email(question), robust=True)
    return question


def _answer_email(question: Question) -> None:
    """Tell the visitor who asked (if they left an address) that their question is answered, with the answer and
    a link to it. After the commit: a mail server that fails leaves the answer published (and is logged)."""
    url = site_url(reverse("knowledge:question_list") + f"#{question.html_id}")
    message = bilingual_email(
        subject=lambda: _("QualityPath: your question is answered"),
        template="knowledge/answer_email.txt",
        context={"question": question, "url": url},
        to=[question.asker_email],
    )
    mailers.default.send_messages([message])


METHOD_TEXTS = ("name", "purpose", "when", "steps", "example")


def _method_problems(entries: list, known_targets: set[str]) -> list[str]:
    problems, seen = [], set()
    for number, entry in enumerate(entries, start=1):
        code = str(entry.get("code", "")).strip() if isinstance(entry, dict) else ""
        where = code or f"#{number}"
        if not code:
            problems.append(_("Method {where}: the code is missing.").format(where=where))
            continue
        if code in seen:
            problems.append(_("Method {where}: the code is used twice.").format(where=where))
        seen.add(code)
        if entry.get("kind", MethodKind.METHOD) not in MethodKind.values:
            problems.append(_("Method {where}: unknown kind “{kind}”.").format(where=where, kind=entry.get("kind")))
        for field in METHOD_TEXTS:
            value = entry.get(field)
            if not isinstance(value, dict) or not all(str(value.get(lang, "")).strip() for lang in ("zh", "en")):
                problems.append(
                    _("Method {where}: “{field}” needs both a Chinese and an English text.").format(
                        where=where, field=field
                    )
                )
        for target in entry.get("links", []):
            if target not in known_targets:
                problems.append(
                    _("Method {where}: “{target}” is no indicator or requirement of a loaded model.").format(
                        where=where, target=target
                    )
                )
    return problems


def methods_import(*, data: dict) -> int:
    """Load the toolbox from ``data`` (the shape of ``knowledge/data/methods.yaml``): methods are created or
    updated by code and their links replaced by the file's. Every problem is reported at once and nothing is
    written unless the whole file is right. Returns the number of methods in the file."""
    entries = data.get("methods") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ValidationError(_("The file has no list of methods."))
    known = set(Indicator.objects.values_list("code", flat=True)) | set(
        Requirement.objects.values_list("code", flat=True)
    )
    problems = _method_problems(entries, known)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        for order, entry in enumerate(entries, start=1):
            texts = {
                f"{field}_{language}": str(entry[field][language]).strip()
                for field in METHOD_TEXTS
                for language in ("zh", "en")
            }
            method, _created = Method.objects.update_or_create(
                code=entry["code"].strip(),
                defaults={
                    **texts,
                    "kind": entry.get("kind", MethodKind.METHOD),
                    "order": order,
                    "keywords": str(entry.get("keywords", "")).strip(),
                },
            )
            method.links.all().delete()
            MethodLink.objects.bulk_create(
                MethodLink(method=method, target=target) for target in dict.fromkeys(entry.get("links", []))
            )
    return len(entries)
