from django.core.management.base import BaseCommand

from core.demo import DEMO_PASSWORD, DEMO_USERS, seed_demo


class Command(BaseCommand):
    help = "Create deterministic demo data (same --enterprises and --seed give the same data; safe to re-run)."

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, default=400, help="number of demo enterprises (default 400)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")

    def handle(self, *args, enterprises, seed, **options):
        summary = seed_demo(enterprises=enterprises, seed=seed)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {summary}"))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for demo in DEMO_USERS:
            self.stdout.write(f"  {demo.username:<18} {demo.display_name}  — {demo.note}")
