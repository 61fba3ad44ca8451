"""``qorgan approve_user_change``: decide an access change on the server's console.

The way out while an installation has a single administrator (nobody else can approve the
first supervisor or a second administrator). Running it needs the server's console, which
already holds the database and its keys; every decision is audited as a console action.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qorgan.accounts import services
from qorgan.accounts.models import Decision, UserChangeRequest
from qorgan.core.audit import audit_context


class Command(BaseCommand):
    help = "List the access changes waiting for approval, or approve/refuse one on the console."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("request", nargs="?", type=int, help="the request's number")
        parser.add_argument("--refuse", action="store_true", help="refuse instead of approving")
        parser.add_argument("--reason", default="", help="why (required to refuse)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["request"] is None:
            pending = UserChangeRequest.objects.filter(decision=Decision.PENDING).select_related(
                "user", "requested_by"
            )
            for change in pending.order_by("pk"):
                self.stdout.write(
                    f"{change.pk}\t{change.user.get_username()}\t{change.kind}\t"
                    f"{','.join(change.changed_fields())}\t"
                    f"requested by {change.requested_by.get_username() if change.requested_by else '-'}"
                )
            if not pending.exists():
                self.stdout.write("Nothing waits for approval.")
            return
        change = UserChangeRequest.objects.filter(pk=options["request"]).first()
        if change is None:
            raise CommandError(f"There is no request {options['request']}.")
        if options["refuse"] and not options["reason"].strip():
            raise CommandError("Give a --reason to refuse.")
        with audit_context(route="console:approve_user_change"):
            try:
                decided = services.decide(
                    change,
                    by=None,
                    approve=not options["refuse"],
                    reason=options["reason"] or "console",
                    console=True,
                )
            except Exception as error:  # a ValidationError: decided already, or no organisation
                raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from error
        verb = "refused" if options["refuse"] else "approved"
        self.stdout.write(f"Request {change.pk} {verb}.")
        if decided.one_time_password:
            self.stdout.write(
                f"One-time password for {change.user.get_username()}: "
                f"{decided.one_time_password}\n"
                "Give it to the person yourself; it is shown only once. At the first sign-in "
                "they set up their authenticator and choose their own password."
            )
