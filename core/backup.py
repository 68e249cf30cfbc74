"""Backups of the database and the media files, and restores that prove themselves complete.

A backup is one tar archive (gzip-compressed when its name ends in ``.gz`` or ``.tgz``)::

    database.dump       PostgreSQL: pg_dump's custom format          (SQLite: database.sqlite3, a backup-API copy)
    media/...           every file under MEDIA_ROOT
    manifest.json       when, from what, Django's migration state, each table's row count and checksum,
                        each sequence's value, and the size and SHA-256 of the dump and of every media file

The manifest is taken in the same snapshot as the dump (``pg_export_snapshot`` and ``pg_dump --snapshot``), so it
describes exactly what the dump holds even while the platform keeps writing. A table's checksum is the MD5 over
the MD5 of each row's text, the row hashes sorted (computed in SQL on PostgreSQL, with the session's time zone and
formats fixed): it does not depend on the physical order of rows, on collations or on the primary key's type.

A restore first checks the whole archive against its manifest (a changed media file or a truncated dump is named,
and nothing is touched), refuses to overwrite a database that holds rows (or media files it would change) unless
forced, loads the dump (``pg_restore --clean --if-exists --no-owner --single-transaction``: all or nothing) and the
media, then computes the manifest again from the restored database and media and names every difference.
"""

import datetime
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DUMP_FILE = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
CHUNK = 1024 * 1024
# Connection options that are libpq parameters (the rest of Django's OPTIONS are Django's own), and the
# environment variables pg_dump and pg_restore read them from.
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
    "application_name": "PGAPPNAME",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
}
# Fixed output formats for the checksums: a row's text must not depend on the session that reads it.
PG_SESSION = (
    "SET TIME ZONE 'UTC'",
    "SET DateStyle TO 'ISO, YMD'",
    "SET IntervalStyle TO 'postgres'",
    "SET extra_float_digits TO 1",
    "SET bytea_output TO 'hex'",
)


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass
class RestoreReport:
    manifest: dict
    differences: list[str] = field(default_factory=list)  # what the restored data lacks or has changed
    notes: list[str] = field(default_factory=list)  # worth knowing, not a failure

    @property
    def ok(self) -> bool:
        return not self.differences


def vendor_of(database: dict) -> str:
    engine = database["ENGINE"]
    if "postgresql" in engine:
        return "postgresql"
    if "sqlite3" in engine:
        return "sqlite"
    raise BackupError(f"Backups support PostgreSQL and SQLite, not {engine}.")


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


# --- Files --------------------------------------------------------------------------------------------------


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class _HashingReader:
    """Reads a file for tarfile while hashing exactly the bytes that go into the archive."""

    def __init__(self, handle: BinaryIO):
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def media_files(media_root: Path) -> Iterator[tuple[str, Path]]:
    """(archive-relative POSIX name, path) of every regular file under MEDIA_ROOT, in a stable order."""
    if not media_root.is_dir():
        return
    for path in sorted(media_root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path.relative_to(media_root).as_posix(), path


def media_manifest(media_root: Path) -> dict[str, dict]:
    return {name: {"size": path.stat().st_size, "sha256": file_sha256(path)} for name, path in media_files(media_root)}


# --- PostgreSQL ---------------------------------------------------------------------------------------------


def _pg_params(database: dict) -> dict[str, str]:
    params = {
        "dbname": database.get("NAME"),
        "host": database.get("HOST"),
        "port": database.get("PORT"),
        "user": database.get("USER"),
        "password": database.get("PASSWORD"),
    }
    params.update({key: value for key, value in (database.get("OPTIONS") or {}).items() if key in LIBPQ_OPTIONS})
    return {key: str(value) for key, value in params.items() if value not in (None, "")}


def _pg_env(database: dict) -> dict[str, str]:
    """The environment for pg_dump/pg_restore: the connection as PG* variables (the password never on argv)."""
    names = {"dbname": "PGDATABASE", "host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "password": "PGPASSWORD"}
    names.update(LIBPQ_OPTIONS)
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    env.update({names[key]: value for key, value in _pg_params(database).items()})
    return env


def _pg_connect(database: dict):
    import psycopg

    try:
        return psycopg.connect(**_pg_params(database), autocommit=True)
    except psycopg.Error as exc:
        raise BackupError(f"Cannot connect to the database {database.get('NAME')!r}: {exc}") from exc


def _major(version: str) -> int:
    match = re.search(r"(\d+)(?:\.\d+)?", version or "")
    return int(match.group(1)) if match else 0


def _pg_tool(name: str, *, server_major: int) -> tuple[str, str]:
    """The path and version line of pg_dump or pg_restore for this major version: Debian's binary of that version
    when installed, else the one on PATH, which must not be older (pg_dump refuses a newer server, pg_restore
    cannot read a newer dump)."""
    candidates = [Path(f"/usr/lib/postgresql/{server_major}/bin/{name}")]
    found = shutil.which(name)
    if found:
        candidates.append(Path(found))
    for candidate in candidates:
        if not candidate.exists():
            continue
        version = subprocess.run(  # noqa: S603 - a fixed tool path, no shell
            [str(candidate), "--version"], capture_output=True, text=True, check=False
        ).stdout.strip()
        if _major(version) >= server_major:
            return str(candidate), version
        raise BackupError(
            f"{name} is version {version or 'unknown'} but the server is PostgreSQL {server_major}: install the"
            f" PostgreSQL {server_major} client tools (Debian: postgresql-client-{server_major})."
        )
    raise BackupError(f"{name} was not found: install the PostgreSQL {server_major} client tools.")


def _pg_server(connection) -> tuple[int, str]:
    number = int(connection.execute("SHOW server_version_num").fetchone()[0])
    return number // 10000, connection.execute("SHOW server_version").fetchone()[0]


def _pg_tables(connection) -> list[tuple[str, str]]:
    return connection.execute(
        "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
        " AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'"
        " ORDER BY 1, 2"
    ).fetchall()


def _table_key(schema: str, table: str) -> str:
    return table if schema == "public" else f"{schema}.{table}"


def _pg_manifest(connection) -> dict:
    """Tables, sequences and migrations as this connection's transaction sees them."""
    from psycopg import sql

    for statement in PG_SESSION:
        connection.execute(statement)
    tables = {}
    for schema, table in _pg_tables(connection):
        query = sql.SQL(
            "SELECT count(*), md5(coalesce(string_agg(h, '' ORDER BY h COLLATE \"C\"), ''))"
            " FROM (SELECT md5(t::text) AS h FROM {} AS t) AS rows"
        ).format(sql.Identifier(schema, table))
        rows, checksum = connection.execute(query).fetchone()
        tables[_table_key(schema, table)] = {"rows": rows, "checksum": checksum}
    sequences = {
        _table_key(schema, name): value
        for schema, name, value in connection.execute(
            "SELECT schemaname, sequencename, last_value FROM pg_sequences"
            " WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2"
        )
    }
    migrations = _migrations(connection.execute, has_table="django_migrations" in tables)
    return {"tables": tables, "sequences": sequences, "migrations": migrations}


def _pg_occupied(database: dict) -> list[str]:
    """Tables of the database that hold at least one row."""
    from psycopg import sql

    with _pg_connect(database) as connection:
        return [
            _table_key(schema, table)
            for schema, table in _pg_tables(connection)
            if connection.execute(
                sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(sql.Identifier(schema, table))
            ).fetchone()[0]
        ]


def _pg_dump(database: dict, target: Path) -> dict:
    """Dump to ``target`` and return the manifest's database part, both from one snapshot."""
    with _pg_connect(database) as connection:
        major, version = _pg_server(connection)
        pg_dump, tool_version = _pg_tool("pg_dump", server_major=major)
        connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
        # The snapshot stays valid while this transaction is open: pg_dump reads exactly what the manifest counts.
        result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [pg_dump, "--format=custom", "--no-password", f"--snapshot={snapshot}", f"--file={target}"],
            env=_pg_env(database),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            connection.execute("ROLLBACK")
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        content = _pg_manifest(connection)
        connection.execute("COMMIT")
    return {"engine": "postgresql", "server_version": version, "tool": tool_version, **content}


def _pg_restore(database: dict, dump: Path, manifest: dict) -> None:
    with _pg_connect(database) as connection:
        major, _version = _pg_server(connection)
    # pg_restore must read the dump's format (as new as the pg_dump that wrote it) and speak to this server.
    pg_restore, _tool = _pg_tool("pg_restore", server_major=max(major, _major(manifest.get("tool", ""))))
    result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",  # all or nothing: a failed restore leaves the database as it was
            "--exit-on-error",
            "--no-password",
            f"--dbname={database['NAME']}",
            str(dump),
        ],
        env=_pg_env(database),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(
            f"pg_restore failed and rolled back; the database is as it was before. {result.stderr.strip()}"
        )


def _pg_list(dump: Path, manifest: dict) -> list[str]:
    """The dump's table of contents (pg_restore --list): proves the dump file is readable."""
    tool, _version = _pg_tool("pg_restore", server_major=_major(manifest.get("tool", "")))
    result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [tool, "--list", str(dump)], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"The database dump cannot be read: {result.stderr.strip()}")
    return [line for line in result.stdout.splitlines() if line and not line.startswith(";")]


# --- SQLite -------------------------------------------------------------------------------------------------


def _sqlite_connect(name: str) -> sqlite3.Connection:
    return sqlite3.connect(str(name), uri=str(name).startswith("file:"))


def _quoted(table: str) -> str:
    return '"' + table.replace('"', '""') + '"'


def _sqlite_tables(connection: sqlite3.Connection) -> list[str]:
    return [
        name
        for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
            " AND (name NOT LIKE 'sqlite\\_%' ESCAPE '\\' OR name = 'sqlite_sequence') ORDER BY name"
        )
    ]


def _sqlite_manifest(connection: sqlite3.Connection) -> dict:
    """SQLite has no MD5: the same checksum (sorted row hashes) is computed here, over each row's repr."""
    tables = {}
    for table in _sqlite_tables(connection):
        hashes = sorted(
            hashlib.md5(repr(row).encode(), usedforsecurity=False).hexdigest()
            for row in connection.execute(f"SELECT * FROM {_quoted(table)}")  # noqa: S608 - a quoted table name
        )
        checksum = hashlib.md5("".join(hashes).encode(), usedforsecurity=False).hexdigest()
        tables[table] = {"rows": len(hashes), "checksum": checksum}
    migrations = _migrations(connection.execute, has_table="django_migrations" in tables)
    return {"tables": tables, "sequences": {}, "migrations": migrations}


def _sqlite_dump(database: dict, target: Path) -> dict:
    source = _sqlite_connect(database["NAME"])
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # a consistent copy, page by page, while others may write
        content = _sqlite_manifest(copy)  # counted on the copy: exactly what the archive holds
    finally:
        copy.close()
        source.close()
    return {"engine": "sqlite", "server_version": sqlite3.sqlite_version, "tool": "sqlite3 backup API", **content}


def _sqlite_occupied(database: dict) -> list[str]:
    if not str(database["NAME"]).startswith("file:") and not Path(database["NAME"]).exists():
        return []
    connection = _sqlite_connect(database["NAME"])
    try:
        return [
            table
            for table in _sqlite_tables(connection)
            if connection.execute(f"SELECT EXISTS (SELECT 1 FROM {_quoted(table)})").fetchone()[0]  # noqa: S608
        ]
    finally:
        connection.close()


def _sqlite_restore(database: dict, dump: Path) -> None:
    source = sqlite3.connect(dump)
    target = _sqlite_connect(database["NAME"])
    try:
        source.backup(target)  # replaces the whole content of the target database
    finally:
        target.close()
        source.close()


# --- Manifests ----------------------------------------------------------------------------------------------


def _migrations(execute, *, has_table: bool) -> dict[str, list[str]]:
    if not has_table:
        return {}
    state: dict[str, list[str]] = {}
    for app, name in execute("SELECT app, name FROM django_migrations ORDER BY app, name"):
        state.setdefault(app, []).append(name)
    return state


def database_manifest(database: dict) -> dict:
    """The database part of a manifest, computed now from the live database (used after a restore)."""
    if vendor_of(database) == "postgresql":
        with _pg_connect(database) as connection:
            connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            content = _pg_manifest(connection)
            connection.execute("COMMIT")
        return content
    connection = _sqlite_connect(database["NAME"])
    try:
        return _sqlite_manifest(connection)
    finally:
        connection.close()


def compare(expected: dict, database: dict, media: dict[str, dict]) -> tuple[list[str], list[str]]:
    """(differences, notes) between a backup's manifest and what a database and MEDIA_ROOT now hold."""
    differences, notes = [], []
    tables = database["tables"]
    for table, want in expected["tables"].items():
        have = tables.get(table)
        if have is None:
            differences.append(f"table {table}: missing")
        elif have["rows"] != want["rows"]:
            differences.append(f"table {table}: {want['rows']} rows in the backup, {have['rows']} now")
        elif have["checksum"] != want["checksum"]:
            differences.append(
                f"table {table}: same row count ({want['rows']}) but different content"
                f" (checksum {want['checksum']} in the backup, {have['checksum']} now)"
            )
    differences += [f"table {table}: not in the backup" for table in sorted(set(tables) - set(expected["tables"]))]
    for sequence, want in expected.get("sequences", {}).items():
        have = database["sequences"].get(sequence, "missing")
        if have != want:
            differences.append(f"sequence {sequence}: {want} in the backup, {have} now")
    for name, want in expected["media"].items():
        have = media.get(name)
        if have is None:
            differences.append(f"media file {name}: missing")
        elif have["sha256"] != want["sha256"]:
            differences.append(f"media file {name}: different content (SHA-256 {have['sha256']}, not {want['sha256']})")
    extra = sorted(set(media) - set(expected["media"]))
    if extra:
        notes.append(f"{len(extra)} media files not in the backup were left in place, e.g. {extra[0]}")
    return differences, notes


def migration_notes(manifest: dict, known: dict[str, set[str]]) -> list[str]:
    """How the backup's migration state compares with the migrations this code has (``known``: app -> names)."""
    notes = []
    for app, names in sorted(manifest["migrations"].items()):
        unknown = sorted(set(names) - known.get(app, set()))
        if unknown and app in known:
            notes.append(
                f"{app}: the backup has migrations this code does not know ({', '.join(unknown)}):"
                " run the release that made the backup."
            )
    pending = sorted(
        f"{app}.{name}" for app, names in known.items() for name in names - set(manifest["migrations"].get(app, []))
    )
    if pending:
        listed = ", ".join(pending[:5]) + (", ..." if len(pending) > 5 else "")
        notes.append(
            f"{len(pending)} migrations of this code are newer than the backup ({listed}): run `manage.py migrate`."
        )
    return notes


# --- Archives -----------------------------------------------------------------------------------------------


def _tar_mode(path: Path, write: bool) -> str:
    if not write:
        return "r:*"
    return "w:gz" if path.name.endswith((".gz", ".tgz")) else "w"


def backup_create(*, path: Path, database: dict, media_root: Path) -> dict:
    """Write the archive to ``path`` (through a temporary name: a failed backup leaves no archive) and return its
    manifest."""
    vendor = vendor_of(database)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    dump_name = DUMP_FILE[vendor]
    with tempfile.TemporaryDirectory(prefix="qualitypath-backup-") as work:
        dump = Path(work) / dump_name
        content = _pg_dump(database, dump) if vendor == "postgresql" else _sqlite_dump(database, dump)
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "created_at": _now(),
            **{key: content[key] for key in ("engine", "server_version", "tool")},
            "database": {"file": dump_name, "size": dump.stat().st_size, "sha256": file_sha256(dump)},
            "migrations": content["migrations"],
            "tables": content["tables"],
            "sequences": content["sequences"],
            "media": {},
        }
        try:
            # Readable by its owner only: the dump holds password hashes and API tokens.
            partial.unlink(missing_ok=True)  # a leftover of a failed run keeps its own mode
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with (
                open(descriptor, "wb") as file,
                tarfile.open(fileobj=file, mode=_tar_mode(path, write=True)) as archive,
            ):
                archive.add(dump, arcname=dump_name)
                for name, file_path in media_files(Path(media_root)):
                    info = archive.gettarinfo(str(file_path), arcname=f"{MEDIA}/{name}")
                    with file_path.open("rb") as handle:
                        reader = _HashingReader(handle)
                        archive.addfile(info, reader)
                    manifest["media"][name] = {"size": info.size, "sha256": reader.digest.hexdigest()}
                data = json.dumps(manifest, indent=1, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mode = len(data), 0o644
                info.mtime = int(datetime.datetime.now(datetime.UTC).timestamp())
                archive.addfile(info, io.BytesIO(data))
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
    return manifest


@dataclass
class OpenedArchive:
    root: Path
    manifest: dict

    @property
    def dump(self) -> Path:
        return self.root / self.manifest["database"]["file"]

    def media_path(self, name: str) -> Path:
        return self.root / MEDIA / name


def _allowed_member(name: str) -> bool:
    parts = PurePosixPath(name).parts
    if not parts or ".." in parts or name.startswith("/"):
        return False
    return name in (MANIFEST, *DUMP_FILE.values()) or (parts[0] == MEDIA)


@contextmanager
def archive_open(path: Path) -> Iterator[OpenedArchive]:
    """Unpack an archive into a temporary folder and check every file against the manifest; raise
    ``BackupError`` naming each problem (nothing outside the temporary folder is touched)."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    with tempfile.TemporaryDirectory(prefix="qualitypath-restore-") as work:
        root = Path(work)
        try:
            with tarfile.open(path, _tar_mode(path, write=False)) as archive:
                members = archive.getmembers()
                strange = [m.name for m in members if not _allowed_member(m.name) or not (m.isfile() or m.isdir())]
                if strange:
                    raise BackupError(f"{path} is not a QualityPath backup: unexpected entries {strange[:5]}.")
                archive.extractall(root, filter="data")
        except (tarfile.TarError, EOFError, OSError, ValueError, zlib.error) as exc:
            raise BackupError(f"{path} cannot be read (damaged or truncated archive): {exc}") from exc
        manifest = _read_manifest(root / MANIFEST, path)
        problems = _check_files(root, manifest)
        if problems:
            raise BackupError(f"{path} does not match its manifest; nothing was restored:\n  " + "\n  ".join(problems))
        yield OpenedArchive(root=root, manifest=manifest)


def _read_manifest(file: Path, path: Path) -> dict:
    if not file.is_file():
        raise BackupError(f"{path} has no {MANIFEST}: it is not a QualityPath backup, or it was cut short.")
    try:
        manifest = json.loads(file.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise BackupError(f"{path}: {MANIFEST} is not valid JSON ({exc}).") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: {MANIFEST} is of an unknown format (expected format {FORMAT}).")
    missing = {"engine", "database", "tables", "media", "migrations"} - set(manifest)
    if missing:
        raise BackupError(f"{path}: {MANIFEST} lacks {', '.join(sorted(missing))}.")
    return manifest


def _check_files(root: Path, manifest: dict) -> list[str]:
    problems = []
    dump = root / manifest["database"]["file"]
    want = manifest["database"]
    if not dump.is_file():
        problems.append(f"the database dump {want['file']} is missing")
    else:
        size, sha = dump.stat().st_size, file_sha256(dump)
        if sha != want["sha256"]:
            problems.append(
                f"the database dump {want['file']} is damaged (truncated or changed): {size} bytes with"
                f" SHA-256 {sha}, the manifest says {want['size']} bytes with SHA-256 {want['sha256']}"
            )
    media_root = root / MEDIA
    present = {name for name, _path in media_files(media_root)}
    for name, entry in manifest["media"].items():
        file = media_root / name
        if name not in present:
            problems.append(f"media file {name} is missing from the archive")
        elif file_sha256(file) != entry["sha256"]:
            problems.append(f"media file {name} was changed (its SHA-256 is not the manifest's)")
    problems += [f"media file {name} is not in the manifest" for name in sorted(present - set(manifest["media"]))]
    return problems


def archive_verify(path: Path) -> dict:
    """Check an archive without restoring it (every file against the manifest; a PostgreSQL dump must also be
    readable by pg_restore). Returns the manifest; raises ``BackupError`` naming each problem."""
    with archive_open(path) as opened:
        if opened.manifest["engine"] == "postgresql":
            _pg_list(opened.dump, opened.manifest)
        else:
            connection = sqlite3.connect(opened.dump)
            try:
                result = connection.execute("PRAGMA integrity_check").fetchone()[0]
            except sqlite3.DatabaseError as exc:
                result = str(exc)
            finally:
                connection.close()
            if result != "ok":
                raise BackupError(f"The SQLite copy in {path} is damaged: {result}")
        return opened.manifest


def occupied(*, database: dict) -> list[str]:
    """Tables of the database holding rows (an empty list: safe to restore into)."""
    return _pg_occupied(database) if vendor_of(database) == "postgresql" else _sqlite_occupied(database)


def _media_conflicts(opened: OpenedArchive, media_root: Path) -> list[str]:
    """Media files that exist with other content where the backup would write."""
    return [
        name
        for name, entry in opened.manifest["media"].items()
        if (media_root / name).is_file() and file_sha256(media_root / name) != entry["sha256"]
    ]


def backup_restore(
    *, path: Path, database: dict, media_root: Path, force: bool = False, known_migrations: dict | None = None
) -> RestoreReport:
    """Restore an archive into ``database`` and ``media_root``, then compare them with the manifest.

    Refuses (``BackupError``, nothing changed) when the archive does not match its manifest, when it was made on
    another database engine, or, without ``force``, when the database holds rows or a media file would be
    overwritten with other content.
    """
    vendor = vendor_of(database)
    media_root = Path(media_root)
    with archive_open(path) as opened:
        manifest = opened.manifest
        if manifest["engine"] != vendor:
            raise BackupError(f"This backup was made on {manifest['engine']}; the database is {vendor}.")
        if not force:
            tables = occupied(database=database)
            if tables:
                raise BackupError(
                    f"The database {database['NAME']} is not empty ({len(tables)} tables hold rows, e.g."
                    f" {', '.join(tables[:3])}); nothing was restored. Restore into an empty database, or pass"
                    " --force to replace its content."
                )
            conflicts = _media_conflicts(opened, media_root)
            if conflicts:
                raise BackupError(
                    f"{len(conflicts)} media files under {media_root} differ from the backup's (e.g."
                    f" {conflicts[0]}); nothing was restored. Pass --force to overwrite them."
                )
        if vendor == "postgresql":
            _pg_restore(database, opened.dump, manifest)
        else:
            _sqlite_restore(database, opened.dump)
        for name in manifest["media"]:
            target = media_root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.restoring")
            shutil.copyfile(opened.media_path(name), partial)
            os.replace(partial, target)
    differences, notes = compare(manifest, database_manifest(database), media_manifest(media_root))
    if known_migrations is not None:
        notes += migration_notes(manifest, known_migrations)
    return RestoreReport(manifest=manifest, differences=differences, notes=notes)


def backup_check(*, manifest: dict, database: dict, media_root: Path) -> tuple[list[str], list[str]]:
    """Compare a database and MEDIA_ROOT with a manifest now (the restore drill's last step, also usable alone)."""
    return compare(manifest, database_manifest(database), media_manifest(Path(media_root)))
