"""Reads for decision and publication: the public notice, the quality inquiry, certificates, the authority's queue.

Enterprise data goes through ``accounts.scoping`` like everywhere else, with one deliberate, documented
exception: ``notices_open()`` (see its docstring).
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from accounts.models import User
from accounts.scoping import get_scoped_or_404, scope
from core.links import site_url
from core.models import pick_language
from evaluations.choices import CertificateStatus, EvaluationStatus, ObjectionStatus
from evaluations.models import Certificate, Evaluation, EvaluationModel, Objection

# The level below the first one, as data in both languages (the model's levels start at 1).
BELOW_FIRST_LEVEL = {"zh": "未达经验级", "en": "Below the experience level"}


def level_names(model: EvaluationModel, number: int | None) -> dict[str, str]:
    """A level's name in both languages: ``{"zh": "保证级", "en": "Assurance"}``."""
    if not number:
        return dict(BELOW_FIRST_LEVEL)
    level = next((item for item in model.levels if item["number"] == number), None)
    if level is None:
        return {"zh": str(number), "en": str(number)}
    return {"zh": level["name"]["zh"], "en": level["name"]["en"]}


# --- The public notice ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicNotice:
    """What a public notice (公示) publishes about one result: who, where, which level, until when. Nothing else."""

    pk: int
    enterprise_zh: str
    enterprise_en: str
    region_zh: str
    region_en: str
    industry_zh: str
    industry_en: str
    level: int
    level_zh: str
    level_en: str
    notice_until: date

    @property
    def enterprise(self) -> str:
        return pick_language(self.enterprise_zh, self.enterprise_en)

    @property
    def region(self) -> str:
        return pick_language(self.region_zh, self.region_en)

    @property
    def industry(self) -> str:
        return pick_language(self.industry_zh, self.industry_en)

    @property
    def level_name(self) -> str:
        return pick_language(self.level_zh, self.level_en)


NOTICE_FIELDS = (
    "pk",
    "enterprise__name_zh",
    "enterprise__name_en",
    "enterprise__region__name_zh",
    "enterprise__region__name_en",
    "enterprise__industry__name_zh",
    "enterprise__industry__name_en",
    "official_level",
    "model__levels",
    "notice_until",
)


def notices_open(*, today: date | None = None) -> list[PublicNotice]:
    """Results in public notice today, for anyone to read (anonymous visitors included), on purpose.

    A public notice exists so that the public can object before a level is published; hiding it would defeat
    it. So this selector, alone among the evaluation reads, does not pass through ``scope()``: a user's scope
    would show an anonymous visitor nothing (the result is not published yet), and an authority its own region
    only. To keep that exception narrow it returns only evaluations in status ``notice`` whose notice has not
    ended, and only what the notice publishes — enterprise name, region, industry, proposed level and the last
    day of the notice — as plain values (no model instances, so no lazy access to scores, ratings or findings).
    """
    today = today or timezone.localdate()
    rows = (
        Evaluation.objects.filter(status=EvaluationStatus.NOTICE, notice_until__gte=today)
        .order_by("notice_until", "enterprise__name_zh")
        .values_list(*NOTICE_FIELDS)
    )
    notices = []
    for pk, e_zh, e_en, r_zh, r_en, i_zh, i_en, level, levels, until in rows:
        name = level_names(EvaluationModel(levels=levels), level)
        notices.append(
            PublicNotice(pk, e_zh, e_en or e_zh, r_zh, r_en, i_zh, i_en, level or 0, name["zh"], name["en"], until)
        )
    return notices


# --- The quality inquiry and certificates ----------------------------------------------------------------


def results_published(*, user) -> QuerySet[Evaluation]:
    """Published results (published, expired or revoked), through the scoping layer.

    Only published rows, whoever asks: an authority searching the public inquiry sees what the public sees, not
    the unpublished work in its region.
    """
    return (
        scope(user, Evaluation.objects.filter(Evaluation.published_q))
        .select_related("enterprise__region", "enterprise__industry", "model", "certificate")
        .order_by("-published_at", "pk")
    )


def results_in_area(*, user) -> QuerySet[Evaluation]:
    """The published results (published, expired or revoked) of ``user``'s own area: an enterprise's own, an
    authority's region, an assessor's or institution's assignments, the country for MIIT. Unlike
    ``results_published``, not the published levels of everyone else (what the "results" export holds)."""
    return (
        scope(user, Evaluation.objects.filter(Evaluation.published_q), published=False)
        .select_related("enterprise__region", "enterprise__industry", "model", "certificate")
        .order_by("-published_at", "pk")
    )


def certificate_get(*, user, number: str, request: HttpRequest | None = None) -> Certificate:
    """A certificate by number (certificates are public once issued), with what its pages show."""
    queryset = Certificate.objects.select_related(
        "enterprise__region", "enterprise__industry", "evaluation__model", "revoked_by"
    )
    return get_scoped_or_404(user, queryset, request=request, number=number.strip().upper())


def certificate_for_download(*, user, number: str, request: HttpRequest | None = None) -> Certificate:
    """The certificate for its PDF: the public gets valid certificates; the enterprise and the authorities in
    scope also get expired and revoked ones (the PDF is then stamped so)."""
    certificate = certificate_get(user=user, number=number, request=request)
    if certificate.status == CertificateStatus.VALID:
        return certificate
    if scope(user, Certificate.objects.filter(pk=certificate.pk), published=False).exists():
        return certificate
    raise Http404


# --- The authority's decisions ---------------------------------------------------------------------------


def decision_queue(*, user: User) -> dict[str, list[Evaluation]]:
    """What waits for the authority in its area: results to decide, notices (with open objections), and the
    recently published results with a valid certificate (which it may revoke)."""
    in_area = scope(user, Evaluation.objects.all(), published=False).select_related(
        "enterprise__region", "enterprise__industry", "model"
    )
    return {
        "to_decide": list(in_area.filter(status=EvaluationStatus.RESULT_SUBMITTED).order_by("result_submitted_at")),
        "in_notice": list(
            in_area.filter(status=EvaluationStatus.NOTICE)
            .annotate(open_objections=Count("objections", filter=Q(objections__status=ObjectionStatus.OPEN)))
            .order_by("notice_until")
        ),
        "published": list(
            in_area.filter(status=EvaluationStatus.PUBLISHED)
            .select_related("certificate")
            .order_by("-published_at")[:100]
        ),
    }


def decision_get(*, user: User, pk: int, request: HttpRequest | None = None) -> Evaluation:
    """An evaluation the user may decide on: inside the user's own area (a published result elsewhere is
    readable by anyone, but not decidable: that is a 404 here, audit-logged)."""
    queryset = Evaluation.objects.select_related("enterprise__region", "enterprise__industry", "model")
    return get_scoped_or_404(user, queryset, request=request, published=False, pk=pk)


def objections_of(*, evaluation: Evaluation) -> list[Objection]:
    return list(Objection.objects.filter(evaluation=evaluation).select_related("resolved_by"))


def certificate_verify_url(certificate: Certificate) -> str:
    """The absolute public verification address (what the QR code holds), from the SITE_URL setting."""
    return site_url(certificate.get_absolute_url())
