"""Reading annual work summaries: who may read which, MIIT's board, and a year's content for the exports.

An authority's staff read their own authority's summaries; national (MIIT) staff and platform administrators
read all. Anyone else gets a 404 (audited), as for enterprise data out of scope.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Max, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.choices import Role
from accounts.scoping import not_found
from enterprises.models import Authority
from enterprises.selectors import authority_of
from summaries import kpis
from summaries.choices import BoardStatus, SummaryStatus
from summaries.models import AnnualSummary, SummaryTemplate
from summaries.services import writes_for


def reads_all(user) -> bool:
    return user.is_authenticated and user.has_role(Role.NATIONAL, Role.PLATFORM_ADMIN)


def template_list() -> QuerySet[SummaryTemplate]:
    return SummaryTemplate.objects.all()


def template_get(year: int) -> SummaryTemplate:
    return get_object_or_404(SummaryTemplate.objects.prefetch_related("sections"), year=year)


def authority_get(*, user, code: str, request: HttpRequest | None = None) -> Authority:
    """The authority whose summaries ``user`` asks for: their own, or any for MIIT; else a 404."""
    authority = get_object_or_404(Authority, pk=code)
    if reads_all(user) or writes_for(user, authority):
        return authority
    raise not_found(user, authority, request=request, reason="summary_out_of_scope")


def summary_find(*, template: SummaryTemplate, authority: Authority) -> AnnualSummary | None:
    return (
        AnnualSummary.objects.filter(template=template, authority=authority)
        .select_related("submitted_by", "reviewed_by")
        .prefetch_related("attachments", "events__by")
        .first()
    )


def own_authority(user) -> Authority | None:
    return authority_of(user) if user.is_authenticated else None


@dataclass
class BoardRow:
    authority: Authority
    summary: AnnualSummary | None
    status: str
    overdue_days: int  # never submitted and past the deadline: by how many days

    @property
    def status_label(self) -> str:
        return BoardStatus(self.status).label

    @property
    def days_late(self) -> int:
        return self.summary.days_late if self.summary and self.summary.submitted_at else 0


def board(*, template: SummaryTemplate, today: date | None = None) -> list[BoardRow]:
    """The 37 authorities with their summary's state for the template's year (two queries)."""
    today = today or timezone.localdate()
    summaries = {s.authority_id: s for s in template.summaries.select_related("submitted_by")}
    rows = []
    for authority in Authority.objects.order_by("code"):
        summary = summaries.get(authority.pk)
        status = summary.board_status if summary else BoardStatus.NOT_STARTED
        # Overdue: never submitted, and the deadline has passed (a returned one was submitted; MIIT asked for more).
        waiting = summary is None or summary.status == SummaryStatus.DRAFT
        overdue = max(0, (today - template.deadline).days) if waiting else 0
        rows.append(BoardRow(authority, summary, status, overdue))
    return rows


def board_counts(rows: list[BoardRow]) -> list[tuple[str, str, int]]:
    """(status, label, count) for every board status, in order."""
    counted = dict.fromkeys(BoardStatus.values, 0)
    for row in rows:
        counted[row.status] += 1
    return [(status, BoardStatus(status).label, counted[status]) for status in BoardStatus.values]


@dataclass
class YearBundle:
    """A year's summaries as the exports write them: only what the data say, so the same data give the same
    file. The KPI figures are the frozen ones of submitted summaries; a draft shows its state only."""

    template: SummaryTemplate
    rows: list[BoardRow]
    vintage: datetime
    kpis: list[kpis.Kpi]
    targets: dict  # the national targets set for the year (reached_level_<k> → goal)


def year_vintage(template: SummaryTemplate) -> datetime:
    """The data vintage of a year's export: the last change to its template or any of its summaries."""
    last = template.summaries.aggregate(last=Max("updated_at"))["last"]
    return max(filter(None, [template.updated_at, last]))


def year_bundle(*, template: SummaryTemplate) -> YearBundle:
    """Everything a year's export writes. Rows are every authority; ``today`` for the overdue days is the
    vintage's day, so the export does not change with the day it is made."""
    vintage = year_vintage(template)
    return YearBundle(
        template=template,
        rows=board(template=template, today=timezone.localdate(vintage)),
        vintage=vintage,
        kpis=kpis.kpi_list(template.kpis),
        targets=kpis.national_targets(template.year),
    )


def home_panel(user) -> dict | None:
    """The latest year's summary for a home page: the authority's own (state, deadline), or MIIT's counts."""
    template = template_list().first()
    if template is None:
        return None
    if reads_all(user):
        return {"template": template, "counts": board_counts(board(template=template)), "national": True}
    authority = own_authority(user)
    if authority is None:
        return None
    return {
        "template": template,
        "authority": authority,
        "summary": summary_find(template=template, authority=authority),
    }
