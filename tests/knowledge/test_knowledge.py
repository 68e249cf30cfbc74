"""The policy and standards library (issue 9, part 1): search in both languages, drafts seen only by their
publishers, MIIT edits everything and an authority only its own, attachments checked by content and served
through a view, and a bounded list page."""

# ruff: noqa: RUF001 (official document numbers use Chinese tortoise-shell brackets)

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from accounts.models import AuditLog
from core.exceptions import NotPermitted
from enterprises.models import Authority
from knowledge import services
from knowledge.demo import seed_knowledge
from knowledge.models import DocumentKind, DocumentStatus, PolicyAttachment, PolicyDocument, Topic

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def library(miit_officer):
    seed_knowledge(by=miit_officer)
    return {document.number: document for document in PolicyDocument.objects.all()}


def values(**changes) -> dict:
    return {
        "kind": DocumentKind.NOTICE,
        "number": "粤工信质〔2025〕7号",
        "title_zh": "广东省质量提升工作通知",
        "title_en": "Guangdong quality improvement notice",
        "issuer_zh": "广东省工业和信息化厅",
        "issuer_en": "Department of Industry and Information Technology of Guangdong",
        "issued_on": date(2025, 5, 6),
        "status": DocumentStatus.DRAFT,
        "topic": Topic.QUALITY_MANAGEMENT,
        "summary_zh": "省级通知。",
        "summary_en": "A provincial notice.",
        "dimensions": ["D1"],
        **changes,
    }


def form_data(**changes) -> dict:
    data = {k: v for k, v in values(**changes).items() if k != "dimensions"}
    data["issued_on"] = data["issued_on"].isoformat()
    data["dimensions"] = ["D1"]
    return data


def numbers(client, **params) -> set[str]:
    response = client.get(reverse("knowledge:document_list"), params)
    assert response.status_code == 200
    return {document.number for document in response.context["documents"]}


def test_search_finds_documents_in_chinese_and_in_english(client, library):
    assert numbers(client, q="卓越绩效") == {"GB/T 19580-2012"}
    assert numbers(client, q="质量管理体系") == {"GB/T 19001-2016", "GB/T 19001-2008"}
    assert numbers(client, q="performance EXCELLENCE") == {"GB/T 19580-2012"}
    assert numbers(client, q="further strengthening") == {"工信厅科函〔2025〕161号"}
    assert numbers(client, q="2024〕113") == {"工信厅科函〔2024〕113号"}  # the number
    assert numbers(client, q="Standardization Administration") == {
        "GB/T 19580-2012",
        "GB/T 19001-2016",
        "GB/T 19001-2008",
    }  # the issuer
    assert numbers(client, q="no such thing") == set()
    assert numbers(client, kind="interpretation") == {"QP-JD-2025-01"}
    assert numbers(client, status="superseded") == {"GB/T 19001-2008"}
    assert numbers(client, topic="pilot") == {"工信厅科函〔2025〕161号"}
    assert numbers(client, industry="38") == {"GB/T 19001-2016"}


def test_the_page_shows_the_readers_language_and_the_demo_is_marked(client, library):
    standard = library["GB/T 19580-2012"]
    url = reverse("knowledge:document_detail", args=[standard.pk])
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Criteria for performance excellence" in english
    assert "(demo)" in english
    with translation.override("zh-hans"):
        chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "卓越绩效评价准则" in chinese
    assert "（演示）" in chinese
    assert all("演示" in d.summary_zh and "(demo)" in d.summary_en for d in library.values())
    old = library["GB/T 19001-2008"]
    assert old.superseded_by == library["GB/T 19001-2016"]


def test_a_draft_is_seen_only_by_its_publishers(client, library, guangdong_officer, shenzhen_officer, miit_officer):
    draft = services.document_save(values=values(), by=guangdong_officer)
    assert draft.authority_id == "GD"
    url = reverse("knowledge:document_detail", args=[draft.pk])
    assert client.get(url).status_code == 404
    assert draft.number not in numbers(client)
    for outsider in (shenzhen_officer,):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert draft.number not in numbers(client)
    for publisher in (guangdong_officer, miit_officer):
        client.force_login(publisher)
        assert client.get(url).status_code == 200
        assert draft.number in numbers(client)
    services.document_save(document=draft, values={"status": DocumentStatus.IN_FORCE}, by=guangdong_officer)
    client.logout()
    assert client.get(url).status_code == 200


def test_an_authority_edits_only_its_own_and_miit_edits_all(
    client, library, guangdong_officer, shenzhen_officer, miit_officer, alice
):
    national = library["GB/T 19580-2012"]
    with pytest.raises(NotPermitted):
        services.document_save(document=national, values={"title_zh": "改"}, by=guangdong_officer)
    with pytest.raises(NotPermitted):
        services.document_save(values=values(), by=alice)
    own = services.document_save(values=values(status=DocumentStatus.IN_FORCE), by=guangdong_officer)
    with pytest.raises(NotPermitted):
        services.document_save(document=own, values={"title_zh": "改"}, by=shenzhen_officer)
    services.document_save(document=own, values={"title_en": "Changed by MIIT"}, by=miit_officer)
    services.document_save(document=national, values={"title_en": "Criteria (revised)"}, by=miit_officer)
    own.refresh_from_db()
    national.refresh_from_db()
    assert (own.title_en, own.title_zh, national.title_en) == (
        "Changed by MIIT",
        "广东省质量提升工作通知",
        "Criteria (revised)",
    )
    # Through the pages: another's document's form is refused, one's own is served.
    client.force_login(shenzhen_officer)
    assert client.get(reverse("knowledge:document_edit", args=[own.pk])).status_code == 403
    assert client.post(reverse("knowledge:document_edit", args=[own.pk]), form_data()).status_code == 403
    assert client.get(reverse("knowledge:document_edit", args=[national.pk])).status_code == 403
    client.force_login(alice)
    assert client.get(reverse("knowledge:document_create")).status_code == 403
    client.force_login(guangdong_officer)
    assert client.get(reverse("knowledge:document_edit", args=[own.pk])).status_code == 200
    response = client.post(
        reverse("knowledge:document_edit", args=[own.pk]), form_data(title_zh="广东省通知（修订）", status="in_force")
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.title_zh == "广东省通知（修订）"
    assert AuditLog.objects.filter(object_type__icontains="policydocument", object_id=str(own.pk)).count() >= 3


def test_a_publisher_creates_a_document_with_a_file_served_through_a_view(client, guangdong_officer):
    client.force_login(guangdong_officer)
    response = client.post(
        reverse("knowledge:document_create"),
        {**form_data(status="in_force"), "attachment": SimpleUploadedFile("notice.pdf", PDF)},
    )
    assert response.status_code == 302, response.context["form"].errors
    document = PolicyDocument.objects.get()
    assert (document.authority, document.created_by, document.dimensions) == (
        Authority.objects.get(code="GD"),
        guangdong_officer,
        ["D1"],
    )
    item = document.attachments.get()
    client.logout()
    download = client.get(reverse("knowledge:document_attachment", args=[document.pk, item.pk]))
    assert (download.status_code, b"".join(download.streaming_content)) == (200, PDF)
    PolicyDocument.objects.filter(pk=document.pk).update(status=DocumentStatus.DRAFT)
    assert client.get(reverse("knowledge:document_attachment", args=[document.pk, item.pk])).status_code == 404


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("setup.exe", b"MZ\x90\x00\x03\x00 an executable", content_type="application/x-msdownload"),
        SimpleUploadedFile("notice.pdf", bytes(range(256)) * 4, content_type="application/pdf"),
    ],
    ids=["exe", "random-bytes-named-pdf"],
)
def test_a_file_of_the_wrong_type_is_refused_and_nothing_changes(client, library, miit_officer, tmp_path, upload):
    standard = library["GB/T 19580-2012"]
    client.force_login(miit_officer)
    audits = AuditLog.objects.count()
    response = client.post(
        reverse("knowledge:document_edit", args=[standard.pk]),
        {**form_data(number="GB/T 19580-2099", status="in_force"), "attachment": upload},
    )
    assert response.status_code == 200
    message = response.context["form"].errors["attachment"][0]
    assert message in response.content.decode()
    standard.refresh_from_db()
    assert standard.number == "GB/T 19580-2012"
    assert not PolicyAttachment.objects.exists()
    assert not any(path.is_file() for path in tmp_path.rglob("*"))
    assert AuditLog.objects.count() == audits
    # A new document with a bad file is not created either.
    before = PolicyDocument.objects.count()
    upload.seek(0)
    response = client.post(reverse("knowledge:document_create"), {**form_data(number="X-1"), "attachment": upload})
    assert response.status_code == 200
    assert response.context["form"].errors["attachment"] == [message]
    assert PolicyDocument.objects.count() == before
    assert AuditLog.objects.count() == audits


def test_unknown_dimensions_and_a_superseded_status_without_its_successor_are_refused(miit_officer):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.document_save(values=values(dimensions=["D9"]), by=miit_officer)
    assert "dimensions" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.document_save(values=values(status=DocumentStatus.SUPERSEDED), by=miit_officer)
    assert "superseded_by" in refused.value.message_dict
    assert not PolicyDocument.objects.exists()


def test_the_list_page_query_count_does_not_grow_with_documents(
    client, library, miit_officer, django_assert_max_num_queries
):
    for n in range(30):
        services.document_save(values=values(number=f"N-{n}", status=DocumentStatus.IN_FORCE), by=miit_officer)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("knowledge:document_list"), {"q": "notice"}).status_code == 200
    client.force_login(miit_officer)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("knowledge:document_list")).status_code == 200
