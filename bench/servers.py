"""Timing over HTTP: the production server (gunicorn) and the peer (Datasette), each on a free loopback port.

`manage.py benchmark --http` starts gunicorn exactly as the web container does (gunicorn.conf.py: gthread
workers; the production settings, DEBUG off), on 127.0.0.1 only, against the benchmark's database, and
times the API cases with sequential requests over one kept-alive connection, as a script would.
"""

import contextlib
import http.client
import os
import secrets
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

WARM_UP = 5  # requests per case and path before timing: imports, caches, each gunicorn worker's first answer


@dataclass
class HttpTiming:
    p50_ms: float
    p95_ms: float
    p99_ms: float
    bytes: int


def free_port() -> int:
    """A TCP port free on loopback now (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def percentile(samples: Sequence[float], pct: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


class Client:
    """Sequential GETs on one kept-alive connection (reopened if the server closes it)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def get(self, path: str) -> tuple[int, bytes]:
        for attempt in range(2):
            try:
                self.connection.request("GET", path, headers={"Accept": "application/json"})
                response = self.connection.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, ConnectionError):
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.connection.close()


def time_paths(client: Client, paths: Sequence[str], requests: int) -> HttpTiming:
    """p50/p95/p99 of `requests` sequential requests cycling through `paths`; any answer but 200 stops the run."""
    for path in paths[:WARM_UP] if len(paths) > 1 else list(paths) * WARM_UP:
        client.get(path)
    samples: list[float] = []
    size = 0
    for index in range(requests):
        path = paths[index % len(paths)]
        started = time.perf_counter()
        status, body = client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise RuntimeError(f"{path}: HTTP {status}: {body[:300]!r}")
        size += len(body)
    return HttpTiming(
        p50_ms=round(statistics.median(samples), 2),
        p95_ms=round(percentile(samples, 95), 2),
        p99_ms=round(percentile(samples, 99), 2),
        bytes=size // max(1, requests),
    )


def wait_until_up(process: subprocess.Popen[bytes], port: int, path: str, *, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with status {process.returncode} before answering")
        with contextlib.suppress(OSError, http.client.HTTPException):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                connection.close()
                return
        time.sleep(0.2)
    raise RuntimeError(f"no answer from 127.0.0.1:{port}{path} within {seconds:.0f} s")


@contextlib.contextmanager
def running(command: list[str], *, env: dict[str, str], port: int, ready_path: str, log: Path) -> Iterator[int]:
    """Start `command`, wait until `ready_path` answers 200, yield the port; stop it (and only it) after."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT)
        try:
            wait_until_up(process, port, ready_path)
            yield port
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def database_url() -> str:
    """The URL of the database this process uses (the test database under pytest), for the server it starts."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{quote(db['NAME'], safe='')}"


def production_server(*, log_dir: Path) -> contextlib.AbstractContextManager[int]:
    """gunicorn with gunicorn.conf.py and the production settings on a free loopback port, plain HTTP.

    The only changes from a deployment: no TLS (so no HTTPS redirect or secure cookies), and no rate limit
    (the benchmark sends a few thousand requests a minute from one address).
    """
    if connection.vendor != "postgresql":
        raise RuntimeError("--http needs PostgreSQL: DATABASE_URL=postgres://… (the database the benchmark seeded)")
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "upr_tracker.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": database_url(),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "API_THROTTLE_ANON": "1000000/minute",
        "API_THROTTLE_USER": "1000000/minute",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "upr_tracker.wsgi:application"]
    return running(
        command, env=env, port=port, ready_path="/api/v1/recommendations/?page_size=1", log=log_dir / "gunicorn.log"
    )
