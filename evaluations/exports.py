"""The evaluation tables users export in the background (``core.exports``): the evaluations a user works with, and
the published results of the user's own area.

Both read through the selectors, so through ``accounts.scoping``, as the user who asked (the job runs with their
identity), filtered by the list page's filters; rows are read from a server-side cursor, a chunk at a time, in the
reader's language (the job's).
"""

from collections.abc import Iterator

from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import Table, export_source
from core.models import pick_language
from evaluations import publication_selectors, selectors
from evaluations.choices import CertificateStatus, EvaluationStatus
from evaluations.filters import EvaluationFilterSet, PublishedResultFilterSet
from evaluations.models import Evaluation, EvaluationModel

CHUNK = 2000
ENTERPRISE_FIELDS = (
    "enterprise__name_zh",
    "enterprise__name_en",
    "enterprise__credit_code",
    "enterprise__region__name_zh",
    "enterprise__region__name_en",
    "enterprise__industry__name_zh",
    "enterprise__industry__name_en",
)
SPLIT = len(ENTERPRISE_FIELDS)  # a row's values: the enterprise's, then the table's own


def _moment(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _enterprise(name_zh, name_en, credit_code, region_zh, region_en, industry_zh, industry_en) -> list:
    return [
        pick_language(name_zh, name_en),
        credit_code,
        pick_language(region_zh, region_en),
        pick_language(industry_zh, industry_en),
    ]


def _enterprise_headers() -> list[str]:
    return [_("Enterprise"), _("Credit code"), _("Region"), _("Industry")]


class _LevelNames:
    """Level names in the reader's language, from the levels of the models the exported rows use (one query)."""

    def __init__(self, queryset: QuerySet[Evaluation]):
        models = EvaluationModel.objects.filter(pk__in=queryset.values("model_id"))
        self.levels = dict(models.values_list("pk", "levels"))

    def __call__(self, model_id: int, number: int | None) -> str:
        if number is None:
            return ""
        names = publication_selectors.level_names(EvaluationModel(levels=self.levels.get(model_id, [])), number)
        return pick_language(names["zh"], names["en"])


def _shown(field, value) -> str:
    """A filter's value as its form shows it (a choice's label, not its code)."""
    if isinstance(value, Model):
        return str(value)
    for key, label in getattr(field, "choices", ()):
        if isinstance(label, list | tuple):  # a group of choices
            found = next((str(inner) for code, inner in label if str(code) == str(value)), None)
            if found is not None:
                return found
        elif str(key) == str(value):
            return str(label)
    return str(value)


def filter_notes(filterset) -> list[tuple[str, str]]:
    """The filters applied, as (label, value) lines for the export's "About" sheet."""
    filterset.is_valid()
    form = filterset.form
    return [
        (str(field.label), _shown(field, form.cleaned_data[name]))
        for name, field in form.fields.items()
        if form.cleaned_data.get(name) not in (None, "", [])
    ]


@export_source("evaluations", params=EvaluationFilterSet.base_filters)
def evaluations_table(user, params: dict) -> Table:
    """The evaluations ``user`` works with (``selectors.evaluation_list``, the evaluation list's rows), filtered
    as the list was."""
    filterset = EvaluationFilterSet(params, queryset=selectors.evaluation_list(user=user))
    queryset = filterset.qs.order_by("-cycle", "-created_at", "pk")
    level_name = _LevelNames(queryset)
    fields = (
        *ENTERPRISE_FIELDS,
        "cycle",
        "model__code",
        "model__version",
        "model_id",
        "status",
        "self_level",
        "self_score",
        "official_level",
        "official_score",
        "submitted_at",
        "published_at",
    )

    def rows() -> Iterator[list]:
        for values in queryset.values_list(*fields).iterator(chunk_size=CHUNK):
            cycle, code, version, model_id, status, self_level, self_score, level, score, sent, out = values[SPLIT:]
            yield [
                *_enterprise(*values[:SPLIT]),
                cycle,
                f"{code} {version}",
                str(EvaluationStatus(status).label),
                self_level,
                level_name(model_id, self_level),
                self_score,
                level,
                level_name(model_id, level),
                score,
                _moment(sent),
                _moment(out),
            ]

    headers = [
        *_enterprise_headers(),
        _("Cycle (year)"),
        _("Model"),
        _("Status"),
        _("Self-assessed level"),
        _("Self-assessed level name"),
        _("Self-assessed score S"),
        _("Official level"),
        _("Official level name"),
        _("Official score S"),
        _("Submitted at"),
        _("Published at"),
    ]
    notes = [(_("Scope"), _("The evaluations you work with: your own scope.")), *filter_notes(filterset)]
    return Table(_("Evaluations"), headers, rows(), total=queryset.count(), notes=notes)


@export_source("results", params=PublishedResultFilterSet.base_filters)
def results_table(user, params: dict) -> Table:
    """The published results and certificates of ``user``'s own area (``publication_selectors.results_in_area``),
    filtered as the quality inquiry."""
    filterset = PublishedResultFilterSet(params, queryset=publication_selectors.results_in_area(user=user))
    queryset = filterset.qs.order_by("-published_at", "pk")
    level_name = _LevelNames(queryset)
    fields = (
        *ENTERPRISE_FIELDS,
        "cycle",
        "model_id",
        "official_level",
        "official_score",
        "status",
        "published_at",
        "certificate__number",
        "certificate__status",
        "certificate__issued_on",
        "certificate__valid_until",
    )

    def rows() -> Iterator[list]:
        for values in queryset.values_list(*fields).iterator(chunk_size=CHUNK):
            cycle, model_id, level, score, status, published, number, state, issued, until = values[SPLIT:]
            yield [
                *_enterprise(*values[:SPLIT]),
                cycle,
                level,
                level_name(model_id, level),
                score,
                str(EvaluationStatus(status).label),
                _moment(published),
                number,
                str(CertificateStatus(state).label) if state else "",
                issued,
                until,
            ]

    headers = [
        *_enterprise_headers(),
        _("Cycle (year)"),
        _("Official level"),
        _("Official level name"),
        _("Official score S"),
        _("Status"),
        _("Published at"),
        _("Certificate number"),
        _("Certificate status"),
        _("Issued on"),
        _("Valid until"),
    ]
    notes = [(_("Scope"), _("The published results of your own area.")), *filter_notes(filterset)]
    return Table(_("Published results"), headers, rows(), total=queryset.count(), notes=notes)
