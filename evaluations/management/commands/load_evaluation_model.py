from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from evaluations import model_file
from evaluations.services import evaluation_model_import

DEFAULT = Path(__file__).resolve().parents[2] / "data" / "qmc-2024.yaml"


class Command(BaseCommand):
    help = "Import an evaluation model version from a YAML or Excel file (default: the shipped QMC-2024). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT))

    def handle(self, *args, path, **options):
        source = Path(path)
        try:
            data = model_file.read(source.read_bytes(), source.name)
            model = evaluation_model_import(data=data)
        except model_file.ModelFileError as exc:
            raise CommandError("\n".join([f"{source} was not imported:", *exc.problems])) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{model.code} {model.version}: {model.dimensions.count()} dimensions, {model.indicators.count()} "
                f"indicators, {model.requirements.count()} requirements, {model.conditions.count()} conditions"
            )
        )
