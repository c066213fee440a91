"""The benchmark as a development-only Django app: local and test settings install it (for
`manage.py benchmark`); production settings do not, and no module under apps/ imports it."""

from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "bench"
    verbose_name = "Benchmarks (development only)"
