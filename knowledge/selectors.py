"""Reads of the library: everything that is not a draft is public; a draft only for those who may edit it."""

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.choices import Role
from knowledge.models import DocumentKind, DocumentStatus, PolicyDocument, Question, QuestionStatus, Topic


def publisher_authority_ids(user) -> list[str]:
    """The authorities whose documents ``user`` publishes (as their staff)."""
    if not user.is_authenticated:
        return []
    return [m.authority_id for m in user.active_memberships if m.role == Role.AUTHORITY and m.authority_id]


def visible_q(user) -> Q:
    published = ~Q(status=DocumentStatus.DRAFT)
    if not user.is_authenticated:
        return published
    if user.has_role(Role.NATIONAL):
        return Q()
    return published | Q(authority_id__in=publisher_authority_ids(user))


def document_list(
    user, *, search: str = "", kind: str = "", status: str = "", topic: str = "", industry: str = ""
) -> QuerySet:
    documents = PolicyDocument.objects.filter(visible_q(user))
    if search:
        documents = documents.filter(
            Q(number__icontains=search)
            | Q(title_zh__icontains=search)
            | Q(title_en__icontains=search)
            | Q(summary_zh__icontains=search)
            | Q(summary_en__icontains=search)
            | Q(issuer_zh__icontains=search)
            | Q(issuer_en__icontains=search)
        )
    if kind in DocumentKind.values:
        documents = documents.filter(kind=kind)
    if status in DocumentStatus.values:
        documents = documents.filter(status=status)
    if topic in Topic.values:
        documents = documents.filter(topic=topic)
    if industry:
        documents = documents.filter(industries__code=industry)
    return documents


def document_get(user, pk: int) -> PolicyDocument:
    """The document if ``user`` may read it; a draft outside their reach is not found (its existence is not
    confirmed)."""
    document = (
        PolicyDocument.objects.filter(visible_q(user))
        .select_related("authority", "superseded_by")
        .prefetch_related("industries")
        .filter(pk=pk)
        .first()
    )
    if document is None:
        raise Http404
    return document


def question_list(*, search: str = "", category: str = "") -> QuerySet:
    """The published questions, in their categories' order then their own; ``search`` matches both languages'
    questions and answers, case-insensitive."""
    questions = Question.objects.filter(status=QuestionStatus.PUBLISHED).select_related("category")
    if search:
        questions = questions.filter(
            Q(question_zh__icontains=search)
            | Q(question_en__icontains=search)
            | Q(answer_zh__icontains=search)
            | Q(answer_en__icontains=search)
        )
    if category:
        questions = questions.filter(category__code=category)
    return questions


def question_queue() -> QuerySet:
    """Submitted questions waiting for an answer, oldest first."""
    return Question.objects.filter(status=QuestionStatus.SUBMITTED).select_related("asked_by").order_by("created_at")
