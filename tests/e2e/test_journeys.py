import time

import pytest
from playwright.sync_api import expect

from core.demo import DEMO_PASSWORD
from enterprises.models import EnterpriseClaim
from tests.e2e.conftest import accessibility_problems, screenshot

pytestmark = pytest.mark.e2e

# Each demo login lands on its own home; the text proves which one.
HOMES = {
    "admin": "National overview",
    "miit": "National overview",
    "authority_gd": "Department of Industry and Information Technology of Guangdong Province",
    "authority_sz": "Shenzhen",
    "enterprise_admin": "Open the enterprise profile",
    "enterprise_member": "Open the enterprise profile",
    "institution_admin": "Evaluation work",
    "assessor": "Evaluation work",
    "lead_assessor": "Evaluation work",
    "expert": "Expert review",
    "applicant": "Your claims",
}


def log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def test_every_demo_role_lands_on_its_home(demo_site, new_page):
    for username, marker in HOMES.items():
        page = new_page()
        log_in(page, demo_site, username)
        assert page.url.rstrip("/") == demo_site, username
        assert marker in page.content(), username
        assert page.get_by_role("button", name="Log out").is_visible()
        screenshot(page, f"home-{username}")


def test_registration_in_chinese_with_a_typo_then_verified_by_the_authority(demo_site, new_page):
    page = new_page(locale="zh-CN")
    page.goto(f"{demo_site}/enterprises/register/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    page.locator("#id_username").fill("chen")
    page.locator("#id_display_name").fill("陈质量")
    page.locator("#id_email").fill("chen@example.com")
    page.locator("#id_password1").fill("Quality-First-2026")
    page.locator("#id_password2").fill("Quality-First-2026")
    page.locator("#id_credit_code").fill("91440300708461136X")  # the check character should be T
    page.locator("#id_name_zh").fill("深圳卓越仪表有限公司")
    page.locator("#id_region").select_option("440300")
    page.locator("#id_industry").select_option("40")
    page.locator("#id_size_class").select_option("small")
    page.get_by_role("button", name="注册").click()

    error = page.locator("#id_credit_code_error")
    assert "T" in error.inner_text()
    assert "校验码" in error.inner_text()
    assert page.locator("#id_name_zh").input_value() == "深圳卓越仪表有限公司"  # nothing typed is lost
    assert accessibility_problems(page, "registration with an error (zh)") == []
    screenshot(page, "register-typo-zh")

    page.locator("#id_credit_code").fill("91440300708461136T")
    page.locator("#id_password1").fill("Quality-First-2026")
    page.locator("#id_password2").fill("Quality-First-2026")
    page.get_by_role("button", name="注册").click()
    assert "深圳卓越仪表有限公司" in page.content()
    assert EnterpriseClaim.objects.filter(user__username="chen", status="pending").exists()

    officer = new_page()
    log_in(officer, demo_site, "authority_sz")
    officer.goto(f"{demo_site}/enterprises/claims/")
    row = officer.locator("tr", has_text="91440300708461136T")
    screenshot(officer, "claims-authority-sz")
    row.get_by_role("button", name="Approve").click()
    assert "was approved" in officer.content()
    assert EnterpriseClaim.objects.get(user__username="chen").status == "approved"

    page.reload()
    assert "深圳卓越仪表有限公司" in page.locator("h1").inner_text()
    screenshot(page, "home-new-enterprise-admin-zh")


def test_language_switcher_changes_the_page(demo_site, new_page):
    page = new_page()
    page.goto(demo_site)
    assert page.get_by_role("banner").get_by_role("link", name="Log in").is_visible()
    page.locator("#lang-select").select_option("zh-hans")
    page.get_by_role("button", name="Switch language").click()
    page.wait_for_load_state()
    assert page.get_by_role("banner").get_by_role("link", name="登录").is_visible()
    screenshot(page, "public-home-zh")


def test_api_docs_render_offline_under_the_content_security_policy(demo_site, new_page):
    page = new_page()
    page.goto(f"{demo_site}/api/v1/docs/")
    page.locator(".swagger-ui .info").wait_for()
    assert "QualityPath API" in page.locator(".swagger-ui .info").inner_text()
    assert page.locator(".opblock-tag", has_text="enterprises").count() >= 1
    screenshot(page, "api-docs")


def test_enterprise_admin_adds_a_supplier(demo_site, new_page):
    from enterprises.models import Enterprise, SupplierLink

    page = new_page()
    log_in(page, demo_site, "enterprise_admin")
    page.get_by_role("link", name="Open the enterprise profile").click()
    supplier = Enterprise.objects.exclude(region_id="440300").order_by("pk").first()
    page.get_by_label("Supplier's unified social credit code").fill(supplier.credit_code.lower())
    page.get_by_label("Products supplied").fill("PCB")
    page.get_by_role("button", name="Add supplier").click()
    assert "was added to your suppliers" in page.content()
    assert page.locator("#suppliers ~ .two-col").get_by_text(supplier.name_en).is_visible()
    assert SupplierLink.objects.filter(supplier=supplier, products="PCB").exists()
    screenshot(page, "enterprise-detail-suppliers")
    page.goto(f"{demo_site}/enterprises/")
    screenshot(page, "enterprise-list-admin")


def test_self_assessment_saves_as_it_goes_survives_a_reload_and_submits(demo_site, new_page, tmp_path):
    from evaluations.models import Answer, Evaluation

    page = new_page()
    log_in(page, demo_site, "enterprise_admin")
    page.get_by_role("link", name="Self-assessment", exact=True).click()
    page.get_by_role("button", name="Start the self-assessment").click()
    page.wait_for_load_state()
    evaluation = Evaluation.objects.get(started_by__username="enterprise_admin", status="draft")

    boxes = page.locator("fieldset.requirement")
    for index in range(5):
        boxes.nth(index).get_by_label("Fully met").check()
    page.locator("[data-save-state]", has_text="Saved").wait_for()
    expect(page.locator("[data-answered]")).to_have_text("5")  # the progress bar follows the saves
    screenshot(page, "self-assessment-form")

    page.reload()
    assert page.locator("fieldset.requirement input[type=radio]:checked").count() == 5
    assert Answer.objects.filter(evaluation=evaluation).exclude(rating="").count() == 5

    # A comment typed just before leaving is still saved (the page sends it as it closes).
    page.locator("fieldset.requirement").first.locator("input[name^=c-]").fill("见质量手册第3章")
    page.goto(demo_site + "/")
    for _ in range(50):
        if Answer.objects.filter(evaluation=evaluation, comment="见质量手册第3章").exists():
            break
        time.sleep(0.1)
    assert Answer.objects.filter(evaluation=evaluation, comment="见质量手册第3章").exists()
    page.goto(f"{demo_site}/evaluations/{evaluation.pk}/")

    evidence = tmp_path / "质量手册.pdf"
    evidence.write_bytes(b"%PDF-1.4\n%%EOF\n")
    first = page.locator("section.indicator").first
    first.locator("input[type=file]").set_input_files(str(evidence))
    first.get_by_role("button", name="Upload").click()
    assert "was kept as evidence" in page.content()
    assert page.locator("section.indicator").first.get_by_role("link", name="质量手册.pdf").is_visible()

    # Answer everything else through the same autosave endpoint the page uses, then review and submit.
    token = page.locator(".assessment > input[name=csrfmiddlewaretoken]").input_value()
    codes = list(evaluation.model.requirements.exclude(answers__evaluation=evaluation).values_list("code", flat=True))
    for code in codes:
        response = page.request.post(
            f"{demo_site}/api/v1/evaluations/{evaluation.pk}/answers/",
            data={"requirement": code, "rating": "0.8"},
            headers={"X-CSRFToken": token, "Referer": demo_site + "/"},
        )
        assert response.ok, response.text()
    page.get_by_role("link", name="Review and submit").click()
    screenshot(page, "self-assessment-review")
    page.get_by_role("button", name="Submit the self-assessment").click()
    assert "was submitted" in page.content()
    page.locator("#radar .main-svg").first.wait_for()
    screenshot(page, "self-assessment-result")
    evaluation.refresh_from_db()
    assert evaluation.status == "submitted"
    assert evaluation.self_level is not None
    assert page.locator(".level-badge .name").inner_text() == evaluation.self_result["level_name"]


def test_public_self_diagnosis_in_chinese(demo_site, new_page):
    page = new_page(locale="zh-CN")
    page.goto(f"{demo_site}/evaluations/self-diagnosis/")
    questions = page.locator("fieldset.diagnosis-question")
    for index in range(questions.count()):
        questions.nth(index).locator("input[value='2']").check()
    page.locator("main form.form button[type=submit]").click()
    assert "检验级" in page.locator("#outcome").inner_text()
    screenshot(page, "self-diagnosis-zh")


def test_institution_admin_checks_an_assessor_for_conflicts(demo_site, new_page):
    from enterprises.models import Enterprise

    page = new_page()
    log_in(page, demo_site, "institution_admin")
    page.get_by_role("link", name="Manage your institution's assessors").click()
    home_enterprise = Enterprise.objects.get(memberships__user__username="enterprise_admin")
    form = page.locator("form", has=page.locator("input[name=action][value=check]"))
    form.get_by_label("Assessor").select_option(label="评价员 Assessor")
    form.get_by_label("Enterprise's unified social credit code").fill(home_enterprise.credit_code)
    form.get_by_role("button", name="Check").click()
    result = page.locator("#check-result").inner_text()
    assert "consulted for the enterprise" in result
    screenshot(page, "institution-conflict-check")
