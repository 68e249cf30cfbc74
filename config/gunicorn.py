"""gunicorn settings for production (`gunicorn -c config/gunicorn.py config.wsgi:application`), from the
environment like everything else; logs go to stdout/stderr, as JSON when LOG_FORMAT=json."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS") or min(8, multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))  # long work runs in Celery, not in a request
graceful_timeout = 30
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))  # recycle workers: bounded memory growth
max_requests_jitter = 200
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")  # the proxy in front
accesslog = "-"
errorlog = "-"
if os.environ.get("LOG_FORMAT", "plain") == "json":
    access_log_format = (
        '{"time":"%(t)s","remote":"%(h)s","method":"%(m)s","path":"%(U)s","status":%(s)s,'
        '"bytes":"%(B)s","duration_us":%(D)s,"agent":"%(a)s"}'
    )
