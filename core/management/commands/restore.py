from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.db.migrations.loader import MigrationLoader

from core import backup


class Command(BaseCommand):
    help = (
        "Restore a backup archive (database and media files) and prove it: every table's row count and checksum and"
        " every media file's hash must match the manifest, else each difference is named and the command fails."
        " Refuses a database that holds rows unless --force. Stop the web and worker processes first."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the archive written by `manage.py backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the content of a database that holds rows (and media files that differ)",
        )
        parser.add_argument("--database", default="default", help="database alias (default: default)")

    def handle(self, *args, archive, force, database, **options):
        target = connections[database].settings_dict
        known = {}
        for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations:
            known.setdefault(app, set()).add(name)
        connections.close_all()  # our own connections must not hold locks on the tables being replaced
        try:
            report = backup.backup_restore(
                path=Path(archive),
                database=target,
                media_root=Path(settings.MEDIA_ROOT),
                force=force,
                known_migrations=known,
            )
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = report.manifest
        rows = sum(table["rows"] for table in manifest["tables"].values())
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']}: {len(manifest['tables'])} tables, {rows:,} rows,"
            f" {len(manifest['media'])} media files."
        )
        for note in report.notes:
            self.stdout.write(self.style.WARNING(note))
        if not report.ok:
            for difference in report.differences:
                self.stderr.write(difference)
            raise CommandError(
                f"The restored data does not match the backup's manifest: {len(report.differences)} differences."
            )
        self.stdout.write(
            self.style.SUCCESS("Every table's row count and checksum and every media file match the backup.")
        )
