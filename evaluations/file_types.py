"""Upload checks: a file's type comes from its content, not its name, and must agree with its name."""

import hashlib
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

# extension → (content type, what the content must be)
ALLOWED = {
    ".pdf": ("application/pdf", "pdf"),
    ".png": ("image/png", "png"),
    ".jpg": ("image/jpeg", "jpeg"),
    ".jpeg": ("image/jpeg", "jpeg"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "word/"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xl/"),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "ppt/"),
}
MAX_ZIP_ENTRIES = 5000
MAX_ZIP_RATIO = 100  # uncompressed ÷ compressed size above this is treated as a zip bomb


def safe_name(raw: str) -> str:
    """The file's base name without any path, control characters or odd Unicode forms, at most 150 characters."""
    name = PureWindowsPath(PurePosixPath(raw or "").name).name
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C" and ch not in '<>:"/\\|?*').strip(" .")
    if len(name) > 150:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 150 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:150]
    return name or "file"


def _sniff(head: bytes, upload: UploadedFile) -> str | None:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    return None


def _office_kind(upload: UploadedFile, max_bytes: int) -> str | None:
    """Which Office Open XML document a zip is ('word/', 'xl/', 'ppt/'), after zip-bomb checks; None if not one."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES:
                raise ValidationError({"file": _("The document has too many parts to be a normal office file.")})
            expanded = sum(entry.file_size for entry in entries)
            packed = max(1, sum(entry.compress_size for entry in entries))
            if expanded > max_bytes * 10 or expanded / packed > MAX_ZIP_RATIO:
                raise ValidationError(
                    {
                        "file": _(
                            "The document would unpack to far more than its size (a possible zip bomb) and was refused."
                        )
                    }
                )
            names = {entry.filename for entry in entries}
    except zipfile.BadZipFile:
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    return next((prefix for prefix in ("word/", "xl/", "ppt/") if any(n.startswith(prefix) for n in names)), None)


def check_upload(upload: UploadedFile, *, max_bytes: int) -> str:
    """The content type of an acceptable upload; otherwise a ValidationError on ``file`` saying what is wrong."""
    name = safe_name(upload.name)
    extension = PurePosixPath(name.lower()).suffix
    allowed = ", ".join(sorted({ext.lstrip(".").upper() for ext in ALLOWED}))
    if upload.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    if upload.size > max_bytes:
        raise ValidationError(
            {
                "file": _("The file is {size} MB; the limit is {limit} MB.").format(
                    size=round(upload.size / 1_048_576, 1), limit=round(max_bytes / 1_048_576)
                )
            }
        )
    if extension not in ALLOWED:
        raise ValidationError(
            {"file": _("Files of this type are not accepted; use {allowed}.").format(allowed=allowed)}
        )
    content_type, expected = ALLOWED[extension]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = _sniff(head, upload)
    if kind == "zip":
        kind = _office_kind(upload, max_bytes)
    if kind != expected:
        raise ValidationError(
            {
                "file": _("The content of {name} is not a {ext} file; it was refused.").format(
                    name=name, ext=extension.lstrip(".").upper()
                )
            }
        )
    return content_type


@dataclass(frozen=True)
class Accepted:
    """What an accepted upload is: its safe name, type by content, size and SHA-256 (the fields files keep)."""

    name: str
    content_type: str
    size: int
    sha256: str


def accept_upload(upload: UploadedFile, *, max_bytes: int) -> Accepted:
    """Check an upload (``check_upload``) and hash it; the file is left at its start, ready to be stored."""
    content_type = check_upload(upload, max_bytes=max_bytes)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return Accepted(safe_name(upload.name), content_type, upload.size, digest.hexdigest())
