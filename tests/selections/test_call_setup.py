"""Setting a call up before it is announced: its documents (public with the call) and its form and criteria
(the fields a registry reads keep their shape); bad input says what is wrong and saves nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import AuditLog
from core.exceptions import NotPermitted
from selections import services
from selections.choices import CallKind, CallScope, FieldType
from selections.kinds import default_form
from selections.models import CallAttachment
from tests.selections.data import DAY, TODAY

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def unannounced(miit_officer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return services.call_create(
        by=miit_officer,
        kind=CallKind.PILOT_PLATFORM,
        year=TODAY.year,
        scope=CallScope.NATIONAL,
        title_zh="中试平台遴选",
        title_en="Pilot-scale platform selection",
        opens_on=TODAY,
        closes_on=TODAY + 10 * DAY,
        recommend_by=TODAY + 20 * DAY,
    )


def _rows(call):
    return [
        {"code": c.code, "name_zh": c.name_zh, "name_en": c.name_en, "weight": c.weight, "max_score": c.max_score}
        for c in call.criteria.all()
    ]


# --- Documents ---------------------------------------------------------------------------------------------------


def test_documents_are_public_with_the_announced_call_and_frozen_by_it(client, unannounced, miit_officer, alice):
    document = services.call_attachment_add(
        call=unannounced, upload=SimpleUploadedFile("申报指南.pdf", PDF), by=miit_officer
    )
    url = reverse("selections:call_attachment", args=[unannounced.pk, document.pk])
    assert client.get(url).status_code == 404  # not announced: nobody but the organiser sees the call
    with pytest.raises(NotPermitted):
        services.call_attachment_add(call=unannounced, upload=SimpleUploadedFile("x.pdf", PDF), by=alice)
    services.call_announce(call=unannounced, by=miit_officer)
    response = client.get(url)
    assert (response.status_code, b"".join(response.streaming_content)) == (200, PDF)
    assert (
        "申报指南.pdf" in response.headers["Content-Disposition"]
        or "filename*" in response.headers["Content-Disposition"]
    )
    page = client.get(reverse("selections:call_detail", args=[unannounced.pk])).content.decode()
    assert "申报指南.pdf" in page
    with pytest.raises(services.SelectionError, match="announced"):
        services.call_attachment_remove(attachment=document, by=miit_officer)
    correction = services.call_attachment_add(
        call=unannounced, upload=SimpleUploadedFile("更正.pdf", PDF), by=miit_officer
    )
    assert list(unannounced.attachments.values_list("pk", flat=True)) == [document.pk, correction.pk]


def test_a_document_of_the_wrong_type_is_refused_on_the_page_and_not_stored(
    client, unannounced, miit_officer, tmp_path
):
    client.force_login(miit_officer)
    fake = SimpleUploadedFile("guide.pdf", b"MZ\x90\x00 an executable", content_type="application/pdf")
    response = client.post(
        reverse("selections:call_detail", args=[unannounced.pk]), {"action": "attach", "file": fake}, follow=True
    )
    assert "is not a PDF file" in response.content.decode()
    assert not CallAttachment.objects.exists()
    assert not any(path.is_file() for path in tmp_path.rglob("*"))


def test_the_organiser_removes_a_document_before_the_announcement(
    client, unannounced, miit_officer, tmp_path, django_capture_on_commit_callbacks
):
    document = services.call_attachment_add(call=unannounced, upload=SimpleUploadedFile("g.pdf", PDF), by=miit_officer)
    stored = tmp_path / document.file.name
    assert stored.is_file()
    client.force_login(miit_officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("selections:call_detail", args=[unannounced.pk]), {"action": "detach", "attachment": document.pk}
        )
    assert not CallAttachment.objects.exists()
    assert not stored.exists()


# --- Form and criteria -------------------------------------------------------------------------------------------


def test_the_organiser_adds_a_question_rewords_one_and_replaces_the_criteria(unannounced, miit_officer):
    form = default_form(CallKind.PILOT_PLATFORM)
    form[0]["label_en"] = "Summary of the platform"
    form = [field for field in form if field["key"] != "contact_phone"]  # no registry reads it: it may go
    form.append(
        {"key": "patents", "label_zh": "专利数", "label_en": "Patents", "type": FieldType.NUMBER, "required": False}
    )
    criteria = [
        {"code": "A", "name_zh": "条件", "name_en": "Conditions", "weight": "0.5", "max_score": 100},
        {"code": "B", "name_zh": "成效", "name_en": "Results", "weight": "0.5", "max_score": 50},
    ]
    services.call_configure(call=unannounced, form=form, criteria=criteria, by=miit_officer)
    unannounced.refresh_from_db()
    assert unannounced.form[0]["label_en"] == "Summary of the platform"
    assert unannounced.form[-1]["key"] == "patents"
    assert "contact_phone" not in [field["key"] for field in unannounced.form]
    assert [(c.code, str(c.weight), c.max_score) for c in unannounced.criteria.all()] == [
        ("A", "0.500", 100),
        ("B", "0.500", 50),
    ]
    assert AuditLog.objects.filter(object_id=str(unannounced.pk), details__criteria__new=[["A", "0.5"], ["B", "0.5"]])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda form: form.pop(3), "cannot be removed"),  # key_field: the platform registry reads it
        (lambda form: form[3].update(type=FieldType.TEXT), "its type, options"),
        (lambda form: form[3]["choices"].pop(), "its type, options"),
        (lambda form: form.append(dict(form[0])), "used twice"),
    ],
)
def test_a_registry_field_keeps_its_shape_and_nothing_is_saved(unannounced, miit_officer, change, message):
    before = (list(unannounced.form), _rows(unannounced))
    form = default_form(CallKind.PILOT_PLATFORM)
    assert form[3]["key"] == "key_field"
    change(form)
    with pytest.raises(ValidationError, match=message):
        services.call_configure(call=unannounced, form=form, criteria=_rows(unannounced), by=miit_officer)
    unannounced.refresh_from_db()
    assert (unannounced.form, _rows(unannounced)) == before


def test_criteria_whose_weights_do_not_add_up_are_refused_in_the_readers_language(unannounced, miit_officer):
    from django.utils import translation

    rows = _rows(unannounced)
    rows[0]["weight"] = "0.9"
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        services.call_configure(call=unannounced, form=unannounced.form, criteria=rows, by=miit_officer)
    assert refused.value.message_dict["criteria"] == ["各项权重之和必须为 1。"]
    assert [str(c.weight) for c in unannounced.criteria.all()] == ["0.300", "0.400", "0.300"]


def test_an_announced_call_cannot_change(call, miit_officer):
    with pytest.raises(services.SelectionError, match="announced"):
        services.call_configure(call=call, form=call.form, criteria=_rows(call), by=miit_officer)


def test_the_edit_page_saves_a_new_question_and_keeps_typed_rows_on_error(client, unannounced, miit_officer, alice):
    url = reverse("selections:call_edit", args=[unannounced.pk])
    client.force_login(alice)
    assert client.get(url).status_code == 404  # the call is not announced: an applicant cannot see it
    client.force_login(miit_officer)
    page = client.get(url)
    assert page.status_code == 200
    data = {}
    for prefix in ("fields", "criteria"):
        formset = page.context[prefix]
        data |= {f"{prefix}-{k}": v for k, v in formset.management_form.initial.items()}
        for form in formset.forms:
            for name, field in form.fields.items():
                value = form.initial.get(name, field.initial)
                if name == "required" or name == "DELETE":
                    if value:
                        data[form.add_prefix(name)] = "on"
                elif value is not None:
                    data[form.add_prefix(name)] = value
    extra = len(unannounced.form)
    data |= {
        f"fields-{extra}-key": "patents",
        f"fields-{extra}-label_zh": "专利数",
        f"fields-{extra}-label_en": "Patents",
        f"fields-{extra}-type": FieldType.NUMBER,
        f"fields-{extra}-order": "5",
        "criteria-0-weight": "0.5",  # 0.5 + 0.4 + 0.3: does not add up
        "fields-3-type": FieldType.TEXT,  # a locked field: the page ignores a tampered value
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "The weights must add up to 1." in response.content.decode()
    assert 'value="patents"' in response.content.decode()  # what was typed is still there
    unannounced.refresh_from_db()
    assert "patents" not in [field["key"] for field in unannounced.form]
    data["criteria-0-weight"] = "0.3"
    response = client.post(url, data)
    assert response.status_code == 302
    unannounced.refresh_from_db()
    keys = [field["key"] for field in unannounced.form]
    assert keys[0] == "patents"  # order 5 comes first
    assert next(f for f in unannounced.form if f["key"] == "key_field")["type"] == FieldType.CHOICE
