"""scripts/test-services.sh: the README's test command brings its own Redis when none answers,
and the instance it started is gone when the run ends, whether the tests passed or not."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.services import free_port, redis_answers

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(
    shutil.which("redis-server") is None,
    reason="redis-server is installed by scripts/test.sh when no Redis answers",
)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text()


def _run(script: str, nothing_here: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QORGAN_TEST_REDIS": f"127.0.0.1:{nothing_here}"}
    return subprocess.run(
        [
            "bash",
            "-c",
            f"set -euo pipefail\npython_bin={sys.executable}\n"
            f"source scripts/test-services.sh\n{script}",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("exit_code", [0, 3])
def test_a_throw_away_redis_when_none_answers_stopped_at_the_end(exit_code: int) -> None:
    nothing_here = free_port()
    assert not redis_answers(nothing_here)
    result = _run(
        "trap qorgan_stop_services EXIT\n"
        "qorgan_ensure_redis\n"
        'echo "ADDRESS=$QORGAN_TEST_REDIS PID=$_qorgan_redis_pid DIR=$_qorgan_services_dir"\n'
        f"exit {exit_code}\n",
        nothing_here,
    )
    assert result.returncode == exit_code, result.stderr
    found = re.search(r"ADDRESS=127\.0\.0\.1:(\d+) PID=(\d+) DIR=(\S+)", result.stdout)
    assert found, result.stdout + result.stderr
    port, pid, folder = int(found[1]), int(found[2]), Path(found[3])
    assert port != nothing_here  # a free port of its own, not the one asked for
    assert "test Redis started" in result.stdout
    # Gone afterwards: the process, the port and its folder.
    assert not _alive(pid)
    assert not redis_answers(port)
    assert not folder.exists()


def test_a_redis_that_answers_is_used_and_left_running() -> None:
    port = free_port()
    server = subprocess.Popen(
        [
            "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(50):
            if redis_answers(port):
                break
            subprocess.run(["sleep", "0.1"], check=True)
        result = _run(
            "trap qorgan_stop_services EXIT\nqorgan_ensure_redis\n"
            'echo "ADDRESS=$QORGAN_TEST_REDIS"\n',
            port,
        )
        assert result.returncode == 0, result.stderr
        assert f"ADDRESS=127.0.0.1:{port}" in result.stdout
        assert "started" not in result.stdout
        assert redis_answers(port)  # not ours to stop
    finally:
        server.terminate()
        server.wait(timeout=20)
