"""Where the test suite finds the services it needs.

``scripts/test.sh`` makes sure a Redis answers for the run and exports its address as
``QORGAN_TEST_REDIS`` (host:port): the one already running on 127.0.0.1:6379, or a
throw-away instance of the run's own on a free port (``scripts/test-services.sh``).
"""

from __future__ import annotations

import os
import socket

DEFAULT_REDIS = "127.0.0.1:6379"


def redis_address() -> str:
    return os.environ.get("QORGAN_TEST_REDIS") or DEFAULT_REDIS


def redis_url(db: int) -> str:
    return f"redis://{redis_address()}/{db}"


def free_port() -> int:
    """A TCP port on the loopback that nothing listens on (at the time of asking)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def redis_answers(port: int) -> bool:
    """Whether a Redis on 127.0.0.1:``port`` answers PING."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False
