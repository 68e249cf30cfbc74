"""The second factor in Chromium: an authority officer enrols an authenticator app and logs in with it.

The test plays the phone: it reads the secret the page offers for manual entry and computes the codes (RFC 6238).
"""

from base64 import b32decode
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone
from django_otp.oath import totp
from playwright.sync_api import expect

from accounts.choices import AuditAction, Role
from accounts.models import AuditLog
from tests.e2e.conftest import accessibility_problems, screenshot
from tests.e2e.test_journeys import log_in

pytestmark = pytest.mark.e2e
GUANGDONG = "Department of Industry and Information Technology of Guangdong Province"


def app_code(secret: str) -> str:
    return f"{totp(b32decode(secret)):06d}"


def test_an_authority_enrols_an_authenticator_app_and_logs_in_with_a_code(demo_site, new_page, settings):
    settings.MFA_REQUIRED_ROLES = frozenset({Role.AUTHORITY, Role.NATIONAL})
    page = new_page()
    log_in(page, demo_site, "authority_gd")
    expect(page.get_by_role("heading", name="Set up your second factor")).to_be_visible()
    expect(page.locator("svg.segno")).to_be_visible()  # the QR code
    secret = page.locator("#totp-secret").get_attribute("data-secret")
    assert page.locator("#totp-secret").inner_text().replace(" ", "") == secret
    assert accessibility_problems(page, "second-factor enrolment") == []
    screenshot(page, "mfa-enrol")

    # Nothing else opens before the second factor.
    page.goto(f"{demo_site}/evaluations/queue/")
    expect(page.get_by_role("heading", name="Set up your second factor")).to_be_visible()

    page.get_by_label("Code").fill(app_code(secret))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = page.locator("ol.recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as a text file").click()
    download = download_info.value
    assert download.suggested_filename == "qualitypath-recovery-codes.txt"
    text = Path(download.path()).read_text(encoding="utf-8")
    assert all(code in text for code in codes)
    assert accessibility_problems(page, "recovery codes") == []
    screenshot(page, "mfa-recovery-codes")
    page.get_by_role("link", name="I have kept them — continue").click()
    expect(page.get_by_role("heading", name="Submitted self-assessments")).to_be_visible()  # where they were going

    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()
    # The next code of the app, half a minute later (the one used to enrol is spent).
    with time_machine.travel(timezone.now() + timedelta(seconds=30), tick=True):
        log_in(page, demo_site, "authority_gd")
        expect(page.get_by_role("heading", name="Second factor")).to_be_visible()
        assert accessibility_problems(page, "second-factor code page") == []
        page.get_by_label("Code").fill(app_code(secret))
        page.get_by_role("button", name="Verify").click()
        expect(page.get_by_text(GUANGDONG).first).to_be_visible()
    assert page.url.rstrip("/") == demo_site
    screenshot(page, "mfa-logged-in")
    actions = set(AuditLog.objects.filter(actor__username="authority_gd").values_list("action", flat=True))
    assert {AuditAction.MFA_ENROLLED, AuditAction.RECOVERY_CODES, AuditAction.MFA_VERIFIED} <= actions
