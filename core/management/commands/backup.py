import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from core import backup


class Command(BaseCommand):
    help = (
        "Back up the database and the media files into one archive with a manifest (row counts, checksums, file"
        " hashes), or check an archive with --verify. Exits non-zero when anything is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "archive",
            nargs="?",
            help="archive to write (.tar.gz; default qualitypath-backup-<UTC time>.tar.gz here), or with --verify"
            " the archive to check",
        )
        parser.add_argument(
            "--verify", action="store_true", help="check an archive against its manifest, change nothing"
        )
        parser.add_argument("--database", default="default", help="database alias (default: default)")

    def handle(self, *args, archive, verify, database, **options):
        try:
            if verify:
                if not archive:
                    raise CommandError("--verify needs the archive to check.")
                manifest = backup.archive_verify(Path(archive))
                self.stdout.write(self._summary(manifest))
                self.stdout.write(self.style.SUCCESS(f"{archive} is complete: every file matches its manifest."))
                return
            stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
            path = Path(archive or f"qualitypath-backup-{stamp}.tar.gz")
            self._warn_about_storage()
            manifest = backup.backup_create(
                path=path, database=connections[database].settings_dict, media_root=Path(settings.MEDIA_ROOT)
            )
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self._summary(manifest))
        self.stdout.write(self.style.SUCCESS(f"Backup written to {path} ({path.stat().st_size:,} bytes)."))

    @staticmethod
    def _summary(manifest: dict) -> str:
        rows = sum(table["rows"] for table in manifest["tables"].values())
        return (
            f"{manifest['engine']} {manifest['server_version']}, made {manifest['created_at']}:"
            f" {len(manifest['tables'])} tables, {rows:,} rows, {len(manifest['media'])} media files"
        )

    def _warn_about_storage(self) -> None:
        storage = settings.STORAGES["default"]["BACKEND"]
        if storage != "django.core.files.storage.FileSystemStorage":
            self.stderr.write(
                self.style.WARNING(
                    f"Media are stored by {storage}, not under MEDIA_ROOT: back them up with that service."
                )
            )
