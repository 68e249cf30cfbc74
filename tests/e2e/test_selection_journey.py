"""Issue 6's engine in headless Chromium: the demo enterprise applies to the open pilot-platform call, Shenzhen's
authority recommends it, MIIT assigns three experts, the demo expert scores it, MIIT shortlists it, puts it in
public notice, selects and publishes it; anyone then finds it on the call's published list and in the pilot
platform directory, and another enterprise sends it a service request."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from selections import services
from selections.models import Application, Call, Review
from tests.e2e.conftest import accessibility_problems, screenshot
from tests.e2e.test_journeys import log_in

pytestmark = pytest.mark.e2e


def test_apply_recommend_review_notice_and_publish(demo_site, new_page):
    call = Call.objects.get(year=timezone.localdate().year)
    page = new_page()
    log_in(page, demo_site, "enterprise_admin")
    page.get_by_role("link", name="Calls", exact=True).click()
    page.get_by_role("link", name=call.title_en).click()
    page.get_by_label("Title").fill("Power electronics pilot line")
    page.get_by_label("Summary of the application").fill("A pilot line for power modules.")
    page.get_by_label("Contact person").fill("Zhang San")
    page.get_by_label("Contact telephone").fill("0755-12345678")
    page.get_by_label("Key field").select_option("electronics")
    page.get_by_label("Industry direction").fill("Power semiconductors")
    page.get_by_label("Design validation").check()
    page.get_by_label("Process validation", exact=True).check()
    page.get_by_label("Construction mode").select_option("alliance")
    page.get_by_label("Main pilot equipment").fill("Two pilot lines.")
    page.get_by_label("Pilot capacity").fill("2,000 modules a month.")
    page.get_by_label("Pilot equipment value").fill("a lot")  # not a number: refused, nothing saved
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_text("Enter a number.")).to_be_visible()
    assert accessibility_problems(page, "application form with an error") == []
    assert not Application.objects.filter(title="Power electronics pilot line").exists()
    page.get_by_label("Pilot equipment value").fill("3200")
    page.get_by_label("Enterprises served last year").fill("41")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_text("Saved as a draft.")).to_be_visible()
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(page.get_by_text("Submitted. Your authority ranks")).to_be_visible()
    application = Application.objects.get(title="Power electronics pilot line")
    assert application.authority_id == "SZ"

    page = new_page()
    log_in(page, demo_site, "authority_sz")
    page.goto(f"{demo_site}/calls/{call.pk}/recommend/")
    page.locator(f"#rank-{application.pk}").fill("1")
    page.get_by_role("button", name="Record the recommendations").click()
    expect(page.get_by_text("Your recommendations are recorded.")).to_be_visible()

    page = new_page()
    log_in(page, demo_site, "miit")
    page.goto(f"{demo_site}/calls/applications/{application.pk}/")
    experts = list(User.objects.filter(username__in=["expert", "expert_b", "expert_c"]).order_by("username"))
    for expert in experts:
        page.get_by_label("Assign an expert").select_option(str(expert.pk))
        page.get_by_role("button", name="Assign", exact=True).click()
        expect(page.get_by_text(f"{expert} reviews this application.")).to_be_visible()

    reviewer = new_page()
    log_in(reviewer, demo_site, "expert")
    reviewer.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": demo_site}])  # in Chinese
    reviewer.goto(f"{demo_site}/calls/reviews/{Review.objects.get(application=application, expert=experts[0]).pk}/")
    for code, score in (("C1", "80"), ("C2", "88"), ("C3", "150")):
        reviewer.locator(f"#score-{code}").fill(score)
        reviewer.locator(f"#comment-{code}").fill("依据充分。")
    reviewer.get_by_role("button", name="提交评审").click()
    expect(reviewer.get_by_text("评分须在0至100之间")).to_be_visible()  # out of range: nothing saved
    reviewer.locator("#score-C3").fill("90")
    reviewer.get_by_role("button", name="提交评审").click()
    expect(reviewer.get_by_text("评审已提交。")).to_be_visible()
    screenshot(reviewer, "selection-review-zh")
    for expert in experts[1:]:
        review = Review.objects.get(application=application, expert=expert)
        scores = {code: {"score": 84, "comment": "Sound."} for code in ("C1", "C2", "C3")}
        services.review_submit(review=review, scores=scores, by=expert)

    page.reload()
    page.get_by_role("button", name="Shortlist").click()
    expect(page.get_by_text("Shortlisted.")).to_be_visible()
    page.get_by_role("button", name="Start the public notice").click()
    expect(page.get_by_text("In public notice until")).to_be_visible()
    Application.objects.filter(pk=application.pk).update(notice_until=timezone.localdate() - timedelta(days=1))
    page.reload()
    page.get_by_role("button", name="Select (after the notice)").click()
    expect(page.get_by_text("Selected.", exact=True)).to_be_visible()
    page.get_by_role("button", name="Publish on the list").click()
    expect(page.get_by_text("Published on the call's list.")).to_be_visible()
    screenshot(page, "selection-application")

    visitor = new_page()
    visitor.goto(f"{demo_site}/calls/{call.pk}/")
    expect(visitor.get_by_role("heading", name="Published list")).to_be_visible()
    expect(visitor.get_by_text("Power electronics pilot line")).to_be_visible()
    screenshot(visitor, "selection-published-list")

    # The platform is in the public directory; another enterprise finds it by service and sends it a request.
    platform = application.platform
    visitor.goto(f"{demo_site}/pilots/?service=design")
    expect(visitor.get_by_role("link", name="Power electronics pilot line")).to_be_visible()
    # ... and on the map: a marker on its city, drawn by Plotly; choosing the marker lists the platform under it.
    expect(visitor.locator("#quality-map .scattergeo .point").first).to_be_attached()
    markers = visitor.evaluate(
        "Array.from(document.getElementById('quality-map').data)"
        ".filter(t => t.type === 'scattergeo' && t.mode === 'markers').flatMap(t => t.customdata)"
    )
    assert platform.region_id in markers
    visitor.evaluate(
        "code => document.getElementById('quality-map').emit('plotly_click', {points: [{customdata: code}]})",
        platform.region_id,
    )
    expect(visitor.locator("#map-entries").get_by_role("link", name="Power electronics pilot line")).to_be_visible()
    screenshot(visitor, "pilot-directory-map")
    other = (
        User.objects.filter(username__startswith="applicant_")
        .exclude(memberships__enterprise=application.enterprise)
        .first()
    )
    customer = new_page()
    log_in(customer, demo_site, other.username)
    customer.goto(f"{demo_site}/pilots/{platform.pk}/")
    customer.get_by_label("Service").select_option("process")
    customer.get_by_label("What is to be validated").fill("A new inverter casing.")
    customer.get_by_role("button", name="Send the request").click()
    expect(customer.get_by_text("Your request was sent")).to_be_visible()
    expect(customer.get_by_text("A new inverter casing.")).to_be_visible()
    screenshot(customer, "pilot-service-request")
