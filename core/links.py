"""Absolute links to the site, for what leaves it: e-mails, PDFs and their QR codes (``SITE_URL``)."""

from django.conf import settings


def site_url(path: str) -> str:
    """``path`` (from ``reverse``) as an absolute link."""
    return f"{settings.SITE_URL.rstrip('/')}{path}"
