"""The Celery application: one for the worker, beat and the web process that enqueues."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "upr_tracker.settings.local")

app = Celery("upr_tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
