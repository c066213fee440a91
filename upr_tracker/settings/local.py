"""The embedded defaults of `make run`: SQLite, a filesystem broker, e-mail to var/mail/."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# Development tools: `manage.py benchmark` (bench/). Never in production's INSTALLED_APPS.
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
