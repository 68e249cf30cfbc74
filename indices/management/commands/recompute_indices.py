"""Recompute the quality management level index snapshots now (the nightly task does the same)."""

import time

from django.core.management.base import BaseCommand

from indices.facts import facts_rebuild
from indices.services import indices_recompute


class Command(BaseCommand):
    help = "Recompute the index cells of every year with data (or of the years given)."

    def add_arguments(self, parser):
        parser.add_argument("years", nargs="*", type=int, help="Years to recompute; default: all with data.")
        parser.add_argument(
            "--rebuild-facts", action="store_true", help="Derive every evaluation's summary facts again first."
        )

    def handle(self, *args, years, rebuild_facts, **options):
        started = time.perf_counter()
        if rebuild_facts:
            self.stdout.write(f"facts: {facts_rebuild()}")
        written = indices_recompute(years=years or None)
        for year, counts in written.items():
            self.stdout.write(f"{year}: {counts['cells']} cells, {counts['written']} written")
        self.stdout.write(self.style.SUCCESS(f"done in {time.perf_counter() - started:.2f} s"))
