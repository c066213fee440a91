"""A (review_id, id) index on recommendations.

Used by the recommendations list's default order (Recommendation.Meta.ordering: by review, i.e. session
number descending and state name, then id): the API chooses a page's ids with a narrow subquery
(apps.common.api.page_rows), which with this index reads each review's ids from an index-only scan in id
order. Without it, PostgreSQL hashed the whole table for `?theme=…` (~185 ms at 250,000 recommendations;
~6 ms with it). Created here rather than declared on the model (whose Meta the foundation owns); the SQL is
the same on PostgreSQL and SQLite.
"""

from django.db import migrations

INDEX = "rec_review_id_idx"
TABLE = "recommendations_recommendation"


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0004_theme_link_theme_recommendation_idx")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON {TABLE} (review_id, id)",
            f"DROP INDEX IF EXISTS {INDEX}",
            elidable=False,
        )
    ]
