"""Reading cells: small cells keep their figures only inside the reader's own area."""

import pytest
from django.contrib.auth.models import AnonymousUser

from indices import selectors, services
from indices.models import COUNTRY
from tests.indices.test_index import TODAY, data  # noqa: F401 - the hand-computed data set, as a fixture


def _row(rows, code):
    return next(row for row in rows if row["region_code"] == code)


@pytest.mark.django_db
def test_small_cells_are_suppressed_outside_the_readers_area(data, guangdong_officer, shenzhen_officer, miit_officer):  # noqa: F811
    services.indices_recompute(years=[2025], today=TODAY)

    public = selectors.cell_rows(user=AnonymousUser(), year=2025, region_level="province")
    guangdong = _row(public, "440000")  # 4 enterprises
    assert guangdong["suppressed"] is True
    assert (guangdong["index"], guangdong["n"], guangdong["levels"]) == (None, None, None)
    assert guangdong["registered"] == 7

    assert _row(selectors.cell_rows(user=guangdong_officer, year=2025, region_level="province"), "440000")[
        "index"
    ] == pytest.approx(69.5)
    assert _row(selectors.cell_rows(user=shenzhen_officer, year=2025, region_level="province"), "440000")["suppressed"]
    shenzhen_cities = selectors.cell_rows(user=shenzhen_officer, year=2025, region_level="city", parent="440000")
    assert _row(shenzhen_cities, "440300")["n"] == 3  # its own city
    assert _row(shenzhen_cities, "440100")["suppressed"]  # Guangzhou is not
    national = selectors.cell_rows(user=miit_officer, year=2025, region_level="city")
    assert not any(row["suppressed"] for row in national)


@pytest.mark.django_db
def test_the_country_cell_is_public_once_it_has_five_enterprises(data):  # noqa: F811
    services.indices_recompute(years=[2024, 2025], today=TODAY)
    rows = selectors.cell_rows(user=AnonymousUser(), region_code=COUNTRY)
    assert [(row["year"], row["suppressed"]) for row in rows] == [(2024, True), (2025, False)]
    assert selectors.kpis(user=AnonymousUser(), year=2025)["cell"]["index"] == pytest.approx(60.4)


@pytest.mark.django_db
def test_the_enterprise_benchmark_shows_quartiles_only_for_cells_of_five(data):  # noqa: F811
    services.indices_recompute(years=[2025], today=TODAY)
    benchmark = selectors.enterprise_benchmark(enterprise=data["A"], year=2025)
    assert benchmark["score"] == pytest.approx(3.5)
    assert benchmark["country"]["S"][1] == pytest.approx(3.0)
    assert benchmark["industry"] is None  # 4 in industry 39 nationally
    assert benchmark["province"] is None
