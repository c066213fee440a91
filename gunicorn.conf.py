"""gunicorn's settings for the web container (Dockerfile CMD) and bench/export_load.py.

Threaded workers (gthread): a request that waits (a file download to a slow client, an export streaming
rows from PostgreSQL, a query) holds one thread, not a whole process, so /healthz and the pages keep
answering while exports run. The sync workers used before let 3 concurrent exports take every worker:
/healthz then waited for one to finish. Export files are built by the Celery worker, not here
(apps/recommendations/exports/http.py); what the web answers in-request is bounded by EXPORT_SYNC_MAX_ROWS.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# A request still running after this long is cut (the worker restarts); the largest in-request export
# (EXPORT_SYNC_MAX_ROWS rows of XLSX) takes a few seconds.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then (a slow leak never grows without bound); jitter keeps them from restarting together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
