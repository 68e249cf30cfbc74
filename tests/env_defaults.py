"""Loaded by pytest before Django (``-p tests.env_defaults`` in pyproject.toml).

Tests run with DEBUG off, as in production, over plain HTTP; these defaults make a bare ``pytest`` work.
``make test`` sets the same values. Anything already in the environment wins.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("DJANGO_HTTPS", "false")
