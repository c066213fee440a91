"""Does /healthz keep answering while exports run? A small, bounded load on loopback only.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/upr_bench .venv/bin/python bench/export_load.py

1. Unless --target is given, start gunicorn with the production settings and the image's config
   (gunicorn.conf.py: gthread workers) on 127.0.0.1:--port, against DATABASE_URL (PostgreSQL, holding
   the record, e.g. the UPR Info import) and Redis as broker and cache (--redis).
2. Build the prebuilt files of the whole record first (`export_recommendations --datasets`), as the
   worker does after an import and nightly.
3. Run the phases below, each with --clients concurrent clients (4), while one more thread polls
   /healthz every 100 ms: the worst, median and 99th percentile /healthz times and any answer but 200.
   - full: each client downloads the whole record as CSV, XLSX and JSON through the API
     (`?format=…`, answered with a 303 to the prebuilt file) --rounds times;
   - sync: each client exports the largest filtered lists answered in the request: CSV and JSON of at
     most EXPORT_SYNC_MAX_ROWS rows, XLSX of at most EXPORT_SYNC_MAX_ROWS_XLSX;
   - jobs: each client asks for a filtered list larger than that (a job: 202, or 429 past the limit),
     then the phase waits until a Celery worker (started beside gunicorn, one process) has written them.
4. Print a table (and --json FILE). Everything is bounded: a few dozen requests, to 127.0.0.1 only.

`--worker-class sync --workers 3 --threads 1` reproduces the previous command (sync workers) for comparison.
"""

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Candidate filters for the largest in-request export; the largest at or under the limit is used.
SYNC_CANDIDATES = [
    "cycle=1&response=noted",
    "cycle=2&response=noted",
    "session=17",
    "session=16",
    "session=12",
    "session=10",
    "session=4",
    "session=3",
    "session=2",
    "session=1",
]
JOB_QUERY = "cycle=1&response=noted"  # 5,721 rows of the UPR Info import: just past the limit


@dataclass
class Phase:
    name: str
    seconds: float = 0.0
    requests: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    bytes: int = 0
    health_ms: list[float] = field(default_factory=list)
    health_failures: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        times = sorted(self.health_ms)
        return {
            "phase": self.name,
            "seconds": round(self.seconds, 1),
            "requests": self.requests,
            "statuses": self.statuses,
            "mbytes": round(self.bytes / 1e6, 1),
            "healthz_polls": len(times),
            "healthz_worst_ms": round(times[-1], 1) if times else None,
            "healthz_p50_ms": round(statistics.median(times), 1) if times else None,
            "healthz_p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 1) if times else None,
            "healthz_failures": self.health_failures[:5],
        }


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def fetch(url: str, *, follow: bool = True, timeout: float = 600) -> tuple[int, int, dict[str, str]]:
    """(status, body bytes, headers); the body is read and dropped a block at a time."""
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(NoRedirect())
    try:
        with opener.open(url, timeout=timeout) as response:
            size = 0
            while block := response.read(256 * 1024):
                size += len(block)
            return response.status, size, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, len(error.read()), dict(error.headers or {})


def poll_health(base: str, phase: Phase, stop: threading.Event) -> None:
    while not stop.is_set():
        started = time.perf_counter()
        try:
            status, _size, _headers = fetch(f"{base}/healthz", timeout=30)
        except OSError as error:
            status = 0
            phase.health_failures.append(str(error)[:100])
        elapsed = (time.perf_counter() - started) * 1000
        phase.health_ms.append(elapsed)
        if status != 200:
            phase.health_failures.append(f"status {status} after {elapsed:.0f} ms")
        stop.wait(0.1)


def run_phase(base: str, name: str, clients: int, work: list[str], *, then: Any = None) -> Phase:
    """Each of `clients` threads fetches every URL of `work` in turn, while /healthz is polled; then `then()`
    (still polling), e.g. waiting for the jobs the requests started."""
    phase = Phase(name)
    job_urls: list[str] = []
    stop = threading.Event()
    poller = threading.Thread(target=poll_health, args=(base, phase, stop), daemon=True)
    poller.start()
    lock = threading.Lock()

    def client(_index: int) -> None:
        for url in work:
            status, size, headers = fetch(base + url)
            with lock:
                if status == 202:
                    job_urls.append(headers["Location"])
                phase.requests += 1
                phase.statuses[status] = phase.statuses.get(status, 0) + 1
                phase.bytes += size

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    if then is not None:
        then(job_urls)
    phase.seconds = time.perf_counter() - started
    time.sleep(0.5)  # a few polls after the load
    stop.set()
    poller.join()
    sys.stderr.write(f"{json.dumps(phase.summary())}\n")
    sys.stderr.flush()
    return phase


def wait_for_jobs(urls: list[str], seconds: float = 300) -> None:
    """Poll each job's status URL until it is done or failed."""
    deadline = time.monotonic() + seconds
    for url in urls:
        while time.monotonic() < deadline:
            with urllib.request.urlopen(url, timeout=30) as response:
                status = json.load(response)["status"]
            if status in {"done", "failed"}:
                sys.stderr.write(f"job {status}: {url}\n")
                break
            time.sleep(0.5)
        else:
            raise SystemExit(f"the export job {url} did not finish within {seconds:.0f} s")


def wait_until_up(base: str, server: subprocess.Popen[bytes] | None, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server is not None and server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            if fetch(f"{base}/healthz", timeout=5)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{base}/healthz did not answer 200 within {seconds:.0f} s")


def largest_sync_query(base: str, limit: int) -> tuple[str, int]:
    best = ("", -1)
    for query in SYNC_CANDIDATES:
        with urllib.request.urlopen(f"{base}/api/v1/recommendations/?{query}&page_size=1", timeout=60) as response:
            count = json.load(response)["count"]
        if best[1] < count <= limit:
            best = (query, count)
    if best[1] < 0:
        raise SystemExit(f"no candidate filter selects at most {limit} rows; seed the database first")
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", help="an already running server, e.g. http://127.0.0.1:9650 (none is started)")
    parser.add_argument("--port", type=int, default=9650)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2, help="full downloads of each format per client")
    parser.add_argument("--worker-class", default=None, help="override gunicorn.conf.py (e.g. sync)")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6"))
    parser.add_argument("--sync-max-rows", type=int, default=5000)
    parser.add_argument("--sync-max-rows-xlsx", type=int, default=1000)
    parser.add_argument("--exports-dir", default=str(ROOT / "var" / "bench-exports"))
    parser.add_argument("--skip-datasets", action="store_true", help="the prebuilt files are already built")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("set DATABASE_URL to a PostgreSQL database holding the record (see the docstring)")

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "upr_tracker.settings.production",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_COOKIES": "false",
        "CELERY_BROKER_URL": args.redis,
        "CACHE_URL": args.redis,
        "EXPORTS_DIR": args.exports_dir,
        "EXPORT_SYNC_MAX_ROWS": str(args.sync_max_rows),
        "EXPORT_SYNC_MAX_ROWS_XLSX": str(args.sync_max_rows_xlsx),
        "EXPORT_REBUILD_AFTER_CHANGES": "false",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_BIND": f"127.0.0.1:{args.port}",
        "GUNICORN_ACCESS_LOG": "/dev/null",
        "API_THROTTLE_ANON": "100000/minute",
        # A queue of its own on the bench's Redis: the bench's worker takes the jobs, nobody else.
        "CELERY_TASK_DEFAULT_QUEUE": "bench-export-load",
    }
    python = sys.executable
    if not args.skip_datasets:
        started = time.perf_counter()
        subprocess.run([python, "manage.py", "export_recommendations", "--datasets"], cwd=ROOT, env=env, check=True)
        sys.stderr.write(f"prebuilt files built in {time.perf_counter() - started:.1f} s\n")

    # Jobs of an earlier run from this address would count against the limit (2 per client): remove them.
    subprocess.run(
        [
            python,
            "manage.py",
            "shell",
            "-c",
            "from apps.recommendations.models import ExportJob; ExportJob.objects.filter(client_key='ip:127.0.0.1').delete()",
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server = worker = None
    base = args.target.rstrip("/") if args.target else f"http://127.0.0.1:{args.port}"
    if not args.target:
        command = [python, "-m", "gunicorn", "upr_tracker.wsgi:application", "--config", "gunicorn.conf.py"]
        if args.worker_class:
            command += ["--worker-class", args.worker_class]
        if args.workers:
            command += ["--workers", str(args.workers)]
        if args.threads:
            command += ["--threads", str(args.threads)]
        server = subprocess.Popen(command, cwd=ROOT, env=env)
        # The worker writes export jobs on the same machine, as compose runs it beside web.
        worker = subprocess.Popen(
            [
                python,
                "-m",
                "celery",
                "-A",
                "upr_tracker",
                "worker",
                "--concurrency=1",
                "--loglevel=WARNING",
                "-Q",
                "bench-export-load",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=env,
        )
    try:
        wait_until_up(base, server)
        sync_query, sync_rows = largest_sync_query(base, args.sync_max_rows)
        xlsx_query, xlsx_rows = largest_sync_query(base, args.sync_max_rows_xlsx)
        full = [f"/api/v1/recommendations/?format={fmt}" for fmt in ("csv", "xlsx", "json")] * args.rounds
        phases = [
            run_phase(base, "idle", 1, ["/healthz"] * 20),
            run_phase(base, f"full: {args.clients} clients x {len(full)} whole-record downloads", args.clients, full),
            run_phase(
                base,
                f"sync: {args.clients} clients x CSV+JSON of {sync_rows} rows, XLSX of {xlsx_rows}",
                args.clients,
                [f"/api/v1/recommendations/?{sync_query}&format={fmt}" for fmt in ("csv", "json")]
                + [f"/api/v1/recommendations/?{xlsx_query}&format=xlsx"],
            ),
            run_phase(
                base,
                f"jobs: {args.clients} clients ask for {JOB_QUERY} (a job each, 429 past the limit)",
                args.clients,
                [f"/api/v1/recommendations/?{JOB_QUERY}&format=csv"],
                then=wait_for_jobs if worker is not None else None,
            ),
        ]
    finally:
        for process in (server, worker):
            if process is not None:
                process.terminate()
                process.wait(60)
    summaries = [phase.summary() for phase in phases]
    print(f"{'phase':<78} {'s':>6} {'req':>4} {'MB':>6} {'worst':>7} {'p50':>6} {'p99':>6}  statuses")  # noqa: T201
    for item in summaries:
        print(  # noqa: T201
            f"{item['phase'][:78]:<78} {item['seconds']:>6} {item['requests']:>4} {item['mbytes']:>6} "
            f"{item['healthz_worst_ms']:>7} {item['healthz_p50_ms']:>6} {item['healthz_p99_ms']:>6}  "
            f"{item['statuses']} {'; '.join(item['healthz_failures'])}"
        )
    worst = max(item["healthz_worst_ms"] for item in summaries[1:])
    print(f"worst /healthz while exports ran: {worst:.0f} ms")  # noqa: T201
    if args.json:
        args.json.write_text(json.dumps({"phases": summaries, "worst_healthz_ms": worst}, indent=2))


if __name__ == "__main__":
    main()
