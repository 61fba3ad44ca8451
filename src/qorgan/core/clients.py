"""Who is asking, for flood limits only: the client's address, read through trusted proxies,
and kept nowhere but as a keyed hash in the cache for the window it counts.

- ``client_address``: ``REMOTE_ADDR``; when that is one of ``QORGAN_TRUSTED_PROXIES`` (addresses
  or networks), the nearest address in ``X-Forwarded-For`` that is not a trusted proxy. A client
  cannot choose its own identity by sending the header: without trusted proxies it is ignored.
- ``client_key``: an HMAC of the address with a key that changes every window, so that the cache
  holds no address and keys of two windows cannot be linked.
- ``within_client_limit``: at most ``per_window`` requests per client and window.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import time
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

WINDOW_SECONDS = 60


@lru_cache(maxsize=8)
def _trusted(
    networks: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(n.strip(), strict=False) for n in networks if n.strip())


def _is_trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _trusted(tuple(settings.TRUSTED_PROXIES)))


def client_address(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if not _is_trusted(remote):
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for address in reversed([a for a in forwarded if a]):
        if not _is_trusted(address):
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:
                return remote  # a proxy of ours passed something that is no address
    return remote


def _window(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // WINDOW_SECONDS)


def client_key(request: HttpRequest, scope: str, now: float | None = None) -> str:
    """A keyed hash of the client's address, valid for one window and one scope."""
    window = _window(now)
    key = hmac.new(
        settings.SECRET_KEY.encode(), f"qorgan.clients:{window}".encode(), hashlib.sha256
    ).digest()
    digest = hmac.new(key, f"{scope}:{client_address(request)}".encode(), hashlib.sha256)
    return f"{window}:{digest.hexdigest()[:32]}"


def _count(cache_key: str) -> int:
    cache.add(cache_key, 0, timeout=WINDOW_SECONDS * 2)
    try:
        return int(cache.incr(cache_key))
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=WINDOW_SECONDS * 2)
        return 1


def within_client_limit(client: str, scope: str, per_window: int) -> bool:
    """Count one request of this client (a ``client_key``) and say whether it is allowed."""
    return _count(f"qorgan:rate:{scope}:{client}") <= per_window


def load(scope: str, now: float | None = None) -> int:
    """How many requests of this scope were counted by ``count_load`` in this window."""
    return int(cache.get(f"qorgan:load:{scope}:{_window(now)}") or 0)


def count_load(scope: str, now: float | None = None) -> int:
    return _count(f"qorgan:load:{scope}:{_window(now)}")
