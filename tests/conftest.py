import io

import pytest
from django.core.management import call_command

from accounts.choices import Role
from enterprises.services import reference_data_load
from tests.factories import EnterpriseFactory, UserFactory, grant


def load_shipped_model():
    """Every shipped model file (as ``manage.py load_evaluation_model`` loads them) and the methods toolbox linked
    to them (``manage.py load_methods``); returns QMC-2024."""
    from evaluations import model_file
    from evaluations.management.commands.load_evaluation_model import SHIPPED
    from evaluations.services import evaluation_model_import

    models = [evaluation_model_import(data=model_file.read(path.read_bytes(), path.name)) for path in SHIPPED]
    call_command("load_methods", stdout=io.StringIO())
    return models[0]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Reference data, the shipped evaluation models and the methods toolbox linked to them are loaded once; each
    test's transaction rolls back over them."""
    with django_db_blocker.unblock():
        reference_data_load()
        load_shipped_model()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create hundreds of users; PBKDF2's deliberate slowness (~0.6 s each here) buys them nothing.

    Production keeps Django's default hashers; no test depends on which one hashes.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """A request in Chinese leaves its language active in the thread; every test starts in English."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def shenzhen_enterprise(db):
    return EnterpriseFactory(region_id="440300", name_zh="深圳精工电子有限公司")


@pytest.fixture
def guangzhou_enterprise(db):
    return EnterpriseFactory(region_id="440100", name_zh="广州恒通机械有限公司")


@pytest.fixture
def beijing_enterprise(db):
    return EnterpriseFactory(region_id="110100", name_zh="北京中科仪器有限公司")


@pytest.fixture
def shihezi_enterprise(db):
    """An enterprise in an XPCC city: the Corps oversees it, Xinjiang's authority does not."""
    return EnterpriseFactory(region_id="659001", name_zh="石河子天成化工有限公司")


@pytest.fixture
def urumqi_enterprise(db):
    return EnterpriseFactory(region_id="650100", name_zh="乌鲁木齐博源建材有限公司")


@pytest.fixture
def alice(shenzhen_enterprise):
    """Alice administers the Shenzhen enterprise."""
    return grant(UserFactory(username="alice"), Role.ENTERPRISE_ADMIN, enterprise=shenzhen_enterprise)


@pytest.fixture
def bob(guangzhou_enterprise):
    """Bob administers the Guangzhou enterprise."""
    return grant(UserFactory(username="bob"), Role.ENTERPRISE_ADMIN, enterprise=guangzhou_enterprise)


@pytest.fixture
def guangdong_officer(db):
    return grant(UserFactory(username="gd_officer"), Role.AUTHORITY, authority="GD")


@pytest.fixture
def shenzhen_officer(db):
    return grant(UserFactory(username="sz_officer"), Role.AUTHORITY, authority="SZ")


@pytest.fixture
def miit_officer(db):
    return grant(UserFactory(username="miit_officer"), Role.NATIONAL)
