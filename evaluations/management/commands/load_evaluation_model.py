from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from evaluations import model_file
from evaluations.services import evaluation_model_import

DATA = Path(__file__).resolve().parents[2] / "data"
DEFAULT = DATA / "qmc-2024.yaml"
BRAND_CULTIVATION = DATA / "bcm-2025.yaml"
# The model files the platform ships: the QMC evaluation model and the brand cultivation self-evaluation model.
SHIPPED = (DEFAULT, BRAND_CULTIVATION)


class Command(BaseCommand):
    help = (
        "Import an evaluation model version from a YAML or Excel file (default: every shipped model, QMC-2024 and "
        "BCM-2025). Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="a model file; without it, the shipped files are loaded")

    def handle(self, *args, path, **options):
        for source in [Path(path)] if path else SHIPPED:
            try:
                data = model_file.read(source.read_bytes(), source.name)
                model = evaluation_model_import(data=data)
            except model_file.ModelFileError as exc:
                raise CommandError("\n".join([f"{source} was not imported:", *exc.problems])) from exc
            self.stdout.write(
                self.style.SUCCESS(
                    f"{model.code} {model.version}: {model.dimensions.count()} dimensions, "
                    f"{model.indicators.count()} indicators, {model.requirements.count()} requirements, "
                    f"{model.conditions.count()} conditions"
                )
            )
