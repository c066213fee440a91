# One image for web, worker and beat (docker-compose.yml picks the command).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=upr_tracker.settings.production
WORKDIR /app

COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock

COPY . .
# collectstatic needs settings but no secrets: a throwaway key and an unused database URL.
RUN DJANGO_SECRET_KEY=collectstatic-only-not-a-real-secret-key-000 DATABASE_URL=sqlite:////tmp/unused.sqlite3 \
    python manage.py collectstatic --noinput \
 && useradd --system --uid 10001 --home /app upr && mkdir -p /app/var/exports && chown -R upr /app/var
USER upr

EXPOSE 8000
# gunicorn.conf.py: threaded workers (gthread), so downloads and exports never hold every process (/healthz).
CMD ["gunicorn", "upr_tracker.wsgi:application", "--config", "gunicorn.conf.py"]
