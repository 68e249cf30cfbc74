"""The audit log's hash chain (accounts.audit_chain). Rows written before it carry no hash.

On SQLite, adding columns rebuilds the table, which drops its append-only trigger (0003): it is put back here.
"""

import importlib

from django.db import migrations, models

append_only = importlib.import_module("accounts.migrations.0003_auditlog_append_only")


def restore_sqlite_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(append_only.SQLITE_DROP, params=None)
        schema_editor.execute(append_only.SQLITE_CREATE, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_auditlog_export_action"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditlog",
            name="chain_hash",
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="hash"),
        ),
        migrations.AddField(
            model_name="auditlog",
            name="prev_hash",
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="previous row's hash"),
        ),
        migrations.RunPython(restore_sqlite_trigger, migrations.RunPython.noop),
    ]
