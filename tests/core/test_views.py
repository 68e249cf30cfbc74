import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from accounts.choices import Role
from core import health
from core.demo import seed_demo
from tests.factories import UserFactory, grant

DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.mark.django_db
def test_healthz_answers_ok_when_everything_responds(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"] in {"ok", "inline"}


@pytest.mark.django_db
def test_healthz_is_503_and_names_the_failed_cache(client):
    dead_cache = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": DEAD_REDIS}}
    with override_settings(CACHES=dead_cache):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["failed"] == ["cache"]


@pytest.mark.django_db
def test_healthz_is_503_and_names_the_failed_broker(client):
    with override_settings(CELERY_BROKER_URL=DEAD_REDIS):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["failed"] == ["broker"]


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (set by .ci/run)")
def test_broker_check_talks_to_a_real_redis():
    assert health.check_broker(settings.REDIS_URL) == "ok"


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (set by .ci/run)")
def test_cache_is_the_real_redis_when_configured():
    from django.core.cache import caches

    assert type(caches["default"]).__name__ == "RedisCache"
    health.check_cache()


HOMES = {
    None: "On the platform",
    Role.ENTERPRISE_ADMIN: "Open the enterprise profile",
    Role.AUTHORITY: "enterprises in your region",
    Role.NATIONAL: "National overview",
    Role.PLATFORM_ADMIN: "National overview",
    Role.SECURITY_ADMIN: "Security administration",
    Role.AUDIT_ADMIN: "Audit administration",
    Role.ASSESSOR: "no evaluation assigned",
    Role.INSTITUTION_ADMIN: "no evaluation assigned",
    Role.EXPERT: "No application is assigned",
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(HOMES))
def test_each_role_lands_on_its_own_home(client, shenzhen_enterprise, role):
    if role is not None:
        kwargs = {}
        if role in (Role.ENTERPRISE_ADMIN,):
            kwargs["enterprise"] = shenzhen_enterprise
        if role == Role.AUTHORITY:
            kwargs["authority"] = "SZ"
        client.force_login(grant(UserFactory(), role, **kwargs))
    response = client.get(reverse("home"), headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert HOMES[role] in response.text


@pytest.mark.django_db
def test_chinese_browsers_get_chinese_and_others_english(client):
    chinese = client.get(reverse("home"), headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert '<html lang="zh-Hans">' in chinese.text
    assert "制造业卓越质量工程" in chinese.text
    assert "登录" in chinese.text
    english = client.get(reverse("home"), headers={"Accept-Language": "de-DE,en;q=0.5"})
    assert '<html lang="en">' in english.text
    assert "Log in" in english.text


@pytest.mark.django_db
def test_language_switch_sticks(client):
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert response.status_code == 302
    page = client.get("/", headers={"Accept-Language": "en"})
    assert "登录" in page.text


@pytest.mark.django_db
def test_demo_banner_shows_once_demo_data_is_loaded(client):
    assert "Demo data" not in client.get("/", headers={"Accept-Language": "en"}).text
    seed_demo(enterprises=40, seed=1)
    assert "Demo data" in client.get("/", headers={"Accept-Language": "en"}).text


@pytest.mark.django_db
def test_pages_reference_only_local_assets(client):
    html = client.get("/").text
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert "https://" not in html
    docs = client.get(reverse("api:docs")).text
    assert "cdn" not in docs.lower()
    assert "/static/drf_spectacular_sidecar/" in docs
