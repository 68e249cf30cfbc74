from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from knowledge.services import methods_import

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "methods.yaml"


class Command(BaseCommand):
    help = (
        "Load the methods toolbox and its links to the evaluation model from a YAML file (default: the shipped "
        "knowledge/data/methods.yaml). Load the evaluation models first. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="a methods file; without it, the shipped file is loaded")

    def handle(self, *args, path, **options):
        source = Path(path) if path else SHIPPED
        try:
            count = methods_import(data=yaml.safe_load(source.read_text(encoding="utf-8")))
        except (ValidationError, yaml.YAMLError) as exc:
            problems = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise CommandError("\n".join([f"{source} was not loaded:", *problems])) from exc
        self.stdout.write(self.style.SUCCESS(f"{count} methods loaded from {source.name}"))
