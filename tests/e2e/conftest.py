"""Browser journeys in real headless Chromium (Debian's /usr/bin/chromium), driven by Playwright."""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# What the journeys leave to look at: screenshots (journeys/, and pages/<language>/ from the accessibility sweep)
# and the files they download. Git ignores the folder.
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# axe-core impacts that fail a page (minor and moderate are reported by axe but do not fail the test).
AXE_FAILING_IMPACTS = ("serious", "critical")
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


def artifact(name: str, *, folder: str = "journeys") -> Path:
    """Where a test keeps a file to look at afterwards: test-artifacts/<folder>/<name>."""
    path = ARTIFACTS / folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def screenshot(page, name: str, *, folder: str = "journeys", max_height: int | None = None) -> Path:
    """A full-page PNG of what the browser shows, as test-artifacts/<folder>/<name>.png; with ``max_height``, only
    the top of a long page (a 20,000-pixel rating sheet takes seconds to encode)."""
    path = artifact(f"{name}.png", folder=folder)
    clip = None
    if max_height:
        height = min(page.evaluate("document.documentElement.scrollHeight"), max_height)
        clip = {"x": 0, "y": 0, "width": page.viewport_size["width"], "height": height}
    page.screenshot(path=str(path), full_page=True, clip=clip)
    return path


def accessibility_problems(page, where: str) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line per element: rule id,
    impact, target selector and ``where`` (the page). axe-core comes from the axe-playwright-python package (its
    bundled axe.min.js, nothing fetched) and is injected through Playwright's evaluation, which the page's
    content security policy does not govern: the policy stays as strict as in production."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{violation['id']} ({node.get('impact') or violation['impact']}) {' '.join(map(str, node['target']))}"
        f" on {where}: {violation['help']}"
        for violation in results.response["violations"]
        for node in violation["nodes"]
        if (node.get("impact") or violation["impact"]) in AXE_FAILING_IMPACTS
    ]
