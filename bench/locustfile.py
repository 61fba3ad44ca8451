"""Locust scenarios for bench/load.py (staff users with two-factor sign-in, then the API).

Run by bench/load.py; by hand: locust -f bench/locustfile.py --host http://127.0.0.1:8001
with QORGAN_BENCH_USERS pointing at the JSON file of users and TOTP keys that load.py writes.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import threading
from urllib.parse import urlencode

from django_otp.oath import totp
from locust import FastHttpUser, between, constant, task

USERS = json.loads(open(os.environ["QORGAN_BENCH_USERS"]).read())  # noqa: SIM115
_next = itertools.cycle(USERS)
_lock = threading.Lock()
MODE = os.environ.get("QORGAN_BENCH_MODE", "soak")
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class Staff(FastHttpUser):
    """geventhttpclient: the load generator shares the machine, so it should cost little CPU."""

    wait_time = constant(0) if MODE in ("health", "me", "cases") else between(1, 3)

    def on_start(self) -> None:
        with _lock:
            account = next(_next)
        if MODE == "health":
            return
        page = self.client.get("/en/accounts/login/", name="login page").text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        self.client.post(
            "/en/accounts/login/",
            data=urlencode(
                {
                    "username": account["username"],
                    "password": account["password"],
                    "csrfmiddlewaretoken": token,
                }
            ),
            headers=FORM,
            name="sign in",
        )
        page = self.client.get("/en/accounts/two-factor/", name="two-factor page").text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        code = f"{totp(bytes.fromhex(account['key'])):06d}"
        signed_in = self.client.post(
            "/en/accounts/two-factor/",
            data=urlencode({"token": code, "csrfmiddlewaretoken": token}),
            headers=FORM,
            name="two-factor",
            allow_redirects=False,
        )
        assert signed_in.status_code == 302, "two-factor sign-in failed"

    @task(3)
    def case_list(self) -> None:
        if MODE in ("cases", "soak"):
            self.client.get("/api/v1/cases/", name="GET /api/v1/cases/")

    @task(1)
    def health(self) -> None:
        if MODE in ("health", "soak"):
            self.client.get("/api/v1/health/", name="GET /api/v1/health/")

    @task(1)
    def me(self) -> None:
        if MODE in ("me", "soak"):
            self.client.get("/api/v1/me/", name="GET /api/v1/me/")

    @task(1)
    def case_page(self) -> None:
        if MODE == "soak":
            self.client.get("/en/cases/", name="GET /en/cases/")
