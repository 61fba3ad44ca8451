"""Load test of the anonymous channel under a flood (issue 16, finding 4): one client sends
receipt checks and reports as fast as it can while honest clients, each from its own address,
check their receipts and send reports now and then. Loopback only, bounded in time.

The server is gunicorn with the embedded settings on a throw-away SQLite database, nginx's role
played by the load generator: ``QORGAN_TRUSTED_PROXIES=127.0.0.1`` and each simulated client
sends its own ``X-Forwarded-For`` (as nginx would set it). Production limits: 3 reports and 20
receipt checks per client and minute; the busy level of 30 reports a minute.

Run: .venv/bin/python bench/flood.py [--seconds 60] [--write]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
from load import free_port  # bench/load.py (bench/ is the script's directory)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
BIN = Path(sys.executable).parent
TOKEN = re.compile(r'name="form_token" value="([^"]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _form(session: requests.Session, url: str, address: str) -> tuple[str, str]:
    page = session.get(url, headers={"X-Forwarded-For": address}, timeout=10).text
    token, csrf = TOKEN.search(page), CSRF.search(page)
    assert token and csrf, page[:300]
    return token[1], csrf[1]


def check_receipt(base: str, address: str) -> str:
    """One receipt check as a browser does it: the form, then the post. 'ok', 'held' or 'error'."""
    session = requests.Session()
    url = f"{base}/en/report/status/"
    try:
        token, csrf = _form(session, url, address)
        page = session.post(
            url,
            data={
                "receipt": "AAAA-BBBB-CCCC-DDDD",
                "form_token": token,
                "csrfmiddlewaretoken": csrf,
            },
            headers={"X-Forwarded-For": address, "Referer": url},
            timeout=10,
        )
    except (requests.RequestException, AssertionError):
        return "error"
    if page.status_code != 200:
        return "error"
    if "Too many reports are arriving" in page.text:
        return "held"
    return "ok" if "No report has this receipt code" in page.text else "error"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--honest", type=int, default=20)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="qorgan-flood-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "qorgan.settings.dev",
        "QORGAN_DEBUG": "false",
        "QORGAN_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "QORGAN_VAR_DIR": str(work),
        "DATABASE_URL": f"sqlite:///{work}/db.sqlite3",
        "QORGAN_TRUSTED_PROXIES": "127.0.0.1",
    }
    env.pop("QORGAN_TEST_REDIS", None)
    qorgan = str(BIN / "qorgan")
    subprocess.run([qorgan, "migrate", "-v", "0"], env=env, check=True)
    subprocess.run([qorgan, "load_reference_data", "-v", "0"], env=env, check=True)
    number = free_port()
    base = f"http://127.0.0.1:{number}"
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "qorgan.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{number}",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        for _ in range(100):
            try:
                requests.get(f"{base}/ru/", timeout=2)
                break
            except requests.RequestException:
                time.sleep(0.2)
        flood: dict[str, int] = {"ok": 0, "held": 0, "error": 0}
        honest: dict[str, int] = {"ok": 0, "held": 0, "error": 0}
        stop = time.monotonic() + args.seconds

        def flooder() -> None:
            while time.monotonic() < stop:
                flood[check_receipt(base, "198.51.100.66")] += 1

        threads = [threading.Thread(target=flooder) for _ in range(4)]
        for thread in threads:
            thread.start()
        pause = args.seconds / args.honest
        for n in range(args.honest):
            honest[check_receipt(base, f"203.0.113.{n + 1}")] += 1
            time.sleep(pause)
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait(timeout=20)
    total = sum(flood.values())
    print(f"flooder: {total} receipt checks in {args.seconds} s: {flood}")
    print(f"honest clients: {args.honest}: {honest}")
    if args.write:
        from engine import machine, write_section

        body = "\n".join(
            [
                "## The anonymous channel under a flood",
                "",
                f"`python bench/flood.py --seconds {args.seconds}`: one client (4 connections) "
                f"checks receipts as fast as it can for {args.seconds} s while {args.honest} "
                "honest clients, each from its own address, check theirs spread over the same time "
                "(gunicorn, 2 workers, loopback; production limits: 20 receipt checks per client "
                "and minute).",
                "",
                "| client | checks | answered | held back | errors |",
                "|---|---:|---:|---:|---:|",
                f"| the flooder | {total} | {flood['ok']} | {flood['held']} | {flood['error']} |",
                f"| honest clients | {sum(honest.values())} | {honest['ok']} | {honest['held']} | "
                f"{honest['error']} |",
                "",
                "Each gunicorn worker here keeps its own local-memory cache (the embedded "
                "settings), so the flooder gets 20 checks a minute per worker; with the shared "
                "Redis cache of production (`QORGAN_CACHE_URL`) it gets 20 in all. "
                "Before issue 16 the limit was global: 125 checks a minute from one client turned "
                "everyone else away.",
                f"Machine: {machine()}. Measured {time.strftime('%Y-%m-%d')}.",
            ]
        )
        write_section("flood", body)
    assert honest["ok"] == args.honest, honest


if __name__ == "__main__":
    main()
