"""Benchmark of the rating-workbook import against the floor of what the same rows cost (ARCHITECTURE §6).

Builds a batch workbook of 500 on-site evaluations on the shipped QMC-2024 model (143 requirements and 5
eligibility conditions each: 74,000 ratings), then times in the same run:

- ours: ``workbook_apply`` as the background job runs it: the file read safely (zip checks, then the sheet XML
  streamed through expat as set up by defusedxml, formulas refused: ``evaluations.xlsx_stream``), every row checked
  against the rater rules, and the ratings upserted in one transaction;
- the floor: the same rows read with python-calamine (Rust) and written with PostgreSQL COPY (psycopg 3
  ``cursor.copy``) into a scratch table without indexes or checks.

It prints both and their ratio (the target is within 2x). Not a test: run it by hand from the repository root
against PostgreSQL. It creates its own scratch database (``bench_<name>`` of DATABASE_URL, migrated, dropped at
the end), so the named database itself is not touched:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qualitypath DJANGO_SECRET_KEY=bench DJANGO_HTTPS=false \\
        .venv/bin/python benchmarks/bench_workbooks.py [--evaluations 500] [--seed 7] [--json figures.json]

``--json PATH`` also writes the figures (``benchmarks/figures.py``).

python-calamine is a development requirement (requirements-dev.txt).
"""

import argparse
import io
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402

from benchmarks.figures import figure, write_figures  # noqa: E402

VALUES = ("1", "0.8", "0.8", "0.5", "0")


def report(line: str = "") -> None:
    """The script's output goes to stdout (a benchmark, not library code)."""
    print(line)  # noqa: T201


def build_state(count: int):
    """Reference data, the shipped model, an assessor and ``count`` on-site evaluations on their team."""
    from accounts.choices import Role
    from accounts.models import Membership, User
    from core.demo import demo_credit_code
    from enterprises.models import Enterprise
    from enterprises.services import reference_data_load
    from evaluations import model_file
    from evaluations.choices import EvaluationStatus, TeamRole
    from evaluations.management.commands.load_evaluation_model import DEFAULT
    from evaluations.models import Evaluation, TeamMember
    from evaluations.services import evaluation_model_import
    from tests.factories import default_institution

    reference_data_load()
    model = evaluation_model_import(data=model_file.read(DEFAULT.read_bytes(), DEFAULT.name))
    institution = default_institution()
    assessor = User.objects.create_user(username="bench-assessor", password=None)
    Membership.objects.create(user=assessor, role=Role.ASSESSOR, institution=institution)
    rng = random.Random(1)  # noqa: S311 - reproducible synthetic data, not security
    enterprises = Enterprise.objects.bulk_create(
        Enterprise(
            credit_code=demo_credit_code(rng, "440300"),
            name_zh=f"基准测试制造{n}有限公司",
            name_en=f"Benchmark Manufacturing {n} Co., Ltd.",
            region_id="440300",
            industry_id="39",
            size_class="medium",
            status="verified",
        )
        for n in range(count)
    )
    evaluations = Evaluation.objects.bulk_create(
        Evaluation(
            enterprise=e,
            model=model,
            cycle=2026,
            started_by=assessor,
            status=EvaluationStatus.ON_SITE,
            institution=institution,
        )
        for e in enterprises
    )
    TeamMember.objects.bulk_create(
        TeamMember(evaluation=e, assessor=assessor, role=TeamRole.LEAD, assigned_by=assessor) for e in evaluations
    )
    return assessor


def build_workbook(assessor, seed: int) -> bytes:
    """The batch template of every evaluation, filled in with seeded ratings by the template writer itself."""
    from evaluations import workbooks
    from evaluations.services import workbooks as service

    rng = random.Random(seed)  # noqa: S311 - reproducible synthetic data, not security
    ids = set(service.workbook_evaluations(user=assessor).values_list("pk", flat=True))
    targets = sorted(service._targets(assessor, ids).values(), key=lambda t: t.evaluation_id)
    blocks = [
        workbooks.Block(
            evaluation_id=t.evaluation_id,
            credit_code=t.credit_code,
            enterprise_name=t.enterprise_name,
            items=list(t.items.values()),
            existing={
                code: (("yes" if rng.random() < 0.9 else "no") if item.is_condition else rng.choice(VALUES), "")
                for code, item in t.items.items()
            },
        )
        for t in targets
    ]
    return workbooks.write_template(blocks)


def ours(assessor, content: bytes) -> tuple[float, dict]:
    from evaluations.models import RatingUpload
    from evaluations.services import workbooks as service

    upload = RatingUpload(uploaded_by=assessor, sha256="bench", original_name="bench.xlsx", size=len(content))
    upload.file.save("bench.xlsx", ContentFile(content), save=False)
    upload.save()
    started = time.perf_counter()
    result = service.workbook_apply(upload=upload)
    return time.perf_counter() - started, result


def floor(content: bytes) -> tuple[float, float, int]:
    """Seconds to read the rows with calamine, and to COPY them into a scratch table; the row count."""
    from evaluations.models import EligibilityCondition, Requirement

    requirements = dict(Requirement.objects.values_list("code", "pk"))
    conditions = dict(EligibilityCondition.objects.values_list("code", "pk"))
    assessor_id = 1
    started = time.perf_counter()
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name("ratings").to_python()
    rows = [
        (int(r[0]), assessor_id, requirements.get(r[3]), conditions.get(r[3]), str(r[6]), str(r[7] or ""))
        for r in sheet[1:]
    ]
    read = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_rating_floor (evaluation_id bigint, assessor_id bigint, requirement_id bigint, "
            "condition_id bigint, value varchar(4), comment text, updated_at timestamptz DEFAULT now())"
        )
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        columns = "evaluation_id, assessor_id, requirement_id, condition_id, value, comment"
        with cursor.cursor.copy(f"COPY bench_rating_floor ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    written = time.perf_counter() - started
    return read, written, len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evaluations", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (the floor uses COPY).")
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.MEDIA_ROOT = Path(os.environ.get("BENCH_MEDIA_ROOT") or tempfile.mkdtemp(prefix="bench-media-"))
    original = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_{original}"
    scratch = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        started = time.perf_counter()
        assessor = build_state(args.evaluations)
        content = build_workbook(assessor, args.seed)
        built = time.perf_counter() - started
        ours_seconds, result = ours(assessor, content)
        read, written, rows = floor(content)
    finally:
        connection.creation.destroy_test_db(original, verbosity=0)
    floor_seconds = read + written
    report(f"python {platform.python_version()} · PostgreSQL scratch database {scratch} (dropped)")
    report(f"workbook: {args.evaluations} evaluations, {rows:,} rating rows, {len(content) / 1_048_576:.1f} MB")
    report(f"  (state and workbook built in {built:.1f} s)")
    report(
        f"ours  read + check + upsert in one transaction: {ours_seconds:6.2f} s  ({rows / ours_seconds:,.0f} rows/s)"
    )
    report(f"      created {result['create']:,}, changed {result['change']:,}, unchanged {result['unchanged']:,}")
    report(f"floor calamine read {read:.2f} s + COPY {written:.2f} s: {floor_seconds:6.2f} s")
    report(f"ratio ours / floor: {ours_seconds / floor_seconds:.2f}x (target within 2x)")
    if args.json:
        ratio = ours_seconds / floor_seconds
        figures = [
            figure(
                f"workbook import ({args.evaluations} evaluations, {rows:,} ratings)",
                ours_seconds,
                "s",
                baseline="calamine read + COPY (floor)",
                baseline_value=floor_seconds,
                ratio=ratio,
                target="<= 2x",
                met=ratio <= 2,
            )
        ]
        summary = {
            "python": platform.python_version(),
            "evaluations": args.evaluations,
            "rows": rows,
            "workbook_bytes": len(content),
            "ours_seconds": ours_seconds,
            "floor_read_seconds": read,
            "floor_copy_seconds": written,
            "result": result,
        }
        write_figures(args.json, summary, figures)
        report(f"figures written to {args.json}")


if __name__ == "__main__":
    main()
