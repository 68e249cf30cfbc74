"""The audit log's hash chain (MLPS level 3: tampering with the audit trail must be detectable).

Each row carries ``prev_hash``, the ``chain_hash`` of the row before it, and its own ``chain_hash``: SHA-256 over
``prev_hash`` and the row's content in a canonical JSON form. Rows are chained in id order; writers take a
transaction-scoped lock (PostgreSQL advisory lock) so that ids and the chain follow the same order. Changing,
removing or inserting a row anywhere breaks the links after it, which ``verify`` (``manage.py verify_audit_log``)
reports. Rows written before the chain existed carry no hash and are counted, not checked.

The lock is held until the writing transaction commits: an audit row written inside a long transaction makes
other audit writers wait for it. Audit rows are written at the end of each service, so the wait is short.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

GENESIS = "0" * 64
LOCK_KEY = 0x41554449  # "AUDI": the PostgreSQL advisory lock that orders audit writers
FIELDS = (
    "at",
    "actor_id",
    "actor_username",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "ip_address",
    "user_agent",
    "success",
    "details",
)


def digest(row: dict, prev_hash: str) -> str:
    """The chain hash of a row (a dict of FIELDS as stored) after ``prev_hash``."""
    content = {name: row[name] for name in FIELDS}
    content["at"] = row["at"].isoformat()
    text = json.dumps([prev_hash, content], sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Verification:
    checked: int = 0
    unchained: int = 0  # rows from before the chain began
    first_id: int | None = None
    broken: list[tuple[int, str]] = field(default_factory=list)  # (row id, what is wrong)

    @property
    def ok(self) -> bool:
        return not self.broken


def verify(rows: Iterable[dict]) -> Verification:
    """Walk rows (dicts with id, prev_hash, chain_hash and FIELDS) in id order and report every broken link."""
    result = Verification()
    previous: str | None = None
    for row in rows:
        if not row["chain_hash"]:
            if previous is None:
                result.unchained += 1
                continue
            result.broken.append((row["id"], "no hash inside the chain"))
            continue
        if previous is None:
            result.first_id = row["id"]
            previous = row["prev_hash"]  # the chain's anchor: GENESIS, or the last row before a purge
        if row["prev_hash"] != previous:
            result.broken.append((row["id"], "does not follow the row before it (a row was removed or inserted)"))
        if digest(row, row["prev_hash"]) != row["chain_hash"]:
            result.broken.append((row["id"], "its content does not match its hash (the row was changed)"))
        previous = row["chain_hash"]
        result.checked += 1
    return result
