"""Workbooks built in memory, batch details, and a batch imported and published by MIIT."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from products import services
from products.workbook import HEADER, SHEET, write_template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def row(enterprise, *, passed=True, sample="", product="储能锂电池 ESS battery", model="LFP-100", defects=""):
    code = enterprise if isinstance(enterprise, str) else enterprise.credit_code
    name = "" if isinstance(enterprise, str) else enterprise.name_zh
    return [code, name, product, model, sample, "合格" if passed else "不合格", defects]


def workbook_bytes(rows) -> bytes:
    return write_template(rows)


def raw_workbook(rows, header=HEADER, sheet=SHEET) -> bytes:
    """A workbook written cell by cell, nothing neutralised (a formula stays a formula)."""
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    worksheet.append(list(header))
    for values in rows:
        worksheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name="results.xlsx", content_type=XLSX):
    return SimpleUploadedFile(name, content, content_type=content_type)


def meta(**changes) -> services.BatchMeta:
    values = {
        "category": "lithium_battery",
        "title_zh": "2026年锂离子电池监督抽查",
        "title_en": "Lithium-ion battery spot check 2026",
        "year": 2026,
        "batch_label": "第2批 Batch 2",
        "authority": "",
        "publish": True,
    }
    return services.BatchMeta(**{**values, **changes})


def failing_rows(enterprises, *, samples, failed, start=0):
    """``samples`` rows spread over ``enterprises``, the first ``failed`` of them failed."""
    return [
        row(
            enterprises[n % len(enterprises)],
            passed=n >= failed,
            sample=f"S{start + n:03d}",
            defects="" if n >= failed else "过充 Overcharge",
        )
        for n in range(samples)
    ]


@pytest.fixture
def published_batch(miit_officer, shenzhen_enterprise, guangzhou_enterprise, beijing_enterprise):
    """A published battery batch: Guangdong 2 of 5 failed (a warning), Beijing 0 of 2."""
    rows = failing_rows([shenzhen_enterprise, guangzhou_enterprise], samples=5, failed=2)
    rows += failing_rows([beijing_enterprise], samples=2, failed=0, start=5)
    batch, created = services.inspection_import(
        data=workbook_bytes(rows), name="batteries.xlsx", meta=meta(), by=miit_officer
    )
    assert created
    return batch
