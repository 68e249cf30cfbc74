"""The typical-case library (issue 6 item 5): a published typical-case application becomes a public case,
searchable by words, theme, industry and province."""

import pytest
from django.urls import reverse

from selections import selectors
from selections.choices import CallKind
from selections.models import Case
from tests.labs.conftest import make_call, publish

pytestmark = pytest.mark.django_db

CASE = {
    "summary": "Cutting scrap on the SMT line.",
    "contact_name": "Wang Wu",
    "contact_phone": "0755-11112222",
    "theme": "digital_quality",
    "methods": "SPC on every reflow oven, MES alarms.",
    "results": "Scrap down from 1.8% to 0.6% in a year.",
}


@pytest.fixture
def case(miit_officer, alice, shenzhen_enterprise, shenzhen_officer):
    call = make_call(miit_officer, kind=CallKind.TYPICAL_CASE)
    publish(
        call,
        enterprise=shenzhen_enterprise,
        member=alice,
        officer=shenzhen_officer,
        miit=miit_officer,
        title="SMT 良率提升",
        data=CASE,
    )
    return Case.objects.get()


def test_a_published_typical_case_enters_the_library(case, shenzhen_enterprise):
    assert (case.title, case.theme, case.enterprise, case.industry_id, case.region_id) == (
        "SMT 良率提升",
        "digital_quality",
        shenzhen_enterprise,
        shenzhen_enterprise.industry_id,
        "440300",
    )
    assert case.results == "Scrap down from 1.8% to 0.6% in a year."


def test_the_library_searches_words_theme_industry_and_province(case):
    assert list(selectors.case_list(search="reflow")) == [case]
    assert list(selectors.case_list(theme="reliability")) == []
    assert list(selectors.case_list(industry=case.industry_id, province="440000")) == [case]
    assert list(selectors.case_list(province="110000")) == []


def test_the_library_pages_and_api_are_public(client, case):
    page = client.get(reverse("selections:case_list"), {"q": "scrap"}, headers={"accept-language": "en"})
    assert "SMT 良率提升" in page.text
    assert "MES alarms" in client.get(reverse("selections:case_detail", args=[case.pk])).text
    assert (
        client.get(reverse("api:case-list"), {"theme": "digital_quality"}).json()["results"][0]["title"]
        == "SMT 良率提升"
    )


def test_the_files_the_applicant_chose_are_published_with_the_case_and_no_others(
    client, miit_officer, alice, shenzhen_enterprise, shenzhen_officer, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from selections import services

    settings.MEDIA_ROOT = tmp_path
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    kept = {}

    def attach(application):
        for name, public in (("case-study.pdf", True), ("internal-costs.pdf", False)):
            upload = SimpleUploadedFile(name, pdf)
            kept[name] = services.attachment_add(application=application, upload=upload, by=alice, public=public)

    call = make_call(miit_officer, kind=CallKind.TYPICAL_CASE)
    publish(
        call,
        enterprise=shenzhen_enterprise,
        member=alice,
        officer=shenzhen_officer,
        miit=miit_officer,
        title="SMT 良率提升",
        data=CASE,
        before_submit=attach,
    )
    case = Case.objects.get()
    page = client.get(reverse("selections:case_detail", args=[case.pk])).text
    assert "case-study.pdf" in page
    assert "internal-costs.pdf" not in page
    public = client.get(reverse("selections:case_file", args=[case.pk, kept["case-study.pdf"].pk]))
    assert (public.status_code, b"".join(public.streaming_content)) == (200, pdf)
    private = client.get(reverse("selections:case_file", args=[case.pk, kept["internal-costs.pdf"].pk]))
    assert private.status_code == 404
