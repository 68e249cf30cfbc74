"""The audit log's hash chain: intact after ordinary writes; a changed, removed or inserted row is found by
``manage.py verify_audit_log``. Tampering goes around the append-only guards the way an intruder with database
access would (PostgreSQL: triggers off for the session; SQLite: the trigger dropped)."""

import importlib
import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.choices import AuditAction
from accounts.models import AuditLog
from accounts.selectors import audit_chain_verify
from accounts.services import audit_record

append_only = importlib.import_module("accounts.migrations.0003_auditlog_append_only")


def tamper(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
            cursor.execute(sql, params)
            cursor.execute("SET session_replication_role = DEFAULT")
        else:
            cursor.execute(append_only.SQLITE_DROP)
            cursor.execute(sql, params)
            cursor.execute(append_only.SQLITE_CREATE)


@pytest.fixture
def entries(db, alice):
    rows = [
        audit_record(action=AuditAction.LOGIN, actor=alice, details={"note": "早上好", "n": 1}),
        audit_record(action=AuditAction.UPDATE, actor=alice, target=alice, details={"field": "email"}),
        audit_record(action=AuditAction.ACCESS_DENIED, username="mallory", success=False),
        audit_record(action=AuditAction.EXPORT, actor=alice, details={"file": "x.xlsx", "rate": 0.125}),
    ]
    return [AuditLog.objects.get(pk=row.pk) for row in rows]


def test_each_row_is_linked_to_the_one_before(entries):
    for before, after in itertools.pairwise(entries):
        assert after.prev_hash == before.chain_hash
        assert len(after.chain_hash) == 64
    result = audit_chain_verify()
    assert result.ok
    assert result.checked >= len(entries)


def test_a_changed_row_is_found(entries, capsys):
    target = entries[1]
    tamper("UPDATE accounts_auditlog SET actor_username = %s WHERE id = %s", ["someone_else", target.pk])
    result = audit_chain_verify()
    assert [row_id for row_id, _problem in result.broken] == [target.pk]
    with pytest.raises(CommandError, match="tampered"):
        call_command("verify_audit_log")
    assert f"row {target.pk}: its content does not match its hash" in capsys.readouterr().err


def test_a_removed_row_is_found(entries):
    tamper("DELETE FROM accounts_auditlog WHERE id = %s", [entries[2].pk])
    result = audit_chain_verify()
    assert result.broken == [(entries[3].pk, "does not follow the row before it (a row was removed or inserted)")]


def test_a_row_rewritten_with_a_fresh_hash_still_breaks_the_next_link(entries):
    """An intruder who recomputes the changed row's own hash still breaks the link from the row after it."""
    from accounts import audit_chain

    target = AuditLog.objects.filter(pk=entries[1].pk).values("id", "prev_hash", *audit_chain.FIELDS).get()
    target["details"] = {"field": "password"}
    forged = audit_chain.digest(target, target["prev_hash"])
    tamper(
        "UPDATE accounts_auditlog SET details = %s, chain_hash = %s WHERE id = %s",
        ['{"field": "password"}', forged, entries[1].pk],
    )
    assert [row_id for row_id, _problem in audit_chain_verify().broken] == [entries[2].pk]


def test_the_command_says_the_chain_is_intact(entries, capsys):
    call_command("verify_audit_log")
    assert "intact" in capsys.readouterr().out


def test_audit_admins_export_the_audit_log_with_its_hashes(
    client, entries, settings, tmp_path, django_capture_on_commit_callbacks
):
    import csv
    import io

    from django.urls import reverse

    from accounts.choices import Role
    from core.models import Job
    from tests.factories import UserFactory, grant

    settings.MEDIA_ROOT = tmp_path
    admin = grant(UserFactory(username="auditor"), Role.AUDIT_ADMIN)
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:export_start"), {"source": "audit_log", "format": "csv", "username": "alice"})
    job = Job.objects.get(created_by=admin)
    assert job.status == "done"
    text = b"".join(client.get(reverse("core:job_download", args=[job.pk])).streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0].startswith("# Data vintage")
    exported = {row[0]: row for row in rows[2:]}
    assert set(exported) >= {str(entries[0].pk), str(entries[1].pk), str(entries[3].pk)}
    assert str(entries[2].pk) not in exported  # mallory's row is filtered out
    assert exported[str(entries[0].pk)][-1] == entries[0].chain_hash
    assert "早上好" in exported[str(entries[0].pk)][10]

    client.force_login(entries[0].actor)  # alice, an enterprise administrator
    assert client.post(reverse("core:export_start"), {"source": "audit_log", "format": "csv"}).status_code == 403
    client.force_login(grant(UserFactory(username="operator"), Role.PLATFORM_ADMIN))  # separation of duties
    assert client.post(reverse("core:export_start"), {"source": "audit_log", "format": "csv"}).status_code == 403
