"""Loaded by pytest before Django (``-p tests.env_defaults`` in pyproject.toml).

Tests run with DEBUG off, as in production, over plain HTTP; these defaults make a bare ``pytest`` work.
``make test`` sets the same values. Anything already in the environment wins.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("DJANGO_HTTPS", "false")
# Most tests log in with force_login or the password form alone: nobody is asked for a second factor unless a test
# turns it on (tests/accounts/test_mfa.py sets settings.MFA_REQUIRED_ROLES). ``make test`` sets the same.
os.environ.setdefault("MFA_REQUIRED_ROLES", "")
