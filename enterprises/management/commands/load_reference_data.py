from django.core.management.base import BaseCommand

from enterprises.services import reference_data_load


class Command(BaseCommand):
    help = "Load regions (GB/T 2260), industries (GB/T 4754-2017 C13-C43) and the 37 authorities. Idempotent."

    def handle(self, *args, **options):
        counts = reference_data_load()
        self.stdout.write(self.style.SUCCESS(", ".join(f"{name}: {n}" for name, n in counts.items())))
