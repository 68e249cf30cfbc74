"""Reading the PDFs the platform writes back as text, with poppler's pdftotext (installed by .ci/run)."""

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest


def pdf_text(data: bytes, *, raw: bool = False) -> str:
    """The text of a PDF, its pages separated by form feeds; ``raw`` keeps the content stream's order."""
    program = shutil.which("pdftotext")
    if program is None:
        pytest.fail("pdftotext is missing: install poppler-utils (apt-get install poppler-utils) to test the PDFs.")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(data)
        command = [program, *(["-raw"] if raw else []), "-enc", "UTF-8", str(path), "-"]
        return subprocess.run(command, capture_output=True, check=True).stdout.decode("utf-8")  # noqa: S603 - fixed argv


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page of a PDF."""
    return pdf_text(data).split("\f")[:-1]
