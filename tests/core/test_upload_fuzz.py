"""Upload fuzzing (hypothesis): random bytes, polyglots, path-traversal and very long names, empty files, zip bombs,
wrong extensions. Never a 500, never stored when refused, a clear message every time; what is accepted is stored
under a safe name and the type its content has.

The generic check (``evaluations.file_types``) serves every stored upload (evidence, call, application and summary
attachments); the summary attachment form is driven end to end as one of them. The workbook reader (rating and
inspection imports) is fuzzed on its own: any bytes give its own refusal, nothing else.
"""

import io
import zipfile
from functools import cache

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enterprises.models import Authority
from evaluations import file_types
from evaluations.services.workbooks import limits
from evaluations.workbook_reader import WorkbookRefused, read_sheet
from summaries import services
from summaries.models import SummaryAttachment

MAX_BYTES = 1_048_576


def _zip(parts: dict[str, bytes], *, method=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@cache
def zip_bomb() -> bytes:
    """A small "spreadsheet" that unpacks to 30 MB of zeros."""
    return _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"\0" * 30_000_000})


@cache
def xml_bomb() -> bytes:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><l>&b;</l>'
    )
    return _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": laughs, "xl/worksheets/sheet1.xml": laughs})


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
CONTENTS = st.one_of(
    st.binary(max_size=2048),
    st.just(b""),
    st.just(PDF),
    st.just(PNG),
    st.binary(max_size=256).map(lambda tail: PDF + b"<script>alert(1)</script>" + tail),  # PDF/HTML polyglot
    st.binary(max_size=256).map(lambda tail: b"PK\x03\x04" + tail),  # a broken zip
    st.just(_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"})),  # a real .docx body
    st.just(_zip({"evil/../../etc/passwd": b"x", "[Content_Types].xml": b"<Types/>"})),
    st.builds(lambda: zip_bomb()),
    st.builds(lambda: xml_bomb()),
)
NAMES = st.one_of(
    st.sampled_from(["report.pdf", "photo.png", "table.xlsx", "notes.docx", "run.exe", "archive.zip", "x.PDF"]),
    st.sampled_from(["../../etc/passwd.pdf", "..\\..\\windows\\system32\\a.png", "/abs/path.xlsx", "a\x00b.pdf"]),
    st.builds(lambda n, ext: "长" * n + ext, st.integers(150, 5000), st.sampled_from([".pdf", ".docx", ""])),
    st.text(max_size=60),
)


@settings(max_examples=150, deadline=None)
@given(name=NAMES, content=CONTENTS)
def test_the_check_accepts_by_content_or_refuses_with_a_message(name, content):
    content_type, refused = _checked(SimpleUploadedFile(name or "x", content))
    if refused is not None:
        assert refused.message_dict["file"][0].strip()
        return
    assert content_type in {kind for kind, _sniff in file_types.ALLOWED.values()}
    assert content not in (b"", zip_bomb())
    safe = file_types.safe_name(name)
    assert not {"/", "\\", "\0"} & set(safe)
    assert 0 < len(safe) <= 150


def _checked(upload):
    try:
        return file_types.check_upload(upload, max_bytes=MAX_BYTES), None
    except ValidationError as refused:
        return None, refused


def _read(content: bytes):
    try:
        return read_sheet(content, limits(), sheet="ratings", header=("a",), columns=1, read=list), None
    except WorkbookRefused as refused:
        return None, refused


@settings(max_examples=60, deadline=None)
@given(content=CONTENTS)
def test_the_workbook_reader_refuses_anything_but_a_workbook_with_its_own_error(content):
    rows, refused = _read(content)
    assert (rows is None) != (refused is None)
    if refused is not None:
        assert str(refused).strip()


@pytest.fixture
def summary(db, guangdong_officer):
    template = {t.year: t for t in services.templates_load()}[2025]
    return services.summary_start(template=template, authority=Authority.objects.get(code="GD"), by=guangdong_officer)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=NAMES, content=CONTENTS)
def test_an_attachment_upload_never_fails_and_never_keeps_a_refused_file(
    client, guangdong_officer, summary, settings, tmp_path, name, content
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(guangdong_officer)
    before = SummaryAttachment.objects.count()
    upload = SimpleUploadedFile(name or "x", content)
    response = client.post(reverse("summaries:attachment_add", args=[2025, "GD"]), {"file": upload})
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert SummaryAttachment.objects.count() == before
        assert 'class="error"' in response.text or "form-errors" in response.text
        return
    item = SummaryAttachment.objects.latest("pk")
    assert SummaryAttachment.objects.count() == before + 1
    assert not {"/", "\\"} & set(item.original_name)
    assert len(item.original_name) <= 150
    assert item.content_type == file_types.check_upload(SimpleUploadedFile(name or "x", content), max_bytes=10**8)
