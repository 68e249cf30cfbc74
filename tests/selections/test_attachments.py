"""Files attached to an application: checked by content, kept only while the application is a draft, served only
to the people taking part in it."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.choices import Role
from core.exceptions import NotPermitted
from selections import services
from selections.models import ApplicationAttachment
from tests.factories import UserFactory, grant
from tests.selections.data import ANSWERS

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def draft(call, alice, shenzhen_enterprise, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return services.application_save(
        call=call, enterprise=shenzhen_enterprise, title="Pilot line", data=ANSWERS, by=alice
    )


def test_a_file_of_the_wrong_type_is_refused_and_not_stored(draft, alice, tmp_path):
    fake = SimpleUploadedFile("plan.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    with pytest.raises(ValidationError) as refused:
        services.attachment_add(application=draft, upload=fake, by=alice)
    assert "file" in refused.value.message_dict
    assert not ApplicationAttachment.objects.exists()
    assert not any(path.is_file() for path in tmp_path.rglob("*"))


def test_files_are_kept_while_a_draft_and_frozen_with_the_submission(draft, alice, bob):
    with pytest.raises(NotPermitted):
        services.attachment_add(application=draft, upload=SimpleUploadedFile("plan.pdf", PDF), by=bob)
    kept = services.attachment_add(application=draft, upload=SimpleUploadedFile("../../plan.pdf", PDF), by=alice)
    assert (kept.original_name, kept.content_type, kept.size) == ("plan.pdf", "application/pdf", len(PDF))
    services.application_submit(application=draft, by=alice)
    with pytest.raises(services.SelectionError, match="frozen"):
        services.attachment_add(application=draft, upload=SimpleUploadedFile("more.pdf", PDF), by=alice)
    with pytest.raises(services.SelectionError, match="frozen"):
        services.attachment_remove(attachment=kept, by=alice)


def test_the_file_is_served_to_the_applicant_and_its_authority_and_no_one_else(client, draft, alice, shenzhen_officer):
    kept = services.attachment_add(application=draft, upload=SimpleUploadedFile("plan.pdf", PDF), by=alice)
    services.application_submit(application=draft, by=alice)
    url = reverse("selections:attachment_download", args=[draft.pk, kept.pk])
    for user in (alice, shenzhen_officer):
        client.force_login(user)
        response = client.get(url)
        assert (response.status_code, b"".join(response.streaming_content)) == (200, PDF)
    client.force_login(grant(UserFactory(username="idle-expert"), Role.EXPERT))
    assert client.get(url).status_code == 404


def test_the_application_page_attaches_and_says_what_is_wrong(client, draft, alice):
    client.force_login(alice)
    url = reverse("selections:application_detail", args=[draft.pk])
    response = client.post(url, {"action": "attach", "file": SimpleUploadedFile("a.docx", b"plain text")}, follow=True)
    assert not draft.attachments.exists()
    assert 'class="message error"' in response.text
    client.post(url, {"action": "attach", "file": SimpleUploadedFile("plan.pdf", PDF)})
    assert [a.original_name for a in draft.attachments.all()] == ["plan.pdf"]
