"""``qorgan ensure_first_admin``: on first run, create an administrator and print how to sign in."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from qorgan.accounts.services import ensure_first_administrator


class Command(BaseCommand):
    help = "Create the first administrator with a one-time password if no user exists yet."

    def handle(self, *args: Any, **options: Any) -> None:
        created = ensure_first_administrator()
        if created is None:
            self.stdout.write("Users exist already; sign in with your account.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                "\nFirst administrator created. Sign in at http://127.0.0.1:8000/kk/accounts/login/\n"
                f"  username: {created.username}\n"
                f"  one-time password: {created.one_time_password}\n"
                "At the first sign-in you set up two-factor sign-in (an authenticator app) and then "
                "choose a new password. This password is shown only once.\n"
            )
        )
