"""Probes used by /healthz. Each returns {"ok": bool, ...} and never raises."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.db.backends.base.base import BaseDatabaseWrapper


def database_status(connection: BaseDatabaseWrapper) -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return {"ok": False, "vendor": connection.vendor, "error": str(exc).strip()[:200]}
    return {"ok": True, "vendor": connection.vendor}


def broker_status() -> dict[str, Any]:
    url: str = settings.CELERY_BROKER_URL
    if url.startswith("filesystem"):
        folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"])  # type: ignore[arg-type]
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return {"ok": False, "transport": "filesystem", "error": str(exc)[:200]}
        return {"ok": True, "transport": "filesystem"}
    if url.startswith(("redis://", "rediss://")):
        import redis

        try:
            redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
        except redis.RedisError as exc:
            return {"ok": False, "transport": "redis", "error": str(exc)[:200]}
        return {"ok": True, "transport": "redis"}
    if url.startswith("memory"):
        return {"ok": True, "transport": "memory"}
    from kombu import Connection

    try:
        with Connection(url, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1)
    except Exception as exc:  # kombu raises transport-specific errors; any of them means "down".
        return {"ok": False, "transport": url.split(":", 1)[0], "error": str(exc)[:200]}
    return {"ok": True, "transport": url.split(":", 1)[0]}
