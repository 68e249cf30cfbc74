"""Browser journeys in real headless Chromium (Debian's /usr/bin/chromium), driven by Playwright."""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "e2e"
# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between browser steps
# are plain synchronous code, so Django's async-safety guard is relaxed for these tests only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("E2E_REQUIRED"):
            pytest.fail(f"Chromium not found at {CHROMIUM}; CI must run the browser journeys.")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def _request_failed(problems: list[str], request) -> None:
    """A load the page itself cancelled (it navigated away or closed while the favicon was still loading:
    net::ERR_ABORTED) is not a problem; every other failure is (blocked, refused, missing host...)."""
    if request.failure == "net::ERR_ABORTED" and not request.is_navigation_request():
        return
    problems.append(f"request failed: {request.url}")


@pytest.fixture
def new_page(browser):
    """Pages whose console errors (CSP violations, missing assets, script errors) fail the test."""
    contexts, problems, downloads = [], [], set()

    def make(locale: str = "en-US"):
        context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 860})
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console", lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None
        )
        page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
        page.on("requestfailed", lambda request: _request_failed(problems, request))
        page.on("download", lambda download: downloads.add(f"request failed: {download.url}"))
        return page

    yield make
    for context in contexts:
        context.close()
    # A deliberate 400 (a rejected form) logs a console error for the response, and Chromium reports a download as
    # an aborted navigation; nothing else may.
    unexpected = [p for p in problems if "status of 400" not in p and p not in downloads]
    assert unexpected == [], unexpected


def _seed_demo() -> None:
    from core.demo import seed_demo
    from enterprises.services import reference_data_load
    from tests.conftest import load_shipped_model

    reference_data_load()
    load_shipped_model()
    seed_demo(enterprises=60, seed=11)


def _recreate(target: str, *, template: str) -> None:
    """``target`` dropped and created again as a copy of ``template`` (PostgreSQL copies a database file by file,
    in well under a second here). Every other session on either database is ended first: CREATE DATABASE ...
    TEMPLATE needs the template to itself, and the live server's thread may still hold a connection."""
    from django.db import connection, connections

    connections.close_all()
    with connection._nodb_cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname IN (%s, %s) AND pid <> pg_backend_pid()",
            [target, template],
        )
        cursor.execute(f'DROP DATABASE IF EXISTS "{target}"')
        cursor.execute(f'CREATE DATABASE "{target}" TEMPLATE "{template}"')


@pytest.fixture(scope="session")
def _demo_template(django_db_setup, django_db_blocker):
    """The name of a PostgreSQL database holding the seeded demo, made once per session by the first journey;
    None on SQLite (each journey then seeds its own)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        yield None
        return
    yield f"{connection.settings_dict['NAME']}_demo"
    with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{connection.settings_dict["NAME"]}_demo"')


_template_made = []


@pytest.fixture
def demo_site(live_server, transactional_db, _demo_template):
    """The live server over the demo data (60 enterprises, seed 11). On PostgreSQL the demo is seeded once and
    each journey gets a fresh copy of it (half a minute saved per journey); the journey's flush empties it after."""
    from django.db import connection

    if _demo_template is None:
        _seed_demo()
        return live_server.url
    name = connection.settings_dict["NAME"]
    if not _template_made:
        _seed_demo()
        _recreate(_demo_template, template=name)
        _template_made.append(True)
    else:
        _recreate(name, template=_demo_template)
    return live_server.url


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
