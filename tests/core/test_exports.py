"""Exports (core.exports): every CSV and XLSX states its data vintage, keeps numbers as numbers and Chinese as
Chinese, lets no text cell become a formula, and depends only on its rows and vintage; a background export runs
as a job whose file only the person who asked for it can download, and the download is audited."""

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from accounts.models import AuditLog
from core.exports import FORMULA_TRIGGERS, Sheet, Table, export_source, write_csv, write_xlsx
from core.models import Job
from tests.factories import UserFactory

VINTAGE = datetime(2026, 3, 1, 2, 30, tzinfo=UTC)  # 10:30 in Beijing
VINTAGE_MOMENT = "2026-03-01 10:30:00 (CST)"
VINTAGE_LINE = f"Data vintage: {VINTAGE_MOMENT}"
MOMENT = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \(CST\)")
# How XLSX escapes characters XML cannot carry as they are (ECMA-376 ST_Xstring): "\r" as _x000D_, and a literal
# "_x000D_" as _x005F_x000D_. Excel decodes it on reading; openpyxl leaves inline strings as written.
XSTRING_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _csv_bytes(headers, rows, vintage=VINTAGE) -> bytes:
    buffer = io.BytesIO()
    write_csv(buffer, headers=headers, rows=rows, vintage=vintage)
    return buffer.getvalue()


def _csv_rows(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff"), "a byte order mark, for spreadsheet programs"
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def _xlsx_bytes(sheets, *, vintage=VINTAGE, title="Registry", notes=()) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, sheets, vintage=vintage, title=title, notes=notes)
    return buffer.getvalue()


def _book(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def _decoded(value):
    return XSTRING_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), value) if isinstance(value, str) else value


# --- Data vintage ------------------------------------------------------------------------------------------------


def test_a_csv_states_its_data_vintage_on_its_first_line_before_the_header():
    rows = _csv_rows(_csv_bytes(["Name", "Level"], [["甲", 3]]))
    assert rows == [[f"# {VINTAGE_LINE}"], ["Name", "Level"], ["甲", "3"]]


def test_an_xlsx_states_its_data_vintage_on_a_last_about_sheet_and_in_its_properties():
    content = _xlsx_bytes(
        [Sheet("Data", ["Name"], [["甲"]])], title="Lab registry", notes=[("Filter", "Region: 深圳市")]
    )
    book = _book(content)
    assert book.sheetnames == ["Data", "About"]
    assert list(book["About"].iter_rows(values_only=True)) == [
        ("Item", "Value"),
        ("Title", "Lab registry"),
        ("Data vintage", VINTAGE_MOMENT),
        ("Filter", "Region: 深圳市"),
        ("Produced by", "QualityPath"),
    ]
    assert book.properties.title == "Lab registry"
    assert book.properties.created == VINTAGE.replace(tzinfo=None)  # in UTC, as the file format keeps dates


# --- Values ------------------------------------------------------------------------------------------------------

ROW = [42, -5, Decimal("3.4500"), 2.5, "-5", "=1+1", True, None, date(2026, 3, 1)]


def test_numbers_stay_numbers_in_a_csv_and_text_that_looks_like_a_formula_does_not():
    rows = _csv_rows(_csv_bytes(["a", "b", "c", "d", "e", "f", "g", "h", "i"], [ROW]))
    assert rows[2] == ["42", "-5", "3.45", "2.5", "'-5", "'=1+1", "Yes", "", "2026-03-01"]


def test_numbers_stay_numbers_in_an_xlsx_and_text_that_looks_like_a_formula_does_not():
    sheet = _book(_xlsx_bytes([Sheet("Data", list("abcdefghi"), [ROW])]))["Data"]
    (cells,) = sheet.iter_rows(min_row=2, max_row=2)
    assert [cell.value for cell in cells] == [42, -5, 3.45, 2.5, "'-5", "'=1+1", "Yes", None, "2026-03-01"]
    assert [cell.data_type for cell in cells[:4]] == ["n"] * 4
    assert all(cell.data_type != "f" for cell in cells)


def test_chinese_text_round_trips_in_both_formats():
    headers = ["企业名称", "地区"]
    rows = [["深圳精工电子有限公司", "广东省 深圳市"], ["乌鲁木齐博源建材有限公司", "新疆维吾尔自治区"]]
    assert _csv_rows(_csv_bytes(headers, rows))[1:] == [headers, *rows]
    book = _book(_xlsx_bytes([Sheet("质量指数", headers, rows)], title="质量指数"))
    assert book.sheetnames[0] == "质量指数"
    assert [list(row) for row in book["质量指数"].iter_rows(values_only=True)] == [headers, *rows]


def test_sheet_names_are_made_valid_and_unique():
    names = ["a/b:c*d?e[f]g\\h", "x" * 40, "x" * 40, "Data", "data", "  ", "Results"]
    book = _book(_xlsx_bytes([Sheet(name, ["h"], [["v"]]) for name in names]))
    assert book.sheetnames == [
        "a b c d e f g h",
        "x" * 31,
        "x" * 27 + " (2)",
        "Data",
        "data (2)",  # Excel compares sheet names without regard to case
        "Sheet",
        "Results",
        "About",
    ]


def _both(vintage=VINTAGE) -> tuple[bytes, bytes]:
    """The same rows as an XLSX and a CSV."""
    rows = [["深圳精工", Decimal("3.45")], ["=x", 1]]
    return _xlsx_bytes([Sheet("Data", ["企业", "S"], rows)], vintage=vintage), _csv_bytes(["企业", "S"], rows, vintage)


def test_the_same_rows_and_vintage_give_the_same_bytes_whenever_they_are_written():
    with time_machine.travel(datetime(2026, 5, 1, 8, tzinfo=UTC), tick=False):
        first = _both()
    with time_machine.travel(datetime(2027, 8, 9, 17, 45, 3, tzinfo=UTC), tick=False):
        again = _both()
    assert again == first


def test_a_different_vintage_gives_different_bytes():
    xlsx, csv_ = _both()
    later_xlsx, later_csv = _both(VINTAGE + timedelta(seconds=1))
    assert later_xlsx != xlsx
    assert later_csv != csv_


# --- No text cell becomes a formula (property) -------------------------------------------------------------------

TEXT = st.one_of(
    st.text(max_size=24),
    st.tuples(st.sampled_from(FORMULA_TRIGGERS), st.text(max_size=16)).map("".join),
    st.text(alphabet="质量管理水平指数深圳=+-@\t\r\n '\"_x0D,;\x01\x0b", max_size=16),
)
TABLES = st.tuples(
    st.lists(TEXT, min_size=1, max_size=4),
    st.lists(st.lists(TEXT, min_size=1, max_size=4), min_size=1, max_size=4),
)


def _csv_expected(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _xlsx_expected(text: str) -> str | None:
    """What an XLSX cell holds: the text less the characters XML cannot carry, neutralised; nothing if empty."""
    kept = ILLEGAL_CHARACTERS_RE.sub("", text)
    return ("'" + kept if kept.startswith(FORMULA_TRIGGERS) else kept) or None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=TABLES)
def test_no_text_cell_becomes_a_formula_in_a_csv_or_an_xlsx(table):
    headers, rows = table
    written = [headers, *rows]

    read = _csv_rows(_csv_bytes(headers, rows))
    assert read[0] == [f"# {VINTAGE_LINE}"]
    assert read[1:] == [[_csv_expected(text) for text in row] for row in written]

    book = _book(_xlsx_bytes([Sheet("Data", headers, rows)]))
    assert all(cell.data_type != "f" for sheet in book for row in sheet.iter_rows() for cell in row)
    sheet = book["Data"]
    for number, row in enumerate(written, start=1):
        got = [_decoded(sheet.cell(row=number, column=column).value) for column in range(1, len(row) + 1)]
        assert got == [_xlsx_expected(text) for text in row]


# --- Background exports through the views ------------------------------------------------------------------------


@export_source("tests.squares", params=["size"])
def _squares(user, params: dict) -> Table:
    """n, n², and the name of the user who asked, for n up to ``size``: a source that shows whose job ran it."""
    size = int(params.get("size", 3))
    rows = ([n, n * n, f"={user.username}"] for n in range(1, size + 1))
    return Table("Squares", ["n", "n²", "asked by"], rows, total=size, notes=[("Size", str(size))])


@pytest.fixture
def ann(db):
    return UserFactory(username="ann")


@pytest.fixture
def ben(db):
    return UserFactory(username="ben")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _start(client, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):  # the job is queued once its row is committed
        return client.post(reverse("core:export_start"), data)


def _content(response) -> bytes:
    return b"".join(response.streaming_content)


def test_an_export_runs_in_the_background_and_its_owner_downloads_it(
    client, ann, media, django_capture_on_commit_callbacks
):
    client.force_login(ann)
    response = _start(
        client, django_capture_on_commit_callbacks, source="tests.squares", format="xlsx", size="4", page="2"
    )
    job = Job.objects.get(created_by=ann)
    assert response.status_code == 302
    assert response.url == reverse("core:export_detail", args=[job.pk])
    assert (job.status, job.input["params"]) == ("done", {"size": "4"})  # only the filters the source reads
    assert job.result["filename"].startswith("tests.squares-")

    detail = client.get(response.url)
    assert reverse("core:job_download", args=[job.pk]) in detail.text
    assert job.result["filename"] in client.get(reverse("core:export_list")).text

    download = client.get(reverse("core:job_download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    book = _book(_content(download))
    assert book.sheetnames == ["Squares", "About"]
    assert list(book["Squares"].iter_rows(values_only=True)) == [
        ("n", "n²", "asked by"),
        (1, 1, "'=ann"),
        (2, 4, "'=ann"),
        (3, 9, "'=ann"),
        (4, 16, "'=ann"),
    ]
    about = dict(book["About"].iter_rows(min_row=2, values_only=True))
    assert about["Size"] == "4"
    assert MOMENT.fullmatch(about["Data vintage"])

    entry = AuditLog.objects.get(action="export")
    assert (entry.actor, entry.object_type, entry.object_id) == (ann, "core.job", str(job.pk))
    assert entry.details == {"file": job.result["filename"]}


def test_a_csv_export_states_its_vintage_first(client, ann, media, django_capture_on_commit_callbacks):
    client.force_login(ann)
    _start(client, django_capture_on_commit_callbacks, source="tests.squares", format="csv", size="2")
    job = Job.objects.get(created_by=ann)
    rows = _csv_rows(_content(client.get(reverse("core:job_download", args=[job.pk]))))
    assert re.fullmatch(f"# Data vintage: {MOMENT.pattern}", rows[0][0])
    assert rows[1:] == [["n", "n²", "asked by"], ["1", "1", "'=ann"], ["2", "4", "'=ann"]]


def test_nobody_else_sees_or_downloads_an_export(client, ann, ben, media, django_capture_on_commit_callbacks):
    client.force_login(ann)
    _start(client, django_capture_on_commit_callbacks, source="tests.squares", format="csv")
    job = Job.objects.get(created_by=ann)
    download, detail = reverse("core:job_download", args=[job.pk]), reverse("core:export_detail", args=[job.pk])

    client.force_login(ben)
    assert client.get(download).status_code == 404
    assert client.get(detail).status_code == 404
    assert job.result["filename"] not in client.get(reverse("core:export_list")).text

    client.logout()
    for url in (download, detail):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
    assert not AuditLog.objects.filter(action="export").exists()


def test_an_unknown_source_or_format_is_a_404_and_starts_nothing(client, ann, media):
    client.force_login(ann)
    assert client.post(reverse("core:export_start"), {"source": "nothing.here", "format": "csv"}).status_code == 404
    assert client.post(reverse("core:export_start"), {"source": "tests.squares", "format": "pdf"}).status_code == 404
    assert not Job.objects.exists()


def test_starting_an_export_needs_a_post_and_a_login(client, ann):
    assert client.get(reverse("core:export_start")).status_code == 405
    response = client.post(reverse("core:export_start"), {"source": "tests.squares", "format": "csv"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert not Job.objects.exists()


def test_export_files_are_deleted_after_their_keeping_time(
    client, ann, media, settings, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from core.exports import exports_purge

    settings.EXPORT_KEEP_DAYS = 30
    client.force_login(ann)
    _start(client, django_capture_on_commit_callbacks, source="tests.squares", format="csv", size="2")
    job = Job.objects.get(created_by=ann)
    path = media / job.output.name
    assert path.exists()
    assert exports_purge(now=timezone.now() + timedelta(days=29)) == 0
    assert exports_purge(now=timezone.now() + timedelta(days=31)) == 1
    job.refresh_from_db()
    assert not path.exists()
    assert job.output == ""
    assert job.status == "done"
    assert client.get(reverse("core:job_download", args=[job.pk])).status_code == 404
    assert "Expired: export again" in client.get(reverse("core:export_list")).text
