"""Certificates: the bilingual PDF with an embedded CJK font and a QR code, who may download it, the public
verification page and API."""

import datetime
import shutil
import subprocess

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from evaluations import certificate_pdf
from evaluations.certificate_pdf import render_certificate_pdf
from evaluations.choices import CertificateStatus, EvaluationStatus
from evaluations.publication_selectors import certificate_verify_url
from tests.evaluations.publication_helpers import make_certificate, make_evaluation
from tests.pdf import pdf_text

NUMBER = "QP-2026-44-000001"


@pytest.fixture
def certificate(alice, shenzhen_enterprise):
    evaluation = make_evaluation(shenzhen_enterprise, by=alice, status=EvaluationStatus.PUBLISHED, level=3)
    return make_certificate(evaluation, number=NUMBER, issued_on=datetime.date(2026, 3, 16))


@pytest.mark.django_db
def test_the_pdf_embeds_the_cjk_font_and_reads_back_in_both_languages(certificate):
    pdf = render_certificate_pdf(certificate, verify_url=certificate_verify_url(certificate))
    assert pdf.startswith(b"%PDF")
    assert b"WenQuanYiZenHei" in pdf  # the TrueType CJK font, embedded (subset)
    assert b"/FontFile2" in pdf
    text = pdf_text(pdf, raw=True)
    assert "深圳精工电子有限公司" in text
    assert certificate.enterprise.name_en in text
    assert "保证级" in text
    assert "Assurance" in text
    assert NUMBER in text
    assert "2029-03-16" in text


@pytest.mark.django_db
def test_the_pdf_points_to_the_absolute_verification_address(certificate, settings):
    settings.SITE_URL = "https://quality.example.cn/"
    url = certificate_verify_url(certificate)
    assert url == f"https://quality.example.cn/evaluations/certificates/{NUMBER}/"
    text = pdf_text(render_certificate_pdf(certificate, verify_url=url), raw=True)
    assert url in text  # printed under the QR code, which encodes the same address


@pytest.mark.django_db
def test_the_printed_qr_code_is_the_verification_address(certificate, tmp_path):
    """Rasterise the PDF and read every module of the QR code back; it must be segno's encoding of the address."""
    import segno
    from PIL import Image

    url = certificate_verify_url(certificate)
    (tmp_path / "c.pdf").write_bytes(render_certificate_pdf(certificate, verify_url=url))
    subprocess.run(  # noqa: S603 (a fixed command on a file the test wrote)
        [shutil.which("pdftoppm"), "-png", "-r", "150", "-singlefile", str(tmp_path / "c.pdf"), str(tmp_path / "c")],
        check=True,
    )
    image = Image.open(tmp_path / "c.png").convert("L")
    per_mm = image.size[0] / 297  # A4 landscape
    matrix = segno.make(url, error="m").matrix
    cell = 38 / (len(matrix) + 8)  # mm per module: the 38 mm square holds the code and a 4-module quiet zone
    left, top = 297 - 30 - 38, 210 - 22 - 38
    read = [
        [
            image.getpixel((round((left + (c + 4.5) * cell) * per_mm), round((top + (r + 4.5) * cell) * per_mm))) < 128
            for c in range(len(matrix))
        ]
        for r in range(len(matrix))
    ]
    assert read == [[bool(dark) for dark in row] for row in matrix]


@pytest.mark.django_db
def test_a_revoked_certificate_pdf_is_stamped(certificate):
    certificate.status = CertificateStatus.REVOKED
    text = pdf_text(render_certificate_pdf(certificate, verify_url="https://x.invalid/"), raw=True)
    assert "已撤销 REVOKED" in text  # the diagonal stamp (pdftotext -raw keeps rotated text)


def test_a_missing_configured_font_is_a_clear_error(settings):
    settings.CERTIFICATE_FONT_PATH = "/nowhere/font.ttf"
    with pytest.raises(ImproperlyConfigured, match="CERTIFICATE_FONT_PATH"):
        certificate_pdf.font_path()


def test_a_cff_font_is_refused_with_the_reason(settings):
    noto = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
    settings.CERTIFICATE_FONT_PATH = noto
    with pytest.raises(ImproperlyConfigured, match="CFF"):
        certificate_pdf._register(noto)


def test_without_any_font_the_error_says_what_to_install(settings, monkeypatch):
    settings.CERTIFICATE_FONT_PATH = ""
    monkeypatch.setattr(certificate_pdf, "FONT_SEARCH_PATHS", ("/nowhere/a.ttc",))
    with pytest.raises(ImproperlyConfigured, match="fonts-wqy-zenhei"):
        certificate_pdf.font_path()


# --- Download and verification pages ---------------------------------------------------------------------


@pytest.mark.django_db
def test_anyone_downloads_a_valid_certificate_pdf(client, certificate):
    response = client.get(reverse("evaluations:certificate_pdf", kwargs={"number": NUMBER}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f'filename="{NUMBER}.pdf"' in response["Content-Disposition"]


@pytest.mark.django_db
def test_a_revoked_certificate_pdf_is_for_the_enterprise_and_its_authority_only(
    client, certificate, alice, shenzhen_officer
):
    certificate.status = CertificateStatus.REVOKED
    certificate.save(update_fields=["status"])
    url = reverse("evaluations:certificate_pdf", kwargs={"number": NUMBER})
    assert client.get(url).status_code == 404
    for person in (alice, shenzhen_officer):
        client.force_login(person)
        assert client.get(url).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "words"),
    [
        (CertificateStatus.VALID, "genuine and valid"),
        (CertificateStatus.EXPIRED, "validity has ended"),
        (CertificateStatus.REVOKED, "revoked by the authority"),
    ],
)
def test_the_verification_page_says_valid_expired_or_revoked(client, certificate, status, words):
    certificate.status = status
    certificate.revoked_reason = "Major quality-safety accident" if status == CertificateStatus.REVOKED else ""
    certificate.save(update_fields=["status", "revoked_reason"])
    response = client.get(reverse("evaluations:certificate_verify", kwargs={"number": NUMBER}))
    assert response.status_code == 200
    assert words in response.text
    assert "深圳精工电子有限公司" in response.text
    assert certificate.enterprise.credit_code in response.text
    if status == CertificateStatus.REVOKED:
        assert "Major quality-safety accident" in response.text


@pytest.mark.django_db
def test_an_unknown_number_is_a_404_page_with_the_search_form(client):
    response = client.get(reverse("evaluations:certificate_verify", kwargs={"number": "QP-2026-44-999999"}))
    assert response.status_code == 404
    assert "No certificate has the number QP-2026-44-999999" in response.text


@pytest.mark.django_db
def test_the_search_form_leads_to_the_certificate(client, certificate):
    response = client.get(reverse("evaluations:certificate_search"), {"number": f" {NUMBER.lower()} "})
    assert response.url == reverse("evaluations:certificate_verify", kwargs={"number": NUMBER})


# --- API ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_certificate_api_is_public(client, certificate, settings):
    settings.SITE_URL = "https://quality.example.cn"
    body = client.get(reverse("api:certificate-detail", kwargs={"number": NUMBER})).json()
    assert body["number"] == NUMBER
    assert body["status"] == "valid"
    assert body["enterprise"]["name_zh"] == "深圳精工电子有限公司"
    assert body["enterprise"]["credit_code"] == certificate.enterprise.credit_code
    assert (body["level"], body["level_name"]) == (3, {"zh": "保证级", "en": "Assurance"})
    assert (body["issued_on"], body["valid_until"]) == ("2026-03-16", "2029-03-16")
    assert body["verification_url"] == f"https://quality.example.cn/evaluations/certificates/{NUMBER}/"


@pytest.mark.django_db
def test_the_certificate_api_answers_404_for_an_unknown_number(client):
    response = client.get(reverse("api:certificate-detail", kwargs={"number": "QP-1999-00-000000"}))
    assert response.status_code == 404
