"""The database itself refuses to change or remove audit rows (PostgreSQL trigger; SQLite refuses updates).

PostgreSQL still allows TRUNCATE (used by test-database flushes and, later, a retention purge); SQLite's
test flush deletes rows one by one, so there only updates are refused at the database level.
"""

from django.db import migrations

PG_CREATE = """
CREATE OR REPLACE FUNCTION accounts_auditlog_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER accounts_auditlog_append_only
    BEFORE UPDATE OR DELETE ON accounts_auditlog
    FOR EACH ROW EXECUTE FUNCTION accounts_auditlog_refuse_change();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS accounts_auditlog_append_only ON accounts_auditlog;
DROP FUNCTION IF EXISTS accounts_auditlog_refuse_change();
"""
SQLITE_CREATE = """
CREATE TRIGGER accounts_auditlog_append_only BEFORE UPDATE ON accounts_auditlog
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS accounts_auditlog_append_only;"


def create(apps, schema_editor):
    sql = {"postgresql": PG_CREATE, "sqlite": SQLITE_CREATE}.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql, params=None)


def drop(apps, schema_editor):
    sql = {"postgresql": PG_DROP, "sqlite": SQLITE_DROP}.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial")]

    operations = [migrations.RunPython(create, drop)]
