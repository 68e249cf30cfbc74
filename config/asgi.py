import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_asgi_application()

from config.env import require_production_secret_key  # noqa: E402  (needs the settings loaded above)

require_production_secret_key()
