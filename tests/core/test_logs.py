"""Structured JSON logs (LOG_FORMAT=json) and the gunicorn configuration."""

import json
import logging
import os
import runpy
import subprocess
import sys
from pathlib import Path

from config.logs import JsonFormatter

ROOT = Path(__file__).resolve().parents[2]


def test_a_record_becomes_one_json_object_with_its_extra_fields_and_exception():
    try:
        raise ValueError("bad row 7")
    except ValueError:
        record = logging.getLogger("qp.test").makeRecord(
            "qp.test", logging.ERROR, __file__, 1, "import %s failed", ("job 42",), sys.exc_info(), extra={"job": 42}
        )
    entry = json.loads(JsonFormatter().format(record))
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "qp.test"
    assert entry["message"] == "import job 42 failed"
    assert entry["job"] == 42
    assert "ValueError: bad row 7" in entry["exception"]
    assert entry["time"].endswith("+00:00")


def test_log_format_json_makes_the_whole_platform_log_json_lines():
    env = {**os.environ, "LOG_FORMAT": "json", "DJANGO_SETTINGS_MODULE": "config.settings"}
    script = "import django, logging; django.setup(); logging.getLogger('qp').warning('数据 %s', 1, extra={'k': 'v'})"
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
    assert {"level": "WARNING", "logger": "qp", "message": "数据 1", "k": "v"}.items() <= lines[-1].items()


def test_a_wrong_log_format_is_a_configuration_error():
    env = {**os.environ, "LOG_FORMAT": "xml", "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "LOG_FORMAT='xml'" in result.stderr


def test_gunicorn_settings_come_from_the_environment_and_log_json(monkeypatch):
    monkeypatch.setenv("GUNICORN_WORKERS", "5")
    monkeypatch.setenv("LOG_FORMAT", "json")
    conf = runpy.run_path(str(ROOT / "config" / "gunicorn.py"))
    assert conf["workers"] == 5
    assert conf["accesslog"] == "-"
    sample = conf["access_log_format"] % {
        "t": "[30/Nov/2026:10:00:00 +0800]",
        "h": "10.0.0.1",
        "m": "GET",
        "U": "/",
        "s": "200",
        "B": "512",
        "D": "1234",
        "a": "Mozilla",
    }
    assert json.loads(sample)["status"] == 200
    monkeypatch.delenv("GUNICORN_WORKERS")
    assert runpy.run_path(str(ROOT / "config" / "gunicorn.py"))["workers"] >= 1
