"""The restore drill: back up a populated database and its media files, restore them into a fresh database (a new
PostgreSQL database, or a new SQLite file when the suite runs on SQLite) with ``manage.py restore`` as an operator
would, and compare every table's row count and checksum and every media file's hash. A tampered archive and a
database that already holds data are refused without changing anything.

pg_dump reads the data from another session, so it must be committed: these tests are transactional. The source is
built and backed up once for the module; the first test's flush removes it, and the tests after it need only the
archive. The fresh databases they restore into are their own.
"""

import io
import itertools
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from accounts.choices import AuditAction, Role
from accounts.services import audit_record
from core import backup
from enterprises.models import Region
from evaluations.models import EvaluationModel, Requirement
from evaluations.services import answer_save, evaluation_start, evidence_upload
from tests.factories import EnterpriseFactory, UserFactory, grant

# pg_dump reads from its own session: the data must be committed.
drill = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def _populate() -> None:
    """A small but varied platform: reference data, two enterprises, people in four roles, a self-assessment with
    answers and evidence files, and audit rows (JSON details, Chinese text, floats) on the hash chain."""
    from enterprises.services import reference_data_load
    from tests.conftest import load_shipped_model

    if not Region.objects.exists():
        reference_data_load()
    if not EvaluationModel.objects.filter(code="QMC-2024").exists():
        load_shipped_model()
    shenzhen = EnterpriseFactory(region_id="440300", name_zh="深圳精工电子有限公司")
    EnterpriseFactory(region_id="440100", name_zh="广州恒通机械有限公司")
    alice = grant(UserFactory(username="alice"), Role.ENTERPRISE_ADMIN, enterprise=shenzhen)
    grant(UserFactory(username="amy"), Role.ENTERPRISE_MEMBER, enterprise=shenzhen)
    officer = grant(UserFactory(username="gd_officer"), Role.AUTHORITY, authority="GD")
    grant(UserFactory(username="miit_officer"), Role.NATIONAL)
    evaluation = evaluation_start(enterprise=shenzhen, by=alice, cycle=2026)
    requirements = Requirement.objects.filter(model=evaluation.model).order_by("pk")[:24]
    for requirement, rating in zip(requirements, itertools.cycle(["1", "0.8", "0.5", "0"]), strict=False):
        answer_save(evaluation=evaluation, requirement_code=requirement.code, rating=rating, by=alice, comment="已核实")
    indicator = requirements[0].indicator.code
    for name, content in [("质量手册.pdf", PDF), ("audit-photo.png", PNG), ("minutes.pdf", PDF + b"% v2\n")]:
        evidence_upload(
            evaluation=evaluation, indicator_code=indicator, upload=SimpleUploadedFile(name, content), by=alice
        )
    audit_record(action=AuditAction.LOGIN, actor=officer, details={"note": "早上好", "rate": 0.125})


def _database_url(database: dict) -> str:
    if backup.vendor_of(database) == "sqlite":
        return f"sqlite:///{database['NAME']}"
    return (
        f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    )


def manage(*args: str, database: dict, media_root: Path) -> subprocess.CompletedProcess:
    """Run a management command in its own process against ``database`` and ``media_root``, as an operator would."""
    env = {**os.environ, "DATABASE_URL": _database_url(database), "MEDIA_ROOT": str(media_root)}
    return subprocess.run(  # noqa: S603 - this interpreter and manage.py
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def source(django_db_setup, django_db_blocker, tmp_path_factory):
    """The populated database and media backed up once: (archive path, the source's own manifest taken after
    the backup, its media folder)."""
    folder = tmp_path_factory.mktemp("backup")
    media_root = folder / "media"
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Only ever the test database (pytest-django sets it up because every test here is marked for the database).
    assert connection.settings_dict["NAME"].startswith(("test_", "file:memorydb")), connection.settings_dict["NAME"]
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media_root, PASSWORD_HASHERS=hashers):
        _populate()
        archive = folder / "qualitypath.tar.gz"
        call_command("backup", str(archive), stdout=io.StringIO())
        database = backup.database_manifest(connection.settings_dict)
    return archive, {**database, "media": backup.media_manifest(media_root)}, media_root


def _drop(name: str) -> None:
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture
def fresh_database(source, django_db_blocker, tmp_path):
    """A new, empty database on the same server (PostgreSQL), or a new SQLite file; dropped afterwards."""
    if connection.vendor != "postgresql":
        yield {**connection.settings_dict, "NAME": str(tmp_path / "restored.sqlite3")}
        return
    name = f"qp_backup_restore_{uuid.uuid4().hex[:10]}"
    with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {**connection.settings_dict, "NAME": name}
    finally:
        with django_db_blocker.unblock():
            _drop(name)


@pytest.fixture
def restored(source, fresh_database, tmp_path):
    """The archive restored into a fresh database and media folder (in this process): (database, media root)."""
    media_root = tmp_path / "restored-media"
    report = backup.backup_restore(path=source[0], database=fresh_database, media_root=media_root)
    assert report.differences == []
    return fresh_database, media_root


def _tampered(archive: Path, target: Path, change) -> Path:
    """A copy of ``archive`` whose member named by ``change``'s key is replaced by ``change[key](content)``."""
    with tarfile.open(archive) as original, tarfile.open(target, "w:gz") as copy:
        for member in original.getmembers():
            content = original.extractfile(member).read()
            for name, edit in change.items():
                if member.name == name or (name.endswith("*") and member.name.startswith(name[:-1])):
                    content = edit(content)
            member.size = len(content)
            copy.addfile(member, io.BytesIO(content))
    return target


def _state(database: dict, media_root: Path) -> dict:
    return {**backup.database_manifest(database), "media": backup.media_manifest(media_root)}


@drill
def test_the_restore_drill_reproduces_every_table_and_media_file(source, fresh_database, tmp_path):
    archive, expected, source_media = source
    media_root = tmp_path / "restored-media"

    result = manage("restore", str(archive), database=fresh_database, media_root=media_root)

    assert result.returncode == 0, result.stderr
    assert "Every table's row count and checksum and every media file match the backup." in result.stdout
    restored = _state(fresh_database, media_root)
    assert list(restored["tables"]) == list(expected["tables"])
    for table, counted in expected["tables"].items():
        assert restored["tables"][table] == counted, table
    assert restored["sequences"] == expected["sequences"]
    assert restored["migrations"] == expected["migrations"]
    assert restored["media"] == expected["media"]
    assert {name: path.read_bytes() for name, path in backup.media_files(media_root)} == {
        name: path.read_bytes() for name, path in backup.media_files(source_media)
    }
    # The drill is only worth something over real data: every kind of row above made it across.
    rows = {table: counted["rows"] for table, counted in expected["tables"].items()}
    assert rows["enterprises_region"] > 300
    assert rows["enterprises_enterprise"] == 2
    assert rows["evaluations_answer"] == 24
    assert rows["evaluations_evidence"] == 3
    assert rows["accounts_auditlog"] >= 29  # the start, 24 answers, 3 uploads, the login
    assert len(expected["media"]) == 3
    assert archive.stat().st_mode & 0o777 == 0o600  # it holds password hashes and tokens


@drill
def test_the_restored_audit_log_keeps_its_chain_and_its_append_only_trigger(source, restored):
    database, media_root = restored

    result = manage("verify_audit_log", database=database, media_root=media_root)

    assert result.returncode == 0, result.stderr
    assert "The audit log's hash chain is intact." in result.stdout
    if backup.vendor_of(database) == "postgresql":
        import psycopg

        with backup._pg_connect(database) as restored_db:
            triggers = restored_db.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'accounts_auditlog'::regclass AND tgenabled = 'O'"
                " AND NOT tgisinternal"
            ).fetchall()
            assert triggers == [("accounts_auditlog_append_only",)]
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                restored_db.execute("UPDATE accounts_auditlog SET success = NOT success")
        # pg_restore loads the rows (COPY) before it creates the trigger: the order is the dump's own.
        with backup.archive_open(source[0]) as opened:
            listing = backup._pg_list(opened.dump, opened.manifest)
        data = next(i for i, line in enumerate(listing) if "TABLE DATA public accounts_auditlog " in line)
        trigger = next(i for i, line in enumerate(listing) if "TRIGGER public accounts_auditlog " in line)
        assert data < trigger
    else:
        import sqlite3

        restored_db = sqlite3.connect(database["NAME"])
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            restored_db.execute("UPDATE accounts_auditlog SET success = NOT success")
        restored_db.close()


@drill
def test_a_database_that_holds_rows_is_refused_without_force_and_left_unchanged(source, restored):
    database, media_root = restored
    with backup._pg_connect(database) if backup.vendor_of(database) == "postgresql" else _sqlite(database) as db:
        db.execute("UPDATE enterprises_enterprise SET name_en = 'Changed after the restore'")
    before = _state(database, media_root)

    result = manage("restore", str(source[0]), database=database, media_root=media_root)

    assert result.returncode == 1
    assert "is not empty" in result.stderr
    assert "pass --force" in result.stderr
    assert _state(database, media_root) == before

    forced = manage("restore", "--force", str(source[0]), database=database, media_root=media_root)

    assert forced.returncode == 0, forced.stderr
    assert _state(database, media_root)["tables"] == source[1]["tables"]


def _sqlite(database: dict):
    import sqlite3

    return sqlite3.connect(database["NAME"], isolation_level=None)


@drill
def test_a_changed_media_file_is_refused_by_name_before_anything_is_touched(source, restored, tmp_path):
    database, media_root = restored
    changed = sorted(source[1]["media"])[0]
    archive = _tampered(source[0], tmp_path / "tampered.tar.gz", {f"media/{changed}": lambda content: content + b"x"})
    before = _state(database, media_root)

    with pytest.raises(backup.BackupError) as refused:
        backup.backup_restore(path=archive, database=database, media_root=media_root, force=True)

    assert f"media file {changed} was changed" in str(refused.value)
    assert "nothing was restored" in str(refused.value)
    assert _state(database, media_root) == before
    with pytest.raises(CommandError, match=f"media file {changed} was changed"):
        call_command("backup", "--verify", str(archive))


@drill
def test_a_truncated_dump_or_archive_is_refused_with_a_clear_message(source, fresh_database, tmp_path):
    dump = "database.dump" if backup.vendor_of(fresh_database) == "postgresql" else "database.sqlite3"
    archive = _tampered(source[0], tmp_path / "truncated-dump.tar.gz", {dump: lambda content: content[:-100]})
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(source[0].read_bytes()[: source[0].stat().st_size // 2])
    media_root = tmp_path / "media"

    result = manage("restore", str(archive), database=fresh_database, media_root=media_root)

    assert result.returncode == 1
    assert f"the database dump {dump} is damaged (truncated or changed)" in result.stderr
    assert backup.occupied(database=fresh_database) == []
    assert not media_root.exists()
    with pytest.raises(backup.BackupError, match=r"cannot be read \(damaged or truncated archive\)"):
        backup.backup_restore(path=cut, database=fresh_database, media_root=media_root)
    assert backup.occupied(database=fresh_database) == []
    call_command("backup", "--verify", str(source[0]), stdout=io.StringIO())  # the untouched archive passes


@drill
def test_the_comparison_names_every_changed_table_and_media_file(source, restored):
    """The drill could pass by comparing nothing: a changed row, a removed row and a removed file are each named."""
    database, media_root = restored
    with backup._pg_connect(database) if backup.vendor_of(database) == "postgresql" else _sqlite(database) as db:
        db.execute("UPDATE enterprises_enterprise SET name_en = name_en || '.'")
        db.execute("DELETE FROM evaluations_answer WHERE id = (SELECT max(id) FROM evaluations_answer)")
    removed = next(iter(source[1]["media"]))
    (media_root / removed).unlink()

    differences, _notes = backup.backup_check(manifest=source[1], database=database, media_root=media_root)

    assert differences[0].startswith("table enterprises_enterprise: same row count (2) but different content")
    assert "table evaluations_answer: 24 rows in the backup, 23 now" in differences
    assert f"media file {removed}: missing" in differences
    assert len(differences) == 3


def test_backup_refuses_what_is_not_an_archive(tmp_path):
    stray = tmp_path / "notes.tar"
    with tarfile.open(stray, "w") as archive:
        archive.addfile(tarfile.TarInfo("../etc/passwd"), io.BytesIO(b""))

    with pytest.raises(CommandError, match="is not a QualityPath backup"):
        call_command("backup", "--verify", str(stray))
