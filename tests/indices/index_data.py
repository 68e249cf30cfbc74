"""Index cells computed the real way for the dashboard tests and the browser journey: enterprises, their official
results as facts (2024 and 2025) and self-assessments, then ``indices_recompute``.

The small cells the tests look at (fewer than 5 enterprises with a valid level in 2025):
- Hangzhou 330100 (4) and Ningbo 330200 (3): inside Zhejiang's scope;
- Nanjing 320100 (3) and Suzhou 320500 (3): Jiangsu's; the province itself has 6;
- Beijing 110000 (2): a small province.
"""

import datetime

from accounts.models import User
from enterprises.models import Enterprise, Region
from evaluations.models import Evaluation, EvaluationModel
from indices import services
from indices.models import EvaluationFact
from tests.factories import EnterpriseFactory

TODAY = datetime.date(2025, 12, 20)
YEARS = (2024, 2025)
BASIC = {"330100": 4, "330200": 3, "320100": 3, "320500": 3, "440300": 5, "440100": 2, "110100": 2}
# More provinces for a map worth looking at (each with enough enterprises to be shown to the public).
WIDE = {
    "310100": 6,
    "370100": 5,
    "370200": 3,
    "410100": 6,
    "420100": 5,
    "430100": 5,
    "510100": 6,
    "500100": 5,
    "350100": 3,
    "350200": 3,
    "340100": 5,
    "130100": 5,
    "120100": 5,
    "210100": 3,
    "210200": 3,
    "610100": 5,
    "360100": 5,
    "450100": 5,
    "530100": 5,
    "650100": 2,
    "620100": 5,
    "220100": 5,
    "230100": 5,
    "140100": 5,
    "150100": 2,
    "520100": 5,
    "460100": 2,
}
INDUSTRIES = ("39", "38", "34")
SIZES = ("medium", "small", "large")


def score_of(position: int, year: int) -> float:
    """A spread of scores between 1.2 and 4.8, a little higher in the later year."""
    return round(1.2 + ((position * 37) % 33) / 10 + (0.2 if year == 2025 else 0.0), 2)


def build(spec: dict[str, int] | None = None, *, recompute: bool = True, start: int = 0) -> list[Enterprise]:
    """``spec``: city code → how many enterprises; each gets an official result in 2024 and 2025 (published in
    June) and a self-assessment scored 0.4 higher. ``start`` offsets the score pattern between calls."""
    spec = spec or BASIC
    model = EvaluationModel.objects.get(code="QMC-2024")
    starter, _created = User.objects.get_or_create(username="index-starter")  # no password: hashing is slow
    regions = Region.objects.in_bulk(list(spec))
    enterprises = []
    for city, count in spec.items():
        for _ in range(count):
            position = start + len(enterprises)
            enterprises.append(
                EnterpriseFactory(
                    region_id=city,
                    industry_id=INDUSTRIES[position % len(INDUSTRIES)],
                    size_class=SIZES[position % len(SIZES)],
                )
            )
    Enterprise.objects.filter(pk__in=[e.pk for e in enterprises]).update(
        created_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )
    evaluations = Evaluation.objects.bulk_create(
        [
            Evaluation(enterprise=e, model=model, cycle=year, started_by=starter, status="published")
            for e in enterprises
            for year in YEARS
        ]
    )
    facts = []
    for number, evaluation in enumerate(evaluations):
        enterprise = evaluation.enterprise
        region = regions[enterprise.region_id]
        year = evaluation.cycle
        score = score_of(start + number // len(YEARS), year)
        place = {
            "evaluation": evaluation,
            "enterprise": enterprise,
            "province_code": region.parent_id or region.code,
            "city_code": region.code,
            "industry_code": enterprise.industry_id,
            "size_class": enterprise.size_class,
            "year": year,
        }
        facts.append(
            EvaluationFact(
                layer="official",
                level=int(score),
                score=score,
                dimension_scores={"D1": score - 0.3, "D2": score + 0.1},
                valid_from=datetime.date(year, 6, 1),
                valid_until=datetime.date(year + 3, 6, 1),
                **place,
            )
        )
        self_score = min(5.0, score + 0.4)
        facts.append(
            EvaluationFact(
                layer="self",
                level=int(self_score),
                score=self_score,
                dimension_scores={"D1": self_score, "D2": self_score},
                **place,
            )
        )
    EvaluationFact.objects.bulk_create(facts)
    if recompute:
        services.indices_recompute(today=TODAY)
    return enterprises
