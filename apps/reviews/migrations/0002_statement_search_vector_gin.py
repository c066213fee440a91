"""GIN index on Statement.search_vector, on PostgreSQL only.

Used by the full-text search `q` of the statements list (apps.common.search.search_queryset:
`search_vector @@ websearch_to_tsquery(...)`). SQLite has no GIN indexes and searches by substring, so
the index is created with raw SQL where the database is PostgreSQL, and is not declared on the model.
"""

from django.db import migrations

INDEX = "statement_search_vector_gin"
TABLE = "reviews_statement"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON {TABLE} USING gin (search_vector)")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
