"""The evaluation exports (evaluations.exports): the evaluations a user works with, and the published results of
the user's own area, run as background jobs through the scoping layer with the list page's filters."""

import csv
import io
import re

import openpyxl
import pytest
from django.urls import reverse

from core.models import Job
from evaluations.choices import EvaluationStatus
from tests.evaluations.publication_helpers import make_certificate, make_evaluation

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, tmp_path, alice, shenzhen_enterprise, guangzhou_enterprise, beijing_enterprise):
    """Shenzhen: a published result with its certificate, and this year's draft. Guangzhou: a published result.
    Beijing: a published result and a result in public notice."""
    settings.MEDIA_ROOT = tmp_path
    published = make_evaluation(shenzhen_enterprise, by=alice, status=EvaluationStatus.PUBLISHED, level=3, cycle=2025)
    make_certificate(published, number="QP-2025-44-000001")
    make_evaluation(shenzhen_enterprise, by=alice, status=EvaluationStatus.DRAFT, level=2, cycle=2026)
    make_evaluation(guangzhou_enterprise, by=alice, status=EvaluationStatus.PUBLISHED, level=4, cycle=2026)
    make_evaluation(beijing_enterprise, by=alice, status=EvaluationStatus.PUBLISHED, level=2, cycle=2025)
    make_evaluation(beijing_enterprise, by=alice, status=EvaluationStatus.NOTICE, level=5, cycle=2026)
    return {
        "shenzhen": shenzhen_enterprise.credit_code,
        "guangzhou": guangzhou_enterprise.credit_code,
        "beijing": beijing_enterprise.credit_code,
    }


def _export(client, user, capture, *, source: str, fmt: str = "csv", **filters) -> list[list[str]]:
    """The rows (header first) of ``source`` exported by ``user`` through the pages: start, then download."""
    client.force_login(user)
    with capture(execute=True):
        started = client.post(reverse("core:export_start"), {"source": source, "format": fmt, **filters})
    assert started.status_code == 302
    job = Job.objects.filter(created_by=user).latest("pk")
    download = client.get(reverse("core:job_download", args=[job.pk]))
    assert download.status_code == 200, job.error
    content = b"".join(download.streaming_content)
    if fmt == "xlsx":
        return [
            list(row) for row in openpyxl.load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True)
        ]
    vintage, *rows = csv.reader(io.StringIO(content.decode("utf-8-sig")))
    assert vintage[0].startswith("# Data vintage: ")
    return rows


def _enterprises(rows, world) -> list[str]:
    """Whose rows these are, by credit code: "shenzhen", "guangzhou", "beijing", in order."""
    names = {code: name for name, code in world.items()}
    return sorted(names[row[1]] for row in rows[1:])


def test_an_enterprise_exports_only_its_own_evaluations(client, world, alice, django_capture_on_commit_callbacks):
    rows = _export(client, alice, django_capture_on_commit_callbacks, source="evaluations")
    assert rows[0][:5] == ["Enterprise", "Credit code", "Region", "Industry", "Cycle (year)"]
    assert _enterprises(rows, world) == ["shenzhen", "shenzhen"]
    by_cycle = {row[4]: row for row in rows[1:]}
    assert by_cycle["2025"][rows[0].index("Official level")] == "3"
    assert by_cycle["2026"][rows[0].index("Status")] == "Draft"


def test_an_authority_exports_only_its_regions_evaluations(
    client, world, guangdong_officer, django_capture_on_commit_callbacks
):
    rows = _export(client, guangdong_officer, django_capture_on_commit_callbacks, source="evaluations")
    assert _enterprises(rows, world) == ["guangzhou", "shenzhen", "shenzhen"]


def test_the_evaluation_export_keeps_the_lists_filters(
    client, world, guangdong_officer, django_capture_on_commit_callbacks
):
    rows = _export(
        client, guangdong_officer, django_capture_on_commit_callbacks, source="evaluations", fmt="xlsx", cycle="2025"
    )
    assert _enterprises(rows, world) == ["shenzhen"]
    assert isinstance(rows[1][rows[0].index("Official score S")], float)  # a number, not text
    rows = _export(client, guangdong_officer, django_capture_on_commit_callbacks, source="evaluations", q="恒通")
    assert _enterprises(rows, world) == ["guangzhou"]


def test_an_enterprise_exports_only_its_own_published_results(client, world, alice, django_capture_on_commit_callbacks):
    rows = _export(client, alice, django_capture_on_commit_callbacks, source="results")
    assert _enterprises(rows, world) == ["shenzhen"]  # not its draft, nor the others' published results
    assert rows[1][rows[0].index("Certificate number")] == "QP-2025-44-000001"


def test_an_authority_exports_only_its_regions_published_results(
    client, world, guangdong_officer, miit_officer, django_capture_on_commit_callbacks
):
    rows = _export(client, guangdong_officer, django_capture_on_commit_callbacks, source="results")
    assert _enterprises(rows, world) == ["guangzhou", "shenzhen"]  # Beijing's is public, but not in its area
    rows = _export(client, guangdong_officer, django_capture_on_commit_callbacks, source="results", region="440100")
    assert _enterprises(rows, world) == ["guangzhou"]
    rows = _export(client, miit_officer, django_capture_on_commit_callbacks, source="results")
    assert _enterprises(rows, world) == ["beijing", "guangzhou", "shenzhen"]  # not the one in notice


def test_the_export_states_its_scope_and_filters_on_its_about_sheet(
    client, world, guangdong_officer, django_capture_on_commit_callbacks
):
    client.force_login(guangdong_officer)
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(
            reverse("core:export_start"), {"source": "evaluations", "format": "xlsx", "status": "published"}
        )
    assert started.status_code == 302
    download = client.get(reverse("core:job_download", args=[Job.objects.get(created_by=guangdong_officer).pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    about = dict(book["About"].iter_rows(min_row=2, values_only=True))
    assert about["Scope"] == "The evaluations you work with: your own scope."
    assert about["Status"] == "Published"


def test_an_unknown_source_is_a_404(client, alice):
    client.force_login(alice)
    assert client.post(reverse("core:export_start"), {"source": "evaluation", "format": "csv"}).status_code == 404


def _export_form(response) -> str:
    match = re.search(r'<form[^>]*class="inline export-buttons">(.*?)</form>', response.text, re.S)
    return match.group(1) if match else ""


def test_the_lists_offer_their_exports_to_signed_in_users(client, world, guangdong_officer):
    assert _export_form(client.get(reverse("evaluations:results_inquiry"))) == ""  # not to anonymous visitors
    client.force_login(guangdong_officer)
    listed = _export_form(client.get(reverse("evaluations:evaluation_list"), {"cycle": "2025"}))
    assert 'name="source" value="evaluations"' in listed
    assert 'name="cycle" value="2025"' in listed  # the list's filters travel with the export
    inquiry = _export_form(client.get(reverse("evaluations:results_inquiry"), {"region": "440100"}))
    assert 'name="source" value="results"' in inquiry
    assert 'name="region" value="440100"' in inquiry
    assert 'name="source" value="results"' in _export_form(client.get(reverse("evaluations:decision_list")))
