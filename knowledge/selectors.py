"""Reads of the library: everything that is not a draft is public; a draft only for those who may edit it."""

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.choices import Role
from evaluations import selectors as evaluation_selectors  # a module: evaluations.selectors reads the toolbox too
from evaluations.models import Requirement
from knowledge.models import (
    DocumentKind,
    DocumentStatus,
    Method,
    MethodKind,
    MethodLink,
    PolicyDocument,
    Question,
    QuestionStatus,
    Topic,
)


def publisher_authority_ids(user) -> list[str]:
    """The authorities whose documents ``user`` publishes (as their staff)."""
    return [authority.pk for authority in user.authorities] if user.is_authenticated else []


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


def method_list(*, search: str = "", kind: str = "") -> QuerySet:
    """The toolbox in its order; ``search`` matches both languages' names and purposes and the keywords."""
    methods = Method.objects.all()
    if search:
        methods = methods.filter(
            Q(name_zh__icontains=search)
            | Q(name_en__icontains=search)
            | Q(purpose_zh__icontains=search)
            | Q(purpose_en__icontains=search)
            | Q(keywords__icontains=search)
        )
    if kind in MethodKind.values:
        methods = methods.filter(kind=kind)
    return methods


def method_get(code: str) -> Method:
    method = Method.objects.filter(code=code).first()
    if method is None:
        raise Http404
    return method


def methods_for(requirements) -> dict[str, list[Method]]:
    """The methods that help meet each of ``requirements`` (with ``indicator`` loaded), by requirement code: those
    linked to the requirement itself or to its indicator (every level of it), in the toolbox's order. One query."""
    targets: dict[str, set[str]] = {}
    for requirement in requirements:
        targets.setdefault(requirement.code, set()).add(requirement.code)
        targets.setdefault(requirement.indicator.code, set()).add(requirement.code)
    found: dict[str, list[Method]] = {requirement.code: [] for requirement in requirements}
    links = MethodLink.objects.filter(target__in=targets).select_related("method")
    for link in sorted(links, key=lambda link: (link.method.order, link.method.code)):
        for code in targets[link.target]:
            if link.method not in found[code]:
                found[code].append(link.method)
    return found


def method_requirements(method: Method) -> list[Requirement]:
    """The requirements of the current version of each active model that ``method`` helps to meet, in the model's
    order (indicator and level)."""
    targets = list(method.links.values_list("target", flat=True))
    if not targets:
        return []
    current = {}
    for model in evaluation_selectors.model_list():
        current.setdefault(model.code, model.pk)
    return list(
        Requirement.objects.filter(model_id__in=current.values())
        .filter(Q(code__in=targets) | Q(indicator__code__in=targets))
        .select_related("indicator", "model")
        .order_by("model__code", "position")
    )


def method_case_q(method: Method) -> Q:
    """Typical cases whose methods name ``method`` by one of its keywords (nothing when it has none)."""
    q = Q(pk__in=[])
    for word in method.keyword_list:
        q |= Q(methods__icontains=word)
    return q
