"""Static files that come from installed packages rather than from our own static/ folder."""

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PLOTLY_PREFIX = "vendor/plotly"
PLOTLY_FILE = "plotly.min.js"


class PlotlyFinder(BaseFinder):
    """Serves Plotly's JavaScript from the installed ``plotly`` package (offline; version pinned with it).

    Only ``plotly.min.js`` is exposed, as ``vendor/plotly/plotly.min.js``.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.location = Path(plotly.__file__).resolve().parent / "package_data"
        self.storage = FileSystemStorage(location=self.location)
        self.storage.prefix = PLOTLY_PREFIX

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        if path == f"{PLOTLY_PREFIX}/{PLOTLY_FILE}":
            match = str(self.location / PLOTLY_FILE)
            return [match] if find_all else match
        return [] if find_all else None

    def list(self, ignore_patterns):
        yield PLOTLY_FILE, self.storage
