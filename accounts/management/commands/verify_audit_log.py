from django.core.management.base import BaseCommand, CommandError

from accounts.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "Check the audit log's hash chain: every row unchanged and in place. Exits non-zero when it is broken."

    def handle(self, *args, **options):
        result = audit_chain_verify()
        self.stdout.write(
            f"{result.checked} rows checked from row {result.first_id}; {result.unchained} rows from before the chain"
        )
        if not result.ok:
            for row_id, problem in result.broken[:50]:
                self.stderr.write(f"row {row_id}: {problem}")
            raise CommandError(f"The audit log has been tampered with: {len(result.broken)} broken links.")
        self.stdout.write(self.style.SUCCESS("The audit log's hash chain is intact."))
