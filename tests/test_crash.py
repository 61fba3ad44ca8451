"""Crash test: the server process is killed (SIGKILL) in the middle of a stream of writes.
Every write that was acknowledged is there afterwards, and nothing is half-written."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

from tests.services import free_port

QORGAN = str(Path(sys.executable).with_name("qorgan"))


def start_server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [QORGAN, "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            requests.get(f"http://127.0.0.1:{port}/en/hotlines/", timeout=1)
            return server
        except requests.ConnectionError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("the server did not start")


def test_acknowledged_writes_survive_a_killed_server(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "qorgan.settings.dev",
        "QORGAN_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'crash.sqlite3'}",
        "QORGAN_DEBUG": "false",
        "QORGAN_REPORTS_PER_MINUTE": "100000",
        "QORGAN_REPORTS_PER_CLIENT_PER_MINUTE": "100000",
        "QORGAN_RECEIPT_CHECKS_PER_CLIENT_PER_MINUTE": "100000",
    }
    for command in (["migrate", "-v0"], ["load_reference_data", "-v0"]):
        subprocess.run([QORGAN, *command], env=env, check=True, timeout=120)
    port = free_port()
    server = start_server(env, port)
    base = f"http://127.0.0.1:{port}"
    acknowledged: list[str] = []
    stop = threading.Event()

    def writer() -> None:
        session = requests.Session()
        while not stop.is_set():
            try:
                form = session.get(f"{base}/en/report/", timeout=5).text
                token = re.search(r'name="form_token" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
                csrf = session.cookies.get("csrftoken")
                time.sleep(3.05)  # a person takes longer than the form's minimum
                answer = session.post(
                    f"{base}/en/report/",
                    data={
                        "what": f"report {time.time_ns()}",
                        "form_token": token,
                        "csrfmiddlewaretoken": csrf,
                    },
                    headers={"Referer": f"{base}/en/report/"},
                    timeout=5,
                )
                match = re.search(r'id="receipt">([A-Z0-9-]+)<', answer.text)
                if answer.status_code == 200 and match:
                    acknowledged.append(match.group(1))
            except (requests.RequestException, AttributeError):
                time.sleep(0.1)

    threads = [threading.Thread(target=writer) for _ in range(6)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    while len(acknowledged) < 8 and time.monotonic() < deadline:
        time.sleep(0.2)
    os.kill(server.pid, signal.SIGKILL)  # in the middle of the stream, no warning
    server.wait()
    stop.set()
    for thread in threads:
        thread.join()
    assert len(acknowledged) >= 8

    # The server comes back; every acknowledged report can be found with its receipt.
    server = start_server(env, port)
    try:
        session = requests.Session()
        for receipt in acknowledged:
            form = session.get(f"{base}/en/report/status/", timeout=5).text
            token = re.search(r'name="form_token" value="([^"]+)"', form)
            assert token is not None
            page = session.post(
                f"{base}/en/report/status/",
                data={
                    "receipt": receipt,
                    "form_token": token[1],
                    "csrfmiddlewaretoken": session.cookies.get("csrftoken"),
                },
                headers={"Referer": f"{base}/en/report/status/"},
                timeout=5,
            )
            assert 'class="status"' in page.text, receipt
    finally:
        server.terminate()
        server.wait(timeout=10)
    # Nothing half-written: every stored report is whole, and the audit chain is intact.
    check = subprocess.run(
        [
            QORGAN,
            "shell",
            "-c",
            "from qorgan.portal.models import Report; from qorgan.core.audit import verify_chain; "
            "assert all(r.what and r.receipt_index and r.number for r in Report.objects.all()); "
            "print(Report.objects.count(), verify_chain().intact)",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    stored, intact = check.stdout.strip().splitlines()[-1].split()
    assert int(stored) >= len(acknowledged) and intact == "True"
