"""The calibration page draws its charts in Chromium under the content security policy (no console errors)."""

import pytest

from accounts.choices import Role
from accounts.models import User
from tests.e2e.conftest import screenshot
from tests.factories import PASSWORD, EnterpriseFactory, UserFactory, default_institution, grant

pytestmark = pytest.mark.e2e


@pytest.fixture
def calibration_site(live_server, transactional_db):
    from enterprises.services import reference_data_load
    from evaluations.models import EvaluationModel, Requirement
    from tests.conftest import load_shipped_model
    from tests.evaluations.test_calibration import scored_evaluation

    reference_data_load()
    load_shipped_model()
    qmc = EvaluationModel.objects.get(code="QMC-2024")
    requirements = list(Requirement.objects.filter(model=qmc).order_by("position")[:12])
    lenient = grant(User.objects.create(username="lenient", display_name="Lenient Li"), Role.ASSESSOR)
    strict = grant(User.objects.create(username="strict", display_name="Strict Su"), Role.ASSESSOR)
    team = (default_institution(), lenient, strict)
    for code in ("440300", "440100", "440600", "440300"):
        scored_evaluation(EnterpriseFactory(region_id=code), qmc=qmc, requirements=requirements, team=team)
    grant(UserFactory(username="miit"), Role.NATIONAL)
    return live_server.url


def test_calibration_charts_render(calibration_site, new_page):
    page = new_page()
    page.goto(f"{calibration_site}/accounts/login/")
    page.get_by_label("Username").fill("miit")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    page.goto(f"{calibration_site}/evaluations/calibration/")
    page.wait_for_selector("#chart-assessors .main-svg")
    for chart in ("dimensions", "provinces", "industries", "assessors", "institutions"):
        assert page.locator(f"#chart-{chart} .main-svg").count() >= 1, chart
    screenshot(page, "calibration")
