from pathlib import Path

from django.core.management.base import BaseCommand

from summaries.services import templates_load


class Command(BaseCommand):
    help = "Load the annual work summary templates shipped in summaries/data (or the YAML files given); idempotent."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", type=Path)

    def handle(self, *args, **options):
        templates = templates_load(paths=options["files"] or None)
        for template in templates:
            self.stdout.write(f"{template.year}: {template.sections.count()} sections, deadline {template.deadline}")
