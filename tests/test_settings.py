"""The production profile refuses to start unless it is configured safely."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.services import redis_url

SAFE = {
    "QORGAN_SECRET_KEY": "k" * 30 + "-a-long-random-production-secret",
    "QORGAN_FIELD_KEYS": "a-key",
    "QORGAN_BLIND_INDEX_KEY": "b" * 40,
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/qorgan",
    "QORGAN_ALLOWED_HOSTS": "qorgan.example.kz",
    "QORGAN_DEBUG": "false",
}


def _import_prod(
    code: str = "import django; django.setup(); print('started')", **overrides: str
) -> subprocess.CompletedProcess[str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("QORGAN_") and k != "DATABASE_URL"
    }
    env.update(SAFE)
    env.update(overrides)
    env["DJANGO_SETTINGS_MODULE"] = "qorgan.settings.prod"
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_production_starts_when_configured() -> None:
    result = _import_prod()
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"QORGAN_DEBUG": "true"}, "QORGAN_DEBUG must be off"),
        ({"QORGAN_SECRET_KEY": ""}, "QORGAN_SECRET_KEY must be set"),
        ({"QORGAN_SECRET_KEY": "change-me"}, "QORGAN_SECRET_KEY must be set"),
        ({"QORGAN_FIELD_KEYS": ""}, "QORGAN_FIELD_KEYS"),
        ({"QORGAN_BLIND_INDEX_KEY": "short"}, "QORGAN_BLIND_INDEX_KEY"),
        ({"DATABASE_URL": "sqlite:///x.sqlite3"}, "PostgreSQL"),
        ({"QORGAN_ALLOWED_HOSTS": "*"}, "QORGAN_ALLOWED_HOSTS"),
        ({"QORGAN_DEBUG": "maybe"}, "QORGAN_DEBUG must be true or false"),
    ],
)
def test_production_refuses_unsafe_settings(override: dict[str, str], message: str) -> None:
    result = _import_prod(**override)
    assert result.returncode != 0
    assert message in result.stderr


def test_a_shared_redis_cache_from_the_environment() -> None:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("QORGAN_") and k != "DATABASE_URL"
    }
    env.update(SAFE)
    env["QORGAN_CACHE_URL"] = redis_url(1)
    env["DJANGO_SETTINGS_MODULE"] = "qorgan.settings.prod"
    code = (
        "import django; django.setup()\n"
        "from django.core.cache import cache, caches\n"
        "cache.set('qorgan:test:shared', 'yes', 30)\n"
        "print(type(caches['default']).__name__, cache.get('qorgan:test:shared'))\n"
        "cache.delete('qorgan:test:shared')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["RedisCache", "yes"]


PREPARED = """
import django; django.setup()
from django.db import connection
for _ in range(6):
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s + 1", [1])
with connection.cursor() as cursor:
    cursor.execute("SELECT count(*) FROM pg_prepared_statements")
    print("prepared", cursor.fetchone()[0])
"""


@pytest.mark.parametrize(("setting", "prepared"), [("true", True), ("false", False)])
def test_postgresql_prepares_repeated_queries_unless_told_not_to(
    setting: str, prepared: bool
) -> None:
    result = _import_prod(
        PREPARED,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres",
        QORGAN_DB_SERVER_SIDE_BINDING=setting,
    )
    assert result.returncode == 0, result.stderr
    count = int(result.stdout.split("prepared ")[1])
    assert (count > 0) is prepared
