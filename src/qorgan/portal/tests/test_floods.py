"""One client cannot shut the anonymous channel for the others (issue 16, finding 4): limits
per client (a keyed hash of the address, through trusted proxies only), a proof of work when
the channel is busy, and no address kept anywhere."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.core import signing
from django.core.cache import cache
from django.test import Client

from qorgan.core import clients, pow
from qorgan.portal import services
from qorgan.portal.models import Report

pytestmark = pytest.mark.django_db

FLOODER = "198.51.100.66"
OTHER = "203.0.113.10"


@pytest.fixture(autouse=True)
def production_limits(settings: Any) -> None:
    cache.clear()
    settings.PORTAL_REPORTS_PER_CLIENT_PER_MINUTE = 3
    settings.PORTAL_RECEIPT_CHECKS_PER_CLIENT_PER_MINUTE = 5
    settings.PORTAL_REPORTS_PER_MINUTE = 1000
    settings.PORTAL_RECEIPT_CHECKS_PER_MINUTE = 1000
    settings.PORTAL_POW_BITS = 8
    settings.TRUSTED_PROXIES = []


@pytest.fixture(autouse=True)
def one_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every request of a test falls in the same counting window: a test that happened to
    cross a minute's boundary would otherwise see its counters start again."""
    original = clients._window
    current = original()
    monkeypatch.setattr(
        clients, "_window", lambda now=None: current if now is None else original(now)
    )


def form_token() -> str:
    return signing.dumps(
        {"n": f"nonce-{time.time_ns()}", "t": int(time.time() - 10)}, salt=services.FORM_SALT
    )


def report(client: Client, address: str, forwarded: str = "", **extra: str) -> str:
    data = {"what": "Men locked in a workshop", "form_token": form_token(), **extra}
    headers = {"REMOTE_ADDR": address}
    if forwarded:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post("/en/report/", data, **headers).content.decode()


def sent(page: str) -> bool:
    return 'id="receipt"' in page


def test_a_flooding_client_is_held_back_while_others_get_through(reference_data: None) -> None:
    flooder, other = Client(), Client()
    results = []
    for attempt in range(30):
        results.append(sent(report(flooder, FLOODER)))
        if attempt % 5 == 0:
            assert sent(report(other, f"{OTHER[:-2]}{attempt + 10}")), attempt
    assert results[:3] == [True, True, True]
    assert not any(results[3:])
    assert "Too many reports" in report(flooder, FLOODER)
    assert Report.objects.count() == 3 + 6


def test_rotating_x_forwarded_for_does_not_lift_the_limit(reference_data: None) -> None:
    flooder = Client()
    results = [sent(report(flooder, FLOODER, forwarded=f"10.0.0.{n}")) for n in range(10)]
    assert results.count(True) == 3


def test_behind_a_trusted_proxy_the_forwarded_address_counts(
    reference_data: None, settings: Any
) -> None:
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    browser = Client()
    # The proxy appends the address it saw; what the client wrote before it is not believed.
    results = [
        sent(report(browser, "127.0.0.1", forwarded=f"10.9.9.{n}, {FLOODER}")) for n in range(6)
    ]
    assert results.count(True) == 3
    assert sent(report(browser, "127.0.0.1", forwarded=OTHER))


def test_a_busy_channel_asks_a_proof_of_work_and_keeps_what_was_written(
    reference_data: None, settings: Any
) -> None:
    settings.PORTAL_REPORTS_PER_MINUTE = 2
    browser = Client()
    assert sent(report(browser, "192.0.2.1"))
    assert sent(report(browser, "192.0.2.2"))
    page = report(browser, "192.0.2.3", what="A girl kept at the market, no papers")
    assert not sent(page)
    assert "small puzzle" in page
    assert "A girl kept at the market, no papers" in page  # nothing lost
    token = re.search(r'name="form_token" value="([^"]+)"', page)
    assert token is not None and 'data-pow-bits="8"' in page
    solved = report(
        browser, "192.0.2.3", form_token=token[1], pow=pow.solve(token[1], 8), what="again"
    )
    assert sent(solved)
    wrong = form_token()
    # An answer that does not solve this token (a fixed one would, one time in 2**8).
    guess = next(str(n) for n in range(1000) if not pow.is_solution(wrong, str(n), 8))
    assert not sent(report(browser, "192.0.2.4", form_token=wrong, pow=guess))


def test_receipt_checks_are_limited_per_client(reference_data: None) -> None:
    def check(address: str) -> str:
        return (
            Client()
            .post(
                "/en/report/status/",
                {"receipt": "AAAA-BBBB-CCCC-DDDD", "form_token": services.issue_status_token()},
                REMOTE_ADDR=address,
            )
            .content.decode()
        )

    guesses = [check(FLOODER) for _ in range(12)]
    assert all("No report has this receipt code" in g for g in guesses[:5])
    assert all("Too many" in g for g in guesses[5:])
    assert "No report has this receipt code" in check(OTHER)
    # A status form token is used once: a replayed one is refused.
    token = services.issue_status_token()
    Client().post("/en/report/status/", {"receipt": "X", "form_token": token}, REMOTE_ADDR=OTHER)
    again = Client().post(
        "/en/report/status/", {"receipt": "X", "form_token": token}, REMOTE_ADDR="192.0.2.9"
    )
    assert "already sent" in again.content.decode()


def test_the_evaluation_limit_ignores_a_forged_forwarded_header(settings: Any) -> None:
    from qorgan.screening.api import EvaluationThrottle

    EvaluationThrottle.rate = "5/min"
    EvaluationThrottle.num_requests, EvaluationThrottle.duration = 5, 60
    try:
        client = Client()
        codes = [
            client.post(
                "/api/v1/screenings/evaluate/",
                {"screened_by": "police"},
                content_type="application/json",
                REMOTE_ADDR=FLOODER,
                HTTP_X_FORWARDED_FOR=f"10.1.1.{n}",
            ).status_code
            for n in range(8)
        ]
    finally:
        EvaluationThrottle.rate = "120/min"
        EvaluationThrottle.num_requests, EvaluationThrottle.duration = 120, 60
    assert codes[:5] == [200] * 5
    assert codes[5:] == [429] * 3


def test_the_cache_holds_no_address(reference_data: None) -> None:
    from django.core.cache import caches

    for n in range(5):
        report(Client(), FLOODER, forwarded=f"10.2.2.{n}")
    store = caches["default"]
    keys = list(getattr(store, "_cache", {}).keys())
    assert keys, "the test runs on the local-memory cache"
    assert not [k for k in keys if FLOODER in k or "10.2.2." in k]
